/**
 * keepalived's signal dumps, formatted from a DaemonSnapshot (pure). Layouts are those of
 * keepalived 2.2.7 (test/fixtures/dumps/keepalived-2.2.7.*, captured by capture-data.sh), which
 * keepalived-exporter parses:
 *   SIGUSR1  /tmp/keepalived.data   "------< VRRP Topology >------" block per instance
 *   SIGUSR2  /tmp/keepalived.stats  per-instance counters (vrrp/stats-format.ts)
 *   JSON     /tmp/keepalived.json   v1 layout: [{ "data": {...}, "stats": {...} }, ...]
 * Lines keepalived prints about things we do not have (file descriptors, VMAC, firewall, read
 * timer) are left out; every line we print has keepalived's label and indentation. The PASS
 * password is never printed (keepalived prints it in the .data file).
 */
import { formatStatsFile as formatInstancesStats } from '../vrrp/stats-format.js';
import type { DaemonSnapshot, VipSnapshot, VrrpInstanceSnapshot } from './snapshot.js';

export const DATA_FILE = '/tmp/keepalived.data';
export const STATS_FILE = '/tmp/keepalived.stats';
export const JSON_FILE = '/tmp/keepalived.json';

export interface DumpOptions {
  /** ctime-style dates in local time (keepalived) or UTC (tests). Default local. */
  timeZone?: 'local' | 'utc';
}

/** keepalived's state names; STOP (only while shutting down) is shown as INIT so parsers never see an unknown state. */
const STATE_NAME: Record<VrrpInstanceSnapshot['state'], string> = { INIT: 'INIT', BACKUP: 'BACKUP', MASTER: 'MASTER', FAULT: 'FAULT', STOP: 'INIT' };
/** VRRP_STATE_* numbers of the JSON dump (INIT 0, BACKUP 1, MASTER 2, FAULT 3). */
const STATE_NUM: Record<VrrpInstanceSnapshot['state'], number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 0 };

/** `10.0.0.1/24 dev eth0 scope global set` (keepalived format_ipaddress; no prefix for a host route). */
export function formatVip(v: VipSnapshot, set: boolean): string {
  const host = v.address.includes(':') ? 128 : 32;
  const v4 = !v.address.includes(':');
  return `${v.address}${v.prefix === host ? '' : `/${v.prefix}`}${v.brd ? ` brd ${v.brd}` : ''} dev ${v.dev}` +
    `${v4 ? ` scope ${v.scope ?? 'global'}` : ''}${v.label ? ` label ${v.label}` : ''}${set ? ' set' : ''}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2, c = '0'): string => String(n).padStart(w, c);

/** `1795454216.244205 (Mon Nov 23 17:16:56.244205 2026)` from wall-clock ms. */
export function formatTimeval(ms: number, tz: DumpOptions['timeZone'] = 'local'): string {
  const sec = Math.floor(ms / 1000);
  const usec = pad(Math.round((ms - sec * 1000) * 1000), 6);
  const d = new Date(sec * 1000);
  const utc = tz === 'utc';
  const [wd, mo, day, h, mi, s, y] = utc
    ? [d.getUTCDay(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCFullYear()]
    : [d.getDay(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getFullYear()];
  return `${sec}.${usec} (${DAYS[wd]} ${MONTHS[mo]} ${pad(day, 2, ' ')} ${pad(h)}:${pad(mi)}:${pad(s)}.${usec} ${y})`;
}

/** `%g` with keepalived's six significant digits. */
const g = (x: number): string => String(Number(x.toPrecision(6)));

function instanceData(i: VrrpInstanceSnapshot, o: DumpOptions): string[] {
  const out = [` VRRP Instance = ${i.name}`, `   VRRP Version = ${i.version}`];
  if (i.family === 6) out.push('   Using Native IPv6');
  out.push(`   State = ${STATE_NAME[i.state]}`);
  if (i.state === 'BACKUP' && i.master && !i.master.self) {
    out.push(`   Master router = ${i.master.address}`, `   Master priority = ${i.master.priority}`);
    if (i.version === 3) out.push(`   Master advert int = ${(i.masterAdvertIntervalMs / 1000).toFixed(2)} sec`);
  }
  out.push(
    '   Flags: none',
    `   Wantstate = ${i.wantState}`,
    '   Number of config faults = 0',
    `   Number of interface and track script faults = ${i.faulted ? 1 : 0}`,
    '   Number of track scripts init = 0',
  );
  if (i.lastTransition !== null) out.push(`   Last transition = ${formatTimeval(i.lastTransition, o.timeZone)}`);
  out.push(`   Master down timer = ${Math.floor(i.masterDownIntervalMs * 1000)} usecs`, `   Interface = ${i.interface}`, `   Using src_ip = ${i.srcIp}`);
  if (i.mcastGroup) out.push(`   Multicast address ${i.mcastGroup}`);
  out.push(
    `   Gratuitous ARP delay = ${Math.floor(i.garp.masterDelayMs / 1000)}`,
    `   Gratuitous ARP repeat = ${i.garp.masterRepeat}`,
    `   Gratuitous ARP refresh = ${Math.floor(i.garp.masterRefreshMs / 1000)}`,
    `   Gratuitous ARP refresh repeat = ${i.garp.masterRefreshRepeat}`,
    `   Gratuitous ARP lower priority delay = ${Math.floor(i.garp.lowerPrioDelayMs / 1000)}`,
    `   Gratuitous ARP lower priority repeat = ${i.garp.lowerPrioRepeat}`,
    `   Down timer adverts = ${i.downTimerAdverts}`,
    `   Send advert after receive lower priority advert = ${i.lowerPrioNoAdvert ? 'false' : 'true'}`,
    `   Send advert after receive higher priority advert = ${i.higherPrioSendAdvert ? 'true' : 'false'}`,
    `   Virtual Router ID = ${i.vrid}`,
    `   Priority = ${i.basePriority}`,
    `   Effective priority = ${i.effectivePriority}`,
    `   Total priority = ${i.effectivePriority}`,
    i.version === 2 ? `   Advert interval = ${Math.floor(i.advertIntervalMs / 1000)} sec` : `   Advert interval = ${i.advertIntervalMs} milli-sec`,
  );
  if (i.state === 'BACKUP' && i.version === 3) out.push(`   Master advert interval = ${i.masterAdvertIntervalMs} milli-sec`);
  out.push('   Accept = enabled', `   Preempt = ${i.nopreempt ? 'disabled' : 'enabled'}`);
  if (i.preemptDelayMs > 0) out.push(`   Preempt delay = ${g(i.preemptDelayMs / 1000)} secs`);
  out.push('   Promote_secondaries = disabled');
  if (i.version === 2) out.push(`   Authentication type = ${i.authType === 'PASS' ? 'SIMPLE_PASSWORD' : 'none'}`);
  if (i.vips.length > 0) {
    out.push(`   Virtual IP (${i.vips.length}):`, ...i.vips.map((v) => `     ${formatVip(v, i.vipsSet)}`));
  }
  if (i.excludedVips.length > 0) {
    out.push(`   Virtual IP Excluded (${i.excludedVips.length}):`, ...i.excludedVips.map((v) => `     ${formatVip(v, i.vipsSet)}`));
  }
  if (i.unicastPeers.length > 0) {
    out.push(`   Unicast Peer (${i.unicastPeers.length}):`, ...i.unicastPeers.map((p) => `     ${p}`));
  }
  out.push('   Using smtp notification = no', '   Notify priority changes = false');
  return out;
}

/** SIGUSR1: the VRRP part of /tmp/keepalived.data. */
export function formatDataFile(s: DaemonSnapshot, o: DumpOptions = {}): string {
  if (s.vrrp.length === 0) return '';
  return ['------< VRRP Topology >------', ...s.vrrp.flatMap((i) => instanceData(i, o)), ''].join('\n');
}

/** SIGUSR2: /tmp/keepalived.stats. */
export function formatStatsFile(s: DaemonSnapshot): string {
  return formatInstancesStats(s.vrrp);
}

/** A JSON value written verbatim (numbers in keepalived's printf formats). */
class Raw { constructor(readonly text: string) {} }
type J = string | number | boolean | Raw | J[] | { [k: string]: J | undefined };

/** JSON like keepalived's json_writer: compact, `/` escaped as `\/`. */
function writeJson(v: J): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return JSON.stringify(v).replace(/\//g, '\\/');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
  return `{${Object.entries(v).filter((e): e is [string, J] => e[1] !== undefined).map(([k, x]) => `${writeJson(k)}:${writeJson(x)}`).join(',')}}`;
}

const b01 = (b: boolean): number => (b ? 1 : 0);

function instanceJson(i: VrrpInstanceSnapshot): J {
  const vips = i.vips.map((v) => formatVip(v, i.vipsSet));
  const evips = i.excludedVips.map((v) => formatVip(v, i.vipsSet));
  const secs = (ms: number) => new Raw(g(ms / 1000));
  const data: J = {
    iname: i.name,
    dont_track_primary: 0,
    skip_check_adv_addr: b01(i.skipCheckAdvAddr),
    strict_mode: 0,
    vmac_ifname: '',
    ifp_ifname: i.interface,
    master_priority: i.state !== 'MASTER' && i.master && !i.master.self ? i.master.priority : 0,
    last_transition: new Raw(((i.lastTransition ?? 0) / 1000).toFixed(6)),
    garp_delay: secs(i.garp.masterDelayMs),
    garp_refresh: Math.floor(i.garp.masterRefreshMs / 1000),
    garp_rep: i.garp.masterRepeat,
    garp_refresh_rep: i.garp.masterRefreshRepeat,
    garp_lower_prio_delay: Math.floor(i.garp.lowerPrioDelayMs / 1000),
    garp_lower_prio_rep: i.garp.lowerPrioRepeat,
    lower_prio_no_advert: b01(i.lowerPrioNoAdvert),
    higher_prio_send_advert: b01(i.higherPrioSendAdvert),
    vrid: i.vrid,
    base_priority: i.basePriority,
    effective_priority: i.effectivePriority,
    vipset: i.vipsSet,
    promote_secondaries: false,
    adver_int: secs(i.advertIntervalMs),
    master_adver_int: secs(i.masterAdvertIntervalMs),
    accept: 1,
    nopreempt: i.nopreempt,
    preempt_delay: Math.floor(i.preemptDelayMs / 1000),
    state: STATE_NUM[i.state],
    wantstate: STATE_NUM[i.wantState],
    version: i.version,
    smtp_alert: false,
    notify_deleted: false,
    vips: vips.length > 0 ? vips : undefined,
    evips: evips.length > 0 ? evips : undefined,
    auth_type: i.authType === 'PASS' ? 1 : 0,
  };
  const st = i.stats;
  const stats: J = {
    advert_rcvd: st.advert_rcvd, advert_sent: st.advert_sent, become_master: st.become_master, release_master: st.release_master,
    packet_len_err: st.packet_len_err, advert_interval_err: st.advert_interval_err, ip_ttl_err: st.ip_ttl_err,
    invalid_type_rcvd: st.invalid_type_rcvd, addr_list_err: st.addr_list_err, invalid_authtype: st.invalid_authtype,
    authtype_mismatch: st.authtype_mismatch, auth_failure: st.auth_failure, pri_zero_rcvd: st.pri_zero_rcvd, pri_zero_sent: st.pri_zero_sent,
  };
  return { data, stats };
}

/** /tmp/keepalived.json (keepalived's v1 layout, no trailing newline as keepalived). */
export function formatJsonDump(s: DaemonSnapshot): string {
  return writeJson(s.vrrp.map(instanceJson));
}
