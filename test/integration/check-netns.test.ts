/**
 * TCP_CHECK connect timeouts on the real clock, inside a network namespace this test creates:
 * the real server address first lives on the namespace's lo (a listener answers), then the test
 * removes it, so SYNs go out a veth towards a static, non-existent neighbour and are silently
 * dropped. The check stack runs in a child process inside the namespace and reports as JSON lines.
 * Nothing leaves the namespace.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NS = `kts-chk-${process.pid}`;
const RS = '10.99.0.2';
const repo = resolve(import.meta.dirname, '../..');
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
let child: ChildProcess | undefined;
const tmp = mkdtempSync(join(tmpdir(), 'kts-chk-'));

beforeAll(() => {
  expect(process.getuid?.(), 'needs root to create a network namespace').toBe(0);
  ip('netns', 'add', NS);
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  ip('-n', NS, 'addr', 'add', `${RS}/32`, 'dev', 'lo');
  ip('-n', NS, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ip('-n', NS, 'addr', 'add', '10.99.0.1/24', 'dev', 'v0');
  ip('-n', NS, 'link', 'set', 'v0', 'up');
  ip('-n', NS, 'link', 'set', 'v1', 'up');
  // No ARP: frames to this MAC are dropped by the peer (not addressed to it).
  ip('-n', NS, 'neigh', 'add', RS, 'lladdr', '02:00:00:00:00:02', 'dev', 'v0', 'nud', 'permanent');
});

afterAll(() => {
  if (child?.pid && child.exitCode === null) child.kill('SIGKILL');
  try {
    ip('netns', 'del', NS);
  } catch {
    /* already gone */
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs in the namespace: a listener on RS:8080 and one TCP_CHECK against it. */
const childSource = `
import net from 'node:net';
import { HealthService } from ${JSON.stringify(join(repo, 'src/check/service.ts'))};
const server = net.createServer((c) => { c.on('error', () => {}); c.destroy(); });
await new Promise((r) => server.listen(8080, ${JSON.stringify(RS)}, r));
const timing = { delayLoopMs: 1000, retry: 1, delayBeforeRetryMs: 300, warmupMs: 0, alpha: false };
const svc = new HealthService([{ key: 'VS', quorum: 1, hysteresis: 0, realServers: [{ addr: ${JSON.stringify(RS)}, port: 8080,
  weight: 1, inhibitOnFailure: false,
  checkers: [{ timing, probe: { kind: 'TCP_CHECK', connectIp: ${JSON.stringify(RS)}, connectPort: 8080, connectTimeoutMs: 400 } }] }] }],
  { onReport: (r) => console.log(JSON.stringify({ startedAt: r.startedAt, finishedAt: r.finishedAt, plannedAt: r.plannedAt,
      ok: r.result.ok, reason: r.result.reason, edge: r.edge ?? null, now: performance.timeOrigin + r.finishedAt })) });
svc.start();
setTimeout(() => process.exit(0), 15000);
`;

interface Line {
  startedAt: number;
  finishedAt: number;
  plannedAt: number;
  ok: boolean;
  reason: string;
  edge: 'up' | 'down' | null;
}

describe('TCP_CHECK with SYNs dropped inside a namespace', () => {
  it('times out each attempt after connect_timeout and goes down after T + retry × (delay_before_retry + T)', async () => {
    const script = join(tmp, 'child.mts');
    writeFileSync(script, childSource);
    child = spawn('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', script], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const lines: Line[] = [];
    const rl = createInterface({ input: child.stdout! });
    const done = new Promise<void>((resolveDone, reject) => {
      const timer = setTimeout(() => reject(new Error(`no down edge in time; lines=${JSON.stringify(lines)} stderr=${stderr}`)), 12_000);
      rl.on('line', (l) => {
        const x = JSON.parse(l) as Line;
        lines.push(x);
        // After two good rounds, black-hole the server address.
        if (lines.length === 2) ip('-n', NS, 'addr', 'del', `${RS}/32`, 'dev', 'lo');
        if (x.edge === 'down') {
          clearTimeout(timer);
          resolveDone();
        }
      });
      child!.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
    });
    await done;
    child.kill('SIGKILL');

    expect(lines.slice(0, 2).every((l) => l.ok)).toBe(true);
    const fails = lines.slice(2);
    expect(fails.map((l) => [l.ok, l.reason, l.edge])).toEqual([
      [false, 'timeout', null],
      [false, 'timeout', 'down'],
    ]);
    const [first, second] = fails as [Line, Line];
    for (const f of fails) {
      expect(f.finishedAt - f.startedAt).toBeGreaterThanOrEqual(395);
      expect(f.finishedAt - f.startedAt).toBeLessThan(600);
    }
    // keepalived's gap: the retry starts delay_before_retry after the failed attempt ended
    expect(second.plannedAt - (first.plannedAt + (first.finishedAt - first.startedAt))).toBeCloseTo(300, 6);
    // (measured from the plan, so the first attempt's own start lag is not added: a few ms less)
    expect(second.startedAt - first.finishedAt).toBeGreaterThanOrEqual(250);
    expect(second.startedAt - first.finishedAt).toBeLessThan(450);
    // down = T + retry × (dbr + T) after the first failing attempt started
    expect(second.finishedAt - first.startedAt).toBeGreaterThanOrEqual(1100 - 50);
    expect(second.finishedAt - first.startedAt).toBeLessThan(1100 + 250);
  });
});
