/**
 * MISC_CHECK probe: run `misc_path` (argv already split by the caller) in its own process group;
 * exit 0 = up, anything else = down, except with misc_dynamic where 2..255 = up with weight
 * status - 2 and 0 = up with the configured weight (keepalived check_misc.c). misc_timeout kills
 * the whole group.
 */
import { spawn } from 'node:child_process';
import type { MiscProbeSpec, ProbeResult } from './types.js';

export interface MiscOptions {
  /** Base environment, handed in by daemon/ (the only module that reads process.env); the loader variables keepalived unsets are removed. */
  env: Readonly<Record<string, string | undefined>>;
  /** After SIGTERM to the group on timeout, SIGKILL follows this much later (default 1 s). */
  killGraceMs?: number;
}

/** keepalived's child clears these before exec (notify.c), so scripts see a predictable loader. */
const UNSAFE_ENV = ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'IFS'];

/** Pure: what an exit status means. */
export function interpretExit(code: number | null, signal: string | null, dynamic: boolean): ProbeResult {
  if (code === null) return { ok: false, reason: `killed by ${signal ?? 'signal'}` };
  // keepalived ≥ 2.2: with misc_dynamic, exit 0 puts the configured weight back.
  if (code === 0) return dynamic ? { ok: true, reason: 'exit 0', weight: 'configured' } : { ok: true, reason: 'exit 0' };
  if (dynamic && code >= 2 && code <= 255) return { ok: true, reason: `exit ${code}`, weight: code - 2 };
  return { ok: false, reason: `exit ${code}` };
}

export function runMiscCheck(spec: MiscProbeSpec, signal: AbortSignal | undefined, opts: MiscOptions): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    const [cmd, ...args] = spec.argv;
    if (cmd === undefined || cmd === '') return resolve({ ok: false, reason: 'empty misc_path' });
    if (signal?.aborted) return resolve({ ok: false, reason: 'aborted' });
    const env = { ...opts.env };
    for (const k of UNSAFE_ENV) delete env[k];
    let settled = false;
    let exited = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const child = spawn(cmd, args, {
      detached: true, // setsid: own process group, so a timeout can kill the script's children too
      stdio: 'ignore',
      env,
      ...(spec.runAs ? { uid: spec.runAs.uid, gid: spec.runAs.gid } : {}),
    });
    const killGroup = (): void => {
      const pid = child.pid;
      if (pid === undefined) return;
      const sig = (s: NodeJS.Signals): void => {
        try {
          process.kill(-pid, s);
        } catch {
          /* group already gone */
        }
      };
      sig('SIGTERM');
      setTimeout(() => sig('SIGKILL'), opts.killGraceMs ?? 1000).unref();
    };
    const done = (r: ProbeResult, kill: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (kill && !exited) killGroup();
      resolve(r);
    };
    const onAbort = (): void => done({ ok: false, reason: 'aborted' }, true);
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => done({ ok: false, reason: 'timeout' }, true), spec.timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }, false));
    child.once('exit', (code, sig) => {
      exited = true;
      done(interpretExit(code, sig, spec.dynamic), false);
    });
  });
}
