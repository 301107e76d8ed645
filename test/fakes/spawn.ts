import type { ExitInfo, Spawn, SpawnedProcess, SpawnRequest } from '../../src/notify/scripts.js';

export interface FakeProcess {
  req: SpawnRequest;
  signals: string[];
  /** Emits a line of output as the script would. */
  print(line: string, stream?: 'stdout' | 'stderr'): void;
  /** Ends the process. */
  exit(info: ExitInfo): void;
}

/**
 * A Spawn that records requests and lets the test decide each process's fate. `onSpawn` may end
 * the process at once (e.g. ENOENT); otherwise it stays running until `exit()` or a kill, which
 * ends it with that signal when `dieOnSignal` allows.
 */
export class FakeSpawn implements Spawn {
  readonly procs: FakeProcess[] = [];
  /** Signals that terminate a fake process (SIGKILL always does). */
  dieOnSignal = new Set(['SIGTERM', 'SIGKILL']);
  onSpawn: ((p: FakeProcess) => void) | undefined;

  spawn(req: SpawnRequest, onLine: (stream: 'stdout' | 'stderr', line: string) => void): SpawnedProcess {
    let resolve!: (i: ExitInfo) => void;
    let done = false;
    const exited = new Promise<ExitInfo>((r) => { resolve = r; });
    const p: FakeProcess = {
      req: { ...req, argv: [...req.argv] },
      signals: [],
      print: (line, stream = 'stdout') => onLine(stream, line),
      exit: (info) => { if (!done) { done = true; resolve(info); } },
    };
    this.procs.push(p);
    this.onSpawn?.(p);
    return {
      exited,
      kill: (signal) => {
        p.signals.push(signal);
        if (signal === 'SIGKILL' || this.dieOnSignal.has(signal)) p.exit({ kind: 'exit', code: null, signal });
      },
    };
  }

  argvs(): string[][] {
    return this.procs.map((p) => p.req.argv);
  }
}
