/**
 * The Spawn port over child_process.spawn: no shell, own process group (so a timeout kills what the
 * script started too), optional uid/gid (script_user; libuv drops supplementary groups), and an
 * environment without the variables keepalived unsets before exec (IFS, LD_PRELOAD, LD_LIBRARY_PATH).
 */
import { spawn as spawnChild } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errnoCode } from '../common/errors.js';
import type { ExitInfo, Spawn, SpawnedProcess, SpawnRequest } from './scripts.js';

const UNSAFE_ENV = ['IFS', 'LD_PRELOAD', 'LD_LIBRARY_PATH'];
const TRAILING_OUTPUT_GRACE_MS = 200;

export function scriptEnv(base: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !UNSAFE_ENV.includes(k)) env[k] = v;
  return env;
}

/** `baseEnv` is handed in by daemon/ (the only module that reads process.env). */
export function nodeSpawn(baseEnv: Record<string, string | undefined>): Spawn {
  const env = scriptEnv(baseEnv);
  return {
    spawn(req: SpawnRequest, onLine): SpawnedProcess {
      let resolveExit!: (i: ExitInfo) => void;
      let settled = false;
      const exited = new Promise<ExitInfo>((r) => { resolveExit = r; });
      const finish = (i: ExitInfo) => { if (!settled) { settled = true; resolveExit(i); } };
      const [cmd, ...args] = req.argv;
      let child: ReturnType<typeof spawnChild>;
      try {
        child = spawnChild(cmd ?? '', args, {
          env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
          ...(req.uid !== undefined ? { uid: req.uid } : {}), ...(req.gid !== undefined ? { gid: req.gid } : {}),
        });
      } catch (err) { // e.g. invalid uid type, EPERM raised synchronously
        finish({ kind: 'error', code: errnoCode(err), message: err instanceof Error ? err.message : String(err) });
        return { exited, kill() {} };
      }
      for (const [name, stream] of [['stdout', child.stdout], ['stderr', child.stderr]] as const) {
        if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (l) => onLine(name, l));
      }
      child.once('error', (err) => finish({ kind: 'error', code: errnoCode(err), message: err.message }));
      // Done at 'exit', not 'close': a script that starts a background program leaves our pipes
      // open in it, and waiting for them would time out and kill that program. Trailing output
      // gets a short grace ('close' normally follows at once).
      let exitInfo: ExitInfo | null = null;
      child.once('exit', (code, signal) => {
        exitInfo = { kind: 'exit', code, signal };
        const info = exitInfo;
        setTimeout(() => finish(info), TRAILING_OUTPUT_GRACE_MS).unref();
      });
      child.once('close', (code, signal) => finish(exitInfo ?? { kind: 'exit', code, signal }));
      return {
        exited,
        kill(signal) {
          if (settled || child.pid === undefined) return;
          try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* already gone */ } }
        },
      };
    },
  };
}
