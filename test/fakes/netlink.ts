/**
 * Message-level netlink fake (mdlayher nltest style): a test supplies `request → replies` and the
 * fake plays the kernel's part of the framing — seq/pid echo, multipart flags, NLMSG_DONE after
 * dumps, the ACK after other requests, NLMSG_ERROR with extended-ack text for errors.
 * Replies arrive asynchronously (microtask), as from a real socket.
 */
import { AttrDecoder, AttrEncoder } from '../../src/net/netlink/attr.js';
import type { NetlinkSocket } from '../../src/net/netlink/conn.js';
import {
  decodeMessages, encodeMessage, isDumpRequest, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI, NLMSG_DONE,
  NLMSG_ERROR, NLMSGERR_ATTR_MSG, type NlMsg,
} from '../../src/net/netlink/message.js';
import {
  CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_HDRSIZE, CTRL_ATTR_MAXATTR, CTRL_ATTR_MCAST_GROUPS,
  CTRL_ATTR_MCAST_GRP_ID, CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_VERSION, CTRL_CMD_GETFAMILY, decodeGenl, encodeGenl,
  GENL_ID_CTRL, type GenlMsg,
} from '../../src/net/netlink/genl.js';

export interface FakeReply { type: number; flags?: number; payload: Uint8Array }
/** An error answer: errno is positive (17 = EEXIST). */
export interface FakeError { error: number; extack?: string }
/** Replies, an error, or 'silent' (no answer at all: for timeout tests). */
export type FakeAnswer = FakeReply[] | FakeError | 'silent';

export const nlError = (errno: number, extack?: string): FakeError => (extack === undefined ? { error: errno } : { error: errno, extack });

export class FakeNetlinkSocket implements NetlinkSocket {
  readonly requests: NlMsg[] = [];
  readonly portId = 4242;
  closed = false;
  private onDatagram: ((d: Uint8Array) => void) | undefined;
  private onError: ((e: Error) => void) | undefined;

  constructor(private readonly handler: (req: NlMsg) => FakeAnswer) {}

  send(datagram: Uint8Array): void {
    if (this.closed) throw Object.assign(new Error('send on closed fake socket'), { code: 'EBADF' });
    const msgs = decodeMessages(datagram);
    if (!msgs.ok) throw new Error(`fake netlink: client sent a malformed datagram: ${msgs.reason}`);
    for (const req of msgs.value) {
      this.requests.push(req);
      const answer = this.handler(req);
      if (answer === 'silent') continue;
      queueMicrotask(() => this.deliver(this.frame(req, answer)));
    }
  }

  listen(onDatagram: (d: Uint8Array) => void, onError: (e: Error) => void): void {
    this.onDatagram = onDatagram;
    this.onError = onError;
  }

  close(): void {
    this.closed = true;
  }

  /** Delivers a kernel-originated message (seq 0) such as RTM_NEWLINK. */
  notify(m: { type: number; flags?: number; payload: Uint8Array }): void {
    this.deliver([encodeMessage({ type: m.type, flags: m.flags ?? 0, seq: 0, pid: 0, payload: m.payload })]);
  }

  /** Delivers raw bytes as one datagram. */
  deliverRaw(d: Uint8Array): void {
    this.deliver([d]);
  }

  /** Simulates a receive-queue overrun (recvmsg → ENOBUFS). */
  overrun(): void {
    this.onError?.(Object.assign(new Error('recvmsg: No buffer space available'), { code: 'ENOBUFS', errno: 105 }));
  }

  private deliver(datagrams: Uint8Array[]): void {
    if (this.closed) return;
    for (const d of datagrams) this.onDatagram?.(d);
  }

  private frame(req: NlMsg, answer: FakeReply[] | FakeError): Uint8Array[] {
    const hdr = { seq: req.seq, pid: this.portId };
    if ('error' in answer) return [encodeMessage({ type: NLMSG_ERROR, ...hdr, ...errorBody(req, answer) })];
    const dump = isDumpRequest(req.flags);
    const parts = answer.map((r) => encodeMessage({ type: r.type, flags: (r.flags ?? 0) | (dump ? NLM_F_MULTI : 0), ...hdr, payload: r.payload }));
    if (dump) parts.push(encodeMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI, ...hdr, payload: new Uint8Array(4) }));
    else if (req.flags & NLM_F_ACK) parts.push(encodeMessage({ type: NLMSG_ERROR, ...hdr, ...errorBody(req, { error: 0 }) }));
    // Like the kernel, pack a dump's parts into one datagram.
    return [new Uint8Array(parts.flatMap((p) => [...p]))];
  }
}

/** NLMSG_ERROR body with NETLINK_CAP_ACK semantics: error, the original header, then ext-ack TLVs. */
function errorBody(req: NlMsg, e: FakeError): { flags: number; payload: Uint8Array } {
  const orig = encodeMessage({ ...req, payload: new Uint8Array(0) });
  new DataView(orig.buffer).setUint32(0, 16 + req.payload.length, true);
  const tlvs = e.extack ? new AttrEncoder().cstring(NLMSGERR_ATTR_MSG, e.extack).encode() : new Uint8Array(0);
  const payload = new Uint8Array(4 + orig.length + tlvs.length);
  new DataView(payload.buffer).setInt32(0, -e.error, true);
  payload.set(orig, 4);
  payload.set(tlvs, 4 + orig.length);
  return { flags: NLM_F_CAPPED | (e.extack ? NLM_F_ACK_TLVS : 0), payload };
}

export const fakeNetlink = (handler: (req: NlMsg) => FakeAnswer): FakeNetlinkSocket => new FakeNetlinkSocket(handler);

// ---- generic netlink (genltest.ServeFamily) ----

export interface FakeFamily { name: string; id: number; version?: number; mcastGroups?: Record<string, number> }
export interface GenlRequest extends GenlMsg { familyId: number; flags: number; seq: number }
export type GenlAnswer = GenlMsg[] | FakeError | 'silent';

/**
 * A generic netlink fake that answers CTRL_CMD_GETFAMILY for `families` (ENOENT for others) and
 * passes every other request to `handler` with its genl header decoded.
 */
export function fakeGenl(families: FakeFamily[], handler: (req: GenlRequest) => GenlAnswer = () => []): FakeNetlinkSocket {
  return new FakeNetlinkSocket((req) => {
    const g = decodeGenl(req.payload);
    if (!g.ok) throw new Error(`fake genl: ${g.reason}`);
    if (req.type === GENL_ID_CTRL && g.value.cmd === CTRL_CMD_GETFAMILY) {
      let name = '';
      const d = new AttrDecoder(g.value.attrs);
      while (d.next()) if (d.type === CTRL_ATTR_FAMILY_NAME) name = d.string();
      const fam = families.find((f) => f.name === name);
      if (!fam) return nlError(2);
      const attrs = new AttrEncoder()
        .cstring(CTRL_ATTR_FAMILY_NAME, fam.name)
        .u16(CTRL_ATTR_FAMILY_ID, fam.id)
        .u32(CTRL_ATTR_VERSION, fam.version ?? 1)
        .u32(CTRL_ATTR_HDRSIZE, 0)
        .u32(CTRL_ATTR_MAXATTR, 8);
      const groups = Object.entries(fam.mcastGroups ?? {});
      if (groups.length) {
        attrs.nested(CTRL_ATTR_MCAST_GROUPS, (arr) => groups.forEach(([n, id], i) =>
          arr.nested(i + 1, (grp) => grp.u32(CTRL_ATTR_MCAST_GRP_ID, id).cstring(CTRL_ATTR_MCAST_GRP_NAME, n))));
      }
      return [{ type: GENL_ID_CTRL, payload: encodeGenl({ cmd: 1, version: 2, attrs: attrs.encode() }) }];
    }
    const answer = handler({ ...g.value, familyId: req.type, flags: req.flags, seq: req.seq });
    if (answer === 'silent' || 'error' in answer) return answer;
    return answer.map((m) => ({ type: req.type, payload: encodeGenl(m) }));
  });
}
