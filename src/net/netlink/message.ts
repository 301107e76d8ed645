/**
 * Netlink message framing (pure): struct nlmsghdr, NLMSG_ERROR / NLMSG_DONE and extended-ack TLVs.
 * Netlink integers are in host byte order; every supported target is little-endian, and we check it
 * once here instead of sprinkling DataView flags around.
 *
 *   0               4       6       8              12             16
 *   +---------------+-------+-------+--------------+--------------+---------------
 *   | nlmsg_len     | type  | flags | nlmsg_seq    | nlmsg_pid    | payload … (padded to 4)
 *   +---------------+-------+-------+--------------+--------------+---------------
 */
import { fail, ok, type Result } from '../../common/result.js';

export const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const NLMSG_HDRLEN = 16;
export const NLMSG_ALIGNTO = 4;
export const nlmsgAlign = (n: number): number => (n + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);

// Control message types (<linux/netlink.h>).
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

// Flags valid for all requests.
export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP_FILTERED = 0x20;
// GET requests.
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_ATOMIC = 0x400;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
// NEW requests.
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;
// Flags on NLMSG_ERROR acknowledgements.
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

// Socket options at SOL_NETLINK.
export const SOL_NETLINK = 270;
export const NETLINK_ADD_MEMBERSHIP = 1;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;

// Extended-ack attribute types (enum nlmsgerr_attrs).
export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;
export const NLMSGERR_ATTR_COOKIE = 3;
export const NLMSGERR_ATTR_MISS_TYPE = 5;
export const NLMSGERR_ATTR_MISS_NEST = 6;

export interface NlMsg {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Uint8Array;
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** One message, payload padded to 4 bytes. nlmsg_len counts the header and unpadded payload. */
export function encodeMessage(m: NlMsg): Uint8Array {
  const len = NLMSG_HDRLEN + m.payload.length;
  const out = new Uint8Array(nlmsgAlign(len));
  const v = view(out);
  v.setUint32(0, len, HOST_LE);
  v.setUint16(4, m.type, HOST_LE);
  v.setUint16(6, m.flags, HOST_LE);
  v.setUint32(8, m.seq >>> 0, HOST_LE);
  v.setUint32(12, m.pid >>> 0, HOST_LE);
  out.set(m.payload, NLMSG_HDRLEN);
  return out;
}

/** Splits one datagram into messages. Never throws; a malformed length is a reason. */
export function decodeMessages(buf: Uint8Array): Result<NlMsg[]> {
  const out: NlMsg[] = [];
  const v = view(buf);
  let off = 0;
  while (off + NLMSG_HDRLEN <= buf.length) {
    const len = v.getUint32(off, HOST_LE);
    if (len < NLMSG_HDRLEN) return fail(`message at ${off}: nlmsg_len ${len} shorter than the header`);
    if (off + len > buf.length) return fail(`message at ${off}: nlmsg_len ${len} exceeds the ${buf.length - off} bytes left`);
    out.push({
      type: v.getUint16(off + 4, HOST_LE),
      flags: v.getUint16(off + 6, HOST_LE),
      seq: v.getUint32(off + 8, HOST_LE),
      pid: v.getUint32(off + 12, HOST_LE),
      payload: buf.slice(off + NLMSG_HDRLEN, off + len),
    });
    off += nlmsgAlign(len);
  }
  if (out.length === 0 && buf.length > 0) return fail(`${buf.length} bytes: shorter than a message header`);
  return ok(out);
}

/** The decoded body of NLMSG_ERROR. errno is positive (0 = ACK). */
export interface NlError {
  errno: number;
  /** Header of the request this answers (always echoed, capped or not). */
  request: { len: number; type: number; flags: number; seq: number; pid: number };
  /** Kernel's human-readable reason (NETLINK_EXT_ACK). */
  extackMsg?: string;
  /** Byte offset of the offending attribute in the request. */
  extackOffset?: number;
  /** Attribute type the kernel says is missing. */
  missingType?: number;
}

/**
 *   0       4                                 20
 *   | error | original nlmsghdr (16)          | original payload (unless NLM_F_CAPPED) | ext-ack TLVs (if NLM_F_ACK_TLVS)
 */
export function decodeError(m: NlMsg): Result<NlError> {
  const p = m.payload;
  if (p.length < 4 + NLMSG_HDRLEN) return fail(`NLMSG_ERROR payload ${p.length} bytes, need ${4 + NLMSG_HDRLEN}`);
  const v = view(p);
  const err = v.getInt32(0, HOST_LE);
  const reqLen = v.getUint32(4, HOST_LE);
  const request = {
    len: reqLen,
    type: v.getUint16(8, HOST_LE),
    flags: v.getUint16(10, HOST_LE),
    seq: v.getUint32(12, HOST_LE),
    pid: v.getUint32(16, HOST_LE),
  };
  const out: NlError = { errno: err === 0 ? 0 : -err, request };
  if (!(m.flags & NLM_F_ACK_TLVS)) return ok(out);
  // Without NLM_F_CAPPED the whole request is echoed before the TLVs.
  const tlvStart = 4 + (m.flags & NLM_F_CAPPED ? NLMSG_HDRLEN : nlmsgAlign(Math.max(reqLen, NLMSG_HDRLEN)));
  if (tlvStart > p.length) return fail(`ext-ack TLVs start at ${tlvStart}, past the ${p.length}-byte payload`);
  let off = tlvStart;
  while (off + 4 <= p.length) {
    const len = v.getUint16(off, HOST_LE);
    const type = v.getUint16(off + 2, HOST_LE) & 0x3fff;
    if (len < 4 || off + len > p.length) return fail(`ext-ack TLV at ${off}: bad length ${len}`);
    const data = p.subarray(off + 4, off + len);
    if (type === NLMSGERR_ATTR_MSG) out.extackMsg = cstr(data);
    else if (type === NLMSGERR_ATTR_OFFS && data.length >= 4) out.extackOffset = view(data).getUint32(0, HOST_LE);
    else if (type === NLMSGERR_ATTR_MISS_TYPE && data.length >= 4) out.missingType = view(data).getUint32(0, HOST_LE);
    off += nlmsgAlign(len);
  }
  return ok(out);
}

/** NLMSG_DONE may carry an int: negative when the dump itself failed. */
export function doneStatus(m: NlMsg): number {
  return m.payload.length >= 4 ? view(m.payload).getInt32(0, HOST_LE) : 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** Bytes up to the first NUL, as UTF-8. */
export function cstr(b: Uint8Array): string {
  const z = b.indexOf(0);
  return utf8.decode(z < 0 ? b : b.subarray(0, z));
}

export const isDumpRequest = (flags: number): boolean => (flags & NLM_F_DUMP) === NLM_F_DUMP;
