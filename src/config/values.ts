/**
 * Value syntax of keepalived.conf words (semantics §1.3), as pure parsers that return either the
 * value or keepalived's own complaint text, so the keyword layer can report it unchanged.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; msg: string };

const good = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (msg: string): Parsed<never> => ({ ok: false, msg });

/** Base-10 integer, whole word must parse; range checked ("number 'X' outside range [a, b]"). */
export function parseInteger(word: string, min: number, max: number): Parsed<number> {
  if (!/^[-+]?\d+$/.test(word)) return bad(`invalid number '${word}'`);
  const n = Number(word);
  if (n < 0 && min >= 0) return bad(`negative number '${word}'`);
  if (n < min || n > max) return bad(`number '${word}' outside range [${min}, ${max}]`);
  return good(n);
}

const INTEGER = /^[-+]?\d+$/;

/**
 * parseInteger's value without a result object (the keyword walker's per-line path): NaN whenever
 * parseInteger would refuse the word, so the caller asks parseInteger for keepalived's message.
 */
export function integerOrNaN(word: string, min: number, max: number): number {
  if (!INTEGER.test(word)) return NaN;
  const n = Number(word);
  if ((n < 0 && min >= 0) || n < min || n > max) return NaN;
  return n;
}

/** Microseconds per second: keepalived keeps every time in µs. */
export const US_PER_S = 1_000_000;

/**
 * `<TIMER>`: decimal seconds with up to 6 fractional digits, returned in whole microseconds.
 * Bounds are in seconds; the message prints them with 6 decimals as keepalived does.
 */
export function parseTimerUs(word: string, minS: number, maxS: number): Parsed<number> {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(word);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) {
    return bad(word.startsWith('-') ? `negative number '${word}'` : `invalid number '${word}'`);
  }
  const whole = Number(m[1] || '0');
  const frac = m[2] ?? '';
  // More than 6 decimals: keepalived rounds (and complains); we round to the microsecond.
  const us = whole * US_PER_S + Math.round(Number(`0.${frac || '0'}`) * US_PER_S);
  if (us < Math.round(minS * US_PER_S) || us > Math.round(maxS * US_PER_S)) {
    return bad(`number '${word}' outside range [${minS.toFixed(6)}, ${maxS.toFixed(6)}]`);
  }
  return good(us);
}

/**
 * parseTimerUs's value without a result object or regex match for the common word, plain digits
 * (`3`, `10`): NaN for anything else (decimals, signs, junk, more than 9 digits) and when out of
 * range, so the caller falls back to parseTimerUs for the value or keepalived's message.
 */
export function timerUsOrNaN(word: string, minS: number, maxS: number): number {
  const len = word.length;
  if (len === 0 || len > 9) return NaN;
  let whole = 0;
  for (let i = 0; i < len; i++) {
    const c = word.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    whole = whole * 10 + c;
  }
  const us = whole * US_PER_S;
  if (us < Math.round(minS * US_PER_S) || us > Math.round(maxS * US_PER_S)) return NaN;
  return us;
}

/** `<BOOL>`: exactly these lower-case words (keepalived `check_true_false`). */
export function parseBool(word: string): boolean | null {
  if (word === 'true' || word === 'on' || word === 'yes') return true;
  if (word === 'false' || word === 'off' || word === 'no') return false;
  return null;
}

/** µs → ms (the model's unit); exact for whole µs. */
export const usToMs = (us: number): number => us / 1000;
/** ms → seconds text for dumps, at most 6 decimals, no trailing zeros. */
export function msToSecondsText(ms: number): string {
  const us = Math.round(ms * 1000);
  const whole = Math.floor(us / US_PER_S);
  const frac = String(us % US_PER_S).padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Dotted quad already in canonical form (no leading zeros, octets <= 255): the common case. */
const CANON_V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
export const isCanonicalIPv4 = (w: string): boolean => CANON_V4.test(w);
