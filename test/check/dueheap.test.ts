import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueHeap } from '../../src/check/dueheap.js';

describe('DueHeap', () => {
  it('pops in (time, insertion) order for any sequence of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 200 }), (ops) => {
        const heap = new DueHeap<number>();
        const model: { at: number; id: number }[] = [];
        let id = 0;
        for (const op of ops) {
          if (op >= 0) {
            heap.push(op, id);
            model.push({ at: op, id: id++ });
          } else {
            model.sort((a, b) => a.at - b.at || a.id - b.id);
            const want = model.shift();
            const got = heap.pop();
            expect(got ? { at: got.at, id: got.value } : undefined).toEqual(want);
          }
          expect(heap.size).toBe(model.length);
        }
      }),
    );
  });

  it('peek shows the earliest without removing it; clear empties', () => {
    const h = new DueHeap<string>();
    h.push(5, 'b');
    h.push(3, 'a');
    h.push(3, 'a2');
    expect(h.peek()?.value).toBe('a');
    expect(h.size).toBe(3);
    h.clear();
    expect(h.pop()).toBeUndefined();
  });
});
