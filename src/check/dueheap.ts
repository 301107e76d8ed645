/**
 * A min-heap of due times, so the runner keeps one clock timer for thousands of checkers instead
 * of one each. Ties keep insertion order (seq), which keeps runs reproducible on a fake clock.
 */
export interface DueItem<T> {
  at: number;
  seq: number;
  value: T;
}

export class DueHeap<T> {
  private items: DueItem<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(at: number, value: T): void {
    const a = this.items;
    a.push({ at, seq: this.seq++, value });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  peek(): DueItem<T> | undefined {
    return this.items[0];
  }

  pop(): DueItem<T> | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
    return top;
  }

  clear(): void {
    this.items = [];
  }

  private less(x: DueItem<T>, y: DueItem<T>): boolean {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}
