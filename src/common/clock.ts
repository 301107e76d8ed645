/**
 * Time as a port: protocol code never calls Date.now()/setTimeout directly, so unit tests drive it
 * with a fake clock (test/fakes/clock.ts) and no sleeps.
 */
export interface Clock {
  /** Monotonic milliseconds (fractional allowed). */
  now(): number;
  /** Runs fn once after ms; returns a cancel function (idempotent). */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};
