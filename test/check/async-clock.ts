import type { FakeClock } from '../fakes/clock.js';

/** Lets pending promise callbacks (probe results) run before time moves on. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Advances a FakeClock in `stepMs` steps, flushing async work between steps. */
export async function runFor(clock: FakeClock, ms: number, stepMs = 1): Promise<void> {
  await flush();
  for (let done = 0; done < ms; done += stepMs) {
    clock.advance(Math.min(stepMs, ms - done));
    await flush();
  }
}
