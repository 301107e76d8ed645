import type { Logger, LogFn } from '../../src/common/log.js';

export interface LogRecord { level: string; msg: string; [k: string]: unknown }

/** A Logger that keeps records in memory (bindings of child loggers merged in), for assertions. */
export function captureLogger(records: LogRecord[] = [], bindings: Record<string, unknown> = {}): Logger & { records: LogRecord[] } {
  const fn = (level: string): LogFn =>
    ((a: unknown, b?: string) => {
      if (typeof a === 'string') records.push({ ...bindings, level, msg: a });
      else records.push({ ...bindings, ...(a as object), level, msg: b ?? '' });
    }) as LogFn;
  return {
    records,
    trace: fn('trace'), debug: fn('debug'), info: fn('info'), warn: fn('warn'), error: fn('error'), fatal: fn('fatal'),
    child: (b) => captureLogger(records, { ...bindings, ...b }),
  };
}
