/**
 * keepalived's pid files. keepalived writes one for its parent (-p, /run/keepalived.pid), its VRRP
 * child (-r, /run/vrrp.pid) and its checker child (-c, /run/checkers.pid); tools such as
 * keepalived-exporter read them to find whom to signal. keepalived-ts is one process, so each file
 * of a running subsystem holds our pid, and a signal sent to any of them reaches the daemon.
 * As keepalived, a start is refused while a pid file names a running keepalived.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

export const DEFAULT_PID_FILE = '/run/keepalived.pid';
export const DEFAULT_VRRP_PID_FILE = '/run/vrrp.pid';
export const DEFAULT_CHECKERS_PID_FILE = '/run/checkers.pid';

export interface PidFileHost {
  read(path: string): string | null;
  write(path: string, text: string): void;
  remove(path: string): void;
  /** The command line of a live process, or null when there is none with that pid. */
  cmdline(pid: number): string | null;
}

export const fsPidFileHost: PidFileHost = {
  read: (path) => { try { return readFileSync(path, 'utf8'); } catch { return null; } },
  write: (path, text) => writeFileSync(path, text),
  remove: (path) => { try { unlinkSync(path); } catch { /* already gone */ } },
  cmdline: (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); } catch { return null; } },
};

/** The pid a file names, when that process is alive and is a keepalived (ours or the original). */
export function runningOwner(path: string, host: PidFileHost, self: number): number | null {
  const pid = Number.parseInt(host.read(path)?.trim() ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === self) return null;
  // A stale file whose pid was reused by an unrelated process does not block a start.
  return /keepalived/.test(host.cmdline(pid) ?? '') ? pid : null;
}

export class PidFiles {
  private readonly written: string[] = [];

  constructor(private readonly host: PidFileHost, private readonly pid: number) {}

  /** The first of `paths` that names another running keepalived, with its pid. */
  alreadyRunning(paths: readonly string[]): { path: string; pid: number } | null {
    for (const path of paths) {
      const pid = runningOwner(path, this.host, this.pid);
      if (pid !== null) return { path, pid };
    }
    return null;
  }

  /** Writes our pid to each path; returns the failures (the daemon runs on without them). */
  write(paths: readonly string[]): { path: string; error: string }[] {
    const failed: { path: string; error: string }[] = [];
    for (const path of paths) {
      try {
        this.host.write(path, `${this.pid}\n`);
        this.written.push(path);
      } catch (err) {
        failed.push({ path, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return failed;
  }

  /** Removes the files we wrote that still name us (another daemon may have taken one over). */
  removeAll(): void {
    for (const path of this.written.splice(0)) {
      if (this.host.read(path)?.trim() === String(this.pid)) this.host.remove(path);
    }
  }
}
