/**
 * Netlink failures look like Node system errors: `code` is the errno name ('EEXIST'), `errno` the
 * positive number, and `extack` the kernel's own text when it sent one (NETLINK_EXT_ACK).
 */
import { constants } from 'node:os';

const names = new Map<number, string>();
for (const [name, num] of Object.entries(constants.errno)) if (!names.has(num)) names.set(num, name);

/** 17 → 'EEXIST'; unknown numbers → 'E123'. */
export function errnoName(errno: number): string {
  return names.get(errno) ?? `E${errno}`;
}

export class NetlinkError extends Error {
  override readonly name = 'NetlinkError';
  constructor(
    readonly code: string,
    readonly errno: number,
    message: string,
    readonly extack?: string,
  ) {
    super(message);
  }
}

export const isNetlinkError = (e: unknown, code?: string): e is NetlinkError =>
  e instanceof NetlinkError && (code === undefined || e.code === code);
