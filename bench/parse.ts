/**
 * Config parse + validate benchmark: writes a keepalived.conf with 1,000 virtual_servers × 10
 * real_servers (each with a TCP_CHECK) + 50 vrrp_instances into a temp dir, then times
 * `bin/keepalived-ts -t -f FILE` (the built CLI, run directly as users run it) and
 * `/usr/sbin/keepalived -t -f FILE` on the same file, measuring wall time, CPU time, peak RSS and
 * minor page faults with GNU time (`/usr/bin/time -f`).
 * Run: npm run build && npx tsx bench/parse.ts [runs]   (default 5 runs each, medians printed)
 *
 * The three commands alternate run by run (the shared VM's load drifts); CPU time (user + sys) and
 * minor page faults are printed too, as they vary less than wall time on a busy machine.
 *
 * `--stages` also splits a keepalived-ts run into its stages, each timed in a fresh `node` (so JIT
 * and GC are as cold as under -t) with CPU time (process.cpuUsage): importing the CLI bundle,
 * reading the file, buildTree alone (preprocess + lexer + nearley tree), and loadConfig (tree +
 * keyword layer + validation, interpreted as statements stream in, as -t runs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEEPALIVED = '/usr/sbin/keepalived';
const GNU_TIME = '/usr/bin/time';
const args = process.argv.slice(2);
const withStages = args.includes('--stages');
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
/**
 * `--against=DIR`: also time an older build, alternating with this one run by run (DIR holds its
 * bin/ and a built dist/, e.g. a `git worktree` of the old commit after `npm run build`, or copies
 * of both with node_modules linked). The shared VM's load drifts too much to compare separate runs.
 */
const against = args.find((a) => a.startsWith('--against='))?.slice('--against='.length);

export function generateConfig(virtualServers = 1000, realServers = 10, instances = 50): string {
  const out: string[] = ['global_defs {', '    router_id bench', '}'];
  for (let i = 0; i < instances; i++) {
    out.push(`vrrp_instance VI_${i} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${i + 1}`, `    priority ${100 + (i % 50)}`,
      '    advert_int 1', '    authentication {', '        auth_type PASS', '        auth_pass bench', '    }',
      '    virtual_ipaddress {', `        10.100.${i}.1/24`, `        10.100.${i}.2/24`, '    }', '}');
  }
  for (let v = 0; v < virtualServers; v++) {
    out.push(`virtual_server 10.1.${v >> 8}.${v & 255} 80 {`, '    delay_loop 10', '    lb_algo wrr', '    lb_kind DR', '    protocol TCP', '    persistence_timeout 50');
    for (let r = 0; r < realServers; r++) {
      const n = v * realServers + r;
      out.push(`    real_server 10.2.${n >> 8 & 255}.${n & 255} 80 {`, '        weight 1', '        TCP_CHECK {', '            connect_timeout 3',
        '            retry 3', '            delay_before_retry 3', '            connect_port 80', '        }', '    }');
    }
    out.push('}');
  }
  return out.join('\n') + '\n';
}

interface Sample { wallMs: number; cpuMs: number; maxRssKb: number; minorFaults: number; exit: number }

/**
 * One run under GNU time; peak RSS covers the largest waited-for descendant too (keepalived forks).
 * Minor page faults are worth watching: on this VM each fresh page costs ~15 us.
 */
function measure(cmd: string, args: string[]): Sample {
  const r = spawnSync(GNU_TIME, ['-f', 'KTS_TIME %e %U %S %M %R %x', cmd, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  const line = (r.stderr ?? '').split('\n').reverse().find((l) => l.startsWith('KTS_TIME'));
  if (!line) throw new Error(`no timing from ${cmd}: ${r.error?.message ?? r.stderr?.slice(-500)}`);
  const [, e, u, sys, m, faults, x] = line.split(' ');
  return { wallMs: Number(e) * 1000, cpuMs: (Number(u) + Number(sys)) * 1000, maxRssKb: Number(m), minorFaults: Number(faults), exit: Number(x) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Result = Sample & { label: string };

function summarize(label: string, s: Sample[]): Result {
  const med = (k: keyof Sample): number => median(s.map((x) => x[k]));
  return { label, wallMs: med('wallMs'), cpuMs: med('cpuMs'), maxRssKb: med('maxRssKb'), minorFaults: med('minorFaults'), exit: s[0]!.exit };
}

/** Runs the commands in turn, `runs` rounds, so a change in machine load hits them alike. */
function benchAlternating(cmds: { label: string; cmd: string; args: string[] }[]): Result[] {
  const samples = cmds.map(() => [] as Sample[]);
  for (let i = 0; i < runs; i++) cmds.forEach((c, k) => samples[k]!.push(measure(c.cmd, c.args)));
  return cmds.map((c, k) => summarize(c.label, samples[k]!));
}

/**
 * Runs in a fresh node process (as an ES module) and prints one JSON line of stage CPU times.
 * `tree`: buildTree alone (its statements dropped as they come); `load`: what -t runs, loadConfig
 * (tree, keyword layer and validation, statements interpreted as they stream). The GC flag is the
 * one bin/keepalived-ts sets for -t.
 */
const STAGES_SCRIPT = `
import { setFlagsFromString } from 'node:v8';
setFlagsFromString('--semi-space-growth-factor=1');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const [bundle, dist, file, stage] = process.argv.slice(1);
let t = cpu();
const cli = await import(bundle);
const out = { importMs: cpu() - t };
// The stages themselves come from the separate dist/ modules (the bundle exports only the CLI):
// the same code, as cold as under -t.
const { buildTree } = await import(dist + '/config/tree.js');
const { loadConfig } = await import(dist + '/config/load.js');
const { fsConfigSource } = await import(dist + '/daemon/config-source.js');
t = cpu();
const source = fsConfigSource();
const text = source.readFile(file);
out.readMs = cpu() - t;
const opts = { source: { readFile: (p) => (p === file ? text : source.readFile(p)), glob: source.glob }, configId: 'bench', env: process.env };
t = cpu();
if (stage === 'tree') {
  let statements = 0;
  buildTree(file, opts, () => statements++);
  out.treeMs = cpu() - t;
} else {
  out.exit = loadConfig(file, { ...opts, knownInterfaces: cli.hostInterfaces(), scriptEnv: cli.hostScriptEnv() }).exitCode;
  out.loadMs = cpu() - t;
}
out.heapMiB = process.memoryUsage().heapUsed / 1048576;
console.log(JSON.stringify(out));
`;

function stages(file: string): void {
  const roots = against ? [REPO, resolve(against)] : [REPO];
  const all = roots.map(() => [] as Record<string, number>[]);
  for (let i = 0; i < runs; i++) {
    roots.forEach((root, n) => all[n]!.push(stageSample(file, root)));
  }
  const keys = ['importMs', 'readMs', 'treeMs', 'loadMs', 'heapMiB'];
  roots.forEach((root, n) => {
    const samples = all[n]!;
    console.log(`keepalived-ts${root === REPO ? '' : ` (${root})`} stages (CPU ms, median of ${runs} fresh processes; load = tree + keywords + validation): ` +
      keys.map((k) => `${k.replace(/Ms$|MiB$/, '')} ${median(samples.map((s) => s[k]!)).toFixed(k === 'heapMiB' ? 1 : 0)}${k === 'heapMiB' ? ' MiB' : ''}`).join(', '));
  });
}

function stageSample(file: string, root: string): Record<string, number> {
  const bundle = pathToFileURL(join(root, 'dist', 'daemon', 'cli.bundle.js')).href;
  const dist = pathToFileURL(join(root, 'dist')).href;
  const sample: Record<string, number> = {};
  for (const stage of ['tree', 'load']) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', STAGES_SCRIPT, bundle, dist, file, stage], { encoding: 'utf8', timeout: 300_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`stages run failed: ${r.stderr.slice(-500)}`);
    const got = JSON.parse(line) as Record<string, number>;
    if (stage === 'load') sample.heapMiB = got.heapMiB!;
    for (const [k, v] of Object.entries(got)) if (k !== 'heapMiB') sample[k] = v;
  }
  return sample;
}

function main(): void {
  for (const [p, hint] of [[GNU_TIME, 'apt-get install time'], [join(REPO, 'dist', 'daemon', 'cli.bundle.js'), 'npm run build'], [KEEPALIVED, 'apt-get install keepalived']] as const) {
    if (!existsSync(p)) { console.error(`missing ${p} (${hint})`); process.exit(1); }
  }
  const dir = mkdtempSync(join(tmpdir(), `kts-bench-parse-${process.pid}-`));
  try {
    const file = join(dir, 'keepalived.conf');
    writeFileSync(file, generateConfig());
    const lines = readFileSync(file, 'utf8').split('\n').length;
    console.log(`config: 1000 virtual_servers x 10 real_servers (TCP_CHECK) + 50 vrrp_instances, ${lines} lines; median of ${runs} runs`);
    // bin/keepalived-ts run directly, as users run it (its shebang starts node).
    const [ours, theirs, floor, ...old] = benchAlternating([
      { label: 'keepalived-ts -t', cmd: join(REPO, 'bin', 'keepalived-ts'), args: ['-t', '-f', file] },
      { label: 'keepalived -t', cmd: KEEPALIVED, args: ['-t', '-f', file] },
      { label: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
      ...(against ? [{ label: 'old keepalived-ts -t', cmd: join(resolve(against), 'bin', 'keepalived-ts'), args: ['-t', '-f', file] }] : []),
    ]) as [Result, Result, Result, ...Result[]];
    for (const r of [ours, theirs, floor, ...old]) {
      console.log(`${r.label.padEnd(20)} wall ${r.wallMs.toFixed(0).padStart(6)} ms   CPU ${r.cpuMs.toFixed(0).padStart(5)} ms   peak RSS ${(r.maxRssKb / 1024).toFixed(1).padStart(7)} MiB   minor faults ${String(r.minorFaults).padStart(6)}   exit ${r.exit}`);
    }
    console.log(`ratio keepalived-ts / keepalived: wall x${(ours.wallMs / theirs.wallMs).toFixed(2)}, CPU x${(ours.cpuMs / theirs.cpuMs).toFixed(2)}, peak RSS x${(ours.maxRssKb / theirs.maxRssKb).toFixed(2)}`);
    console.log(`keepalived-ts above the node start-up floor: wall +${(ours.wallMs - floor.wallMs).toFixed(0)} ms, CPU +${(ours.cpuMs - floor.cpuMs).toFixed(0)} ms`);
    if (ours.exit !== theirs.exit) console.log(`note: exit codes differ (ours ${ours.exit}, keepalived ${theirs.exit})`);
    if (withStages) stages(file);
    console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
