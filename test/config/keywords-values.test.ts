/** Value syntax helpers (src/config/values.ts): keepalived's number/timer/bool rules and messages. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, parseIPv4 } from '../../src/common/ip.js';
import { isCanonicalIPv4, msToSecondsText, parseBool, parseInteger, parseTimerUs, usToMs } from '../../src/config/values.js';

describe('values', () => {
  it('parseInteger: whole word, range and sign messages', () => {
    expect(parseInteger('42', 1, 255)).toEqual({ ok: true, value: 42 });
    expect(parseInteger('300', 1, 255)).toEqual({ ok: false, msg: "number '300' outside range [1, 255]" });
    expect(parseInteger('abc', 1, 255)).toEqual({ ok: false, msg: "invalid number 'abc'" });
    expect(parseInteger('1.5', 1, 255)).toEqual({ ok: false, msg: "invalid number '1.5'" });
    expect(parseInteger('-3', 0, 9)).toEqual({ ok: false, msg: "negative number '-3'" });
    expect(parseInteger('-3', -254, 254)).toEqual({ ok: true, value: -3 });
  });

  it('parseTimerUs: decimal seconds to whole microseconds, bounds printed with 6 decimals', () => {
    expect(parseTimerUs('1', 0.01, 255)).toEqual({ ok: true, value: 1_000_000 });
    expect(parseTimerUs('0.000250', 0, 10)).toEqual({ ok: true, value: 250 });
    expect(parseTimerUs('.5', 0, 10)).toEqual({ ok: true, value: 500_000 });
    expect(parseTimerUs('0', 0.01, 255)).toEqual({ ok: false, msg: "number '0' outside range [0.010000, 255.000000]" });
    expect(parseTimerUs('1s', 0, 10)).toEqual({ ok: false, msg: "invalid number '1s'" });
    expect(parseTimerUs('-1', 0, 10)).toEqual({ ok: false, msg: "negative number '-1'" });
  });

  it('parseBool: only the six lower-case words', () => {
    expect(['true', 'on', 'yes', 'false', 'off', 'no'].map(parseBool)).toEqual([true, true, true, false, false, false]);
    expect(['TRUE', 'On', '1', ''].map(parseBool)).toEqual([null, null, null, null]);
  });

  it('msToSecondsText is the inverse of parseTimerUs for whole microseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), (us) => {
      const r = parseTimerUs(msToSecondsText(usToMs(us)), 0, 5000);
      expect(r).toEqual({ ok: true, value: us });
    }));
  });

  it('isCanonicalIPv4 accepts exactly the addresses formatIp prints', () => {
    fc.assert(fc.property(fc.string({ maxLength: 16, unit: fc.constantFrom('0', '1', '2', '5', '9', '.') }), (w) => {
      const b = parseIPv4(w);
      expect(isCanonicalIPv4(w)).toBe(b !== null && formatIp(b) === w);
    }), { numRuns: 3000 });
  });
});
