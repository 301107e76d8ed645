/**
 * `npm run demo`: a real master/backup failover in network namespaces. Two directors run
 * keepalived-ts on examples/demo/*.conf (the LVS-DR tutorial's shape), a client reaches the VIP,
 * director 1 is killed with SIGKILL, director 2 takes the VIP over and mails the alert to a local
 * SMTP catcher. Prints a timeline; exits 0 only if the failover happened. Everything it creates is
 * removed at the end (namespaces, processes).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, REPO_ROOT, run, sleep, until, type Lab, type Process } from './lab.js';

const VIP = '10.99.0.200';
const HOSTS = { d1: '10.99.0.11', d2: '10.99.0.12', rs1: '10.99.0.21', rs2: '10.99.0.22', client: '10.99.0.100' } as const;
const t0 = Date.now();
const say = (msg: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(3).padStart(7)}s] ${msg}\n`);

/** A one-line HTTP responder (node) answering `text` on port 80 of its namespace. */
const httpResponder = (text: string) =>
  [process.execPath, '-e', `require('http').createServer((q,s)=>s.end(${JSON.stringify(text + '\n')})).listen(80)`];

async function clientGet(lab: Lab, url: string): Promise<string> {
  const code = `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(2000)}).then(r=>r.text()).then(t=>process.stdout.write(t),e=>{process.stdout.write('no answer ('+e.message+')');})`;
  return (await lab.exec('client', [process.execPath, '-e', code], { allowFail: true })).stdout.trim();
}

/** Waits for a line matching `re` printed after `mark` (an earlier stdout length). */
const waitAfter = (p: Process, mark: number, re: RegExp, timeoutMs: number, what: string) =>
  until(() => (re.test(p.stdout().slice(mark)) ? true : undefined), timeoutMs, what);

async function ipvsAvailable(): Promise<boolean> {
  return existsSync('/proc/net/ip_vs') || existsSync(`/lib/modules/${(await import('node:os')).release()}/kernel/net/netfilter/ipvs`);
}

export async function runDemo(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('demo: needs root (it creates network namespaces)\n');
    return 1;
  }
  say('building the lab: namespaces d1, d2 (directors), rs1, rs2 (real servers), client, on one bridge 10.99.0.0/24');
  const lab = await createLab('demo', {
    namespaces: ['d1', 'd2', 'rs1', 'rs2', 'client'],
    bridge: (Object.entries(HOSTS) as [keyof typeof HOSTS, string][]).map(([ns, ip]) => ({ ns, ifname: 'eth0', addrs: [`${ip}/24`] })),
  });
  let ok = false;
  try {
    for (const rs of ['rs1', 'rs2'] as const) lab.spawn(rs, httpResponder(`real server ${rs}`));
    for (const d of ['d1', 'd2'] as const) lab.spawn(d, httpResponder(`director ${d === 'd1' ? '1' : '2'} (holds the VIP)`));
    const catcher = lab.spawn('client', [process.execPath, join(REPO_ROOT, 'dist', 'daemon', 'demo-mail-catcher.js'), HOSTS.client, '2525']);
    await catcher.waitFor(/^listening/, 10_000);
    say(`mail catcher listening on ${HOSTS.client}:2525 (client namespace)`);

    const cli = join(REPO_ROOT, 'bin', 'keepalived-ts');
    const socketOf = (ns: string) => join(lab.dir, `${ns}.sock`);
    const start = (ns: 'd1' | 'd2', conf: string): Process =>
      lab.spawn(ns, [process.execPath, cli, '-f', join(REPO_ROOT, 'examples', 'demo', conf), '-l', '--status-socket', socketOf(ns),
        '-p', join(lab.dir, `${ns}.pid`), '-r', join(lab.dir, `${ns}.vrrp.pid`), '-c', join(lab.dir, `${ns}.checkers.pid`),
        '-G']); // the lab's directors stay out of the host's syslog
    const d1 = start('d1', 'director1.conf');
    const d2 = start('d2', 'director2.conf');
    say('keepalived-ts started: director 1 (state MASTER, priority 150) and director 2 (state BACKUP, priority 100)');

    await d1.waitFor(/Entering MASTER STATE/, 15_000);
    say(`director 1: (VI_1) Entering MASTER STATE - it holds ${VIP}`);
    // Whichever started first may have been master for a moment; wait until director 2 is BACKUP.
    const lastState = (p: Process) => p.stdout().split('\n').filter((l) => /Entering \w+ STATE/.test(l)).at(-1) ?? '';
    await until(() => (lastState(d2).includes('Entering BACKUP STATE') ? true : undefined), 10_000, 'director 2 to settle in BACKUP');
    say('director 2: (VI_1) Entering BACKUP STATE');
    say(`client -> http://${VIP}/ : ${await clientGet(lab, `http://${VIP}/`)}`);

    await sleep(1_500);
    const killedAt = Date.now();
    const mark = d2.stdout().length;
    process.kill(d1.pid, 'SIGKILL');
    say('director 1 killed with SIGKILL (no goodbye: the backup must notice the silence)');
    await waitAfter(d2, mark, /Entering MASTER STATE/, 10_000, 'director 2 to become MASTER');
    const took = Date.now() - killedAt;
    say(`director 2: (VI_1) Entering MASTER STATE - ${took} ms after the kill (Master_Down_Interval = 3 x 1 s + skew 0.61 s)`);
    await sleep(300);
    const answer = await clientGet(lab, `http://${VIP}/`);
    say(`client -> http://${VIP}/ : ${answer}`);
    // A path-named Unix socket is reachable from any network namespace: ask from here.
    const st = await run(process.execPath, [cli, 'status', '--socket', socketOf('d2')], 10_000);
    say(`keepalived-ts status (director 2):\n${st.stdout.trimEnd().split('\n').map((l) => `            ${l}`).join('\n')}`);

    // Director 1 mailed when it became master at start; the failover alert is director 2's.
    const mail = await catcher.waitFor(/\[DIRECTOR2\] VRRP Instance VI_1 - Entering MASTER state/, 15_000).catch(() => null);
    say(mail ? `failover alert mail received: ${mailSummary(mail)}` : 'no failover alert mail from director 2 arrived within 15 s');

    say((await ipvsAvailable())
      ? 'IPVS: available in this kernel'
      : 'IPVS: this kernel has no ip_vs module, so the virtual_server part (forwarding to rs1/rs2) is not programmed here; the IPVS backend is exercised inside user-mode-linux by `npm test`');
    ok = answer.startsWith('director 2') && mail !== null;
    say(ok ? 'failover demonstrated: the backup took the VIP over and alerted by mail' : 'FAILED: the failover was not completed');
  } catch (err) {
    say(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await lab.cleanup();
    say('lab removed');
  }
  return ok ? 0 : 1;
}

runDemo().then((code) => process.exit(code), (err: unknown) => { process.stderr.write(`${String(err)}\n`); process.exit(1); });

/** The catcher prints each mail as one JSON line (headers, body, …); the demo shows who, what and the body. */
function mailSummary(line: string): string {
  const json = line.slice(line.indexOf('{'));
  try {
    const m = JSON.parse(json) as { from?: string; to?: string[]; subject?: string; body?: string };
    return `From ${m.from} to ${(m.to ?? []).join(', ')}: "${m.subject}" / ${JSON.stringify((m.body ?? '').trim())}`;
  } catch {
    return line;
  }
}
