/**
 * Health-checker configuration as the check module needs it (times in ms, defaults already
 * resolved). The daemon maps config/model.ts onto these shapes, so this module does not depend on
 * the config model (keepalived inheritance: checker ← real_server ← virtual_server ← type default).
 */

/** Retry/scheduling knobs shared by every checker type (keepalived check_api.c common keywords). */
export interface CheckTiming {
  /** Interval between checks while the state is stable (`delay_loop`, default 60 s). */
  delayLoopMs: number;
  /** Extra attempts before an up checker is declared down (`retry`; TCP/HTTP 1, MISC 0, DNS 3). */
  retry: number;
  /** Gap between those extra attempts (`delay_before_retry`; TCP 1 s, HTTP/SSL 3 s). */
  delayBeforeRetryMs: number;
  /** First check at 1 s + random(0..warmup) (`warmup`, default = delay_loop). */
  warmupMs: number;
  /** Checker starts down: the real server only joins after its first success (`alpha`). */
  alpha: boolean;
}

/** Where a connection-based probe connects from/to (`connect_ip`, `bindto`, …). */
export interface ConnectTarget {
  connectIp: string;
  connectPort: number;
  bindTo?: string;
  bindPort?: number;
  /** The whole attempt must finish within it (`connect_timeout`, default 5 s). */
  connectTimeoutMs: number;
}

export interface TcpProbeSpec extends ConnectTarget {
  kind: 'TCP_CHECK';
}

/** Inclusive status-code range; `status_code 200 301-302` becomes [[200,200],[301,302]]. */
export type StatusRange = readonly [number, number];

export interface HttpUrlSpec {
  path: string;
  /** Accepted status codes; empty/absent = 200-299 (keepalived default). */
  statusCodes?: readonly StatusRange[];
  /** Lower-case hex MD5 of the body, as genhash prints it. */
  digest?: string;
  /** Host header for this url; overrides the checker's. */
  virtualhost?: string;
}

export interface HttpProbeSpec extends ConnectTarget {
  kind: 'HTTP_GET' | 'SSL_GET';
  urls: readonly HttpUrlSpec[];
  /** Host header (keepalived looks at url, checker, real_server, virtual_server in that order;
   *  the caller resolves the last two into this); default is connect_ip:port. */
  virtualhost?: string;
  /** `fast_recovery`: while not up and no url known failed, fetch the next url at once. */
  fastRecovery?: boolean;
  /** SSL_GET: send SNI (`enable_sni`), using `sniName` or the Host name. */
  enableSni?: boolean;
  sniName?: string;
}

export interface MiscProbeSpec {
  kind: 'MISC_CHECK';
  /** `misc_path` already split into argv by the caller (keepalived's quoting rules). */
  argv: readonly string[];
  /** `misc_timeout` (default = delay_loop); the process group is killed when it expires. */
  timeoutMs: number;
  /** `misc_dynamic`: exit 2..255 means up with weight = code - 2, exit 0 restores the configured one. */
  dynamic: boolean;
  /** `user U [G]` / global script_user, already resolved; absent = run as ourselves. */
  runAs?: { uid: number; gid: number };
}

/** DNS_CHECK: one UDP query; any reply with our id, QR set and rcode 0 is success. */
export interface DnsProbeSpec extends ConnectTarget {
  kind: 'DNS_CHECK';
  /** `type` (A, NS, CNAME, SOA, MX, TXT, AAAA), default SOA. */
  queryType: DnsQueryType;
  /** `name`, default "." (the root). */
  name: string;
}
export type DnsQueryType = 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA';

/**
 * UDP_CHECK: send `payload`; an ICMP error fails. Without `requireReply`, silence until
 * connect_timeout is success; with it a reply is needed, and when `replyHex` is set the reply must
 * be min..max bytes long and match it on the first min(len, reply) bytes, ignoring bits set in
 * `replyMaskHex`. Hex strings are already decoded from keepalived's syntax (no spaces).
 */
export interface UdpProbeSpec extends ConnectTarget {
  kind: 'UDP_CHECK';
  payloadHex: string;
  requireReply: boolean;
  replyHex?: string;
  replyMaskHex?: string;
  /** Defaults 0 and 255 (keepalived). */
  minReplyLength: number;
  maxReplyLength: number;
}

/** SMTP_CHECK: 220 banner, `HELO helo_name` answered 250, then QUIT. */
export interface SmtpProbeSpec extends ConnectTarget {
  kind: 'SMTP_CHECK';
  /** `helo_name`, default "smtpchecker.keepalived.org". */
  heloName: string;
}

export type ProbeSpec = TcpProbeSpec | HttpProbeSpec | MiscProbeSpec | DnsProbeSpec | UdpProbeSpec | SmtpProbeSpec;
export type CheckerKind = ProbeSpec['kind'];

export interface CheckerCfg {
  timing: CheckTiming;
  probe: ProbeSpec;
}

export interface RealServerCfg {
  addr: string;
  port: number;
  /** Configured IPVS weight (0..2^31-1). */
  weight: number;
  /** Down = weight 0 instead of removal (`inhibit_on_failure`). */
  inhibitOnFailure: boolean;
  checkers: readonly CheckerCfg[];
}

export interface SorryServerCfg {
  addr: string;
  port: number;
  weight: number;
  /** `sorry_server_inhibit`: always present, weight 0 while inactive. */
  inhibit: boolean;
}

export interface VirtualServerCfg {
  /** Identity chosen by the caller (e.g. "TCP 10.0.0.1:80", "FWM 7", "group NAME"); events carry it. */
  key: string;
  /** Minimum Σ weight of alive real servers (`quorum`, default 1). */
  quorum: number;
  /** `hysteresis`, default 0, already clamped below quorum. */
  hysteresis: number;
  sorryServer?: SorryServerCfg;
  realServers: readonly RealServerCfg[];
}

/** What a probe answers: ok or not, why, and for MISC_CHECK with misc_dynamic a new weight. */
export interface ProbeResult {
  ok: boolean;
  reason: string;
  /** misc_dynamic: exit 2..255 → status - 2; exit 0 → back to the configured weight. */
  weight?: number | 'configured';
}

/** Which part of the check an attempt covers: HTTP_GET/SSL_GET fetch one url per attempt. */
export interface ProbeAttempt {
  url: number;
}

/** One attempt. Must settle (never throw) and honour the signal (runner stop / reconfigure). */
export type Probe = (signal: AbortSignal, attempt?: ProbeAttempt) => Promise<ProbeResult>;

/** Checker-level edge produced by the retry policy. */
export type Edge = 'up' | 'down';

/** `[addr]:port` for IPv6, `addr:port` otherwise: the real-server key used in events. */
export function endpointKey(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/**
 * The connection options that make two checkers "the same" across a reload (keepalived's
 * checker `compare`): timing is not part of it, so changing delay_loop keeps the state.
 */
export function probeIdentity(p: ProbeSpec): string {
  switch (p.kind) {
    case 'TCP_CHECK':
      return `TCP ${targetId(p)}`;
    case 'HTTP_GET':
    case 'SSL_GET':
      return `${p.kind} ${targetId(p)} vh=${p.virtualhost ?? ''} sni=${p.enableSni ? (p.sniName ?? '*') : '-'} ` +
        JSON.stringify(p.urls.map((u) => [u.path, u.statusCodes ?? null, u.digest ?? null, u.virtualhost ?? null]));
    case 'MISC_CHECK':
      return `MISC ${JSON.stringify(p.argv)} dyn=${p.dynamic} as=${p.runAs ? `${p.runAs.uid}:${p.runAs.gid}` : '-'}`;
    case 'DNS_CHECK':
      return `DNS ${targetId(p)} ${p.queryType} ${p.name}`;
    case 'SMTP_CHECK':
      return `SMTP ${targetId(p)} helo=${p.heloName}`;
    case 'UDP_CHECK':
      return `UDP ${targetId(p)}`; // keepalived compares connection options only
  }
}

function targetId(t: ConnectTarget): string {
  return `${endpointKey(t.connectIp, t.connectPort)} from ${t.bindTo ?? '*'}:${t.bindPort ?? 0}`;
}
