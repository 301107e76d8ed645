/**
 * Checker cost: CPU and RSS of keepalived-ts checking N real servers (TCP_CHECK, delay_loop 1,
 * connect_timeout 2) next to keepalived's checker (`keepalived -n -l -C`) on the same config.
 *
 * Run as root from the repo root, after `npm run build`:
 *   npx tsx bench/checkers.ts [N[,N…]] [windowS] [maxWarmupS]     (default 1000,10000 20 40)
 *   npx tsx bench/checkers.ts --uml 200 10 25                      (cross-check inside UML)
 *   npx tsx bench/checkers.ts --cpu-prof DIR 1000                  (node --cpu-prof of keepalived-ts)
 *   npx tsx bench/checkers.ts --kts-root DIR 1000                  (another build's bin/keepalived-ts)
 *
 * Where: keepalived's checker exits at start-up when IPVS cannot be initialised ("IPVS: Can't
 * initialize ipvs … exited with permanent error FATAL"), and this host's kernel has no ip_vs.
 *  - default, on the host: keepalived runs with an LD_PRELOAD shim (IPVS_SHIM_C) that answers its
 *    IPVS socket options as an empty IPVS whose updates all succeed; keepalived-ts runs without
 *    IPVS. In the window every real server stays up, so neither touches IPVS there.
 *  - `--uml`: both in one user-mode-linux boot with the real ip_vs. UML system calls are so
 *    expensive (~1.5 ms of CPU per check for keepalived) that 1,000 checks/s is out of reach; it
 *    is kept as a cross-check at a few hundred real servers.
 * Either way the two daemons run one after the other on the same generated config and the same
 * listeners; nothing leaves the loopback (of the host or of UML).
 *
 * How: one TCP listener per real server on 127.2.<i/1000>.1:20000+(i%1000) (host: a small C
 * epoll accept-and-close loop, LISTENER_C; UML: node servers with an error handler on accepted
 * sockets) counts accepted connections = checks done. Each daemon starts in its own process
 * group; after a warm-up (>= 5 s, then until two consecutive seconds see >= 95 % of N checks, or
 * maxWarmupS) a fixed window measures CPU = utime+stime from /proc/<pid>/stat summed over the
 * process group (keepalived: parent + checker child; node: one process, all threads), RSS summed
 * over the group (peak of 1 s samples) and the checks. The group is then stopped (SIGTERM, then
 * SIGKILL), the listeners closed and the temp dirs removed.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

type Impl = 'keepalived' | 'keepalived-ts';

interface RunResult {
  impl: Impl;
  n: number;
  windowS: number;
  warmupS: number;
  /** CPU seconds (utime+stime) of the daemon's process group in the window. */
  cpuS: number;
  /** The utime part of cpuS. */
  userS: number;
  checks: number;
  perSecMin: number;
  perSecMax: number;
  /** Peak summed RSS of the group during the window, KiB. */
  rssKb: number;
  /** RSS per process at the end of the window, `pid:comm:KiB`. */
  rssByProc: string[];
  /** CPU seconds of the listener/driver process in the window (same work for both; context). */
  listenerCpuS: number;
  settled: boolean;
  note?: string;
}

const RS_PER_VS = 100;
const PORTS_PER_ADDR = 1000;
const LINE = 'KTS-CHECKERS-RESULT ';
/** Repo root (bin/keepalived-ts is relative to it); the UML script already runs there. */
const REPO = process.cwd();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function rsEndpoint(i: number): { ip: string; port: number } {
  return { ip: `127.2.${Math.floor(i / PORTS_PER_ADDR)}.1`, port: 20000 + (i % PORTS_PER_ADDR) };
}

/** n real servers, RS_PER_VS per virtual server, every one with a TCP_CHECK. */
export function makeConfig(n: number): string {
  const out: string[] = ['global_defs {', '  router_id bench_checkers', '}'];
  for (let v = 0; v * RS_PER_VS < n; v++) {
    out.push(`virtual_server 10.90.${Math.floor(v / 250)}.${(v % 250) + 1} 80 {`, '  delay_loop 1', '  lb_algo rr',
      '  lb_kind NAT', '  protocol TCP');
    for (let i = v * RS_PER_VS; i < Math.min(n, (v + 1) * RS_PER_VS); i++) {
      const { ip, port } = rsEndpoint(i);
      out.push(`  real_server ${ip} ${port} {`, '    weight 1', '    TCP_CHECK {', '      connect_timeout 2', '    }', '  }');
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- inside UML

interface ProcStat { pid: number; comm: string; ticks: number; uticks: number; rssKb: number }

/** Processes whose process group is pgid, with utime+stime (clock ticks) and RSS. */
function groupStats(pgid: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let text: string;
    try { text = readFileSync(`/proc/${d}/stat`, 'utf8'); } catch { continue; }
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' '); // f[0] = field 3 (state)
    if (Number(f[2]) !== pgid) continue;
    out.push({ pid: Number(d), comm, ticks: Number(f[11]) + Number(f[12]), uticks: Number(f[11]), rssKb: Number(f[21]) * 4 });
  }
  return out;
}

const sum = (xs: ProcStat[], k: 'ticks' | 'uticks' | 'rssKb'): number => xs.reduce((a, x) => a + x[k], 0);

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  await Promise.race([exited, sleep(30_000)]);
  for (let i = 0; i < 20 && groupStats(pid).length > 0; i++) await sleep(250);
  if (groupStats(pid).length > 0) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
}

interface RunEnv {
  /** LD_PRELOAD for keepalived on a host without IPVS (see IPVS_SHIM_C). */
  keepalivedPreload?: string;
  /** Extra node flags for keepalived-ts, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Compiled LISTENER_C; without it the listeners run in this node process. */
  listenerBin?: string;
  /** Where bin/keepalived-ts is (another build, for before/after comparisons); default the repo. */
  ktsRoot?: string;
}

/** The real servers: count of accepted connections (= checks done) and their own CPU. */
interface Listeners {
  accepted(): Promise<number>;
  /** CPU seconds used so far by whatever serves the listeners. */
  cpuS(): number;
  close(): Promise<void>;
}

/** In this node process (inside UML, where no compiler output is at hand). */
async function nodeListeners(n: number): Promise<Listeners> {
  let accepted = 0;
  const servers: net.Server[] = [];
  const onConn = (s: net.Socket): void => {
    accepted++;
    s.on('error', () => {});
    s.end();
  };
  await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((res, rej) => {
    const { ip, port } = rsEndpoint(i);
    const srv = net.createServer(onConn);
    srv.once('error', rej);
    srv.listen({ host: ip, port, backlog: 128 }, () => res());
    servers.push(srv);
  })));
  return {
    accepted: () => Promise.resolve(accepted),
    cpuS: () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; },
    close: () => Promise.all(servers.map((x) => new Promise<void>((r) => x.close(() => r())))).then(() => undefined),
  };
}

/**
 * A small epoll accept-and-close loop in C (on the host: a node listener costs about as much CPU
 * per connection as the checker under test, and at 10,000 checks/s it became the bottleneck).
 * Each byte written to its stdin is answered with the running count of accepted connections.
 */
const LISTENER_C = `#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int n = atoi(argv[1]), ppa = atoi(argv[2]);
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = 0 };
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
  for (int i = 0; i < n; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(20000 + i % ppa) };
    char ip[32];
    snprintf(ip, sizeof ip, "127.2.%d.1", i / ppa);
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 128)) {
      fprintf(stderr, "listen %s:%d: %s\\n", ip, 20000 + i % ppa, strerror(errno));
      return 1;
    }
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  printf("ready\\n");
  fflush(stdout);
  unsigned long long accepted = 0;
  struct epoll_event evs[256];
  for (;;) {
    int k = epoll_wait(ep, evs, 256, -1);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return 1;
    for (int j = 0; j < k; j++) {
      int fd = evs[j].data.fd;
      if (fd == 0) {
        char buf[64];
        ssize_t r = read(0, buf, sizeof buf);
        if (r <= 0) return 0; /* the driver is gone */
        for (ssize_t q = 0; q < r; q++) printf("%llu\\n", accepted);
        fflush(stdout);
        continue;
      }
      for (int c; (c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0;) {
        accepted++;
        close(c);
      }
    }
  }
}
`;

async function cListeners(bin: string, n: number): Promise<Listeners> {
  const child = spawn(bin, [String(n), String(PORTS_PER_ADDR)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((line: string) => void)[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  const next = (): Promise<string> => new Promise((r) => waiting.push(r));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = await Promise.race([next(), exited.then(() => 'exited')]);
  if (ready !== 'ready') throw new Error('listener failed to start');
  return {
    accepted: async () => { const p = next(); child.stdin!.write('c'); return Number(await p); },
    cpuS: () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    },
    close: async () => { child.stdin!.end(); await Promise.race([exited, sleep(2000)]); child.kill('SIGKILL'); },
  };
}

async function innerRun(impl: Impl, n: number, windowS: number, maxWarmS: number, dir: string, env: RunEnv): Promise<RunResult> {
  const ls = env.listenerBin ? await cListeners(env.listenerBin, n) : await nodeListeners(n);
  const conf = join(dir, `n${n}.conf`);
  writeFileSync(conf, makeConfig(n));
  const logFile = join(dir, `${impl}-${n}.log`);
  const logFd = openSync(logFile, 'w');
  const [cmd, args] = impl === 'keepalived'
    ? ['/usr/sbin/keepalived', ['-n', '-l', '-C', '-f', conf, '-p', join(dir, 'k.pid'), '-c', join(dir, 'c.pid'), '-r', join(dir, 'v.pid')]]
    : [process.execPath, [...(env.nodeArgs ?? []), 'bin/keepalived-ts', '-f', conf, '-l', '-p', join(dir, 'k.pid'), '-c', join(dir, 'c.pid'), '-r', join(dir, 'v.pid')]];
  const childEnv = impl === 'keepalived' && env.keepalivedPreload ? { ...process.env, LD_PRELOAD: env.keepalivedPreload } : process.env;
  const child = spawn(cmd, args as string[], { detached: true, stdio: ['ignore', logFd, logFd], env: childEnv, cwd: impl === 'keepalived-ts' ? (env.ktsRoot ?? REPO) : REPO });
  closeSync(logFd);
  const pgid = child.pid!;
  let note: string | undefined;
  try {
    // Warm-up: at least 5 s, then until two consecutive seconds each see >= 95 % of n checks.
    const started = Date.now();
    let prev = await ls.accepted(), good = 0, settled = false;
    while ((Date.now() - started) / 1000 < maxWarmS) {
      await sleep(1000);
      if (child.exitCode !== null) throw new Error(`${impl} exited (${child.exitCode}) during warm-up: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      const now = await ls.accepted();
      const rate = now - prev;
      prev = now;
      good = rate >= 0.95 * n ? good + 1 : 0;
      if (good >= 2 && (Date.now() - started) / 1000 >= 5) { settled = true; break; }
    }
    const warmupS = (Date.now() - started) / 1000;
    if (!settled) note = `rate never reached 95% of ${n}/s in ${maxWarmS}s warm-up`;

    const g0 = groupStats(pgid);
    const cpu0 = sum(g0, 'ticks');
    const user0 = sum(g0, 'uticks');
    const l0 = ls.cpuS();
    const acc0 = await ls.accepted();
    const t0 = performance.now();
    let last = acc0, perSecMin = Infinity, perSecMax = 0, rssKb = 0;
    let procs: ProcStat[] = [];
    for (let s = 0; s < windowS; s++) {
      await sleep(1000 - ((performance.now() - t0) % 1000));
      const now = await ls.accepted();
      perSecMin = Math.min(perSecMin, now - last);
      perSecMax = Math.max(perSecMax, now - last);
      last = now;
      procs = groupStats(pgid);
      rssKb = Math.max(rssKb, sum(procs, 'rssKb'));
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu1 = sum(procs, 'ticks');
    const errors = readFileSync(logFile, 'utf8').split('\n').filter((l) => /fail|timeout|Removing/i.test(l)).length;
    if (errors > 0) note = `${note ? `${note}; ` : ''}${errors} log lines about failed checks or removals`;
    return {
      impl, n, windowS: elapsedS, warmupS, cpuS: (cpu1 - cpu0) / 100, userS: (sum(procs, 'uticks') - user0) / 100,
      checks: last - acc0, perSecMin, perSecMax, rssKb,
      rssByProc: procs.map((p) => `${p.pid}:${p.comm}:${p.rssKb}`), listenerCpuS: ls.cpuS() - l0, settled,
      ...(note !== undefined ? { note } : {}),
    };
  } finally {
    await stopGroup(child);
    await ls.close();
    await sleep(2000); // let closing sockets drain before the next run
  }
}

async function runAll(sizes: number[], windowS: number, maxWarmS: number, env: RunEnv, each: (r: RunResult) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kts-checkers-'));
  try {
    for (const n of sizes) {
      for (const impl of ['keepalived', 'keepalived-ts'] as const) each(await innerRun(impl, n, windowS, maxWarmS, dir, env));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- on the host

/**
 * keepalived's checker exits when IPVS cannot be initialised. This LD_PRELOAD shim answers its
 * IPVS socket options (IP_VS_BASE_CTL 1152 .. +32 at level IPPROTO_IP, libipvs's fallback after the
 * "IPVS" genetlink family is not found): GET_INFO reports an empty IPVS 1.2.1, every SET succeeds
 * and does nothing. keepalived-ts on the same host runs without IPVS (it reports the table missing
 * once). In the measured window all real servers stay up, so neither daemon touches IPVS there.
 */
const IPVS_SHIM_C = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#define IPVS_LO 1152
#define IPVS_HI (1152 + 32)
int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
  static int (*real)(int, int, int, void *, socklen_t *);
  if (level == IPPROTO_IP && name >= IPVS_LO && name < IPVS_HI) {
    memset(val, 0, *len);
    if (name == IPVS_LO + 1 && *len >= 12) { unsigned *u = val; u[0] = 0x010201; u[1] = 4096; u[2] = 0; }
    return 0;
  }
  if (!real) real = (int (*)(int, int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
  return real(fd, level, name, val, len);
}
int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
  static int (*real)(int, int, int, const void *, socklen_t);
  if (level == IPPROTO_IP && name >= IPVS_LO && name < IPVS_HI) return 0;
  if (!real) real = (int (*)(int, int, int, const void *, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
  return real(fd, level, name, val, len);
}
`;

async function runOnHost(sizes: number[], windowS: number, maxWarmS: number, profDir?: string, ktsRoot?: string): Promise<RunResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kts-checkers-shim-'));
  try {
    writeFileSync(join(dir, 'shim.c'), IPVS_SHIM_C);
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', join(dir, 'shim.so'), join(dir, 'shim.c'), '-ldl']);
    writeFileSync(join(dir, 'listener.c'), LISTENER_C);
    execFileSync('gcc', ['-O2', '-o', join(dir, 'listener'), join(dir, 'listener.c')]);
    const results: RunResult[] = [];
    await runAll(sizes, windowS, maxWarmS, {
      keepalivedPreload: join(dir, 'shim.so'),
      listenerBin: join(dir, 'listener'),
      ...(ktsRoot !== undefined ? { ktsRoot } : {}),
      ...(profDir !== undefined ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
    }, (r) => { results.push(r); console.error(`  done: ${r.impl} N=${r.n}`); });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runInUmlBoot(sizes: number[], windowS: number, maxWarmS: number): Promise<{ results: RunResult[]; wallS: number }> {
  // Kept out of the static graph: the UML bundle of this file must not pull in esbuild.
  const helper = '../test/integration/helpers/uml.js';
  const uml = (await import(helper)) as typeof import('../test/integration/helpers/uml.js');
  const perRunS = maxWarmS + windowS + 40;
  const r = await uml.runInUml({
    timeoutMs: (sizes.length * 2 * perRunS + 60) * 1000,
    memMb: 2048,
    modules: ['ip_vs', 'ip_vs_rr'],
    loAddresses: ['10.88.0.1/24'],
    bundles: { checkers: 'bench/checkers.ts' },
    script: `ulimit -n 1048576
node ${uml.UML_RUN_DIR}/checkers.mjs --inner ${sizes.join(',')} ${windowS} ${maxWarmS}`,
  });
  const results = r.stdout.split('\n').filter((l) => l.startsWith(LINE)).map((l) => JSON.parse(l.slice(LINE.length)) as RunResult);
  if (r.code !== 0 || results.length !== sizes.length * 2) {
    console.error(`bench failed (exit ${r.code}):\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-4000)}`);
    process.exit(1);
  }
  return { results, wallS: r.wallMs / 1000 };
}

function report(results: RunResult[], sizes: number[], windowS: number, where: string): void {
  console.log(where);
  console.log(`Same config (TCP_CHECK, delay_loop 1, connect_timeout 2, ${RS_PER_VS} real servers per virtual server), same loopback`);
  console.log(`listeners (one per real server, counting accepted connections = checks); each daemon alone, ${windowS} s window after warm-up.`);
  console.log('CPU = utime+stime of the daemon\'s process group (keepalived: parent + checker child) in the window.');
  console.log('');
  const hdr = ['N', 'daemon', 'warm-up s', 'checks/s', 'min..max/s', 'CPU %', 'CPU/check µs', 'of which user µs', 'RSS MiB', 'listener CPU/check µs'];
  const rows: string[][] = [hdr];
  const fmt = (x: number, d = 1): string => x.toFixed(d);
  const byKey = new Map(results.map((x) => [`${x.impl}/${x.n}`, x]));
  const perCheck = (x: RunResult): number => (x.checks > 0 ? (x.cpuS * 1e6) / x.checks : NaN);
  for (const x of results) {
    rows.push([String(x.n), x.impl, fmt(x.warmupS, 0), fmt(x.checks / x.windowS, 0), `${x.perSecMin}..${x.perSecMax}`,
      fmt((100 * x.cpuS) / x.windowS), fmt(perCheck(x)), fmt((x.userS * 1e6) / Math.max(1, x.checks)), fmt(x.rssKb / 1024), fmt((x.listenerCpuS * 1e6) / Math.max(1, x.checks))]);
  }
  const widths = hdr.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log('');
  for (const n of sizes) {
    const k = byKey.get(`keepalived/${n}`)!;
    const t = byKey.get(`keepalived-ts/${n}`)!;
    const cpuRatio = perCheck(t) / perCheck(k);
    console.log(`N=${n}: keepalived-ts / keepalived  CPU per check x${fmt(cpuRatio, 2)}  RSS x${fmt(t.rssKb / k.rssKb, 2)}  checks/s x${fmt(t.checks / t.windowS / (k.checks / k.windowS), 2)}` +
      `  -> target (CPU per check <= keepalived's) ${cpuRatio <= 1 ? 'met' : 'NOT met'}`);
    for (const x of [k, t]) {
      console.log(`  ${x.impl} RSS by process (pid:comm:KiB): ${x.rssByProc.join(' ')}${x.note ? `  NOTE: ${x.note}` : ''}`);
    }
  }
}

const USAGE = 'usage: npx tsx bench/checkers.ts [--uml] [--cpu-prof DIR] [--kts-root DIR] [N[,N…]] [windowS] [maxWarmupS]';
const argv = process.argv.slice(2);
const flag = (name: string): boolean => { const i = argv.indexOf(name); if (i < 0) return false; argv.splice(i, 1); return true; };
const opt = (name: string): string | undefined => { const i = argv.indexOf(name); if (i < 0) return undefined; return argv.splice(i, 2)[1]; };
const isInner = flag('--inner');
const inUml = flag('--uml');
const profDir = opt('--cpu-prof');
const ktsRoot = opt('--kts-root');
const sizes = (argv[0] ?? '1000,10000').split(',').map(Number);
const windowS = Number(argv[1] ?? 20);
const maxWarmS = Number(argv[2] ?? 40);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 19_000) || !(windowS > 0) || !(maxWarmS > 0)) {
  console.error(USAGE);
  process.exit(2);
}
if (isInner) {
  await runAll(sizes, windowS, maxWarmS, {}, (r) => console.log(LINE + JSON.stringify(r)));
} else if (inUml) {
  const { results, wallS } = await runInUmlBoot(sizes, windowS, maxWarmS);
  report(results, sizes, windowS, `Where: one user-mode-linux boot (real ip_vs, 1 vCPU, ${Math.round(wallS)} s boot→poweroff); both daemons program IPVS.`);
} else {
  if (process.getuid?.() !== 0) { console.error('run as root (keepalived)'); process.exit(2); }
  // One listener per real server plus bursts of accepted sockets (node raises its soft limit to the hard one).
  const nofile = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
  if (nofile < Math.max(...sizes) + 4096) {
    console.error(`open-file limit ${nofile} is too low for ${Math.max(...sizes)} listeners: raise it (ulimit -n, prlimit --nofile) first`);
    process.exit(2);
  }
  const results = await runOnHost(sizes, windowS, maxWarmS, profDir, ktsRoot);
  report(results, sizes, windowS, 'Where: this host, one after the other (its kernel has no ip_vs: keepalived runs with an LD_PRELOAD shim that makes its IPVS calls no-ops; keepalived-ts runs without IPVS).');
}
