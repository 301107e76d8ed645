/**
 * A virtual server's pool, pure: real-server transitions, quorum with hysteresis and the sorry
 * server (semantics doc §7.3/§7.4). Each step returns the new state and typed events; the
 * desired-destination view is what the IPVS reconciler should make the kernel table equal to.
 */
import { initRealServer, isAlive, poolWeight, setCheckerUp, setWeight, type RsState } from './realserver.js';
import { endpointKey, type Edge, type VirtualServerCfg } from './types.js';

export type HealthEvent =
  | { t: 'rs-up' | 'rs-down'; vs: string; rs: string }
  | { t: 'rs-weight'; vs: string; rs: string; weight: number; prev: number; alive: boolean }
  | { t: 'quorum-up' | 'quorum-down'; vs: string; aliveWeight: number; quorum: number; hysteresis: number };

export interface VsState {
  readonly cfg: VirtualServerCfg;
  readonly rs: readonly RsState[];
  readonly quorumUp: boolean;
}

/** A destination the kernel table should hold for this virtual server. */
export interface DesiredDest {
  addr: string;
  port: number;
  weight: number;
  sorry?: true;
}

export interface VsStep {
  vs: VsState;
  events: HealthEvent[];
}

/** keepalived `update_quorum_state(vs, init=true)`: up iff W ≥ quorum + hysteresis. No events. */
export function initVirtualServer(cfg: VirtualServerCfg): VsState {
  const rs = cfg.realServers.map(initRealServer);
  const w = sumAliveWeight(rs);
  return { cfg, rs, quorumUp: w >= cfg.quorum + cfg.hysteresis };
}

/** Σ weight of alive real servers (keepalived counts the effective weight). */
export function aliveWeight(vs: VsState): number {
  return sumAliveWeight(vs.rs);
}

function sumAliveWeight(rs: readonly RsState[]): number {
  let w = 0;
  for (const r of rs) if (isAlive(r)) w += r.weight;
  return w;
}

/** A checker of real server `rsIndex` went up or down. */
export function onCheckerEdge(vs: VsState, rsIndex: number, checker: number, edge: Edge): VsStep {
  const before = rsAt(vs, rsIndex);
  const after = setCheckerUp(before, checker, edge === 'up');
  if (after === before) return { vs, events: [] };
  const events: HealthEvent[] = [];
  const wasAlive = isAlive(before);
  const nowAlive = isAlive(after);
  if (wasAlive !== nowAlive) events.push({ t: nowAlive ? 'rs-up' : 'rs-down', vs: vs.cfg.key, rs: after.key });
  return settleQuorum(replaceRs(vs, rsIndex, after), events);
}

/** misc_dynamic reported a weight for real server `rsIndex`. */
export function onWeight(vs: VsState, rsIndex: number, weight: number): VsStep {
  const before = rsAt(vs, rsIndex);
  const after = setWeight(before, weight);
  if (after === before) return { vs, events: [] };
  const events: HealthEvent[] = [
    { t: 'rs-weight', vs: vs.cfg.key, rs: after.key, weight, prev: before.weight, alive: isAlive(after) },
  ];
  return settleQuorum(replaceRs(vs, rsIndex, after), events);
}

/** `omega`: what keepalived reports at shutdown (notify_down for alive servers, then quorum_down). */
export function omegaShutdownEvents(vs: VsState): HealthEvent[] {
  const events: HealthEvent[] = vs.rs.filter(isAlive).map((r) => ({ t: 'rs-down' as const, vs: vs.cfg.key, rs: r.key }));
  if (vs.quorumUp) events.push(quorumEvent(vs, 'quorum-down', 0));
  return events;
}

/**
 * Normal service: every alive server at its weight, failed inhibited ones at 0. With quorum lost
 * and a sorry server: only the sorry server (alive servers are withdrawn; failed inhibited ones are
 * left at weight 0, keepalived does not touch them). A `sorry_server_inhibit` sorry server is
 * always present, at weight 0 while the pool has quorum.
 */
export function desiredDests(vs: VsState): DesiredDest[] {
  const sorry = vs.cfg.sorryServer;
  const onSorry = sorry !== undefined && !vs.quorumUp;
  const out: DesiredDest[] = [];
  for (const r of vs.rs) {
    const w = poolWeight(r);
    if (w === null) continue;
    if (onSorry && isAlive(r)) continue;
    out.push({ addr: r.cfg.addr, port: r.cfg.port, weight: w });
  }
  if (sorry && (onSorry || sorry.inhibit)) {
    out.push({ addr: sorry.addr, port: sorry.port, weight: onSorry ? sorry.weight : 0, sorry: true });
  }
  return out;
}

export function rsIndexOf(vs: VsState, addr: string, port: number): number {
  const key = endpointKey(addr, port);
  return vs.rs.findIndex((r) => r.key === key);
}

function rsAt(vs: VsState, i: number): RsState {
  const r = vs.rs[i];
  if (!r) throw new RangeError(`no real server #${i} in ${vs.cfg.key}`);
  return r;
}

function replaceRs(vs: VsState, i: number, r: RsState): VsState {
  const rs = vs.rs.slice();
  rs[i] = r;
  return { ...vs, rs };
}

/** keepalived `update_quorum_state`: gain at W ≥ q+h, lose at W = 0 or W < q−h. */
export function settleQuorum(vs: VsState, events: HealthEvent[]): VsStep {
  const { quorum, hysteresis } = vs.cfg;
  const w = aliveWeight(vs);
  if (!vs.quorumUp && w >= quorum + hysteresis) {
    vs = { ...vs, quorumUp: true };
    events.push(quorumEvent(vs, 'quorum-up', w));
  } else if (vs.quorumUp && (w === 0 || w < quorum - hysteresis)) {
    vs = { ...vs, quorumUp: false };
    events.push(quorumEvent(vs, 'quorum-down', w));
  }
  return { vs, events };
}

function quorumEvent(vs: VsState, t: 'quorum-up' | 'quorum-down', w: number): HealthEvent {
  return { t, vs: vs.cfg.key, aliveWeight: w, quorum: vs.cfg.quorum, hysteresis: vs.cfg.hysteresis };
}
