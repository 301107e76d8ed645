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

// nearley hands postprocessors `any[]`; the grammar fixes what sits at each index.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const stmtOf = (d: any[]): RawStmt => ({ head: d[0] as ConfToken, args: d[1] as ConfToken[], block: (d[3] as RawBlock | null) ?? null });

export const blockOf = (d: any[]): RawBlock => ({ open: d[0] as ConfToken, body: d[2] as RawStmt[] });
