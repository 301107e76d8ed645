/**
 * All virtual servers' health, pure: names every checker with a stable key, turns checker reports
 * into pool events, and carries state across a reload (keepalived keeps the state of unchanged
 * real servers and checkers, `clear_diff_services`).
 */
import type { RunnerChecker } from './runner.js';
import { endpointKey, probeIdentity, type Edge, type VirtualServerCfg } from './types.js';
import {
  desiredDests,
  initVirtualServer,
  onCheckerEdge,
  onWeight,
  settleQuorum,
  type DesiredDest,
  type HealthEvent,
  type VsState,
} from './virtualserver.js';

export interface CheckerRef {
  key: string;
  vs: number;
  rs: number;
  checker: number;
}

export interface HealthModel {
  readonly vss: readonly VsState[];
  readonly refs: ReadonlyMap<string, CheckerRef>;
  readonly checkers: readonly RunnerChecker[];
}

export interface HealthStep {
  model: HealthModel;
  events: HealthEvent[];
}

export function buildHealth(cfgs: readonly VirtualServerCfg[]): HealthModel {
  return index(cfgs.map(initVirtualServer));
}

/** A checker's report: an edge (from the policy) and/or a misc_dynamic weight (only on success). */
export function applyReport(
  m: HealthModel,
  key: string,
  r: { edge?: Edge; ok: boolean; weight?: number | 'configured' },
): HealthStep {
  const ref = m.refs.get(key);
  if (!ref) return { model: m, events: [] };
  let vs = m.vss[ref.vs]!;
  const events: HealthEvent[] = [];
  // Weight first, so an up edge adds the server with its new weight.
  if (r.ok && r.weight !== undefined) {
    const st = onWeight(vs, ref.rs, r.weight === 'configured' ? vs.rs[ref.rs]!.cfg.weight : r.weight);
    vs = st.vs;
    events.push(...st.events);
  }
  if (r.edge) {
    const st = onCheckerEdge(vs, ref.rs, ref.checker, r.edge);
    vs = st.vs;
    events.push(...st.events);
  }
  if (vs === m.vss[ref.vs]) return { model: m, events };
  const vss = m.vss.slice();
  vss[ref.vs] = vs;
  return { model: { ...m, vss }, events };
}

/** Virtual-server key → destinations the kernel table should hold. */
export function desiredTable(m: HealthModel): Map<string, DesiredDest[]> {
  return new Map(m.vss.map((vs) => [vs.cfg.key, desiredDests(vs)]));
}

/**
 * A reload: virtual servers, real servers and checkers that keep their identity keep their state
 * (checker up/down, misc_dynamic weight unless the configured weight changed, quorum state);
 * new ones start as at start-up. Quorum is then re-evaluated, which may produce events.
 */
export function reloadHealth(old: HealthModel, cfgs: readonly VirtualServerCfg[]): HealthStep {
  const oldVs = new Map(old.vss.map((v) => [v.cfg.key, v]));
  const events: HealthEvent[] = [];
  const vss = cfgs.map((cfg) => {
    const fresh = initVirtualServer(cfg);
    const prev = oldVs.get(cfg.key);
    if (!prev) return fresh;
    const prevRs = new Map(prev.rs.map((r) => [r.key, r]));
    const rs = fresh.rs.map((r) => {
      const p = prevRs.get(r.key);
      if (!p) return r;
      const prevUp = new Map(checkerKeys(p.cfg.checkers).map((k, i) => [k, p.checkersUp[i]!]));
      const checkersUp = checkerKeys(r.cfg.checkers).map((k, i) => prevUp.get(k) ?? r.checkersUp[i]!);
      const weight = p.cfg.weight === r.cfg.weight ? p.weight : r.weight;
      return { ...r, checkersUp, weight };
    });
    const st = settleQuorum({ ...fresh, rs, quorumUp: prev.quorumUp }, []);
    events.push(...st.events);
    return st.vs;
  });
  return { model: index(vss), events };
}

/** Per real server: checker identities, made unique with #n when a server has twin checkers. */
function checkerKeys(checkers: VirtualServerCfg['realServers'][number]['checkers']): string[] {
  const seen = new Map<string, number>();
  return checkers.map((c) => {
    const id = probeIdentity(c.probe);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : `${id}#${n}`;
  });
}

function index(vss: VsState[]): HealthModel {
  const refs = new Map<string, CheckerRef>();
  const checkers: RunnerChecker[] = [];
  vss.forEach((vs, vi) =>
    vs.rs.forEach((rs, ri) => {
      const ids = checkerKeys(rs.cfg.checkers);
      rs.cfg.checkers.forEach((c, ci) => {
        const key = `${vs.cfg.key} / ${endpointKey(rs.cfg.addr, rs.cfg.port)} / ${ids[ci]}`;
        if (refs.has(key)) throw new RangeError(`duplicate checker ${key}`);
        refs.set(key, { key, vs: vi, rs: ri, checker: ci });
        checkers.push({ key, timing: c.timing, spec: c.probe });
      });
    }),
  );
  return { vss, refs, checkers };
}
