/**
 * The pino root logger. JSON lines on stdout by default; with `-l/--log-console` readable text
 * lines. Further sinks (syslog) receive every record as its JSON line.
 * (Instance messages already carry keepalived's `(VI_1) ` prefix: operators grep for it.)
 */
import { pino, type Logger as PinoLogger } from 'pino';
import type { Logger } from '../common/log.js';

/** Receives each record as the JSON line pino wrote. */
export type LogSink = (json: string) => void;

export interface LoggerOptions {
  text: boolean;
  level?: string;
  /** Where lines go (default stdout). */
  write?: (line: string) => void;
  /** More destinations for every record (e.g. syslog). */
  sinks?: readonly LogSink[];
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One pino record as parsed from its JSON line. */
export type LogRecord = Record<string, unknown>;

export function parseRecord(json: string): LogRecord | null {
  try {
    const rec: unknown = JSON.parse(json);
    return rec !== null && typeof rec === 'object' ? (rec as LogRecord) : null;
  } catch { return null; }
}

/** The readable part of a record: `message (error) key=value…`, without time, level or module. */
export function recordText(rec: LogRecord): string {
  const { time: _t, level: _l, msg, mod: _m, pid: _pid, hostname: _h, inst: _i, vrid: _v, ifname: _if, err, ...rest } = rec;
  const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  const errText = err && typeof err === 'object' ? ` (${(err as { message?: string }).message ?? ''})` : '';
  return `${String(msg ?? '')}${errText}${extra ? ` ${extra}` : ''}`;
}

/** Formats one pino JSON record as a text line: `time LEVEL [mod] message key=value…`. */
export function textLine(json: string): string {
  const rec = parseRecord(json);
  if (!rec) return json;
  const { time, level, mod } = rec;
  const when = typeof time === 'number' ? new Date(time).toISOString() : '';
  return `${when} ${LEVELS[level as number] ?? String(level)}${mod ? ` [${String(mod)}]` : ''} ${recordText(rec)}\n`;
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
  const sinks = o.sinks ?? [];
  const stream = {
    write: (s: string) => {
      write(o.text ? textLine(s) : s);
      for (const sink of sinks) sink(s);
    },
  };
  return adapt(pino({ level: o.level ?? 'info', base: { pid: process.pid } }, stream));
}
