/**
 * A lab of network namespaces (root only), used by the demo and the integration tests. Creates uniquely named namespaces
 * joined by veth pairs or a bridge, runs commands and TypeScript scripts inside them, captures with
 * tcpdump, and tears everything down: processes by PID (their process group), then namespaces by
 * name. Every wait is bounded. Reused by the net, VRRP and daemon integration tests.
 *
 *   const lab = await createLab('vrrp', { namespaces: ['a', 'b'], links: [{ a: ['a', 'eth0', '10.88.0.1/24'], b: ['b', 'eth0', '10.88.0.2/24'] }] });
 *   try { await lab.exec('a', ['ip', 'addr']); } finally { await lab.cleanup(); }
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Fails (never skips) when the lab cannot run here, saying what is missing. */
export function requireLabPrerequisites(tools: string[] = ['ip']): void {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root: run as root');
  for (const t of tools) {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`network namespace lab needs \`${t}\` on PATH (Debian: ${t === 'tcpdump' ? 'tcpdump' : 'iproute2'})`);
    }
  }
}

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface EndPoint {
  /** Short namespace name as given in `namespaces`. */
  ns: string;
  ifname: string;
  /** Addresses with prefix, e.g. '10.88.0.1/24' or 'fd00:88::1/64' (added with nodad). */
  addrs?: string[];
  /** Optional MAC. */
  mac?: string;
}

export interface LabSpec {
  namespaces: string[];
  /** Point-to-point veth pairs. */
  links?: { a: EndPoint; b: EndPoint }[];
  /** One bridge (in its own namespace) that every member's interface is plugged into. */
  bridge?: EndPoint[];
}

export interface Capture {
  /** Stops tcpdump (if still running) and returns its text output. */
  stop(): Promise<string>;
  /** Resolves when tcpdump exits by itself (e.g. after -c N packets) or times out. */
  done: Promise<string>;
}

export interface Process {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Waits up to timeoutMs for a line matching `re` on stdout. */
  waitFor(re: RegExp, timeoutMs: number): Promise<string>;
  exited: Promise<RunResult>;
  kill(): void;
}

let labCounter = 0;

export class Lab {
  private readonly procs = new Set<Process>();
  private readonly created: string[] = [];
  private readonly tmp: string;
  private cleaned = false;
  private readonly onExit = () => this.cleanupSync();

  constructor(readonly id: string) {
    this.tmp = mkdtempSync(join(tmpdir(), `${id}-`));
    chmodSync(this.tmp, 0o755); // scripts may run as an unprivileged user
    process.once('exit', this.onExit);
  }

  /** Full namespace name for a short one. */
  ns(short: string): string {
    return `${this.id}-${short}`;
  }

  /** A scratch directory removed at cleanup. */
  get dir(): string {
    return this.tmp;
  }

  async addNamespace(short: string): Promise<void> {
    const name = this.ns(short);
    await runChecked('ip', ['netns', 'add', name], 10_000);
    this.created.push(name);
    await this.exec(short, ['ip', 'link', 'set', 'lo', 'up']);
    // No duplicate address detection: IPv6 addresses (link-local included) are usable at once.
    await this.exec(short, ['sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
  }

  /** Runs a command inside a namespace; rejects on a non-zero exit unless `allowFail`. */
  async exec(short: string, argv: string[], opts: { timeoutMs?: number; allowFail?: boolean } = {}): Promise<RunResult> {
    const r = await run('ip', ['netns', 'exec', this.ns(short), ...argv], opts.timeoutMs ?? 15_000);
    if (!opts.allowFail && r.code !== 0) throw new Error(`[${short}] ${argv.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
    return r;
  }

  /** Starts a long-running command inside a namespace; it is killed at cleanup. */
  spawn(short: string, argv: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Process {
    const child = spawn('ip', ['netns', 'exec', this.ns(short), ...argv], {
      cwd: REPO_ROOT,
      detached: true, // own process group, so cleanup reaches its children by this PID
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    let out = '';
    let err = '';
    const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        const line = out.split('\n').find((l) => w.re.test(l));
        if (line !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    };
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); check(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<RunResult>((resolve) => {
      child.on('error', (e) => { err += String(e); });
      child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
    });
    const proc: Process = {
      child,
      pid: child.pid ?? -1,
      stdout: () => out,
      stderr: () => err,
      exited,
      waitFor: (re, timeoutMs) => withTimeout(new Promise<string>((resolve) => { waiters.push({ re, resolve }); check(); }), timeoutMs,
        () => `[${short}] ${argv.join(' ')}: no line matching ${re} within ${timeoutMs} ms; stdout: ${out.slice(-500)} stderr: ${err.slice(-500)}`),
      kill: () => killGroup(child),
    };
    this.procs.add(proc);
    void exited.then(() => this.procs.delete(proc));
    return proc;
  }

  /**
   * Runs TypeScript inside a namespace (node --import tsx). `code` is an ES module body that may
   * import repo files as `@repo/src/...` (rewritten to absolute paths). Resolves with its output;
   * rejects on timeout (the process is killed).
   */
  async runTs(short: string, code: string, opts: { timeoutMs?: number; allowFail?: boolean } = {}): Promise<RunResult> {
    const file = this.writeScript(code);
    const proc = this.spawn(short, [process.execPath, '--import', 'tsx', file]);
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const r = await withTimeout(proc.exited, timeoutMs, () => `[${short}] script ${file} still running after ${timeoutMs} ms; stderr: ${proc.stderr().slice(-800)}`)
      .catch((e: unknown) => { proc.kill(); throw e; });
    if (!opts.allowFail && r.code !== 0) throw new Error(`[${short}] script ${file} exited ${r.code ?? r.signal}: ${r.stderr.trim().slice(-1500)}`);
    return r;
  }

  /** Starts a TypeScript script in the background (see runTs). */
  spawnTs(short: string, code: string): Process {
    return this.spawn(short, [process.execPath, '--import', 'tsx', this.writeScript(code)]);
  }

  writeScript(code: string): string {
    const file = join(this.tmp, `script-${++labCounter}.mts`);
    writeFileSync(file, code.replaceAll('@repo/', `${REPO_ROOT}/`));
    return file;
  }

  /**
   * Starts tcpdump on an interface and resolves once it is listening. Output is text with link-level
   * headers (-e), verbose (-vv), numeric (-n), line-buffered.
   */
  async tcpdump(short: string, ifname: string, filter: string[], opts: { count?: number; timeoutMs?: number; extra?: string[] } = {}): Promise<Capture> {
    const argv = ['tcpdump', '-i', ifname, '-n', '-e', '-vv', '-l', ...(opts.count ? ['-c', String(opts.count)] : []), ...(opts.extra ?? []), ...filter];
    const p = this.spawn(short, argv);
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    while (!/listening on/.test(p.stderr())) {
      if (Date.now() > deadline) {
        p.kill();
        throw new Error(`tcpdump in ${short} did not start: ${p.stderr()}`);
      }
      if (p.child.exitCode !== null) throw new Error(`tcpdump in ${short} exited: ${p.stderr()}`);
      await sleep(20);
    }
    const done = withTimeout(p.exited, opts.timeoutMs ?? 10_000, () => `tcpdump in ${short} captured too little: ${p.stdout()}`)
      .then((r) => r.stdout);
    done.catch(() => undefined);
    return {
      done,
      stop: async () => {
        if (p.child.exitCode === null) {
          // SIGINT makes tcpdump flush; escalate if it lingers.
          try { process.kill(p.pid, 'SIGINT'); } catch { /* already gone */ }
          await withTimeout(p.exited, 3000, () => 'tcpdump ignored SIGINT').catch(() => p.kill());
        }
        return p.stdout();
      },
    };
  }

  /** Index of an interface inside a namespace. */
  async ifindex(short: string, ifname: string): Promise<number> {
    const r = await this.exec(short, ['cat', `/sys/class/net/${ifname}/ifindex`]);
    return Number(r.stdout.trim());
  }

  async mac(short: string, ifname: string): Promise<string> {
    const r = await this.exec(short, ['cat', `/sys/class/net/${ifname}/address`]);
    return r.stdout.trim();
  }

  /** Kills every process we started (by process group), then deletes our namespaces. Idempotent. */
  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    for (const p of this.procs) p.kill();
    await Promise.all([...this.procs].map((p) => withTimeout(p.exited, 3000, () => 'exit').catch(() => undefined)));
    this.cleanupSync();
  }

  private cleanupSync(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    process.removeListener('exit', this.onExit);
    for (const p of this.procs) p.kill();
    for (const name of this.created.reverse()) {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: 10_000 });
      } catch { /* already gone */ }
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Builds a lab; on any failure, whatever was created is removed before the error propagates. */
export async function createLab(purpose: string, spec: LabSpec): Promise<Lab> {
  requireLabPrerequisites();
  const lab = new Lab(`kts-${purpose}-${process.pid}-${++labCounter}`);
  try {
    for (const n of spec.namespaces) await lab.addNamespace(n);
    for (const l of spec.links ?? []) await addVeth(lab, l.a, l.b);
    if (spec.bridge) {
      await lab.addNamespace('br');
      await lab.exec('br', ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
      await lab.exec('br', ['ip', 'link', 'set', 'br0', 'up']);
      let i = 0;
      for (const m of spec.bridge) {
        const port = `p${i++}`;
        await addVeth(lab, m, { ns: 'br', ifname: port });
        await lab.exec('br', ['ip', 'link', 'set', port, 'master', 'br0']);
      }
    }
    return lab;
  } catch (err) {
    await lab.cleanup();
    throw err;
  }
}

async function addVeth(lab: Lab, a: EndPoint, b: EndPoint): Promise<void> {
  await runChecked('ip', ['link', 'add', a.ifname, 'netns', lab.ns(a.ns), 'type', 'veth', 'peer', 'name', b.ifname, 'netns', lab.ns(b.ns)], 10_000);
  for (const e of [a, b]) {
    if (e.mac) await lab.exec(e.ns, ['ip', 'link', 'set', e.ifname, 'address', e.mac]);
    for (const addr of e.addrs ?? []) {
      await lab.exec(e.ns, ['ip', 'addr', 'add', addr, 'dev', e.ifname, ...(addr.includes(':') ? ['nodad'] : [])]);
    }
    await lab.exec(e.ns, ['ip', 'link', 'set', e.ifname, 'up']);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
}

export function run(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; signal?: NodeJS.Signals }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr: stderr || (e && typeof e.code !== 'number' ? String(e.message) : '') });
    });
  });
}

async function runChecked(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  const r = await run(cmd, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code ?? r.signal}): ${r.stderr.trim()}`);
  return r;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(what())), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after timeoutMs. */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
