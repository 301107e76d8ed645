/**
 * `user U [G]` / `script_user` resolution for MISC_CHECK, as a port: the daemon can pass any
 * resolver (NSS, tests); `fileUserResolver` reads /etc/passwd and /etc/group, which covers the
 * local accounts keepalived deployments use (keepalived_script, nobody).
 */
import { readFile } from 'node:fs/promises';

export interface RunAs {
  uid: number;
  gid: number;
}

/** Resolves a user (name or numeric id) and optional group; null when unknown. */
export type UserResolver = (user: string, group?: string) => Promise<RunAs | null>;

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** Pure: `name:x:uid:gid:...` lines; malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (f[0] && Number.isInteger(uid) && Number.isInteger(gid)) out.push({ name: f[0], uid, gid });
  }
  return out;
}

/** Pure: `name:x:gid:members` lines → name → gid. */
export function parseGroup(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#')) continue;
    const gid = Number(f[2]);
    if (f[0] && Number.isInteger(gid)) out.set(f[0], gid);
  }
  return out;
}

/** Pure: user by name or number (primary group), group by name or number. */
export function resolveIn(passwd: PasswdEntry[], groups: Map<string, number>, user: string, group?: string): RunAs | null {
  const numeric = /^\d+$/.test(user);
  const entry = passwd.find((e) => (numeric ? e.uid === Number(user) : e.name === user));
  if (!entry && !numeric) return null;
  const uid = entry?.uid ?? Number(user);
  let gid = entry?.gid;
  if (group !== undefined) gid = /^\d+$/.test(group) ? Number(group) : groups.get(group);
  return gid === undefined ? null : { uid, gid };
}

export function fileUserResolver(passwdPath = '/etc/passwd', groupPath = '/etc/group'): UserResolver {
  return async (user, group) => {
    const [p, g] = await Promise.all([readFile(passwdPath, 'utf8'), readFile(groupPath, 'utf8').catch(() => '')]);
    return resolveIn(parsePasswd(p), parseGroup(g), user, group);
  };
}
