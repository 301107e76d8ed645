/**
 * Feeds script-security.ts from the file system (lstat/stat/realpath). Synchronous on purpose: it
 * runs at config load and reload, before any script can be started.
 */
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { checkScript, type ScriptCheck, type StatInfo } from './script-security.js';

function toInfo(st: Stats): StatInfo {
  const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  return { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, type };
}

const tryStat = (f: () => Stats): StatInfo | null => { try { return toInfo(f()); } catch { return null; } };

export function checkScriptOnDisk(path: string, runAs: { uid: number; gid: number }, scriptSecurity: boolean): ScriptCheck {
  let realPath: string | null = null;
  try { realPath = realpathSync(path); } catch { /* reported as "Unable to access script" */ }
  return checkScript(
    { path, realPath, file: tryStat(() => statSync(path)), runAs, scriptSecurity },
    (p) => tryStat(() => lstatSync(p)),
  );
}
