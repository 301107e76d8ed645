/**
 * Directors for VRRP lab tests: keepalived-ts (the built CLI) or real keepalived, each started in
 * its own namespace with its own pid files, plus the usual questions a failover test asks.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sleep, until, type Lab, type Process } from './netns.js';

export const KEEPALIVED = '/usr/sbin/keepalived';
const CLI = join(REPO_ROOT, 'bin', 'keepalived-ts');
const BUILT_CLI = join(REPO_ROOT, 'dist', 'daemon', 'cli.js');

export function requireDirectorPrerequisites(kinds: ('kts' | 'keepalived')[]): void {
  const missing: string[] = [];
  if (kinds.includes('kts') && !existsSync(BUILT_CLI)) missing.push(`${BUILT_CLI} (run \`npm run build\`; \`npm test\` does it)`);
  if (kinds.includes('kts') && !existsSync(join(REPO_ROOT, 'build', 'Release', 'ka_net.node'))) missing.push('the native addon build/Release/ka_net.node (run `npm ci` or `npm rebuild`)');
  if (kinds.includes('keepalived') && !existsSync(KEEPALIVED)) missing.push(`${KEEPALIVED} (apt-get install keepalived; scripts/bootstrap.sh does it)`);
  if (missing.length) throw new Error(`VRRP lab prerequisites missing: ${missing.join('; ')}`);
}

export interface Director {
  kind: 'kts' | 'keepalived';
  ns: string;
  proc: Process;
  conf: string;
  /** keepalived-ts only: its status socket and the directory its SIGUSR1/SIGUSR2 dumps go to. */
  statusSocket: string;
  dumpDir: string;
  /** The -p, -r and -c files it was given. */
  pidFiles: { main: string; vrrp: string; checkers: string };
}

export interface DirectorOptions {
  /** More command-line arguments, after the helper's own (a repeated flag wins). */
  args?: string[];
  /** More environment variables. */
  env?: Record<string, string>;
}

let seq = 0;

/** Writes `conf` into the lab dir and starts a director on it in namespace `ns`. */
export function startDirector(lab: Lab, ns: string, kind: 'kts' | 'keepalived', conf: string, opts: DirectorOptions = {}): Director {
  const base = join(lab.dir, `${ns}-${kind}-${++seq}`);
  const file = `${base}.conf`;
  writeFileSync(file, conf);
  const statusSocket = `${base}.sock`;
  const dumpDir = `${base}.dumps`;
  // Not keepalived's /run defaults: the directors of parallel tests would take each other for a running daemon.
  const pidFiles = { main: `${base}.pid`, vrrp: `${base}.vrrp.pid`, checkers: `${base}.check.pid` };
  const pidArgs = ['-p', pidFiles.main, '-r', pidFiles.vrrp, '-c', pidFiles.checkers];
  // Syslog to a path nothing listens on: the host's journal stays clean, the path still runs (a test may pass its own).
  const syslogArgs = ['--syslog-socket', `${base}.syslog`];
  mkdirSync(dumpDir, { recursive: true });
  const argv = kind === 'kts'
    ? [process.execPath, CLI, '-f', file, '-n', '-l', '-D', '--status-socket', statusSocket, ...pidArgs, ...syslogArgs]
    : [KEEPALIVED, '-n', '-l', '-D', '-P', '-f', file, ...pidArgs];
  // keepalived logs to stderr with -l; merge it so waitFor sees it.
  const proc = lab.spawn(ns, ['sh', '-c', 'exec "$@" 2>&1', 'director', ...argv, ...(opts.args ?? [])], { env: { ...process.env, TMPDIR: dumpDir, ...opts.env } });
  return { kind, ns, proc, conf: file, statusSocket, dumpDir, pidFiles };
}

export async function vipsOn(lab: Lab, ns: string, ifname = 'eth0'): Promise<string[]> {
  const r = await lab.exec(ns, ['ip', '-o', 'addr', 'show', 'dev', ifname], { allowFail: true });
  return [...r.stdout.matchAll(/inet6? ([0-9a-f.:]+)\/\d+/g)].map((m) => m[1]!);
}

export async function waitForVip(lab: Lab, ns: string, vip: string, present: boolean, timeoutMs: number): Promise<void> {
  await until(async () => ((await vipsOn(lab, ns)).includes(vip) === present ? true : undefined), timeoutMs,
    `${vip} ${present ? 'to appear on' : 'to leave'} ${ns}`);
}

/** SIGKILL of the whole process group: the director dies without a word (no priority-0 advert). */
export function crash(d: Director): void {
  d.proc.kill();
}

/** SIGTERM: graceful stop. */
export async function stopGracefully(d: Director, timeoutMs = 10_000): Promise<void> {
  try { process.kill(d.proc.pid, 'SIGTERM'); } catch { return; }
  const done = await Promise.race([d.proc.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
  if (!done) { d.proc.kill(); throw new Error(`${d.kind} in ${d.ns} did not stop within ${timeoutMs} ms`); }
}

export interface VrrpConfOptions {
  name?: string;
  state: 'MASTER' | 'BACKUP';
  priority: number;
  vrid?: number;
  advertInt?: number;
  version?: 2 | 3;
  auth?: string;
  vip: string;
  nopreempt?: boolean;
  extra?: string;
  global?: string;
}

/** A single-instance keepalived.conf both implementations read. */
export function vrrpConf(o: VrrpConfOptions): string {
  return `global_defs {
  router_id ${o.name ?? 'lab'}
  ${o.version ? `vrrp_version ${o.version}` : ''}
  ${o.global ?? ''}
}
vrrp_instance VI_1 {
  state ${o.state}
  interface eth0
  virtual_router_id ${o.vrid ?? 51}
  priority ${o.priority}
  advert_int ${o.advertInt ?? 1}
  ${o.nopreempt ? 'nopreempt' : ''}
  ${o.auth ? `authentication {\n    auth_type PASS\n    auth_pass ${o.auth}\n  }` : ''}
  virtual_ipaddress {
    ${o.vip}
  }
  ${o.extra ?? ''}
}
`;
}
