/**
 * enable_script_security for MISC_CHECK (semantics doc §10): a script that would run as root is
 * refused when the file or any directory above it could be changed by someone other than root.
 * The rule is pure over stat records; `checkScriptSecurity` gathers them through a small fs port.
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface PathStat {
  path: string;
  uid: number;
  gid: number;
  mode: number;
}

export type SecurityVerdict = { secure: true; path: string } | { secure: false; reason: string };

const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const S_IXUSR = 0o100;

/** Pure: the first component (script first, then its parents) that non-root could modify. */
export function unsafeComponent(chain: readonly PathStat[]): string | null {
  for (const s of chain) {
    if (s.uid !== 0) return `${s.path} is owned by uid ${s.uid}`;
    if ((s.mode & S_IWGRP) !== 0 && s.gid !== 0) return `${s.path} is writable by group ${s.gid}`;
    if ((s.mode & S_IWOTH) !== 0) return `${s.path} is writable by others`;
  }
  return null;
}

export interface FsPort {
  realpath(p: string): Promise<string>;
  stat(p: string): Promise<PathStat>;
}

export const nodeFs: FsPort = {
  realpath: (p) => realpath(p),
  stat: async (p) => {
    const s = await stat(p);
    return { path: p, uid: s.uid, gid: s.gid, mode: s.mode };
  },
};

/**
 * Only root scripts are checked (a script run as another user cannot gain more than that user).
 * Symlinks are resolved first so the check covers the file that really runs.
 */
export async function checkScriptSecurity(script: string, runAsUid: number, fs: FsPort = nodeFs): Promise<SecurityVerdict> {
  let real: string;
  try {
    real = await fs.realpath(script);
  } catch (err) {
    return { secure: false, reason: `${script}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const file = await fs.stat(real);
  if ((file.mode & S_IXUSR) === 0) return { secure: false, reason: `${real} is not executable` };
  if (runAsUid !== 0) return { secure: true, path: real };
  const chain: PathStat[] = [file];
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    chain.push(await fs.stat(dir));
    if (dir === dirname(dir)) break;
  }
  const bad = unsafeComponent(chain);
  return bad ? { secure: false, reason: `Unsafe permissions found for script '${script}': ${bad}` } : { secure: true, path: real };
}
