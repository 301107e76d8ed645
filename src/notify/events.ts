/**
 * The single vocabulary of HA events. vrrp/ and check/ emit their own internal edges; daemon/ maps
 * them to these and hands them to notify/ (mails, scripts, FIFO lines). Pure data, no behaviour.
 */

/** States a VRRP instance or sync group reports to notifiers (keepalived's notify argument words). */
export type VrrpNotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';
/** `INIT` only ever appears as a `from` state: the first transition after start-up. */
export type VrrpFromState = VrrpNotifyState | 'INIT';

/** IPVS service protocol as keepalived prints it in `[ip]:proto:port`. */
export type ServiceProto = 'tcp' | 'udp' | 'sctp' | 'none';

/**
 * How a virtual server is identified in alerts. keepalived prints an address VS as
 * `[ip]:proto:port`, a fwmark VS as `FWM n`, a group VS as `[group]:port`.
 */
export type VsIdentity =
  | { kind: 'addr'; ip: string; port: number; proto: ServiceProto }
  | { kind: 'fwmark'; fwmark: number; proto: ServiceProto }
  | { kind: 'group'; group: string; port: number; proto: ServiceProto };

/** A real server; it is printed with its virtual server's protocol. */
export interface RsIdentity { ip: string; port: number }

/** Checker kinds whose up/down mail bodies keepalived words differently. */
export type CheckerKind =
  | 'TCP_CHECK' | 'UDP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'MISC_CHECK' | 'SMTP_CHECK'
  | 'DNS_CHECK' | 'PING_CHECK' | 'FILE_CHECK' | 'BFD_CHECK';

export interface VrrpInstanceStateEvent {
  t: 'vrrp-instance';
  name: string;
  from: VrrpFromState;
  to: VrrpNotifyState;
  /** Effective priority at the transition (what the generic notify script receives). */
  priority: number;
}

export interface VrrpGroupStateEvent {
  t: 'vrrp-group';
  name: string;
  from: VrrpFromState;
  to: VrrpNotifyState;
}

/**
 * A real server changed health. `cause`: 'check' = a checker edge (up or down), 'removed' = taken
 * out on reload, 'shutdown' = removed at daemon stop (keepalived mails those only in omega mode).
 */
export interface RealServerEvent {
  t: 'rs';
  vs: VsIdentity;
  rs: RsIdentity;
  /** The real server's alive state after the event (the mail subject's UP/DOWN). */
  up: boolean;
  cause: 'check' | 'removed' | 'shutdown';
  /**
   * With several checkers on one server, the deciding checker's own result can differ from the
   * server's state (body "succeed" while the subject still says DOWN). Default: `up`.
   */
  checkerUp?: boolean;
  /** Whether this edge changed the server's alive state (no_checker_emails filter). Default: true. */
  aliveChanged?: boolean;
  /** The checker that decided, for the mail body wording (cause 'check' only). */
  checker?: CheckerKind;
  /** Checker-specific failure detail, e.g. 'HTTP request failed' (HTTP_GET/SSL_GET bodies). */
  detail?: string;
}

/**
 * Virtual-server quorum changed. `threshold` is the bound keepalived compared against
 * (quorum ± hysteresis), `weight` the live weight sum; both appear in the mail body.
 */
export interface QuorumEvent {
  t: 'quorum';
  vs: VsIdentity;
  up: boolean;
  /** 'start' = initial state at start-up, 'change' = gained/lost, 'shutdown' = daemon stop. */
  cause: 'start' | 'change' | 'shutdown';
  quorum: number;
  hysteresis: number;
  threshold: number;
  weight: number;
}

export interface DaemonEvent {
  t: 'daemon';
  phase: 'start' | 'stop' | 'reload';
}

export type HaEvent = VrrpInstanceStateEvent | VrrpGroupStateEvent | RealServerEvent | QuorumEvent | DaemonEvent;
