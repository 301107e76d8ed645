/**
 * Cron expressions (`[second] minute hour day-of-month month day-of-week`) for our calendar
 * extensions (report mail, maintenance windows). node-cron fires the jobs; this pure module
 * validates the config and answers what node-cron cannot: when did an expression last match
 * (is a maintenance window open right now, after a start or a reload?).
 *
 * The syntax is the common subset node-cron accepts: five fields, or six with seconds first;
 * `*`, numbers, `a-b`, `*\/n`, `a-b/n`, lists, month and weekday names, weekday 7 = Sunday. As in node-cron, a time matches when
 * every field matches (day-of-month AND day-of-week; classic cron ORs those two).
 * A property test checks the matcher against node-cron's own.
 */
import { fail, ok, type Result } from './result.js';

export interface CronExpr {
  readonly source: string;
  /** {0} for a five-field expression. */
  readonly second: ReadonlySet<number>;
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dayOfMonth: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  /** 0 = Sunday. */
  readonly dayOfWeek: ReadonlySet<number>;
}

interface FieldSpec { name: keyof Omit<CronExpr, 'source'>; min: number; max: number; names?: readonly string[] }

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'dayOfMonth', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'dayOfWeek', min: 0, max: 7, names: DAYS },
];

export function parseCron(source: string): Result<CronExpr, string> {
  const words = source.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length !== 5 && words.length !== 6) {
    return fail(`'${source}' has ${words.length} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)`);
  }
  const specs = words.length === 6 ? [SECOND, ...FIELDS] : FIELDS;
  const out: Partial<Record<FieldSpec['name'], Set<number>>> = { second: new Set([0]) };
  for (const [i, spec] of specs.entries()) {
    const r = parseField(words[i]!, spec);
    if (!r.ok) return r;
    out[spec.name] = r.value;
  }
  const dow = out.dayOfWeek!;
  if (dow.delete(7)) dow.add(0);
  // A day that no chosen month has (`30 2`) would never fire; node-cron refuses it too.
  if (![...out.month!].some((m) => [...out.dayOfMonth!].some((d) => d <= MAX_DAYS[m - 1]!))) {
    return fail(`day ${words.at(-3)} never occurs in month ${words.at(-2)}`);
  }
  return ok({ source: words.join(' '), ...(out as Record<FieldSpec['name'], Set<number>>) });
}

function parseField(word: string, spec: FieldSpec): Result<Set<number>, string> {
  const values = new Set<number>();
  const bad = (why: string): Result<Set<number>, string> => fail(`${spec.name} '${word}': ${why}`);
  for (const part of word.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) return bad('not a value, range or step');
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return bad('step must be at least 1');
    let lo: number; let hi: number;
    if (m[1] === '*') { lo = spec.min; hi = spec.max; } else {
      const ends = m[1]!.split('-');
      if (ends.length > 2) return bad('not a value, range or step');
      const nums = ends.map((e) => valueOf(e, spec));
      if (nums.some((n) => n === null)) return bad(`values are ${spec.min}-${spec.max}${spec.names ? ' or names' : ''}`);
      lo = nums[0]!; hi = nums.length === 2 ? nums[1]! : (m[2] === undefined ? lo : spec.max);
      if (lo > hi) return bad('range goes backwards');
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return ok(values);
}

function valueOf(word: string, spec: FieldSpec): number | null {
  const named = spec.names?.indexOf(word.toLowerCase()) ?? -1;
  if (named >= 0) return spec.name === 'month' ? named + 1 : named;
  if (!/^\d+$/.test(word)) return null;
  const n = Number(word);
  return n >= spec.min && n <= spec.max ? n : null;
}

/** Wall-clock fields of an instant in a time zone (undefined = the process's local zone). */
export interface WallTime { second: number; minute: number; hour: number; day: number; month: number; weekday: number }

export type WallClock = (t: Date) => WallTime;

export const localWallClock: WallClock = (t) =>
  ({ second: t.getSeconds(), minute: t.getMinutes(), hour: t.getHours(), day: t.getDate(), month: t.getMonth() + 1, weekday: t.getDay() });

/** A wall clock for an IANA zone (one Intl formatter, reused). Throws RangeError on an unknown zone. */
export function zoneWallClock(timeZone: string): WallClock {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', second: 'numeric', minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short',
  });
  return (t) => {
    const p: Record<string, string> = {};
    for (const { type, value } of fmt.formatToParts(t)) p[type] = value;
    return { second: Number(p.second), minute: Number(p.minute), hour: Number(p.hour), day: Number(p.day), month: Number(p.month), weekday: DAYS.indexOf(p.weekday!.toLowerCase()) };
  };
}

export function cronMatches(e: CronExpr, w: WallTime): boolean {
  return e.second.has(w.second) && matchesMinute(e, w);
}

function matchesMinute(e: CronExpr, w: WallTime): boolean {
  return e.minute.has(w.minute) && e.hour.has(w.hour) && e.dayOfMonth.has(w.day) && e.month.has(w.month) && e.dayOfWeek.has(w.weekday);
}

const MINUTE = 60_000;

/**
 * The latest second in (now - lookbackMs, now] at which `e` matches, or null. Whole minutes are
 * stepped (one wall-clock conversion each, about 10 ms for a week) and the matching second is
 * picked inside the minute.
 */
export function lastMatch(e: CronExpr, now: Date, lookbackMs: number, wall: WallClock = localWallClock): Date | null {
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  const seconds = [...e.second].sort((a, b) => b - a);
  for (let minute = Math.floor(nowMs / MINUTE) * MINUTE; minute > nowMs - lookbackMs - MINUTE; minute -= MINUTE) {
    if (!matchesMinute(e, wall(new Date(minute)))) continue;
    for (const sec of seconds) {
      const t = minute + sec * 1000;
      if (t <= nowMs && t > now.getTime() - lookbackMs) return new Date(t);
    }
  }
  return null;
}

/**
 * Whether a window that opens at `open` and closes at `close` is open at `now`: its last opening
 * is later than its last closing. Openings older than the look-back count as never (a window may
 * last at most that long); a close and open in the same minute leave it closed.
 */
export function windowOpen(open: CronExpr, close: CronExpr, now: Date, lookbackMs: number, wall: WallClock = localWallClock): boolean {
  const opened = lastMatch(open, now, lookbackMs, wall);
  if (!opened) return false;
  const closed = lastMatch(close, now, now.getTime() - opened.getTime() + 1, wall);
  return closed === null;
}
