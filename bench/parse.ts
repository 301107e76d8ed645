/**
 * Config parse + validate benchmark: writes a keepalived.conf with 1,000 virtual_servers × 10
 * real_servers (each with a TCP_CHECK) + 50 vrrp_instances into a temp dir, then times
 * `bin/keepalived-ts -t -f FILE` (the built CLI, as users run it) and `/usr/sbin/keepalived -t -f FILE`
 * on the same file, measuring wall time and peak RSS with GNU time (`/usr/bin/time -f`).
 * Run: npm run build && npx tsx bench/parse.ts [runs]   (default 5 runs each, medians printed)
 *
 * `--stages` also splits a keepalived-ts run into its stages, each timed in a fresh `node` (so JIT
 * and GC are as cold as under -t) with CPU time (process.cpuUsage, less sensitive to a loaded
 * machine than wall time): module loading of the -t path, reading the file, buildTree (preprocess +
 * lexer + nearley tree), and loadFromTree (keyword layer + validation).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEEPALIVED = '/usr/sbin/keepalived';
const GNU_TIME = '/usr/bin/time';
const args = process.argv.slice(2);
const withStages = args.includes('--stages');
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);

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

interface Sample { wallMs: number; maxRssKb: number; exit: number }

/** One run under GNU time; peak RSS covers the largest waited-for descendant too (keepalived forks). */
function measure(cmd: string, args: string[]): Sample {
  const r = spawnSync(GNU_TIME, ['-f', 'KTS_TIME %e %M %x', cmd, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  const line = (r.stderr ?? '').split('\n').reverse().find((l) => l.startsWith('KTS_TIME'));
  if (!line) throw new Error(`no timing from ${cmd}: ${r.error?.message ?? r.stderr?.slice(-500)}`);
  const [, e, m, x] = line.split(' ');
  return { wallMs: Number(e) * 1000, maxRssKb: Number(m), exit: Number(x) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function bench(label: string, cmd: string, args: string[]): { label: string; wallMs: number; maxRssKb: number; exit: number } {
  const s = Array.from({ length: runs }, () => measure(cmd, args));
  return { label, wallMs: median(s.map((x) => x.wallMs)), maxRssKb: median(s.map((x) => x.maxRssKb)), exit: s[0]!.exit };
}

/** Runs in a fresh node process (as an ES module): prints one JSON line of stage CPU times. */
const STAGES_SCRIPT = `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const [dist, file] = process.argv.slice(1);
let t = cpu();
const { buildTree } = await import(dist + '/config/tree.js');
const { loadFromTree } = await import(dist + '/config/load.js');
const { fsConfigSource } = await import(dist + '/daemon/config-source.js');
const cli = await import(dist + '/daemon/cli.js');
const out = { importMs: cpu() - t };
t = cpu();
const source = fsConfigSource();
const text = source.readFile(file);
out.readMs = cpu() - t;
t = cpu();
const tree = buildTree(file, { source: { readFile: (p) => (p === file ? text : source.readFile(p)), glob: source.glob }, configId: 'bench', env: process.env });
out.treeMs = cpu() - t;
t = cpu();
const r = loadFromTree(tree, { knownInterfaces: cli.hostInterfaces(), scriptEnv: cli.hostScriptEnv() });
out.keywordsMs = cpu() - t;
out.heapMiB = process.memoryUsage().heapUsed / 1048576;
out.exit = r.exitCode;
console.log(JSON.stringify(out));
`;

function stages(file: string): void {
  const samples: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', STAGES_SCRIPT, join(REPO, 'dist'), file], { encoding: 'utf8', timeout: 300_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`stages run failed: ${r.stderr.slice(-500)}`);
    samples.push(JSON.parse(line) as Record<string, number>);
  }
  const keys = ['importMs', 'readMs', 'treeMs', 'keywordsMs', 'heapMiB'];
  console.log(`keepalived-ts stages (CPU ms, median of ${runs} fresh processes): ` +
    keys.map((k) => `${k.replace(/Ms$|MiB$/, '')} ${median(samples.map((s) => s[k]!)).toFixed(k === 'heapMiB' ? 1 : 0)}${k === 'heapMiB' ? ' MiB' : ''}`).join(', '));
}

function main(): void {
  for (const [p, hint] of [[GNU_TIME, 'apt-get install time'], [join(REPO, 'dist', 'daemon', 'cli.js'), 'npm run build'], [KEEPALIVED, 'apt-get install keepalived']] as const) {
    if (!existsSync(p)) { console.error(`missing ${p} (${hint})`); process.exit(1); }
  }
  const dir = mkdtempSync(join(tmpdir(), `kts-bench-parse-${process.pid}-`));
  try {
    const file = join(dir, 'keepalived.conf');
    writeFileSync(file, generateConfig());
    const lines = readFileSync(file, 'utf8').split('\n').length;
    console.log(`config: 1000 virtual_servers x 10 real_servers (TCP_CHECK) + 50 vrrp_instances, ${lines} lines; median of ${runs} runs`);
    const ours = bench('keepalived-ts -t', process.execPath, [join(REPO, 'bin', 'keepalived-ts'), '-t', '-f', file]);
    const theirs = bench('keepalived -t', KEEPALIVED, ['-t', '-f', file]);
    for (const r of [ours, theirs]) {
      console.log(`${r.label.padEnd(18)} wall ${r.wallMs.toFixed(0).padStart(6)} ms   peak RSS ${(r.maxRssKb / 1024).toFixed(1).padStart(7)} MiB   exit ${r.exit}`);
    }
    console.log(`ratio keepalived-ts / keepalived: wall x${(ours.wallMs / theirs.wallMs).toFixed(2)}, peak RSS x${(ours.maxRssKb / theirs.maxRssKb).toFixed(2)}`);
    if (ours.exit !== theirs.exit) console.log(`note: exit codes differ (ours ${ours.exit}, keepalived ${theirs.exit})`);
    const floor = bench('node -e 0', process.execPath, ['-e', '0']);
    console.log(`node start-up floor (node -e 0): wall ${floor.wallMs.toFixed(0)} ms, peak RSS ${(floor.maxRssKb / 1024).toFixed(1)} MiB`);
    if (withStages) stages(file);
    console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
