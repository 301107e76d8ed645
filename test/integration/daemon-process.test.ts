/**
 * The daemon as a process, run as keepalived is (issue 6): syslog with -S under keepalived's
 * process names (the datagram compared with what keepalived 2.2.7 sent, test/fixtures/syslog),
 * systemd's readiness protocol, keepalived's pid files and its refusal to start twice, and -P / -C
 * selecting the VRRP or the checker subsystem, -V leaving the VIPs at stop. Directors in namespaces;
 * the tests run in order on one lab.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites, startDirector, stopGracefully, vipsOn, vrrpConf, waitForVip, type Director } from './helpers/directors.js';
import { createLab, REPO_ROOT, sleep, type Lab } from './helpers/netns.js';
import { listenUnixDatagrams, type UnixListener } from './helpers/unix-listener.js';

const VIP = '10.99.0.200';
let lab: Lab;
let syslog: UnixListener;
let systemd: UnixListener;
let director: Director;

/** One VRRP instance and one virtual server whose real server (the observer, port 80) refuses connections. */
const CONF = vrrpConf({ state: 'MASTER', priority: 150, vip: `${VIP}/24` }) + `
virtual_server ${VIP} 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 10.99.0.100 80 {
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
}
`;

const fixture = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'syslog', 'keepalived-2.2.7-S0.txt'), 'utf8')
  .split('\n').filter((l) => l.startsWith('"')).map((l) => JSON.parse(l) as string);

/** A syslog datagram without its time stamp and pid: what must equal keepalived's. */
const shape = (line: string) => line.replace(/^(<\d+>)\w{3} [ \d]\d \d\d:\d\d:\d\d (\w+)\[\d+\]: /, '$1 $2: ');
const pidOf = (line: string) => Number(/\[(\d+)\]: /.exec(line)?.[1]);

const status = async (d: Director) => JSON.parse((await promisify(execFile)(process.execPath,
  [join(REPO_ROOT, 'bin', 'keepalived-ts'), 'status', '--json', '--socket', d.statusSocket])).stdout) as { vrrp: unknown[]; virtualServers: { realServers: unknown[] }[] };

beforeAll(async () => {
  requireDirectorPrerequisites(['kts']);
  lab = await createLab('process', {
    namespaces: ['d1', 'd2', 'obs'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] },
      { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] },
      { ns: 'obs', ifname: 'eth0', addrs: ['10.99.0.100/24'] },
    ],
  });
  syslog = listenUnixDatagrams(join(lab.dir, 'log'));
  systemd = listenUnixDatagrams(join(lab.dir, 'notify'));
  director = startDirector(lab, 'd1', 'kts', CONF, {
    args: ['-P', '-S', '0', '--syslog-socket', syslog.path, '--ignore-sigint'],
    env: { NOTIFY_SOCKET: systemd.path },
  });
  await waitForVip(lab, 'd1', VIP, true, 15_000);
}, 30_000);

afterAll(async () => {
  syslog?.close();
  systemd?.close();
  await lab?.cleanup();
});

describe('the daemon as keepalived runs it', () => {
  it('-S 0 logs to syslog as LOG_LOCAL0 under Keepalived_vrrp, the datagram keepalived 2.2.7 sends', async () => {
    const ours = await syslog.waitFor(/\(VI_1\) Entering MASTER STATE$/, 5_000);
    const theirs = fixture.find((l) => l.endsWith('(VI_1) Entering MASTER STATE'))!;
    expect(shape(ours)).toBe(shape(theirs));
    expect(shape(ours)).toBe('<134> Keepalived_vrrp: (VI_1) Entering MASTER STATE');
    expect(pidOf(ours)).toBe(director.proc.pid);
    expect(shape(await syslog.waitFor(/\(VI_1\) Entering BACKUP STATE \(init\)$/, 1_000)))
      .toBe(shape(fixture.find((l) => l.endsWith('(VI_1) Entering BACKUP STATE (init)'))!));
    // The console keeps its own lines (-l) alongside.
    expect(director.proc.stdout()).toMatch(/\(VI_1\) Entering MASTER STATE/);
  });

  it('tells systemd READY=1 once running, RELOADING=1 then READY=1 around a SIGHUP', async () => {
    const ready = await systemd.waitFor(/^READY=1\n/, 5_000);
    expect(ready).toBe(`READY=1\nSTATUS=1 VRRP instance(s), 0 virtual server(s)\nMAINPID=${director.proc.pid}\n`);
    const mark = systemd.messages().length;
    process.kill(director.proc.pid, 'SIGHUP');
    await systemd.waitFor(/^READY=1\n/, 10_000, mark);
    const around = systemd.messages().slice(mark);
    expect(around[0]).toMatch(/^RELOADING=1\nMONOTONIC_USEC=\d+\n$/);
    expect(around[1]).toMatch(/^READY=1\n/);
  });

  it('-P runs VRRP only: the -p and -r pid files hold its pid, no -c file, and the real server is never checked', async () => {
    await sleep(2_500); // delay_loop 1: a checker would have failed the refused real server by now
    expect(readFileSync(director.pidFiles.main, 'utf8')).toBe(`${director.proc.pid}\n`);
    expect(readFileSync(director.pidFiles.vrrp, 'utf8')).toBe(`${director.proc.pid}\n`);
    expect(existsSync(director.pidFiles.checkers)).toBe(false);
    expect(director.proc.stdout()).toMatch(/Running the VRRP subsystem only \(-P\)/);
    expect(director.proc.stdout()).not.toMatch(/TCP_CHECK/);
    const s = await status(director);
    expect([s.vrrp.length, s.virtualServers.length]).toEqual([1, 0]);
  });

  it('a second daemon naming the same pid file refuses to start, as keepalived: "daemon is already running"', async () => {
    const second = startDirector(lab, 'd2', 'kts', vrrpConf({ state: 'MASTER', priority: 200, vip: `${VIP}/24` }), { args: ['-p', director.pidFiles.main] });
    const r = await Promise.race([second.proc.exited, sleep(15_000).then(() => null)]);
    if (!r) second.proc.kill();
    expect(r?.code).toBe(1);
    expect(r?.stdout).toContain(`daemon is already running (pid ${director.proc.pid} in ${director.pidFiles.main})`);
    expect(r?.stdout).not.toMatch(/Entering/);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP);
    expect(await vipsOn(lab, 'd1')).toContain(VIP); // the priority-200 newcomer never took it
    expect(readFileSync(director.pidFiles.main, 'utf8')).toBe(`${director.proc.pid}\n`);
  }, 20_000);

  it('--ignore-sigint: SIGINT leaves the master running; SIGTERM: STOPPING=1 to systemd, and the pid files are removed', async () => {
    process.kill(director.proc.pid, 'SIGINT');
    await director.proc.waitFor(/SIGINT ignored \(--ignore-sigint\)/, 5_000);
    expect(director.proc.child.exitCode).toBeNull();
    expect(await vipsOn(lab, 'd1')).toContain(VIP);
    const mark = systemd.messages().length;
    await stopGracefully(director);
    expect(systemd.messages().slice(mark)).toEqual(['STOPPING=1\n']);
    expect([existsSync(director.pidFiles.main), existsSync(director.pidFiles.vrrp)]).toEqual([false, false]);
    await waitForVip(lab, 'd1', VIP, false, 1_000);
  });

  it('-C runs the checkers only: the real server is checked (syslog Keepalived_healthcheckers), no VRRP on the wire, no VIP', async () => {
    const cap = await lab.tcpdump('obs', 'eth0', ['proto', '112'], { timeoutMs: 20_000 });
    const mark = syslog.messages().length;
    const checkers = startDirector(lab, 'd2', 'kts', CONF, { args: ['-C', '--syslog-socket', syslog.path] });
    const failed = await syslog.waitFor(/TCP_CHECK on service 10\.99\.0\.100:80 failed/, 10_000, mark)
      .catch((e: unknown) => { throw new Error(`${String(e)}; its console: ${checkers.proc.stdout().slice(-1500)}`); });
    expect(failed).toMatch(/^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d Keepalived_healthcheckers\[\d+\]: /); // -S default: daemon
    await sleep(4_000); // past Master_Down_Interval (3 x 1 s + skew): a VRRP instance would be MASTER now
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP);
    expect(await cap.stop()).not.toMatch(/VRRP/);
    const s = await status(checkers);
    expect([s.vrrp.length, s.virtualServers.length, s.virtualServers[0]?.realServers.length]).toEqual([0, 1, 1]);
    expect(readFileSync(checkers.pidFiles.checkers, 'utf8')).toBe(`${checkers.proc.pid}\n`);
    expect(existsSync(checkers.pidFiles.vrrp)).toBe(false);
    expect(checkers.proc.stdout()).toMatch(/Running the checkers only \(-C\)/);
    await stopGracefully(checkers);
  }, 30_000);

  it('-V: a stopped MASTER leaves its VIP and sends no priority-0 advert, as keepalived 2.2.7 -V does; -G: nothing to syslog', async () => {
    // Measured on keepalived 2.2.7: with -V, SIGTERM sends nothing more and the VIP stays on the interface.
    const master = startDirector(lab, 'd1', 'kts', vrrpConf({ state: 'MASTER', priority: 255, vip: `${VIP}/24` }),
      { args: ['-V', '--syslog-socket', syslog.path, '-G'] });
    await waitForVip(lab, 'd1', VIP, true, 15_000);
    const cap = await lab.tcpdump('obs', 'eth0', ['proto', '112'], { timeoutMs: 20_000 });
    await sleep(1_500); // an advert or two from the running master
    await stopGracefully(master);
    await sleep(1_500); // a priority-0 advert would be on the wire by now
    const wire = await cap.stop();
    expect(wire).toMatch(/10\.99\.0\.11 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 255/);
    expect(wire).not.toMatch(/prio 0,/);
    expect(await vipsOn(lab, 'd1')).toContain(VIP);
    expect(master.proc.stdout()).toMatch(/\(VI_1\) Entering MASTER STATE/);
    expect(syslog.messages().filter((m) => pidOf(m) === master.proc.pid)).toEqual([]);
    await lab.exec('d1', ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
  }, 30_000);
});
