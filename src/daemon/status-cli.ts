/**
 * `keepalived-ts status [--json] [--socket PATH]`: asks the running daemon over its status socket
 * and prints a table (VRRP instances; virtual and real servers) or the snapshot as JSON.
 * Exit codes: 0 shown, 1 usage or protocol error, 3 the daemon is not running (LSB `status`).
 */
import type { DaemonSnapshot, RealServerSnapshot, VipSnapshot } from './snapshot.js';
import { fetchSnapshot, StatusClientError } from './status-client.js';
import { DEFAULT_STATUS_SOCKET } from './status-server.js';

export interface StatusIo {
  out(text: string): void;
  err(text: string): void;
}

export const STATUS_HELP = `Usage: keepalived-ts status [--json] [--socket PATH]
  Show the running daemon's VRRP instances and virtual/real servers.
  --json          print the daemon's snapshot as JSON
  --socket PATH   status socket (default ${DEFAULT_STATUS_SOCKET})
  -h, --help      print this help
Exit status: 0 shown, 1 error, 3 the daemon is not running.
`;

export interface StatusArgs { json: boolean; socket: string; help: boolean }

export function parseStatusArgs(args: readonly string[]): { ok: true; args: StatusArgs } | { ok: false; error: string } {
  const a: StatusArgs = { json: false, socket: DEFAULT_STATUS_SOCKET, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') a.json = true;
    else if (arg === '-h' || arg === '--help') a.help = true;
    else if (arg.startsWith('--socket=')) a.socket = arg.slice('--socket='.length);
    else if (arg === '--socket' || arg === '-s') {
      const v = args[++i];
      if (v === undefined || v === '') return { ok: false, error: `option '${arg}' requires an argument` };
      a.socket = v;
    } else return { ok: false, error: `unrecognized argument '${arg}'` };
    if (a.socket === '') return { ok: false, error: 'empty socket path' };
  }
  return { ok: true, args: a };
}

export async function runStatusCommand(args: readonly string[], io: StatusIo, opts: { timeoutMs?: number } = {}): Promise<number> {
  const p = parseStatusArgs(args);
  if (!p.ok) {
    io.err(`keepalived-ts status: ${p.error}\n${STATUS_HELP}`);
    return 1;
  }
  if (p.args.help) {
    io.out(STATUS_HELP);
    return 0;
  }
  let snap: DaemonSnapshot;
  try {
    snap = await fetchSnapshot(p.args.socket, opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs });
  } catch (err) {
    if (err instanceof StatusClientError) {
      io.err(`keepalived-ts status: ${err.message}\n`);
      return err.code === 'not-running' ? 3 : 1;
    }
    throw err;
  }
  io.out(p.args.json ? JSON.stringify(snap, null, 2) + '\n' : formatStatusTable(snap));
  return 0;
}

// ---- table rendering (pure) -------------------------------------------------------------------

/** Left-aligned columns two spaces apart, trailing blanks trimmed. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** "12s ago", "5m ago", "3h ago", "2d ago". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

const vipText = (v: VipSnapshot): string => {
  const host = v.address.includes(':') ? 128 : 32;
  return v.prefix === host ? v.address : `${v.address}/${v.prefix}`;
};

function lastCheckText(rs: RealServerSnapshot, now: number): string {
  // The check that explains the state: a failing checker first, else the most recent one.
  const known = rs.checkers.filter((c) => c.lastCheck !== null);
  const pick = known.find((c) => !c.up) ?? known.sort((a, b) => b.lastCheck!.at - a.lastCheck!.at)[0];
  if (!pick?.lastCheck) return rs.checkers.length === 0 ? 'no checker' : '-';
  const l = pick.lastCheck;
  return `${l.ok ? 'ok' : 'failed'} ${ago(now - l.at)} (${pick.kind}${l.ok || !l.reason ? '' : `: ${l.reason}`})`;
}

export function formatStatusTable(s: DaemonSnapshot): string {
  const now = s.takenAt;
  const parts: string[] = [];
  if (s.vrrp.length === 0) parts.push('VRRP instances: none\n');
  else {
    const rows: string[][] = [['INSTANCE', 'STATE', 'PRIORITY', 'MASTER', 'VIPS', 'TRANSITIONS', 'LAST CHANGE']];
    for (const i of s.vrrp) {
      const prio = i.effectivePriority === i.basePriority ? String(i.basePriority) : `${i.effectivePriority} (base ${i.basePriority})`;
      const master = i.master === null ? '-' : i.master.self ? `${i.master.address} (this node)` : `${i.master.address} (prio ${i.master.priority})`;
      const vips = [...i.vips, ...i.excludedVips].map(vipText).join(', ') || '-';
      const state = i.state === 'FAULT' || !i.faulted ? i.state : `${i.state} (fault)`;
      rows.push([
        `${i.name} (vrid ${i.vrid} on ${i.interface})`, state, prio, master, vips, String(i.transitions),
        i.lastTransition === null ? '-' : ago(now - i.lastTransition),
      ]);
    }
    parts.push(table(rows));
  }
  if (s.virtualServers.length > 0) {
    const rows: string[][] = [['VIRTUAL SERVER', 'QUORUM', 'REAL SERVER', 'HEALTH', 'WEIGHT', 'LAST CHECK']];
    for (const vs of s.virtualServers) {
      const quorum = `${vs.quorumUp ? 'up' : 'DOWN'} (${vs.aliveWeight}/${vs.quorum})`;
      vs.realServers.forEach((rs, n) => {
        const weight = rs.drained ? `0 (drained, conf ${rs.configuredWeight})`
          : rs.weight === rs.configuredWeight ? String(rs.weight) : `${rs.weight} (conf ${rs.configuredWeight})`;
        rows.push([n === 0 ? vs.key : '', n === 0 ? quorum : '', rs.key, rs.alive ? 'up' : 'DOWN', weight, lastCheckText(rs, now)]);
      });
      if (vs.realServers.length === 0) rows.push([vs.key, quorum, '-', '-', '-', '-']);
      if (vs.sorryServer) {
        const ss = vs.sorryServer;
        rows.push(['', '', `${ss.address.includes(':') ? `[${ss.address}]` : ss.address}:${ss.port} (sorry)`, ss.active ? 'active' : 'standby', String(ss.weight), '-']);
      }
    }
    parts.push(table(rows));
  }
  return parts.join('\n');
}
