/**
 * Script security (semantics §10), pure: decides from stat data whether a configured script may
 * run. A script that runs with root rights (uid or gid 0, or a set-uid/gid-root executable) must
 * not be replaceable by a non-root user: the file and every directory above it must be owned by
 * root and not writable by a non-root group or by others (sticky directories such as /tmp are
 * fine). keepalived only warns about unsafe paths unless enable_script_security is set, in which
 * case it disables the script. The fs adapter is script-security-fs.ts.
 */

export interface StatInfo {
  uid: number;
  gid: number;
  /** st_mode permission bits (incl. setuid 0o4000, setgid 0o2000, sticky 0o1000). */
  mode: number;
  type: 'dir' | 'file' | 'symlink' | 'other';
}

/** lstat (does not follow symlinks); null when the path is missing or cannot be read. */
export type StatLookup = (path: string) => StatInfo | null;

export interface ScriptCheckInput {
  /** The command path as configured (argv[0]), absolute. */
  path: string;
  /** realpath() of it (symlinks resolved), null if it cannot be resolved. */
  realPath: string | null;
  /** stat() of the final file (symlinks followed), null if missing. */
  file: StatInfo | null;
  runAs: { uid: number; gid: number };
  /** enable_script_security */
  scriptSecurity: boolean;
}

export interface ScriptCheck {
  /** The file exists (keepalived SC_ISSCRIPT: counts for the SECURITY VIOLATION warning). */
  isScript: boolean;
  /** false: the script is disabled (not found, not executable, or unsafe under script security). */
  run: boolean;
  /** Runs with root rights, so the path was checked. */
  needsProtection: boolean;
  /** The path is writable by non-root (warned, or disabled with script security). */
  insecure: boolean;
  /** keepalived's log lines for this script. */
  messages: string[];
}

const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;
const S_IWGRP = 0o020, S_IWOTH = 0o002, S_IXUSR = 0o100, S_IXGRP = 0o010, S_IXOTH = 0o001;

/** Executable for that user, by owner/group/other bits; root needs any x bit. */
export function isExecutableBy(f: StatInfo, uid: number, gid: number): boolean {
  if (uid === 0) return (f.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0;
  if (f.uid === uid) return (f.mode & S_IXUSR) !== 0;
  if (f.gid === gid) return (f.mode & S_IXGRP) !== 0;
  return (f.mode & S_IXOTH) !== 0;
}

/** "/", "/etc", "/etc/ka", "/etc/ka/notify.sh" for "/etc/ka/notify.sh". */
export function pathPrefixes(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const out = ['/'];
  let cur = '';
  for (const p of parts) { cur += `/${p}`; out.push(cur); }
  return out;
}

type PathVerdict = { ok: true } | { ok: false; inhibit: boolean; insecure: boolean; message: string };

function checkPath(path: string, lstat: StatLookup, scriptSecurity: boolean): PathVerdict {
  const prefixes = pathPrefixes(path);
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    const last = i === prefixes.length - 1;
    const st = lstat(p);
    if (!st) return { ok: false, inhibit: true, insecure: false, message: `check_script_secure could not find script '${path}' - disabling` };
    if ((!last && st.type !== 'dir') || (last && st.type !== 'file' && st.type !== 'symlink')) {
      return { ok: false, inhibit: true, insecure: false, message: `Wrong file type found in script path '${path}'.` };
    }
    const checkedForWrite = (st.type === 'dir' && (st.mode & S_ISVTX) === 0) || st.type === 'file';
    const nonRootWritable = (st.gid !== 0 && (st.mode & S_IWGRP) !== 0) || (st.mode & S_IWOTH) !== 0;
    if (st.uid !== 0 || (checkedForWrite && nonRootWritable)) {
      return {
        ok: false, inhibit: scriptSecurity, insecure: true,
        message: `Unsafe permissions found for script '${path}'${scriptSecurity ? ' - disabling' : ''}.`,
      };
    }
  }
  return { ok: true };
}

export function checkScript(input: ScriptCheckInput, lstat: StatLookup): ScriptCheck {
  const { path, realPath, file, runAs } = input;
  if (!realPath || !file) {
    return { isScript: false, run: false, needsProtection: false, insecure: false, messages: [`Unable to access script \`${path}\` - disabling`] };
  }
  if (!isExecutableBy(file, runAs.uid, runAs.gid)) {
    return {
      isScript: true, run: false, needsProtection: false, insecure: false,
      messages: [`WARNING - script '${path}' is not executable for uid:gid ${runAs.uid}:${runAs.gid} - disabling.`],
    };
  }
  const needsProtection = runAs.uid === 0 || runAs.gid === 0 ||
    (file.uid === 0 && (file.mode & S_IXUSR) !== 0 && (file.mode & S_ISUID) !== 0) ||
    (file.gid === 0 && (file.mode & S_IXGRP) !== 0 && (file.mode & S_ISGID) !== 0);
  if (!needsProtection) return { isScript: true, run: true, needsProtection, insecure: false, messages: [] };

  const messages: string[] = [];
  let run = true;
  let insecure = false;
  for (const p of realPath === path ? [path] : [path, realPath]) {
    const v = checkPath(p, lstat, input.scriptSecurity);
    if (v.ok) continue;
    messages.push(v.message);
    insecure ||= v.insecure;
    if (v.inhibit) { run = false; break; }
  }
  return { isScript: true, run, needsProtection, insecure, messages };
}

/**
 * The warning keepalived logs (and `-t` reports as a security error) when scripts are configured
 * without enable_script_security. keepalived raises it for any script it found, whatever user it
 * runs as (SC_ISSCRIPT), adding a note when one of them has an unsafe path. The checker process
 * words it "check scripts".
 */
export function securityViolation(checks: ScriptCheck[], scriptSecurity: boolean, scope: 'vrrp' | 'check' = 'vrrp'): string | null {
  if (scriptSecurity || !checks.some((c) => c.isScript)) return null;
  const what = scope === 'check' ? 'check scripts' : 'scripts';
  const note = checks.some((c) => c.insecure) ? ' There are insecure scripts.' : '';
  return `SECURITY VIOLATION - ${what} are being executed but script_security not enabled.${note}`;
}
