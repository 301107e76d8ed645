/**
 * Front end entry point: preprocess (streaming logical lines) → lex each line → balance braces
 * (diagnostics, never exceptions) → nearley grammar (grammar/keepalived.ne) per top-level
 * statement → ConfNode[].
 */
import nearley from 'nearley';
import type { ConfNode, TreeOptions, TreeResult } from './ast.js';
import type { Diagnostic, SrcLoc } from './diagnostics.js';
import { frontEndDiag } from './front-end-diags.js';
import compiledGrammar from './generated/grammar.js';
import type { RawStmt } from './grammar-actions.js';
import { createLineLexer, lexLineInto, TokenStream, type ConfToken } from './lexer.js';
import { preprocessTo, type LogicalLine } from './preprocess.js';

/** Deeper blocks are flattened (their braces reported), so consumers may recurse safely. */
export const MAX_BLOCK_DEPTH = 256;

/** Ends of line carry no position the tree needs, so all of them share one token. */
const NL: ConfToken = Object.freeze({ type: 'nl', value: '\n', text: '\n', lineIdx: -1, offset: 0 });

/**
 * Lexes logical lines as they stream in and keeps the token stream well formed the way keepalived
 * recovers: a `{` opens a block only right after a statement line, other `{` are "Unexpected"
 * (their `}` is then dropped too); a `}` with nothing open is "Extra"; blocks still open at the end
 * are closed after one diagnostic. Each top-level statement is parsed as soon as it is complete,
 * so its lines and tokens die young (cheap for the GC on 100k-line configs).
 */
class TreeBuilder {
  readonly nodes: ConfNode[] = [];
  private readonly lexer = createLineLexer();
  private readonly parser = new StatementParser();
  /** Tokens and lines of the top-level statement being read; token.lineIdx indexes `lines`. */
  private tokens: ConfToken[] = [];
  private lines: LogicalLine[] = [];
  private readonly open: { real: boolean; at: LogicalLine; offset: number }[] = [];
  private realDepth = 0;
  private canOpen = false;

  constructor(private readonly diags: Diagnostic[]) {}

  line(line: LogicalLine): void {
    const tokens = this.tokens;
    const start = tokens.length;
    const unmatchedQuoteAt = lexLineInto(this.lexer, line.text.text, this.lines.length, tokens);
    if (unmatchedQuoteAt !== null) {
      this.diags.push(frontEndDiag('KA_CONF_UNMATCHED_QUOTE', locOf(line, unmatchedQuoteAt), `Unmatched quote: '${line.text.text}'`));
    }
    const count = tokens.length - start;
    if (count === 0) return;
    const first = tokens[start]!;
    if (first.type === 'lbrace' && count === 1) {
      const real = this.canOpen && this.realDepth < MAX_BLOCK_DEPTH;
      if (real) {
        this.lines.push(line);
        tokens.push(NL);
        this.realDepth++;
      } else {
        tokens.pop();
        if (this.canOpen) this.diags.push(frontEndDiag('KA_CONF_TOO_DEEP', locOf(line, first.offset), `Blocks nested more than ${MAX_BLOCK_DEPTH} deep - ignoring '{'`));
        else this.diags.push(frontEndDiag('KA_CONF_UNEXPECTED_BOB', locOf(line, first.offset), "Unexpected '{' - ignoring"));
      }
      this.open.push({ real, at: line, offset: first.offset });
      this.canOpen = false;
      return;
    }
    if (first.type === 'rbrace' && count === 1) {
      const top = this.open.pop();
      if (top?.real) {
        this.lines.push(line);
        tokens.push(NL);
        this.realDepth--;
      } else {
        tokens.pop();
        if (top === undefined) {
          this.diags.push(frontEndDiag('KA_CONF_EXTRA_EOB', locOf(line, first.offset), "Extra '}' found"));
          this.diags.push(frontEndDiag('KA_CONF_UNKNOWN_KEYWORD', locOf(line, first.offset), "Unknown keyword '}'"));
        }
      }
      this.canOpen = false;
      return;
    }
    if (this.realDepth === 0 && start > 0) {
      // A new top-level statement: the previous one can no longer grow, parse it now.
      const rest = tokens.splice(start);
      this.flush();
      for (const t of rest) t.lineIdx = 0;
      this.tokens.push(...rest);
    }
    for (let k = this.tokens.length - count; k < this.tokens.length; k++) {
      const t = this.tokens[k]!;
      if (t.type === 'lbrace' || t.type === 'rbrace') this.tokens[k] = { ...t, type: 'word' };
    }
    this.lines.push(line);
    this.tokens.push(NL);
    this.canOpen = true;
  }

  finish(): void {
    if (this.open.length > 0) {
      const outer = this.open[0]!;
      this.diags.push(frontEndDiag('KA_CONF_MISSING_EOB', locOf(outer.at, outer.offset), `There are ${this.open.length} missing '}'s or extra '{'s`));
      this.lines.push(outer.at);
      const close: ConfToken = { type: 'rbrace', value: '}', text: '}', lineIdx: this.lines.length - 1, offset: outer.offset };
      for (let k = this.open.length - 1; k >= 0; k--) if (this.open[k]!.real) this.tokens.push(close, NL);
    }
    this.flush();
  }

  private flush(): void {
    const { tokens, lines } = this;
    this.tokens = [];
    this.lines = [];
    if (tokens.length === 0) return;
    const parsed = this.parser.parse(tokens, 0, tokens.length);
    if (typeof parsed === 'string') {
      const first = tokens[0]!;
      this.diags.push(frontEndDiag('KA_CONF_INTERNAL', locOf(lines[first.lineIdx]!, first.offset), `Internal parser error (${parsed}) - statement skipped`));
      return;
    }
    for (const st of parsed) this.nodes.push(toNode(st, tokens, 0, lines));
  }
}

const isBlankCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

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
  // map() sizes the arrays exactly; push() would leave slack capacity on ~100k small arrays.
  const argTokens = s.args.map((a) => tokens[from + a.offset]!);
  const args = argTokens.map((t) => t.value);
  const argAt = argTokens.map((t) => locOf(t.lineIdx === head.lineIdx ? line : lines[t.lineIdx]!, t.offset));
  const text = line.text.text;
  let rawStart = head.offset + head.value.length + (head.type === 'qword' ? 2 : 0);
  while (rawStart < text.length && isBlankCode(text.charCodeAt(rawStart))) rawStart++;
  const keyword = head.value;
  const rawArgs = rawStart >= text.length ? '' : text.slice(rawStart);
  const at = locOf(line, head.offset);
  if (s.block === null) return { keyword, args, argAt, rawArgs, at, block: null };
  const open = tokens[from + s.block.open.offset]!;
  const block = s.block.body.map((b) => toNode(b, tokens, from, lines));
  return { keyword, args, argAt, rawArgs, at, block, blockAt: locOf(lines[open.lineIdx]!, open.offset) };
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
  const diags: Diagnostic[] = [];
  const builder = new TreeBuilder(diags);
  const { files } = preprocessTo(rootPath, opts, (line) => builder.line(line), diags);
  builder.finish();
  return { nodes: builder.nodes, diags, files };
}
