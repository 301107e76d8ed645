/**
 * Front end entry point: preprocess → lex each logical line → balance braces (diagnostics, never
 * exceptions) → nearley grammar (grammar/keepalived.ne) per top-level statement → ConfNode[].
 */
import nearley from 'nearley';
import type { ConfNode, TreeOptions, TreeResult } from './ast.js';
import type { Diagnostic, SrcLoc } from './diagnostics.js';
import { frontEndDiag } from './front-end-diags.js';
import compiledGrammar from './generated/grammar.js';
import type { RawStmt } from './grammar-actions.js';
import { createLineLexer, lexLineInto, TokenStream, type ConfToken } from './lexer.js';
import { preprocess, type LogicalLine } from './preprocess.js';

/** Deeper blocks are flattened (their braces reported), so consumers may recurse safely. */
export const MAX_BLOCK_DEPTH = 256;

/** Ends of line carry no position the tree needs, so all of them share one token. */
const NL: ConfToken = Object.freeze({ type: 'nl', value: '\n', text: '\n', lineIdx: -1, offset: 0 });

interface Balanced {
  tokens: ConfToken[];
  /** Token index where each top-level statement starts (plus the end). */
  cuts: number[];
}

/**
 * Lexes every logical line and makes the token stream well formed the way keepalived recovers:
 * a `{` opens a block only right after a statement line, other `{` are "Unexpected" (their `}` is
 * then dropped too); a `}` with nothing open is "Extra"; blocks still open at the end are closed
 * after one diagnostic.
 */
function lexAndBalance(lines: readonly LogicalLine[], diags: Diagnostic[]): Balanced {
  const lexer = createLineLexer();
  const tokens: ConfToken[] = [];
  const cuts: number[] = [];
  const open: { real: boolean; lineIdx: number; offset: number }[] = [];
  let realDepth = 0;
  let canOpen = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Words go straight into the final stream; brace lines are fixed up in place.
    const start = tokens.length;
    const unmatchedQuoteAt = lexLineInto(lexer, line.text.text, i, tokens);
    if (unmatchedQuoteAt !== null) {
      diags.push(frontEndDiag('KA_CONF_UNMATCHED_QUOTE', locOf(line, unmatchedQuoteAt), `Unmatched quote: '${line.text.text}'`));
    }
    const count = tokens.length - start;
    if (count === 0) continue;
    const first = tokens[start]!;
    if (first.type === 'lbrace' && count === 1) {
      const real = canOpen && realDepth < MAX_BLOCK_DEPTH;
      if (real) {
        tokens.push(NL);
        realDepth++;
      } else {
        tokens.pop();
        if (canOpen) diags.push(frontEndDiag('KA_CONF_TOO_DEEP', locOf(line, first.offset), `Blocks nested more than ${MAX_BLOCK_DEPTH} deep - ignoring '{'`));
        else diags.push(frontEndDiag('KA_CONF_UNEXPECTED_BOB', locOf(line, first.offset), "Unexpected '{' - ignoring"));
      }
      open.push({ real, lineIdx: i, offset: first.offset });
      canOpen = false;
      continue;
    }
    if (first.type === 'rbrace' && count === 1) {
      const top = open.pop();
      if (top?.real) {
        tokens.push(NL);
        realDepth--;
      } else {
        tokens.pop();
        if (top === undefined) {
          diags.push(frontEndDiag('KA_CONF_EXTRA_EOB', locOf(line, first.offset), "Extra '}' found"));
          diags.push(frontEndDiag('KA_CONF_UNKNOWN_KEYWORD', locOf(line, first.offset), "Unknown keyword '}'"));
        }
      }
      canOpen = false;
      continue;
    }
    if (realDepth === 0) cuts.push(start);
    for (let k = start; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.type === 'lbrace' || t.type === 'rbrace') tokens[k] = { ...t, type: 'word' };
    }
    tokens.push(NL);
    canOpen = true;
  }
  if (open.length > 0) {
    const outer = open[0]!;
    diags.push(frontEndDiag('KA_CONF_MISSING_EOB', locOf(lines[outer.lineIdx]!, outer.offset), `There are ${open.length} missing '}'s or extra '{'s`));
    const close: ConfToken = { type: 'rbrace', value: '}', text: '}', lineIdx: outer.lineIdx, offset: outer.offset };
    for (let k = open.length - 1; k >= 0; k--) if (open[k]!.real) tokens.push(close, NL);
  }
  cuts.push(tokens.length);
  return { tokens, cuts };
}

function locOf(line: LogicalLine, offset: number): SrcLoc {
  return { file: line.file, line: line.line, col: line.text.colAt(Math.min(offset, Math.max(0, line.text.length - 1))) };
}

/**
 * Builds ConfNodes from a parsed shape: shape tokens are placeholders whose `offset` is the
 * position of the real token in `tokens`, counted from `from`.
 */
function toNode(s: RawStmt, tokens: readonly ConfToken[], from: number, lines: readonly LogicalLine[]): ConfNode {
  const head = tokens[from + s.head.offset]!;
  const line = lines[head.lineIdx]!;
  const args: string[] = [];
  const argAt: SrcLoc[] = [];
  for (const a of s.args) {
    const t = tokens[from + a.offset]!;
    args.push(t.value);
    argAt.push(locOf(t.lineIdx === head.lineIdx ? line : lines[t.lineIdx]!, t.offset));
  }
  const headEnd = head.offset + head.value.length + (head.type === 'qword' ? 2 : 0);
  const node: ConfNode = {
    keyword: head.value,
    args,
    argAt,
    rawArgs: headEnd >= line.text.length ? '' : line.text.text.slice(headEnd).trimStart(),
    at: locOf(line, head.offset),
    block: null,
  };
  if (s.block) {
    const open = tokens[from + s.block.open.offset]!;
    node.block = s.block.body.map((b) => toNode(b, tokens, from, lines));
    node.blockAt = locOf(lines[open.lineIdx]!, open.offset);
  }
  return node;
}

const SHAPE_CODE: Record<ConfToken['type'], string> = { word: 'w', qword: 'q', lbrace: '{', rbrace: '}', nl: 'n' };
/** Distinct statement shapes remembered per buildTree call. */
const MAX_CACHED_SHAPES = 4096;

/**
 * Parses one top-level statement. The grammar looks only at token types, so the parse of a
 * statement is a function of its type sequence (its "shape"): nearley parses each new shape once,
 * over placeholder tokens that carry their position, and the result is re-used for every
 * statement with the same shape (1,000 alike virtual_servers cost one Earley parse).
 * More or fewer than one parse is an internal error, never a silent pick.
 */
class StatementParser {
  private readonly grammar = nearley.Grammar.fromCompiled(compiledGrammar);
  private readonly shapes = new Map<string, RawStmt[] | string>();

  parse(tokens: readonly ConfToken[], from: number, to: number): RawStmt[] | string {
    let key = '';
    for (let i = from; i < to; i++) key += SHAPE_CODE[tokens[i]!.type];
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      shape = this.parseShape(tokens, from, to);
      if (this.shapes.size < MAX_CACHED_SHAPES) this.shapes.set(key, shape);
    }
    return shape;
  }

  private parseShape(tokens: readonly ConfToken[], from: number, to: number): RawStmt[] | string {
    const placeholders: ConfToken[] = [];
    for (let i = from; i < to; i++) {
      const type = tokens[i]!.type;
      placeholders.push({ type, value: SHAPE_CODE[type], text: SHAPE_CODE[type], lineIdx: -1, offset: i - from });
    }
    const parser = new nearley.Parser(this.grammar, { lexer: new TokenStream(placeholders) });
    try {
      parser.feed('');
    } catch (err) {
      return err instanceof Error ? (err.message.split('\n')[0] ?? 'parse error') : String(err);
    }
    const results = parser.results as RawStmt[][];
    if (results.length !== 1) return `${results.length} parses`;
    return results[0]!;
  }
}

export function buildTree(rootPath: string, opts: TreeOptions): TreeResult {
  const pre = preprocess(rootPath, opts);
  const diags = pre.diags;
  const balanced = lexAndBalance(pre.lines, diags);
  const parser = new StatementParser();
  const nodes: ConfNode[] = [];
  for (let k = 0; k + 1 < balanced.cuts.length; k++) {
    const from = balanced.cuts[k]!;
    const to = balanced.cuts[k + 1]!;
    const parsed = parser.parse(balanced.tokens, from, to);
    if (typeof parsed === 'string') {
      const first = balanced.tokens[from]!;
      diags.push(frontEndDiag('KA_CONF_INTERNAL', locOf(pre.lines[first.lineIdx]!, first.offset), `Internal parser error (${parsed}) - statement skipped`));
      continue;
    }
    for (const s of parsed) nodes.push(toNode(s, balanced.tokens, from, pre.lines));
  }
  return { nodes, diags, files: pre.files };
}
