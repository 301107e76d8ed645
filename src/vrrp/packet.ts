/**
 * VRRP v2 (RFC 3768) and v3 (RFC 5798) advertisement codec for IPv4 and IPv6. Pure.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Type  | Virtual Rtr ID|   Priority    | Count IPvX Addr|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * v2: | Auth Type | Adver Int (s) |      v3: |rsvd(4)| Max Adver Int (12 bits, cs) |  then Checksum
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | addresses (4 or 16 bytes each) … | v2 only: 8 bytes auth data |
 *
 * `decodeAdvert` only checks structure; `checkAdvert` is the receive validation of one instance,
 * in keepalived's order (semantics §3.4), returning a named drop reason instead of throwing.
 */
import { fail, ok, type Result } from '../common/result.js';
import { compareIp, formatIp, isMulticast, type Family } from '../common/ip.js';
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader, IPPROTO_VRRP } from './checksum.js';

export type VrrpVersion = 2 | 3;
export const VRRP_TYPE_ADVERTISEMENT = 1;
export const VRRP_HEADER_LEN = 8;
export const VRRP_AUTH_LEN = 8; // v2 only
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;

/** VRRPv3 over IPv4: with the RFC 5798 pseudo-header (default) or without (`v3_checksum_as_v2`). */
export type ChecksumMode = 'pseudo-header' | 'v2-compat';

export interface Advert {
  version: VrrpVersion;
  vrid: number;
  priority: number;
  /** Advertisement interval in centiseconds. v2 carries whole seconds, so this is a multiple of 100. */
  intervalCs: number;
  /** VIPs in wire order; 4 bytes each for IPv4, 16 for IPv6. */
  addrs: Uint8Array[];
  /** v2 only: 0 none, 1 simple password, 2 IP AH. */
  authType?: number;
  /** v2 only: the 8 authentication bytes (zero unless PASS). */
  authData?: Uint8Array;
}

/** What the checksum depends on besides the message. */
export interface ChecksumContext {
  family: Family;
  src: Uint8Array;
  dst: Uint8Array;
  checksumMode?: ChecksumMode;
}

export const addrLen = (family: Family): number => (family === 4 ? 4 : 16);

export function advertLength(version: VrrpVersion, family: Family, count: number): number {
  return VRRP_HEADER_LEN + count * addrLen(family) + (version === 2 ? VRRP_AUTH_LEN : 0);
}

/** Which pseudo-header (if any) the checksum covers. IPv6 always uses one (the kernel's IPV6_CHECKSUM). */
function checksumPrefix(version: number, ctx: ChecksumContext, length: number): Uint8Array | null {
  if (ctx.family === 6) return ipv6PseudoHeader(ctx.src, ctx.dst, IPPROTO_VRRP, length);
  if (version === 3 && (ctx.checksumMode ?? 'pseudo-header') === 'pseudo-header') {
    return ipv4PseudoHeader(ctx.src, ctx.dst, IPPROTO_VRRP, length);
  }
  return null;
}

export function vrrpChecksum(msg: Uint8Array, ctx: ChecksumContext): number {
  const version = msg[0]! >> 4;
  const zeroed = Uint8Array.from(msg);
  zeroed[6] = 0;
  zeroed[7] = 0;
  const prefix = checksumPrefix(version, ctx, msg.length);
  return prefix ? internetChecksum(prefix, zeroed) : internetChecksum(zeroed);
}

/** Encodes an advert. Throws RangeError on values that cannot be put on the wire (programming error). */
export function encodeAdvert(adv: Advert, ctx: ChecksumContext): Uint8Array {
  const alen = addrLen(ctx.family);
  if (adv.addrs.length > 255) throw new RangeError('at most 255 addresses per advert');
  for (const a of adv.addrs) if (a.length !== alen) throw new RangeError(`address of ${a.length} bytes in an IPv${ctx.family} advert`);
  if (!Number.isInteger(adv.vrid) || adv.vrid < 1 || adv.vrid > 255) throw new RangeError(`VRID ${adv.vrid}`);
  if (!Number.isInteger(adv.priority) || adv.priority < 0 || adv.priority > 255) throw new RangeError(`priority ${adv.priority}`);
  const out = new Uint8Array(advertLength(adv.version, ctx.family, adv.addrs.length));
  out[0] = (adv.version << 4) | VRRP_TYPE_ADVERTISEMENT;
  out[1] = adv.vrid;
  out[2] = adv.priority;
  out[3] = adv.addrs.length;
  if (adv.version === 2) {
    const secs = adv.intervalCs / 100;
    if (!Number.isInteger(secs) || secs < 1 || secs > 255) throw new RangeError(`v2 interval ${adv.intervalCs} cs is not 1..255 s`);
    out[4] = adv.authType ?? AUTH_NONE;
    out[5] = secs;
  } else {
    if (!Number.isInteger(adv.intervalCs) || adv.intervalCs < 1 || adv.intervalCs > 4095) throw new RangeError(`v3 interval ${adv.intervalCs} cs`);
    out[4] = adv.intervalCs >> 8; // upper 4 bits reserved = 0
    out[5] = adv.intervalCs & 0xff;
  }
  adv.addrs.forEach((a, i) => out.set(a, VRRP_HEADER_LEN + i * alen));
  if (adv.version === 2) {
    const auth = adv.authData ?? new Uint8Array(VRRP_AUTH_LEN);
    if (auth.length !== VRRP_AUTH_LEN) throw new RangeError('v2 auth data must be 8 bytes');
    out.set(auth, out.length - VRRP_AUTH_LEN);
  }
  const sum = vrrpChecksum(out, ctx);
  out[6] = sum >> 8;
  out[7] = sum & 0xff;
  return out;
}

/** The 8 PASS bytes for a password: NUL padded, truncated to 8 (keepalived warns on truncation). */
export function passAuthData(password: string): Uint8Array {
  const out = new Uint8Array(VRRP_AUTH_LEN);
  out.set(new TextEncoder().encode(password).subarray(0, VRRP_AUTH_LEN));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Raw header view: fields read without judgement, so checks can run in any documented order.

interface RawHeader {
  version: number;
  type: number;
  vrid: number;
  priority: number;
  count: number;
  byte4: number;
  byte5: number;
  checksum: number;
}

function rawHeader(b: Uint8Array): RawHeader {
  return {
    version: b[0]! >> 4, type: b[0]! & 0x0f, vrid: b[1]!, priority: b[2]!, count: b[3]!,
    byte4: b[4]!, byte5: b[5]!, checksum: (b[6]! << 8) | b[7]!,
  };
}

/** VRID of a datagram, for demultiplexing before any instance is known (null if too short). */
export function peekVrid(b: Uint8Array): number | null {
  return b.length >= VRRP_HEADER_LEN ? b[1]! : null;
}

function toAdvert(b: Uint8Array, h: RawHeader, family: Family): Advert {
  const alen = addrLen(family);
  const addrs: Uint8Array[] = [];
  for (let i = 0; i < h.count; i++) addrs.push(b.slice(VRRP_HEADER_LEN + i * alen, VRRP_HEADER_LEN + (i + 1) * alen));
  if (h.version === 2) {
    const end = VRRP_HEADER_LEN + h.count * alen;
    return {
      version: 2, vrid: h.vrid, priority: h.priority, intervalCs: h.byte5 * 100, addrs,
      authType: h.byte4, authData: b.slice(end, end + VRRP_AUTH_LEN),
    };
  }
  return { version: 3, vrid: h.vrid, priority: h.priority, intervalCs: ((h.byte4 & 0x0f) << 8) | h.byte5, addrs };
}

export type DecodeError = 'short' | 'version' | 'type' | 'length' | 'checksum';
export interface DecodedAdvert { advert: Advert; checksum: number }

/**
 * Structural decode (no instance context). Order: header present, version 2|3, type 1, length
 * matches the address count, checksum. Pass `ctx` = null to skip the checksum (e.g. IPv6 where
 * the kernel verified it and the destination is unknown).
 */
export function decodeAdvert(b: Uint8Array, family: Family, ctx: ChecksumContext | null): Result<DecodedAdvert, DecodeError> {
  if (b.length < VRRP_HEADER_LEN) return fail('short');
  const h = rawHeader(b);
  if (h.version !== 2 && h.version !== 3) return fail('version');
  if (h.type !== VRRP_TYPE_ADVERTISEMENT) return fail('type');
  if (b.length !== advertLength(h.version, family, h.count)) return fail('length');
  if (ctx && vrrpChecksum(b, ctx) !== h.checksum) return fail('checksum');
  return ok({ advert: toAdvert(b, h, family), checksum: h.checksum });
}

// ---------------------------------------------------------------------------------------------
// Instance-level receive validation (keepalived `vrrp_check_packet` order, semantics §3.4).

/** Drop reasons; the names of the keepalived.stats counters where keepalived has one. */
export type DropReason =
  | 'packet_len_err'      // Packet Errors: Length
  | 'ip_ttl_err'          // Packet Errors: TTL
  | 'version_err'         // (no keepalived counter)
  | 'invalid_authtype'    // Authentication Errors: Invalid Type
  | 'authtype_mismatch'   // Authentication Errors: Type Mismatch
  | 'auth_failure'        // Authentication Errors: Failure
  | 'advert_interval_err' // Packet Errors: Advertisement Interval (v2: dropped)
  | 'invalid_type_rcvd'   // Packet Errors: Invalid Type
  | 'chk_err'             // checksum (no keepalived.stats line in 2.2.7)
  | 'cast_mismatch'       // multicast expected but unicast received or the reverse
  | 'owner_ignore'        // address owner with owner_ignore_adverts
  | 'not_unicast_peer'    // unicast source not a configured peer (check_unicast_src)
  | 'peer_ttl';           // unicast_peer min_ttl/max_ttl not met (dropped)

/** KO = invalid and counted; DROP = silently irrelevant (keepalived's two non-OK results). */
export type Verdict = 'KO' | 'DROP';
export interface Rejection { reason: DropReason; verdict: Verdict; msg: string }

/** Accepted despite: VIP list differs (addr_list_err), v3 interval differs (backup adopts it). */
export type AdvertWarning = 'addr_list_err' | 'interval_mismatch' | 'old_unicast_checksum';
export interface Accepted { advert: Advert; warnings: AdvertWarning[]; msgs: string[] }

export interface PeerTtlRange { addr: Uint8Array; min: number; max: number }

export interface RxDatagram {
  payload: Uint8Array;
  src: Uint8Array;
  /** Destination when the transport knows it (always for IPv4; IPv6 needs IPV6_PKTINFO). */
  dst?: Uint8Array | undefined;
  /** TTL / hop limit when known; an unknown value skips the 255 check. */
  ttl?: number | undefined;
}

export interface CheckContext {
  family: Family;
  version: VrrpVersion;
  /** Configured auth (v2): type 0/1/2 and, for PASS, the 8 password bytes. */
  authType: number;
  authData?: Uint8Array | undefined;
  /** Our configured advert interval, centiseconds. */
  intervalCs: number;
  vips: Uint8Array[];
  checksumMode: ChecksumMode;
  unicast: boolean;
  unicastPeers: Uint8Array[];
  checkUnicastSrc: boolean;
  /**
   * VRRPv3 unicast checksum of keepalived ≤ 1.3.6, which put the multicast group in the
   * pseudo-header: 'auto' (default) accepts it too and reports `old_unicast_checksum`.
   */
  oldUnicastChecksum?: 'auto' | 'never' | undefined;
  mcastGroup?: Uint8Array | undefined;
  /** unicast_peer { ADDR min_ttl N max_ttl N }: any range also turns on the source check. */
  peerTtlRanges?: PeerTtlRange[] | undefined;
  /** Configured priority 255 and owner_ignore_adverts. */
  ownerIgnoresAdverts: boolean;
  skipCheckAdvAddr: boolean;
  /** The master we last accepted an advert from (for skip_check_adv_addr). */
  currentMaster?: Uint8Array | undefined;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const ko = (reason: DropReason, msg: string): Result<Accepted, Rejection> => fail({ reason, verdict: 'KO', msg });
const drop = (reason: DropReason, msg: string): Result<Accepted, Rejection> => fail({ reason, verdict: 'DROP', msg });

/** keepalived bumps advert_rcvd at step 13, so the later rejections (step 14) still count as received. */
export const countsAsReceived = (r: Result<Accepted, Rejection>): boolean =>
  r.ok || r.reason.reason === 'not_unicast_peer' || r.reason.reason === 'peer_ttl';

export function checkAdvert(rx: RxDatagram, c: CheckContext): Result<Accepted, Rejection> {
  const b = rx.payload;
  const from = formatIp(rx.src);
  // 0/2. Length: header present and the size the header announces (keepalived uses its own version here).
  if (b.length < VRRP_HEADER_LEN) return ko('packet_len_err', `vrrp packet from ${from} too short, length ${b.length} and expect ${VRRP_HEADER_LEN}`);
  const h = rawHeader(b);
  const expect = advertLength(c.version, c.family, h.count);
  if (b.length !== expect) {
    return ko('packet_len_err', `vrrp packet from ${from} too ${b.length > expect ? 'long' : 'short'}, length ${b.length} and expect ${expect}`);
  }
  // 3. TTL / hop limit (multicast only).
  if (!c.unicast && rx.ttl !== undefined && rx.ttl !== 255) {
    return ko('ip_ttl_err', `invalid TTL/HL from ${from}. Received ${rx.ttl} and expect 255`);
  }
  // 4. Version.
  if (h.version !== c.version) return ko('version_err', `wrong VRRP version from ${from}. Received ${h.version} and expect ${c.version}`);
  // 6. v2 authentication and interval.
  if (c.version === 2) {
    if (h.byte4 > AUTH_AH) return ko('invalid_authtype', `Invalid auth type from ${from}: ${h.byte4}`);
    if (h.byte4 !== c.authType) return ko('authtype_mismatch', `received a ${h.byte4} auth from ${from}, expecting ${c.authType}!`);
    if (c.authType === AUTH_PASS) {
      const got = b.subarray(b.length - VRRP_AUTH_LEN);
      if (!constantTimeEqual(got, c.authData ?? new Uint8Array(VRRP_AUTH_LEN))) return ko('auth_failure', `received an invalid passwd from ${from}!`);
    }
    if (h.byte5 * 100 !== c.intervalCs) {
      return drop('advert_interval_err', `advertisement interval mismatch with ${from} mine=${c.intervalCs / 100} sec rcv'd=${h.byte5} sec`);
    }
  }
  // 7. Type.
  if (h.type !== VRRP_TYPE_ADVERTISEMENT) return ko('invalid_type_rcvd', `Invalid packet type from ${from}. ${h.type} and expect 1`);
  const warnings: AdvertWarning[] = [];
  const msgs: string[] = [];
  // 9. v3 interval: logged only; the backup adopts the master's interval.
  const advert = toAdvert(b, h, c.family);
  if (c.version === 3 && advert.intervalCs !== c.intervalCs) {
    warnings.push('interval_mismatch');
    msgs.push(`advertisement interval mismatch ours = ${c.intervalCs} centi-sec rcv'd=${advert.intervalCs} centi-sec`);
  }
  // 10. Checksum (needs the destination for any pseudo-header; IPv6 without it was checked by the kernel).
  const needsDst = c.family === 6 || (c.version === 3 && c.checksumMode === 'pseudo-header');
  if (!needsDst || rx.dst) {
    const ctx: ChecksumContext = { family: c.family, src: rx.src, dst: rx.dst ?? rx.src, checksumMode: c.checksumMode };
    if (vrrpChecksum(b, ctx) !== h.checksum) {
      const oldStyle = c.unicast && c.family === 4 && c.version === 3 && c.checksumMode === 'pseudo-header'
        && (c.oldUnicastChecksum ?? 'auto') === 'auto' && c.mcastGroup !== undefined
        && vrrpChecksum(b, { ...ctx, dst: c.mcastGroup }) === h.checksum;
      if (!oldStyle) return ko('chk_err', `Invalid VRRPv${c.version} checksum from ${from}`);
      warnings.push('old_unicast_checksum');
    }
  }
  // 11. Multicast vs unicast.
  if (rx.dst) {
    const mcast = isMulticast({ family: c.family, bytes: rx.dst });
    if (mcast === c.unicast) {
      return ko('cast_mismatch', `Expected ${c.unicast ? 'unicast' : 'multicast'} packet but received ${mcast ? 'multicast' : 'unicast'} packet from ${from}`);
    }
  }
  // 12. Address owner ignoring adverts.
  if (c.ownerIgnoresAdverts) return drop('owner_ignore', `Dropping packet(s) from ${from} since we are address owner`);
  // 13. VIP list: a mismatch is only a warning (keepalived ≥ 2.3.3, RFC 5798 §7.1).
  const sameMaster = c.currentMaster !== undefined && compareIp(c.currentMaster, rx.src) === 0;
  if (advert.addrs.length !== c.vips.length) {
    warnings.push('addr_list_err');
    msgs.push(`expected ${c.vips.length} VIPs but received ${advert.addrs.length}`);
  } else if (!(c.skipCheckAdvAddr && sameMaster)) {
    const missing = c.vips.find((v) => !advert.addrs.some((a) => compareIp(a, v) === 0));
    if (missing) {
      warnings.push('addr_list_err');
      msgs.push(`ip address associated with VRID ${h.vrid} not present in advert from ${from}: ${formatIp(missing)}`);
    }
  }
  // 14. Unicast peers. keepalived has already counted advert_rcvd at this point (see `countsAsReceived`).
  const ranges = c.peerTtlRanges ?? [];
  if (c.unicast && (c.checkUnicastSrc || ranges.length > 0)) {
    if (!c.unicastPeers.some((p) => compareIp(p, rx.src) === 0)) return ko('not_unicast_peer', `unicast source address ${from} not a unicast peer`);
    const r = ranges.find((p) => compareIp(p.addr, rx.src) === 0);
    if (r && rx.ttl !== undefined && (rx.ttl < r.min || rx.ttl > r.max)) {
      return drop('peer_ttl', `TTL/HL ${rx.ttl} from ${from} not in range [${r.min}, ${r.max}]`);
    }
  }
  return ok({ advert, warnings, msgs });
}
