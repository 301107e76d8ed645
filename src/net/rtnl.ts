/**
 * rtnetlink client: links, addresses, and a link/address event monitor that re-dumps after a
 * receive-queue overrun (ENOBUFS). Encoding lives in rtnl-codec.ts; this file only sequences requests.
 */
import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { Family } from '../common/ip.js';
import { formatIp } from '../common/ip.js';
import type { Logger } from '../common/log.js';
import { silentLogger } from '../common/log.js';
import type { NativeNet } from './native.js';
import { NetlinkConn, type NetlinkSocket } from './netlink/conn.js';
import { isNetlinkError, NetlinkError } from './netlink/errors.js';
import { NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, type NlMsg } from './netlink/message.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, type Addr, type AddrSpec, concat, decodeAddr, decodeLink, encodeAddr, encodeGetLinkByName,
  encodeIfaddr, encodeIfinfo, IFF_UP, type Link, NETLINK_ROUTE, RTM_DELADDR, RTM_DELLINK, RTM_GETADDR, RTM_GETLINK,
  RTM_NEWADDR, RTM_NEWLINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR, RTMGRP_LINK,
} from './rtnl-codec.js';

export type { Addr, AddrSpec, Link } from './rtnl-codec.js';

/** Interrupted dumps (a change raced the dump) are retried this many times. */
const DUMP_ATTEMPTS = 3;

/** Names the operation in the error, and the missing capability for EPERM/EACCES. */
function adminError(err: unknown, what: string): unknown {
  if (!(err instanceof NetlinkError)) return err;
  const perm = err.code === 'EPERM' || err.code === 'EACCES' ? ' (needs CAP_NET_ADMIN: run as root or grant the capability)' : '';
  const detail = err.extack ? `${err.code}: ${err.extack}` : err.code;
  return new NetlinkError(err.code, err.errno, `${what}: ${detail}${perm}`, err.extack);
}

export class Rtnl {
  constructor(readonly conn: NetlinkConn) {}

  private async dump(type: number, body: Uint8Array): Promise<NlMsg[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.conn.request(type, NLM_F_DUMP, body);
      } catch (err) {
        if (!isNetlinkError(err, 'EINTR') || attempt >= DUMP_ATTEMPTS) throw err;
      }
    }
  }

  async listLinks(): Promise<Link[]> {
    const out: Link[] = [];
    for (const m of await this.dump(RTM_GETLINK, encodeIfinfo(AF_UNSPEC, 0))) {
      if (m.type !== RTM_NEWLINK) continue;
      const l = decodeLink(m.payload);
      if (l.ok) out.push(l.value);
    }
    return out;
  }

  /** The link called `name`, or undefined if there is none. */
  async getLink(name: string): Promise<Link | undefined> {
    try {
      const replies = await this.conn.request(RTM_GETLINK, 0, encodeGetLinkByName(name));
      const first = replies.find((m) => m.type === RTM_NEWLINK);
      const l = first ? decodeLink(first.payload) : undefined;
      return l?.ok ? l.value : undefined;
    } catch (err) {
      if (isNetlinkError(err, 'ENODEV')) return undefined;
      throw err;
    }
  }

  async listAddrs(family?: Family): Promise<Addr[]> {
    const af = family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_UNSPEC;
    const out: Addr[] = [];
    for (const m of await this.dump(RTM_GETADDR, encodeIfaddr(af, 0, 0, 0, 0))) {
      if (m.type !== RTM_NEWADDR) continue;
      const a = decodeAddr(m.payload);
      if (a.ok) out.push(a.value);
    }
    return out;
  }

  /**
   * Adds an address. By default an existing identical address is an error (EEXIST, as with
   * `ip addr add`); `replace` makes the call idempotent.
   */
  async addAddr(spec: AddrSpec, opts: { replace?: boolean } = {}): Promise<void> {
    const body = encodeAddr(spec);
    if (!body.ok) throw new NetlinkError('EINVAL', 22, `add address: ${body.reason}`);
    const flags = NLM_F_CREATE | (opts.replace ? NLM_F_REPLACE : NLM_F_EXCL);
    try {
      await this.conn.request(RTM_NEWADDR, flags, body.value);
    } catch (err) {
      throw adminError(err, `add ${formatIp(spec.address)}/${spec.prefix} on ifindex ${spec.index}`);
    }
  }

  /** Deletes an address; a missing one fails with EADDRNOTAVAIL. */
  async delAddr(spec: Pick<AddrSpec, 'index' | 'address' | 'prefix'> & Partial<AddrSpec>): Promise<void> {
    const body = encodeAddr(spec);
    if (!body.ok) throw new NetlinkError('EINVAL', 22, `delete address: ${body.reason}`);
    try {
      await this.conn.request(RTM_DELADDR, 0, body.value);
    } catch (err) {
      throw adminError(err, `delete ${formatIp(spec.address)}/${spec.prefix} on ifindex ${spec.index}`);
    }
  }

  /** Sets a link administratively up or down (used by tests and by VMAC handling). */
  async setLinkUp(index: number, up: boolean): Promise<void> {
    try {
      await this.conn.request(RTM_NEWLINK, 0, concat(encodeIfinfo(AF_UNSPEC, index, up ? IFF_UP : 0, IFF_UP)));
    } catch (err) {
      throw adminError(err, `set link ${index} ${up ? 'up' : 'down'}`);
    }
  }

  close(): void {
    this.conn.close();
  }
}

export interface DialRtnlOptions {
  clock?: Clock;
  log?: Logger;
  timeoutMs?: number;
  /** Transport override (tests); by default a NETLINK_ROUTE socket through `native`. */
  socket?: NetlinkSocket;
  native?: NativeNet;
}

export async function dialRtnl(opts: DialRtnlOptions = {}): Promise<Rtnl> {
  const sock = opts.socket ?? (await import('./netlink/socket.js')).openNetlinkSocket(NETLINK_ROUTE, opts.native ? { native: opts.native } : {});
  return new Rtnl(new NetlinkConn(sock, connOpts(opts)));
}

function connOpts(o: { clock?: Clock; log?: Logger; timeoutMs?: number }) {
  return {
    clock: o.clock ?? systemClock,
    ...(o.log ? { log: o.log } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  };
}

// ---- events ----

export type RtnlEvent =
  | { t: 'link'; op: 'new' | 'del'; link: Link }
  | { t: 'addr'; op: 'new' | 'del'; addr: Addr }
  /** A full snapshot: at start and after an overrun lost events. Consumers rebuild state from it. */
  | { t: 'resync'; links: Link[]; addrs: Addr[] };

/** Decodes one notification into an event (undefined for other message types or bad bytes). */
export function decodeEvent(m: NlMsg): RtnlEvent | undefined {
  if (m.type === RTM_NEWLINK || m.type === RTM_DELLINK) {
    const l = decodeLink(m.payload);
    return l.ok ? { t: 'link', op: m.type === RTM_NEWLINK ? 'new' : 'del', link: l.value } : undefined;
  }
  if (m.type === RTM_NEWADDR || m.type === RTM_DELADDR) {
    const a = decodeAddr(m.payload);
    return a.ok ? { t: 'addr', op: m.type === RTM_NEWADDR ? 'new' : 'del', addr: a.value } : undefined;
  }
  return undefined;
}

export interface MonitorOptions {
  clock?: Clock;
  log?: Logger;
  onEvent: (e: RtnlEvent) => void;
  /** Delay before retrying a failed re-dump. */
  retryMs?: number;
}

/** Re-dumps tried back to back before waiting for `retryMs`. */
const IMMEDIATE_RESYNCS = 5;

export const MONITOR_GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;

/**
 * Link and address events on a socket bound to RTMGRP_LINK | IPV4_IFADDR | IPV6_IFADDR. Dumps go
 * over the same socket (their replies carry our seq; events carry seq 0). After ENOBUFS the kernel
 * has dropped events, so the monitor re-dumps and emits a 'resync' snapshot.
 */
export class RtnlMonitor {
  private readonly rtnl: Rtnl;
  private readonly clock: Clock;
  private readonly log: Logger;
  private resyncing = false;
  private again = false;
  private closed = false;
  private cancelRetry: (() => void) | undefined;

  constructor(sock: NetlinkSocket, private readonly opts: MonitorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.rtnl = new Rtnl(new NetlinkConn(sock, {
      clock: this.clock,
      log: this.log,
      onNotification: (m) => {
        const e = decodeEvent(m);
        if (e) opts.onEvent(e);
      },
      onSocketError: (err) => {
        this.log.warn({ err }, 'rtnetlink event socket error; re-dumping links and addresses');
        void this.resync();
      },
    }));
  }

  /** Emits the initial snapshot; events flow from the moment the socket was bound. */
  start(): Promise<void> {
    return this.resync();
  }

  /**
   * Dumps links and addresses and emits 'resync'. An overrun during the dump (which also fails the
   * dump itself) makes the snapshot suspect, so it is redone at once, a few times, and then on a
   * timer. Overlapping calls coalesce.
   */
  async resync(): Promise<void> {
    if (this.closed) return;
    if (this.resyncing) {
      this.again = true;
      return;
    }
    this.resyncing = true;
    try {
      for (let attempt = 1; !this.closed; attempt++) {
        this.again = false;
        try {
          const links = await this.rtnl.listLinks();
          const addrs = await this.rtnl.listAddrs();
          if (!this.again) {
            if (!this.closed) this.opts.onEvent({ t: 'resync', links, addrs });
            return;
          }
        } catch (err) {
          if (attempt >= IMMEDIATE_RESYNCS) throw err;
          continue;
        }
        if (attempt >= IMMEDIATE_RESYNCS) throw new Error('events kept overrunning during the re-dump');
      }
    } catch (err) {
      if (this.closed) return;
      const retryMs = this.opts.retryMs ?? 1000;
      this.log.warn({ err, retryMs }, 'rtnetlink re-dump failed; retrying');
      this.cancelRetry = this.clock.after(retryMs, () => void this.resync());
    } finally {
      this.resyncing = false;
    }
  }

  close(): void {
    this.closed = true;
    this.cancelRetry?.();
    this.rtnl.close();
  }
}

/** Opens the event socket (1 MiB receive buffer unless `rcvbuf` says otherwise) and returns a started monitor. */
export async function openRtnlMonitor(opts: MonitorOptions & { socket?: NetlinkSocket; rcvbuf?: number; native?: NativeNet }): Promise<RtnlMonitor> {
  const sock = opts.socket ?? (await import('./netlink/socket.js')).openNetlinkSocket(NETLINK_ROUTE, {
    groups: MONITOR_GROUPS, rcvbuf: opts.rcvbuf ?? 1024 * 1024, ...(opts.native ? { native: opts.native } : {}),
  });
  const mon = new RtnlMonitor(sock, opts);
  await mon.start();
  return mon;
}
