/**
 * The scheduled status report (our extension `report_mail`): what happened since the last report
 * (VRRP transitions, real servers that went down and up, flapping ones) and where things stand
 * now. Pure: the daemon feeds events with their time and hands in the current state.
 */
import { formatRs, formatVs, type AlertContent } from './format.js';
import type { HaEvent, RsIdentity, VsIdentity } from './events.js';

/** A real server that changed state this many times in one period is called flapping. */
export const FLAP_CHANGES = 4;
/** Bound on remembered transitions per period, so a storm cannot grow memory without limit. */
export const MAX_REMEMBERED = 1_000;

interface Transition { atMs: number; name: string; from: string; to: string }
interface RsActivity { vs: VsIdentity; rs: RsIdentity; downs: number; ups: number }

/** What the report says about now (the daemon maps its status snapshot to this). */
export interface ReportState {
  instances: { name: string; state: string; priority: number }[];
  /** `label` names the real server and its virtual server, as the status command does. */
  realServers: { label: string; up: boolean; weight: number; drained?: boolean }[];
}

export class ActivityLog {
  private since: number;
  private transitions: Transition[] = [];
  private dropped = 0;
  private readonly rs = new Map<string, RsActivity>();

  constructor(startMs: number) { this.since = startMs; }

  record(ev: HaEvent, atMs: number): void {
    if (ev.t === 'vrrp-instance' || ev.t === 'vrrp-group') {
      if (this.transitions.length >= MAX_REMEMBERED) { this.dropped++; return; }
      this.transitions.push({ atMs, name: ev.t === 'vrrp-group' ? `group ${ev.name}` : ev.name, from: ev.from, to: ev.to });
    } else if (ev.t === 'rs' && ev.cause === 'check' && (ev.aliveChanged ?? true)) {
      const key = `${formatVs(ev.vs)} ${formatRs(ev.rs, ev.vs)}`;
      const a = this.rs.get(key) ?? { vs: ev.vs, rs: ev.rs, downs: 0, ups: 0 };
      if (ev.up) a.ups++; else a.downs++;
      this.rs.set(key, a);
    }
  }

  /** The report for the period up to `nowMs`; the log starts a new period. */
  takeReport(nowMs: number, state: ReportState, routerId: string, fmtTime: (ms: number) => string): AlertContent {
    const content = formatReport({
      fromMs: this.since, toMs: nowMs, transitions: this.transitions, dropped: this.dropped, rs: [...this.rs.values()],
    }, state, routerId, fmtTime);
    this.since = nowMs;
    this.transitions = [];
    this.dropped = 0;
    this.rs.clear();
    return content;
  }
}

interface Period { fromMs: number; toMs: number; transitions: Transition[]; dropped: number; rs: RsActivity[] }

function formatReport(p: Period, state: ReportState, routerId: string, fmtTime: (ms: number) => string): AlertContent {
  const masters = p.transitions.filter((t) => t.to === 'MASTER').length;
  const changed = p.rs.reduce((n, a) => n + a.downs + a.ups, 0);
  const flapping = p.rs.filter((a) => a.downs + a.ups >= FLAP_CHANGES);
  const lines = [`Status report of ${routerId}, ${fmtTime(p.fromMs)} to ${fmtTime(p.toMs)}`, ''];
  lines.push(`VRRP transitions: ${p.transitions.length + p.dropped} (${masters} to MASTER)`);
  for (const t of p.transitions) lines.push(`  ${fmtTime(t.atMs)}  ${t.name}: ${t.from} -> ${t.to}`);
  if (p.dropped > 0) lines.push(`  ... and ${p.dropped} more`);
  lines.push('', `Real-server state changes: ${changed}${flapping.length ? `, ${flapping.length} flapping (${FLAP_CHANGES}+ changes)` : ''}`);
  for (const a of [...p.rs].sort((x, y) => (y.downs + y.ups) - (x.downs + x.ups))) {
    lines.push(`  ${formatRs(a.rs, a.vs)} in ${formatVs(a.vs)}: down ${a.downs}, up ${a.ups}${a.downs + a.ups >= FLAP_CHANGES ? '  FLAPPING' : ''}`);
  }
  lines.push('', 'Now:');
  for (const i of state.instances) lines.push(`  VRRP instance ${i.name}: ${i.state}, priority ${i.priority}`);
  for (const r of state.realServers) {
    lines.push(`  ${r.label}: ${r.up ? 'UP' : 'DOWN'}, weight ${r.weight}${r.drained ? ' (maintenance window)' : ''}`);
  }
  if (state.instances.length === 0 && state.realServers.length === 0) lines.push('  nothing configured');
  const subject = `[${routerId}] keepalived-ts report: ${p.transitions.length + p.dropped} VRRP transitions, ${changed} real-server changes` +
    (flapping.length ? `, ${flapping.length} flapping` : '');
  return { subject, body: lines.join('\n') };
}
