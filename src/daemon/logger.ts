/**
 * The pino root logger. JSON lines on stdout by default; with `-l/--log-console` readable text
 * lines. (Instance messages already carry keepalived's `(VI_1) ` prefix: operators grep for it.)
 */
import { pino, type Logger as PinoLogger } from 'pino';
import type { Logger } from '../common/log.js';

export interface LoggerOptions {
  text: boolean;
  level?: string;
  /** Where lines go (default stdout). */
  write?: (line: string) => void;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Formats one pino JSON record as a text line: `time LEVEL [mod] message key=value…`. */
export function textLine(json: string): string {
  let rec: Record<string, unknown>;
  try { rec = JSON.parse(json) as Record<string, unknown>; } catch { return json; }
  const { time, level, msg, mod, pid: _pid, hostname: _h, inst: _i, vrid: _v, ifname: _if, err, ...rest } = rec;
  const when = typeof time === 'number' ? new Date(time).toISOString() : '';
  const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  const errText = err && typeof err === 'object' ? ` (${(err as { message?: string }).message ?? ''})` : '';
  return `${when} ${LEVELS[level as number] ?? level}${mod ? ` [${String(mod)}]` : ''} ${String(msg ?? '')}${errText}${extra ? ` ${extra}` : ''}\n`;
}

/** Adapts pino to the Logger port. */
function adapt(p: PinoLogger): Logger {
  const fn = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal') => p[level].bind(p) as Logger['info'];
  return {
    trace: fn('trace'), debug: fn('debug'), info: fn('info'), warn: fn('warn'), error: fn('error'), fatal: fn('fatal'),
    child: (bindings) => adapt(p.child(bindings)),
  };
}

export function createRootLogger(o: LoggerOptions): Logger {
  const write = o.write ?? ((line: string) => process.stdout.write(line));
  const stream = { write: (s: string) => write(o.text ? textLine(s) : s) };
  return adapt(pino({ level: o.level ?? 'info', base: { pid: process.pid } }, stream));
}
