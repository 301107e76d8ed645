/**
 * Netlink request/response over a datagram port (mdlayher/netlink Conn, in TypeScript).
 * Requests get a fresh sequence number; replies are matched by seq. A non-dump request always asks
 * for an ACK so its completion is explicit; a dump completes on NLMSG_DONE (dumps get no ACK).
 * Messages with seq 0 or an unknown seq are notifications and go to `onNotification`.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { silentLogger } from '../../common/log.js';
import { errnoName, NetlinkError } from './errors.js';
import {
  decodeError, decodeMessages, doneStatus, encodeMessage, isDumpRequest, NLM_F_ACK, NLM_F_DUMP_INTR, NLM_F_REQUEST,
  NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, type NlMsg,
} from './message.js';

/** The transport seam: a netlink socket already bound. The real one is in socket.ts; tests use test/fakes/netlink.ts. */
export interface NetlinkSocket {
  /** Sends one datagram to the kernel (pid 0). Throws on a send error (e.g. EPERM). */
  send(datagram: Uint8Array): void;
  /**
   * Starts delivering received datagrams. `onError` gets receive errors such as ENOBUFS (the
   * kernel dropped messages because our receive queue overflowed) or a truncated datagram.
   */
  listen(onDatagram: (datagram: Uint8Array) => void, onError: (err: Error) => void): void;
  /** Our port id as assigned by the kernel (0 if unknown). */
  readonly portId: number;
  close(): void;
}

export interface ConnOptions {
  clock: Clock;
  /** Per-request deadline; default 5000 ms. */
  timeoutMs?: number;
  onNotification?: (m: NlMsg) => void;
  /** Receive-side errors (ENOBUFS overrun, truncation); pending requests are failed first. */
  onSocketError?: (err: Error) => void;
  log?: Logger;
  /** Opt-in wire trace (mdlayher's NLDEBUG): every message sent and received, decoded. */
  onWire?: (dir: 'tx' | 'rx', m: NlMsg) => void;
}

export interface RequestOptions {
  timeoutMs?: number;
}

interface Pending {
  dump: boolean;
  /** A reply carried NLM_F_DUMP_INTR: the dump is inconsistent. */
  interrupted: boolean;
  replies: NlMsg[];
  resolve: (replies: NlMsg[]) => void;
  reject: (err: Error) => void;
  cancelTimer: () => void;
  what: string;
}

export class NetlinkConn {
  private seq: number;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly sock: NetlinkSocket, private readonly opts: ConnOptions) {
    this.log = opts.log ?? silentLogger;
    // Start away from 0 (0 means "notification") and from where a previous process left off.
    this.seq = (Math.floor(opts.clock.now()) % 0x7fff0000) + 1;
    sock.listen((d) => this.onDatagram(d), (e) => this.onError(e));
  }

  /**
   * Sends a request and resolves with its data replies (ACK / DONE are not included).
   * Rejects with NetlinkError (code 'EEXIST', errno 17, extack text) or on timeout ('ETIMEDOUT').
   */
  request(type: number, flags: number, payload: Uint8Array, opts: RequestOptions = {}): Promise<NlMsg[]> {
    if (this.closed) return Promise.reject(new NetlinkError('ECONNRESET', 104, `netlink request type ${type} on a closed connection`));
    const dump = isDumpRequest(flags);
    const seq = this.nextSeq();
    const fullFlags = NLM_F_REQUEST | flags | (dump ? 0 : NLM_F_ACK);
    const what = `netlink request type ${type} seq ${seq}`;
    return new Promise<NlMsg[]>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs ?? 5000;
      const cancelTimer = this.opts.clock.after(timeoutMs, () => {
        if (!this.pending.delete(seq)) return;
        reject(new NetlinkError('ETIMEDOUT', 110, `${what}: no answer within ${timeoutMs} ms`));
      });
      this.pending.set(seq, { dump, interrupted: false, replies: [], resolve, reject, cancelTimer, what });
      try {
        const msg = { type, flags: fullFlags, seq, pid: 0, payload };
        this.opts.onWire?.('tx', msg);
        this.sock.send(encodeMessage(msg));
      } catch (err) {
        this.settle(seq, err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Fails every pending request and closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const seq of [...this.pending.keys()]) this.settle(seq, new NetlinkError('ECONNRESET', 104, 'netlink connection closed'));
    this.sock.close();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private nextSeq(): number {
    do this.seq = this.seq >= 0xfffffffe ? 1 : this.seq + 1;
    while (this.pending.has(this.seq));
    return this.seq;
  }

  private settle(seq: number, result: Error | NlMsg[]): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    p.cancelTimer();
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  private onDatagram(d: Uint8Array): void {
    const msgs = decodeMessages(d);
    if (!msgs.ok) {
      this.log.warn({ reason: msgs.reason, bytes: d.length }, 'dropping malformed netlink datagram');
      return;
    }
    for (const m of msgs.value) {
      this.opts.onWire?.('rx', m);
      this.onMessage(m);
    }
  }

  private onMessage(m: NlMsg): void {
    const p = m.seq === 0 ? undefined : this.pending.get(m.seq);
    if (!p) {
      if (m.type === NLMSG_NOOP || m.type === NLMSG_OVERRUN) return;
      if (m.type === NLMSG_ERROR || m.type === NLMSG_DONE) {
        this.log.debug({ seq: m.seq, type: m.type }, 'late netlink reply ignored');
        return;
      }
      this.opts.onNotification?.(m);
      return;
    }
    if (m.type === NLMSG_ERROR) {
      const e = decodeError(m);
      if (!e.ok) return this.settle(m.seq, new NetlinkError('EBADMSG', 74, `${p.what}: ${e.reason}`));
      if (e.value.errno === 0) return this.settle(m.seq, p.replies);
      const name = errnoName(e.value.errno);
      const ext = e.value.extackMsg ? `: ${e.value.extackMsg}` : '';
      return this.settle(m.seq, new NetlinkError(name, e.value.errno, `${p.what} failed with ${name}${ext}`, e.value.extackMsg));
    }
    if (m.type === NLMSG_DONE) {
      const status = doneStatus(m);
      if (status < 0) {
        const name = errnoName(-status);
        return this.settle(m.seq, new NetlinkError(name, -status, `${p.what}: dump failed with ${name}`));
      }
      if (p.interrupted || m.flags & NLM_F_DUMP_INTR) {
        return this.settle(m.seq, new NetlinkError('EINTR', 4, `${p.what}: dump was interrupted by a concurrent change; retry`));
      }
      return this.settle(m.seq, p.replies);
    }
    if (m.type === NLMSG_NOOP) return;
    if (m.flags & NLM_F_DUMP_INTR) p.interrupted = true;
    p.replies.push(m);
  }

  private onError(err: Error): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq, err);
    if (this.opts.onSocketError) this.opts.onSocketError(err);
    else this.log.warn({ err }, 'netlink socket error');
  }
}
