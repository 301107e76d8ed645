/**
 * Text that remembers, for every character, the 1-based column it came from in its source line,
 * so positions survive de-commenting, `$NAME` substitution, `~SEQ` replay and brace splitting.
 * Stored as a few segments: inside a `linear` segment columns advance with the text; a
 * substituted value is a non-linear segment whose characters all point at the `$` that made it.
 */
interface Segment { at: number; col: number; linear: boolean }

export class MappedText {
  /**
   * `segs` is null in the common case of one linear segment starting at column `base`
   * (no substitution happened), which keeps per-line allocations to one object.
   */
  private constructor(
    readonly text: string,
    private readonly segsOrNull: readonly Segment[] | null,
    private readonly base: number,
  ) {}

  private get segs(): readonly Segment[] {
    return this.segsOrNull ?? [{ at: 0, col: this.base, linear: true }];
  }

  static source(text: string, firstCol = 1): MappedText {
    return new MappedText(text, null, firstCol);
  }

  /** Text produced at one place (a substitution): every character maps to `col`. */
  static at(text: string, col: number): MappedText {
    return new MappedText(text, [{ at: 0, col, linear: false }], col);
  }

  /**
   * For text whose columns advance with the characters from one start (no substitution in it):
   * the column of character 0, so colAt(i) is linearBase + i. Otherwise null.
   */
  get linearBase(): number | null {
    return this.segsOrNull === null ? this.base : null;
  }

  get length(): number {
    return this.text.length;
  }

  colAt(i: number): number {
    if (this.segsOrNull === null) return this.base + i;
    const segs = this.segsOrNull;
    let k = segs.length - 1;
    while (k > 0 && segs[k]!.at > i) k--;
    const s = segs[k]!;
    return s.linear ? s.col + (i - s.at) : s.col;
  }

  slice(start: number, end = this.text.length): MappedText {
    if (start <= 0 && end >= this.text.length) return this;
    if (this.segsOrNull === null) return new MappedText(this.text.slice(start, end), null, this.base + start);
    const out: Segment[] = [];
    for (let k = 0; k < this.segs.length; k++) {
      const s = this.segs[k]!;
      const segEnd = k + 1 < this.segs.length ? this.segs[k + 1]!.at : this.text.length;
      if (segEnd <= start) continue;
      if (s.at >= end) break;
      const from = Math.max(s.at, start);
      out.push({ at: from - start, col: s.linear ? s.col + (from - s.at) : s.col, linear: s.linear });
    }
    if (out.length === 0) out.push({ at: 0, col: this.colAt(start), linear: true });
    return new MappedText(this.text.slice(start, end), out, out[0]!.col);
  }

  static concat(parts: readonly MappedText[]): MappedText {
    const nonEmpty = parts.filter((p) => p.length > 0);
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    if (nonEmpty.length === 0) return parts[0] ?? MappedText.source('');
    const segs: Segment[] = [];
    let offset = 0;
    let text = '';
    for (const p of nonEmpty) {
      for (const s of p.segs) segs.push({ at: s.at + offset, col: s.col, linear: s.linear });
      offset += p.length;
      text += p.text;
    }
    return new MappedText(text, segs, segs[0]?.col ?? 1);
  }

  /** Replaces text[start, end) by `insert`, whose characters all map to the column of `start`. */
  replace(start: number, end: number, insert: string): MappedText {
    return MappedText.concat([this.slice(0, start), MappedText.at(insert, this.colAt(start)), this.slice(end)]);
  }

  trimEnd(): MappedText {
    let end = this.text.length;
    while (end > 0 && (this.text[end - 1] === ' ' || this.text[end - 1] === '\t')) end--;
    return this.slice(0, end);
  }

  trimStart(): MappedText {
    let start = 0;
    while (start < this.text.length && (this.text[start] === ' ' || this.text[start] === '\t')) start++;
    return this.slice(start);
  }
}
