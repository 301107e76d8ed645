/**
 * Script security (semantics §10: keepalived's enable_script_security and script_user), pure:
 * which user a script runs as, and whether a root script could be replaced by someone other
 * than root. The host facts come in through the ScriptEnv port; config/validate.ts turns the
 * answers into diagnostics, and daemon/ supplies the file-system adapter.
 */

/** Owner, group and st_mode (type and permission bits) of a path, symlinks followed. */
export interface PathStat {
  uid: number;
  gid: number;
  mode: number;
}

/** What script security needs to know about the host (a port, so the rules stay pure). */
export interface ScriptEnv {
  userExists(name: string): boolean;
  /** uid and primary gid of a user; null = no such user. */
  userIds(name: string): { uid: number; gid: number } | null;
  /** gid of a group; null = no such group. */
  groupId(name: string): number | null;
  /**
   * Absolute path of a command word; null = not found. As keepalived 2.2.7: a path with a `/`
   * only has to be a file (it need not be executable), a bare name is looked up in PATH and
   * only an executable file there counts.
   */
  resolve(cmd: string): string | null;
  /** The path with every symlink resolved (realpath(3)); null = cannot be resolved. */
  realpath(path: string): string | null;
  /** null = does not exist. */
  stat(path: string): PathStat | null;
}

/** The user keepalived runs scripts as when neither the script nor script_user names one. */
export const DEFAULT_SCRIPT_USER = 'keepalived_script';

/** script_user, else keepalived_script when that user exists; null = neither (scripts run as root). */
export function defaultScriptUser(scriptUser: string | null, env: Pick<ScriptEnv, 'userExists'>): string | null {
  return scriptUser ?? (env.userExists(DEFAULT_SCRIPT_USER) ? DEFAULT_SCRIPT_USER : null);
}

/** The user one script runs as: its own, else the default, else root (keepalived's own user). */
export function scriptRunAs(ownUser: string | null, defaultUser: string | null): string {
  return ownUser ?? defaultUser ?? 'root';
}

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;

/** The uid:gid a script is started with. */
export interface RunAsIds {
  uid: number;
  gid: number;
}

/**
 * Whether the script runs with root's rights: started as root, or a set-uid file owned by root,
 * or a set-gid file of group root (keepalived 2.2.7 then protects its path as for a root script).
 */
export function runsAsRoot(st: PathStat, ids: RunAsIds): boolean {
  return ids.uid === 0 || ((st.mode & S_ISUID) !== 0 && st.uid === 0) || ((st.mode & S_ISGID) !== 0 && st.gid === 0);
}

/** Whether uid:gid may execute the file by its owner / group / other execute bit (root always may). */
export function executableBy(st: PathStat, ids: RunAsIds): boolean {
  if (ids.uid === 0) return true;
  if (st.uid === ids.uid) return (st.mode & S_IXUSR) !== 0;
  if (st.gid === ids.gid) return (st.mode & S_IXGRP) !== 0;
  return (st.mode & S_IXOTH) !== 0;
}

const S_IWGRP = 0o020;
const S_IWOTH = 0o002;

/**
 * The first component of an absolute script path (the file itself, then each directory up to
 * `/`) that a non-root user could change, so that a root script would run their code; null =
 * safe. As keepalived: write access for the root group is fine, and so is a sticky root-owned
 * directory (/tmp: others may replace only their own files). A component that cannot be
 * stat'ed is skipped (the caller has already resolved the file).
 */
export function unsafeComponent(path: string, stat: ScriptEnv['stat']): string | null {
  const parts = path.split('/').filter((p) => p !== '');
  for (let n = parts.length; n >= 0; n--) {
    const component = '/' + parts.slice(0, n).join('/');
    const st = stat(component);
    if (!st) continue;
    if (st.uid !== 0) return component;
    const writableByOthers = (st.gid !== 0 && (st.mode & S_IWGRP) !== 0) || (st.mode & S_IWOTH) !== 0;
    const isDirectory = n < parts.length;
    if (writableByOthers && !(isDirectory && (st.mode & S_ISVTX) !== 0)) return component;
  }
  return null;
}

/**
 * unsafeComponent of the file a script path really names: keepalived 2.2.7 resolves symlinks
 * first and checks only the real path, so a link in a directory others may write to, naming a
 * safe file, passes, and a link in a safe directory naming a file in an open one does not.
 */
export function unsafeScriptComponent(path: string, env: Pick<ScriptEnv, 'realpath' | 'stat'>): string | null {
  return unsafeComponent(env.realpath(path) ?? path, env.stat);
}

/**
 * uid:gid a script starts with: its own `user [group]`, else script_user (with its group), else
 * keepalived_script, else root. null = a named user or group does not exist.
 */
export function runAsIdsOf(
  own: { user: string | null; group: string | null },
  scriptUser: { user: string; group: string | null } | null,
  defaultUser: string | null,
  env: Pick<ScriptEnv, 'userIds' | 'groupId'>,
): RunAsIds | null {
  const user = scriptRunAs(own.user, defaultUser);
  const group = own.user !== null ? own.group : scriptUser !== null && user === scriptUser.user ? scriptUser.group : null;
  const ids = user === 'root' ? { uid: 0, gid: 0 } : env.userIds(user);
  if (ids === null) return null;
  if (group === null) return ids;
  const gid = env.groupId(group);
  return gid === null ? null : { uid: ids.uid, gid };
}

/** Whether and as whom the daemon may start a script now (the same rules `-t` reports on). */
export type ScriptVerdict = { run: true; ids: RunAsIds } | { run: false; why: string };

export function scriptVerdict(
  cmd: string,
  own: { user: string | null; group: string | null },
  globals: { enableScriptSecurity: boolean; scriptUser: { user: string; group: string | null } | null },
  env: ScriptEnv,
): ScriptVerdict {
  const defaultUser = defaultScriptUser(globals.scriptUser?.user ?? null, env);
  const ids = runAsIdsOf(own, globals.scriptUser, defaultUser, env);
  if (ids === null) return { run: false, why: 'its user or group does not exist' };
  if (!globals.enableScriptSecurity) return { run: true, ids };
  const path = env.resolve(cmd);
  if (path === null) return { run: false, why: 'not found/accessible' };
  const st = env.stat(env.realpath(path) ?? path);
  if (st === null) return { run: false, why: 'not found/accessible' };
  if (!executableBy(st, ids)) return { run: false, why: `not executable for uid:gid ${ids.uid}:${ids.gid}` };
  if (runsAsRoot(st, ids)) {
    const unsafe = unsafeScriptComponent(path, env);
    if (unsafe !== null) return { run: false, why: `unsafe permissions (${unsafe} is writable by a non-root user)` };
  }
  return { run: true, ids };
}
