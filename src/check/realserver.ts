/**
 * One real server's health, pure: it is alive only while every checker is up (keepalived
 * `num_failed_checkers == 0`), and its effective weight can be changed by MISC_CHECK misc_dynamic.
 */
import { endpointKey, type RealServerCfg } from './types.js';

export interface RsState {
  readonly key: string;
  readonly cfg: RealServerCfg;
  /** One flag per configured checker, in config order. */
  readonly checkersUp: readonly boolean[];
  /** Weight pushed to IPVS while alive: configured, or the last misc_dynamic value. */
  readonly weight: number;
}

/** Checkers start up unless `alpha`, so without alpha the server is in the table from the start. */
export function initRealServer(cfg: RealServerCfg): RsState {
  return {
    key: endpointKey(cfg.addr, cfg.port),
    cfg,
    checkersUp: cfg.checkers.map((c) => !c.timing.alpha),
    weight: cfg.weight,
  };
}

export function isAlive(rs: RsState): boolean {
  return rs.checkersUp.every(Boolean);
}

export function setCheckerUp(rs: RsState, checker: number, up: boolean): RsState {
  if (checker < 0 || checker >= rs.checkersUp.length) throw new RangeError(`no checker #${checker} on ${rs.key}`);
  if (rs.checkersUp[checker] === up) return rs;
  const checkersUp = rs.checkersUp.slice();
  checkersUp[checker] = up;
  return { ...rs, checkersUp };
}

export function setWeight(rs: RsState, weight: number): RsState {
  return weight === rs.weight ? rs : { ...rs, weight };
}

/**
 * The weight this server should have in IPVS when the pool is serving normally: its weight when
 * alive, 0 when failed with inhibit_on_failure, null when it must be absent.
 */
export function poolWeight(rs: RsState): number | null {
  if (isAlive(rs)) return rs.weight;
  return rs.cfg.inhibitOnFailure ? 0 : null;
}
