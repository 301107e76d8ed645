/**
 * Prometheus metrics (issue 6), built from the same DaemonSnapshot as `keepalived-ts status`.
 * Every value is read at scrape time by the metrics' collect() callbacks: nothing runs between
 * scrapes except prom-client's default process metrics (event-loop delay monitor, GC observer).
 *
 * Names mirror mehdy/keepalived-exporter with `keepalived_ts_` for `keepalived_` where it has one
 * (keepalived_vrrp_state, keepalived_advertisements_sent_total, …), so dashboards port by a rename.
 * Its per-error counters are one counter here with a `reason` label (keepalived's stats key).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MailQueueStats } from '../notify/mail-queue.js';
import type { InstanceStats } from '../vrrp/instance.js';
import type { CheckerSnapshot, DaemonSnapshot, RealServerSnapshot, VrrpInstanceSnapshot } from './snapshot.js';

/** keepalived's VRRP_STATE_* numbers (its JSON dump, keepalived-exporter); STOP only exists while shutting down. */
export const VRRP_STATE_VALUE: Record<VrrpInstanceSnapshot['state'], number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 0 };

/** Counters of received adverts that were dropped, by keepalived's stats key. */
export const DROP_REASONS = [
  'packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype',
  'authtype_mismatch', 'auth_failure', 'version_err', 'chk_err', 'cast_mismatch', 'owner_ignore', 'not_unicast_peer', 'peer_ttl',
] as const satisfies readonly (keyof InstanceStats)[];

/** The other per-instance counters, under keepalived-exporter's names. */
const VRRP_COUNTERS: [name: string, help: string, key: keyof InstanceStats][] = [
  ['keepalived_ts_advertisements_received_total', 'VRRP advertisements received', 'advert_rcvd'],
  ['keepalived_ts_advertisements_sent_total', 'VRRP advertisements sent', 'advert_sent'],
  ['keepalived_ts_become_master_total', 'Times the instance became master', 'become_master'],
  ['keepalived_ts_release_master_total', 'Times the instance released master', 'release_master'],
  ['keepalived_ts_priority_zero_received_total', 'Priority-0 advertisements received (master stepping down)', 'pri_zero_rcvd'],
  ['keepalived_ts_priority_zero_sent_total', 'Priority-0 advertisements sent', 'pri_zero_sent'],
];

export interface MetricsSources {
  snapshot: () => DaemonSnapshot;
  /** Mail queue counters since start; null when no mail is configured. */
  mail?: (() => MailQueueStats | null) | undefined;
  /** Configuration reloads since start. */
  reloads?: (() => { ok: number; failed: number }) | undefined;
}

export interface RegistryOptions {
  /** prom-client's process/Node metrics (event-loop lag, memory, GC; default true). */
  defaultMetrics?: boolean;
}

type Labels = Record<string, string | number>;
type Emit = (labels: Labels, value: number) => void;

/** One snapshot per scrape: every collect() of a scrape runs in the same tick, so the cache lives until the next microtask. */
function perScrape(take: () => DaemonSnapshot): () => DaemonSnapshot {
  let cached: DaemonSnapshot | null = null;
  return () => {
    if (!cached) {
      cached = take();
      queueMicrotask(() => { cached = null; });
    }
    return cached;
  };
}

export function createMetricsRegistry(src: MetricsSources, opts: RegistryOptions = {}): Registry {
  const registry = new Registry();
  const snap = perScrape(src.snapshot);
  // Cleared on every scrape so instances or servers removed by a reload disappear.
  const gauge = (name: string, help: string, labelNames: string[], fill: (emit: Emit) => void): void => {
    const g: Gauge = new Gauge({
      name, help, labelNames, registers: [registry],
      collect: () => { g.reset(); fill((labels, value) => g.set(labels, value)); },
    });
  };
  const counter = (name: string, help: string, labelNames: string[], fill: (emit: Emit) => void): void => {
    const c: Counter = new Counter({
      name, help, labelNames, registers: [registry],
      collect: () => { c.reset(); fill((labels, value) => c.inc(labels, value)); },
    });
  };

  const VRRP = ['iname', 'intf', 'vrid'];
  const eachInstance = (emit: Emit, value: (i: VrrpInstanceSnapshot) => number | null): void => {
    for (const i of snap().vrrp) {
      const v = value(i);
      if (v !== null) emit({ iname: i.name, intf: i.interface, vrid: i.vrid }, v);
    }
  };
  gauge('keepalived_ts_vrrp_state', 'VRRP state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT', VRRP, (e) => eachInstance(e, (i) => VRRP_STATE_VALUE[i.state]));
  gauge('keepalived_ts_vrrp_priority', 'Effective priority (after tracking)', VRRP, (e) => eachInstance(e, (i) => i.effectivePriority));
  gauge('keepalived_ts_vrrp_base_priority', 'Configured priority', VRRP, (e) => eachInstance(e, (i) => i.basePriority));
  gauge('keepalived_ts_vrrp_master_priority', 'Priority of the current master (this node or the one heard), when known', VRRP,
    (e) => eachInstance(e, (i) => i.master?.priority ?? null));
  gauge('keepalived_ts_vrrp_last_transition_timestamp_seconds', 'Wall-clock time of the last state change', VRRP,
    (e) => eachInstance(e, (i) => (i.lastTransition === null ? null : i.lastTransition / 1000)));
  gauge('keepalived_ts_vrrp_vip', 'Virtual IP address: 1 installed (MASTER), 0 not', [...VRRP, 'ip_address'], (e) => {
    for (const i of snap().vrrp) {
      for (const v of i.vips) e({ iname: i.name, intf: i.interface, vrid: i.vrid, ip_address: v.address }, i.vipsSet ? 1 : 0);
    }
  });
  counter('keepalived_ts_vrrp_transitions_total', 'VRRP state changes', VRRP, (e) => eachInstance(e, (i) => i.transitions));
  for (const [name, help, key] of VRRP_COUNTERS) counter(name, help, VRRP, (e) => eachInstance(e, (i) => i.stats[key]));
  counter('keepalived_ts_vrrp_packets_dropped_total', 'Received VRRP packets dropped, by reason (keepalived stats key)', [...VRRP, 'reason'], (e) => {
    for (const i of snap().vrrp) {
      for (const reason of DROP_REASONS) e({ iname: i.name, intf: i.interface, vrid: i.vrid, reason }, i.stats[reason]);
    }
  });

  counter('keepalived_ts_vrrp_interface_packets_dropped_total', 'Received VRRP packets no instance saw (IP-layer rejects, too short, unknown VRID), by interface', ['intf', 'family', 'reason'], (e) => {
    for (const w of snap().vrrpInterfaceDrops ?? []) {
      for (const [reason, n] of Object.entries(w.reasons)) e({ intf: w.intf, family: `ipv${w.family}`, reason }, n);
    }
  });

  gauge('keepalived_ts_lvs_vs_quorum_up', 'Virtual server quorum: 1 met, 0 lost', ['vs'], (e) => {
    for (const vs of snap().virtualServers) e({ vs: vs.key }, vs.quorumUp ? 1 : 0);
  });
  gauge('keepalived_ts_lvs_vs_alive_weight', 'Sum of the weights of the alive real servers', ['vs'], (e) => {
    for (const vs of snap().virtualServers) e({ vs: vs.key }, vs.aliveWeight);
  });
  gauge('keepalived_ts_lvs_vs_sorry_server_active', 'Sorry server in use (virtual servers that have one)', ['vs'], (e) => {
    for (const vs of snap().virtualServers) if (vs.sorryServer) e({ vs: vs.key }, vs.sorryServer.active ? 1 : 0);
  });
  const eachRs = (fill: (rs: RealServerSnapshot, vs: string) => void) => {
    for (const vs of snap().virtualServers) for (const rs of vs.realServers) fill(rs, vs.key);
  };
  gauge('keepalived_ts_lvs_rs_up', 'Real server health: 1 alive, 0 failed', ['vs', 'rs'], (e) => eachRs((rs, vs) => e({ vs, rs: rs.key }, rs.alive ? 1 : 0)));
  gauge('keepalived_ts_lvs_rs_weight', 'Real server weight while alive (configured or misc_dynamic)', ['vs', 'rs'], (e) => eachRs((rs, vs) => e({ vs, rs: rs.key }, rs.weight)));
  const CHECK = ['vs', 'rs', 'checker'];
  // checker = KIND#n, n its position in the real server's block (the full key is too long for a label).
  const eachCheck = (fill: (labels: Labels, c: CheckerSnapshot) => void) =>
    eachRs((rs, vs) => rs.checkers.forEach((c, n) => fill({ vs, rs: rs.key, checker: `${c.kind}#${n}` }, c)));
  gauge('keepalived_ts_lvs_check_up', 'Health checker state: 1 up, 0 down', CHECK, (e) => eachCheck((l, c) => e(l, c.up ? 1 : 0)));
  gauge('keepalived_ts_lvs_check_last_duration_seconds', 'Duration of the last completed check', CHECK,
    (e) => eachCheck((l, c) => { if (c.lastCheck) e(l, c.lastCheck.durationMs / 1000); }));
  gauge('keepalived_ts_lvs_check_last_timestamp_seconds', 'Wall-clock time the last check completed', CHECK,
    (e) => eachCheck((l, c) => { if (c.lastCheck) e(l, c.lastCheck.at / 1000); }));

  const mail = src.mail;
  if (mail) {
    counter('keepalived_ts_mail_sent_total', 'Alert mails delivered', [], (e) => { const m = mail(); if (m) e({}, m.sent); });
    counter('keepalived_ts_mail_dropped_total', 'Alert mails given up: queue_full (or after stop) or rejected by the server', ['reason'], (e) => {
      const m = mail();
      if (m) { e({ reason: 'queue_full' }, m.dropped); e({ reason: 'rejected' }, m.rejected); }
    });
    counter('keepalived_ts_mail_retries_total', 'Failed delivery attempts that were retried', [], (e) => { const m = mail(); if (m) e({}, m.retries); });
    gauge('keepalived_ts_mail_queued', 'Alert mails waiting or in flight', [], (e) => { const m = mail(); if (m) e({}, m.queued); });
  }
  const reloads = src.reloads;
  if (reloads) {
    counter('keepalived_ts_config_reloads_total', 'Configuration reloads (SIGHUP), by result', ['result'], (e) => {
      const r = reloads();
      e({ result: 'ok' }, r.ok);
      e({ result: 'failed' }, r.failed);
    });
  }
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Mail counters that survive reloads: each reload builds a new queue (the old one drains), so the
 * totals are the sums over every queue the daemon has had.
 */
export class MailTally {
  private readonly queues = new Set<{ stats(): MailQueueStats }>();

  track(queue: { stats(): MailQueueStats } | null): void {
    if (queue) this.queues.add(queue);
  }

  stats(): MailQueueStats | null {
    if (this.queues.size === 0) return null;
    const sum: MailQueueStats = { queued: 0, sent: 0, dropped: 0, rejected: 0, retries: 0 };
    for (const q of this.queues) {
      const s = q.stats();
      sum.queued += s.queued; sum.sent += s.sent; sum.dropped += s.dropped; sum.rejected += s.rejected; sum.retries += s.retries;
    }
    return sum;
  }
}
