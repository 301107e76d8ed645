/**
 * The typed configuration: what keepalived.conf means after parsing, with keepalived's defaults
 * applied (keepalived-features.md §2-§5, semantics §2.1, §7.1, §8.1). Other modules `import type`
 * it; it is plain JSON data (addresses are canonical strings, times are milliseconds) so
 * `--dump-json` prints it as is and `loadConfig(dumpConfig(cfg))` can be compared deep-equal.
 */

/** A script keyword (`notify_master`, `script`, `misc_path`, …) as written: command + optional user. */
export interface ScriptRef {
  /** The command line as one string (after keepalived's quote/escape processing). */
  cmd: string;
  /**
   * Program and arguments. A command written as one quoted word is split again with the same
   * rules (keepalived hands such a string to the shell when it is not an executable path).
   */
  argv: string[];
  /** `SCRIPT user [group]`; null = global `script_user` (or its default). */
  user: string | null;
  group: string | null;
}

export interface GlobalDefs {
  /** null = host name at run time. */
  routerId: string | null;
  notificationEmail: string[];
  /** null = `<running user>@<host name>`, decided at run time. */
  notificationEmailFrom: string | null;
  smtpServer: { host: string; port: number } | null;
  smtpConnectTimeoutMs: number;
  smtpHeloName: string | null;
  /** Tri-state defaults for smtp_alert (semantics §6.5); null = not set. */
  smtpAlert: boolean | null;
  smtpAlertVrrp: boolean | null;
  smtpAlertChecker: boolean | null;
  noEmailFaults: boolean;
  checkerLogAllFailures: boolean;
  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  vrrpVersion: 2 | 3;
  vrrpGarpMasterDelayMs: number;
  vrrpGarpMasterRepeat: number;
  vrrpGarpMasterRefreshMs: number;
  vrrpGarpMasterRefreshRepeat: number;
  /** null = same as vrrpGarpMasterDelayMs / vrrpGarpMasterRepeat. */
  vrrpGarpLowerPrioDelayMs: number | null;
  vrrpGarpLowerPrioRepeat: number | null;
  /** Minimum gap between GARP / unsolicited NA packets on one interface (0 = none). */
  vrrpGarpIntervalMs: number;
  vrrpGnaIntervalMs: number;
  vrrpMinGarp: boolean;
  vrrpDownTimerAdverts: number;
  vrrpLowerPrioNoAdvert: boolean | null;
  vrrpHigherPrioSendAdvert: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpStrict: boolean;
  vrrpCheckUnicastSrc: boolean;
  v3ChecksumAsV2: boolean;
  dynamicInterfaces: boolean;
  scriptUser: { user: string; group: string | null } | null;
  enableScriptSecurity: boolean;
  reloadCheckConfig: boolean;
  lvsFlush: boolean;
  /** `lvs_sync_daemon IF VRRP_INSTANCE [id N] [maxlen N] [port N] [ttl N] [group IP]`: IPVS connection sync follows that instance. */
  lvsSyncDaemon: LvsSyncDaemon | null;
}

export interface LvsSyncDaemon {
  interface: string;
  /** The vrrp_instance whose state decides master (sending) or backup (receiving). */
  instance: string;
  /** Sync id 0..255 (default: the instance's VRID). */
  syncId: number | null;
  maxLen: number | null;
  port: number | null;
  ttl: number | null;
  group: string | null;
}

export type VrrpState = 'MASTER' | 'BACKUP';

export interface VirtualIp {
  /** Canonical address text. */
  address: string;
  /** Prefix length; /32 or /128 when none was written. */
  prefix: number;
  /** null = the instance's interface. */
  dev: string | null;
  label: string | null;
  brd: string | null;
  /** `scope` word as written (global, host, link, site, nowhere or a number). */
  scope: string | null;
  noTrack: boolean;
}

export interface TrackedInterface { name: string; weight: number; reverse: boolean }
/** weight/reverse null = the script's own. */
export interface TrackedScript { name: string; weight: number | null; reverse: boolean | null }

export interface NotifyScripts {
  master: ScriptRef | null;
  backup: ScriptRef | null;
  fault: ScriptRef | null;
  stop: ScriptRef | null;
  deleted: ScriptRef | null;
  /** `notify`: gets `INSTANCE|GROUP name STATE priority` appended. */
  any: ScriptRef | null;
}

export interface VrrpInstance {
  name: string;
  /** Initial wanted state (semantics §2.1: from `state`, else from priority). */
  state: VrrpState;
  interface: string | null;
  /** null = missing (a fatal configuration error reported by validate). */
  virtualRouterId: number | null;
  /** 1..255; 255 = address owner. */
  priority: number;
  advertIntMs: number;
  version: 2 | 3;
  authentication: { type: 'PASS' | 'AH'; pass: string } | null;
  virtualIpaddresses: VirtualIp[];
  virtualIpaddressesExcluded: VirtualIp[];
  unicastSrcIp: string | null;
  unicastPeers: string[];
  /** unicast_ttl 1..255: TTL / hop limit of unicast adverts; unset = 255. */
  unicastTtl?: number;
  mcastDstIp: string | null;
  trackInterfaces: TrackedInterface[];
  trackScripts: TrackedScript[];
  dontTrackPrimary: boolean;
  nopreempt: boolean;
  preemptDelayMs: number;
  /** null = RFC default (true for the address owner, else !strict). */
  accept: boolean | null;
  strictMode: boolean;
  skipCheckAdvAddr: boolean;
  garpMasterDelayMs: number;
  garpMasterRepeat: number;
  garpMasterRefreshMs: number;
  garpMasterRefreshRepeat: number;
  garpLowerPrioDelayMs: number;
  garpLowerPrioRepeat: number;
  downTimerAdverts: number;
  notify: NotifyScripts;
  /** Resolved: instance → smtp_alert_vrrp → smtp_alert → true (our decided default; keepalived: false). */
  smtpAlert: boolean;
}

export interface VrrpScript {
  name: string;
  script: ScriptRef | null;
  intervalMs: number;
  /** Default: the interval. */
  timeoutMs: number;
  /** -253..253; 0 = failure puts tracking instances in FAULT. */
  weight: number;
  weightReverse: boolean;
  rise: number;
  fall: number;
  initFail: boolean;
}

export interface SyncGroup {
  name: string;
  members: string[];
  notify: NotifyScripts;
  smtpAlert: boolean;
  trackInterfaces: TrackedInterface[];
  trackScripts: TrackedScript[];
}

export type LbKind = 'NAT' | 'DR' | 'TUN';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const LB_ALGOS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;
export type LbAlgo = (typeof LB_ALGOS)[number];

/**
 * One entry of a virtual_server_group. `range` is the address as written (canonical when it is a
 * single address): `10.0.0.1`, a range `10.0.0.1-10` / `ae00::2-9`, or a prefix `10.0.0.0/29`.
 */
export type VsGroupEntry =
  | { kind: 'ip'; range: string; port: number }
  | { kind: 'fwmark'; fwmark: number; family: 'inet' | 'inet6' | null };

export interface VirtualServerGroup { name: string; entries: VsGroupEntry[] }

export type VsKey =
  | { kind: 'ip'; address: string; port: number }
  | { kind: 'fwmark'; fwmark: number }
  | { kind: 'group'; group: string };

export type CheckerType =
  | 'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'MISC_CHECK' | 'SMTP_CHECK' | 'DNS_CHECK'
  | 'UDP_CHECK' | 'PING_CHECK' | 'FILE_CHECK' | 'BFD_CHECK';

export interface HttpUrl {
  path: string;
  /** MD5 of the body, lower-case hex; null = not checked. */
  digest: string | null;
  /** Accepted status ranges; empty = 200-299. */
  statusCodes: { from: number; to: number }[];
  virtualhost: string | null;
}

export interface Checker {
  type: CheckerType;
  /** null = real server address / port. */
  connectIp: string | null;
  connectPort: number | null;
  bindto: string | null;
  bindPort: number | null;
  bindIf: string | null;
  /** Resolved through checker ← real_server ← virtual_server ← checker-type default (§8.1). */
  connectTimeoutMs: number;
  retry: number;
  delayBeforeRetryMs: number;
  delayLoopMs: number;
  warmupMs: number;
  alpha: boolean;
  logAllFailures: boolean;
  /** HTTP_GET / SSL_GET. */
  urls: HttpUrl[];
  httpProtocol: string | null;
  virtualhost: string | null;
  /** MISC_CHECK. */
  miscPath: ScriptRef | null;
  miscTimeoutMs: number | null;
  miscDynamic: boolean;
}

export interface RealServer {
  address: string;
  port: number;
  /** 0..2147483647. */
  weight: number;
  lbKind: LbKind;
  inhibitOnFailure: boolean;
  notifyUp: ScriptRef | null;
  notifyDown: ScriptRef | null;
  /** Resolved: rs → smtp_alert_checker → smtp_alert → true. */
  smtpAlert: boolean;
  uthreshold: number;
  lthreshold: number;
  checkers: Checker[];
}

export interface VirtualServer {
  key: VsKey;
  delayLoopMs: number;
  lbAlgo: LbAlgo;
  lbKind: LbKind;
  protocol: Protocol;
  /** Seconds; 0 = not persistent. */
  persistenceTimeoutS: number;
  persistenceGranularity: string | null;
  connectTimeoutMs: number;
  /** Default RS weight. */
  weight: number;
  inhibitOnFailure: boolean;
  alpha: boolean;
  omega: boolean;
  quorum: number;
  hysteresis: number;
  quorumUp: ScriptRef | null;
  quorumDown: ScriptRef | null;
  sorryServer: { address: string; port: number } | null;
  sorryServerInhibit: boolean;
  haSuspend: boolean;
  ops: boolean;
  virtualhost: string | null;
  /** Resolved: vs → smtp_alert_checker → smtp_alert → false. */
  smtpAlert: boolean;
  realServers: RealServer[];
}

/** STARTTLS policy for alert mails: 'never' is keepalived's plain SMTP. */
export type SmtpStartTls = 'never' | 'opportunistic' | 'required';

/** A maintenance window: its real servers are drained (weight 0) from `start` until `end`. */
export interface MaintenanceWindow {
  name: string;
  /** Five-field cron expressions (common/cron.ts), normalised to single spaces. */
  start: string;
  end: string;
  /** Every virtual server's entry for this address and port is drained. */
  realServers: { address: string; port: number }[];
}

/**
 * keepalived-ts extensions, written in the top-level `keepalived_ts { }` block (keepalived has
 * none of them; README "Extensions").
 */
export interface Extensions {
  /** SMTP AUTH for alert mails; the password is read from `passwordFile` at start and reload when set. */
  smtpAuth: { user: string; password: string | null; passwordFile: string | null } | null;
  smtpStartTls: SmtpStartTls;
  /** Extra trusted CA (PEM file) for STARTTLS. */
  smtpTlsCaFile: string | null;
  /** Verify the relay's certificate (default on). */
  smtpTlsVerify: boolean;
  /** Prometheus endpoint; null = off (the default). */
  metrics: { address: string; port: number } | null;
  /** IANA time zone of every cron expression; null = the host's local zone. */
  cronTimezone: string | null;
  /** When the status report mail is sent (cron); null = never. */
  reportMail: string | null;
  maintenanceWindows: MaintenanceWindow[];
}

export interface Config {
  globalDefs: GlobalDefs;
  vrrpScripts: VrrpScript[];
  syncGroups: SyncGroup[];
  vrrpInstances: VrrpInstance[];
  virtualServerGroups: VirtualServerGroup[];
  virtualServers: VirtualServer[];
  extensions: Extensions;
}
