/**
 * Generic netlink on top of NetlinkConn (mdlayher/genetlink): the 4-byte genlmsghdr, family lookup by
 * name through the "nlctrl" controller, and a request helper for a family's commands.
 *
 *   nlmsghdr (type = family id) | cmd u8 | version u8 | reserved u16 | attributes …
 */
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { fail, ok, type Result } from '../../common/result.js';
import { AttrDecoder, AttrEncoder } from './attr.js';
import type { NativeNet } from '../native.js';
import { NetlinkConn, type NetlinkSocket, type RequestOptions } from './conn.js';
import { isNetlinkError, NetlinkError } from './errors.js';

export const NETLINK_GENERIC = 16;
export const GENL_HDRLEN = 4;
export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_VERSION = 2; // nlctrl accepts any version; 2 is what iproute2's genl sends
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_HDRSIZE = 4;
export const CTRL_ATTR_MAXATTR = 5;
export const CTRL_ATTR_MCAST_GROUPS = 7;
export const CTRL_ATTR_MCAST_GRP_NAME = 1;
export const CTRL_ATTR_MCAST_GRP_ID = 2;

export interface GenlMsg {
  cmd: number;
  version: number;
  /** Attribute bytes after the genl header (decode with AttrDecoder). */
  attrs: Uint8Array;
}

export interface GenlFamily {
  id: number;
  name: string;
  version: number;
  hdrSize: number;
  maxAttr: number;
  /** Multicast group name → id. */
  mcastGroups: Record<string, number>;
}

export function encodeGenl(m: GenlMsg): Uint8Array {
  const out = new Uint8Array(GENL_HDRLEN + m.attrs.length);
  out[0] = m.cmd;
  out[1] = m.version;
  out.set(m.attrs, GENL_HDRLEN);
  return out;
}

export function decodeGenl(payload: Uint8Array): Result<GenlMsg> {
  if (payload.length < GENL_HDRLEN) return fail(`genl payload ${payload.length} bytes, shorter than genlmsghdr`);
  return ok({ cmd: payload[0]!, version: payload[1]!, attrs: payload.slice(GENL_HDRLEN) });
}

/** Decodes a CTRL_CMD_NEWFAMILY reply's attributes. */
export function decodeFamily(attrs: Uint8Array): Result<GenlFamily> {
  const f: GenlFamily = { id: 0, name: '', version: 0, hdrSize: 0, maxAttr: 0, mcastGroups: {} };
  const d = new AttrDecoder(attrs);
  while (d.next()) {
    switch (d.type) {
      case CTRL_ATTR_FAMILY_ID: f.id = d.u16(); break;
      case CTRL_ATTR_FAMILY_NAME: f.name = d.string(); break;
      case CTRL_ATTR_VERSION: f.version = d.u32(); break;
      case CTRL_ATTR_HDRSIZE: f.hdrSize = d.u32(); break;
      case CTRL_ATTR_MAXATTR: f.maxAttr = d.u32(); break;
      case CTRL_ATTR_MCAST_GROUPS:
        // An array: each element is a nest indexed 1..n holding the name and id.
        d.nested((arr) => {
          while (arr.next()) {
            let name = '';
            let id = 0;
            arr.nested((g) => {
              while (g.next()) {
                if (g.type === CTRL_ATTR_MCAST_GRP_NAME) name = g.string();
                else if (g.type === CTRL_ATTR_MCAST_GRP_ID) id = g.u32();
              }
            });
            if (name) f.mcastGroups[name] = id;
          }
        });
        break;
    }
  }
  const e = d.err();
  if (e !== undefined) return fail(e);
  if (f.id === 0) return fail('family reply without CTRL_ATTR_FAMILY_ID');
  return ok(f);
}

/** What an absent family usually means, so the operator knows what to do. */
const familyHints: Record<string, string> = {
  IPVS: 'the ip_vs kernel module is not loaded (try: modprobe ip_vs)',
};

export class GenlClient {
  constructor(readonly conn: NetlinkConn) {}

  /**
   * Looks a family up by name (CTRL_CMD_GETFAMILY). Family ids are dynamic: never hard-code them.
   * Rejects with NetlinkError code 'ENOENT' and an explanation when the family does not exist.
   */
  async resolveFamily(name: string, opts: RequestOptions = {}): Promise<GenlFamily> {
    const attrs = new AttrEncoder().cstring(CTRL_ATTR_FAMILY_NAME, name).encode();
    let replies;
    try {
      replies = await this.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_VERSION, attrs, 0, opts);
    } catch (err) {
      if (isNetlinkError(err, 'ENOENT')) {
        const hint = familyHints[name] ?? 'no kernel module has registered it';
        throw new NetlinkError('ENOENT', 2, `generic netlink family "${name}" not found: ${hint}`);
      }
      throw err;
    }
    const first = replies[0];
    if (!first) throw new NetlinkError('EBADMSG', 74, `family lookup for "${name}" returned no reply`);
    const fam = decodeFamily(first.attrs);
    if (!fam.ok) throw new NetlinkError('EBADMSG', 74, `family lookup for "${name}": ${fam.reason}`);
    return fam.value;
  }

  /** Sends one command to a family; resolves with the decoded replies (a dump's parts, or a single answer). */
  async request(familyId: number, cmd: number, version: number, attrs: Uint8Array, flags = 0, opts: RequestOptions = {}): Promise<GenlMsg[]> {
    let replies;
    try {
      replies = await this.conn.request(familyId, flags, encodeGenl({ cmd, version, attrs }), opts);
    } catch (err) {
      if (isNetlinkError(err, 'EPERM') || isNetlinkError(err, 'EACCES')) {
        throw new NetlinkError(err.code, err.errno, `${err.message} (needs CAP_NET_ADMIN: run as root or grant the capability)`, err.extack);
      }
      throw err;
    }
    const out: GenlMsg[] = [];
    for (const r of replies) {
      const g = decodeGenl(r.payload);
      if (!g.ok) throw new NetlinkError('EBADMSG', 74, `family ${familyId} cmd ${cmd}: ${g.reason}`);
      out.push(g.value);
    }
    return out;
  }

  close(): void {
    this.conn.close();
  }
}

export interface DialOptions {
  clock?: Clock;
  log?: Logger;
  timeoutMs?: number;
  /** Transport override (tests); by default a real NETLINK_GENERIC socket through `native`. */
  socket?: NetlinkSocket;
  native?: NativeNet;
}

/** Opens a generic netlink client. Usable from a plain script: `(await dialGenl()).resolveFamily('IPVS')`. */
export async function dialGenl(opts: DialOptions = {}): Promise<GenlClient> {
  const sock = opts.socket ?? (await import('./socket.js')).openNetlinkSocket(NETLINK_GENERIC, opts.native ? { native: opts.native } : {});
  const conn = new NetlinkConn(sock, {
    clock: opts.clock ?? systemClock,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return new GenlClient(conn);
}
