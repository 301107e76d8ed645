/**
 * The grammar's postprocessors: the only place that touches nearley's untyped `d` arrays. They
 * build a raw statement tree of tokens; src/config/tree.ts turns it into ConfNode.
 */
import type { ConfToken } from './lexer.js';

export interface RawStmt {
  head: ConfToken;
  args: ConfToken[];
  block: RawBlock | null;
}

export interface RawBlock {
  open: ConfToken;
  body: RawStmt[];
}

/** Immutable list cell: `rest` holds the items before `item`. */
interface Cons<T> {
  rest: Cons<T> | null;
  item: T;
}

function toArray<T>(list: Cons<T> | null): T[] {
  const out: T[] = [];
  for (let c = list; c !== null; c = c.rest) out.push(c.item);
  return out.reverse();
}

// nearley hands postprocessors `any[]`; the grammar fixes what sits at each index.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const nil = (): null => null;
export const cons = (d: any[]): Cons<unknown> => ({ rest: d[0] as Cons<unknown> | null, item: d[1] as unknown });

export const configOf = (d: any[]): RawStmt[] => toArray(d[0] as Cons<RawStmt> | null);

export const stmtOf = (d: any[]): RawStmt => ({
  head: d[0] as ConfToken,
  args: toArray(d[1] as Cons<ConfToken> | null),
  block: (d[3] as RawBlock | null) ?? null,
});

export const blockOf = (d: any[]): RawBlock => ({ open: d[0] as ConfToken, body: toArray(d[2] as Cons<RawStmt> | null) });
