/** One owner for side effects: undo steps run in reverse order, each awaited, failures logged. */
import type { Logger } from '../common/log.js';

export class Teardown {
  private readonly steps: { name: string; undo: () => unknown }[] = [];

  /** Registers an undo step right after the side effect it undoes succeeded. */
  own(name: string, undo: () => unknown): void {
    this.steps.push({ name, undo });
  }

  async runReverse(log: Logger, perStepMs = 5_000): Promise<void> {
    while (this.steps.length > 0) {
      const { name, undo } = this.steps.pop()!;
      let timer: NodeJS.Timeout | undefined;
      const t0 = performance.now();
      try {
        await Promise.race([
          Promise.resolve().then(undo),
          new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${perStepMs} ms`)), perStepMs); }),
        ]);
      } catch (err) {
        log.error({ err, step: name }, `teardown step ${name} failed`);
      } finally {
        clearTimeout(timer);
        log.debug({ step: name, ms: Math.round(performance.now() - t0) }, `stopped ${name}`);
      }
    }
  }
}
