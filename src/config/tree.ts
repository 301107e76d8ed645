/**
 * Front end entry point: preprocess (streaming logical lines) → lex each line → balance braces
 * (diagnostics, never exceptions) → nearley grammar (grammar/keepalived.ne) per top-level
 * statement → ConfNode[].
 */
import type moo from 'moo';
import nearley from 'nearley';
import type { ConfNode, TreeOptions, TreeResult } from './ast.js';
import type { Diagnostic, SrcLoc } from './diagnostics.js';
import { frontEndDiag } from './front-end-diags.js';
import compiledGrammar from './generated/grammar.js';
import type { RawStmt } from './grammar-actions.js';
import {
  createLineLexer, K_LBRACE, K_NL, K_QWORD, K_RBRACE, K_WORD, KIND_TYPES, lexLineToBuffer, TokenBuffer, TokenStream,
  WordTable, wordOffsets, type ConfToken, type TokenKind,
} from './lexer.js';
import type { MappedText } from './mapped-text.js';
import { preprocessTo } from './preprocess.js';

/** Deeper blocks are flattened (their braces reported), so consumers may recurse safely. */
export const MAX_BLOCK_DEPTH = 256;

let sharedLexer: moo.Lexer | null = null;
/** The moo lexer for lines with quotes: every use resets it and runs to the end synchronously. */
const mooLexer = (): moo.Lexer => (sharedLexer ??= createLineLexer());

const isBlankCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

function locAt(text: MappedText, file: string, line: number, offset: number): SrcLoc {
  return { file, line, col: text.colAt(Math.min(offset, Math.max(0, text.length - 1))) };
}

/**
 * The ConfNode the tree builder makes. `argAt` is computed when read (from `rawArgs`, which
 * re-lexes to the same words), so the ~100k nodes of a large config carry no per-argument
 * location objects; each read returns a new array.
 */
class TreeNode implements ConfNode {
  /** Column map of the line when it is not linear (a substitution happened in it), else null. */
  readonly #map: MappedText | null;
  /** Linear line: column of rawArgs[0]. Otherwise: offset of rawArgs in the line's text. */
  readonly #argBase: number;

  constructor(
    public keyword: string,
    public args: string[],
    public rawArgs: string,
    public at: SrcLoc,
    public block: ConfNode[] | null,
    public blockAt: SrcLoc | undefined,
    map: MappedText | null,
    argBase: number,
  ) {
    this.#map = map;
    this.#argBase = argBase;
  }

  get argAt(): SrcLoc[] {
    const n = this.args.length;
    if (n === 0) return [];
    const { file, line } = this.at;
    const map = this.#map;
    // rawArgs starts at the first argument, so a single one (most lines) needs no re-lexing.
    if (n === 1) return [{ file, line, col: map === null ? this.#argBase : map.colAt(this.#argBase) }];
    const out: SrcLoc[] = [];
    const offsets = wordOffsets(mooLexer, this.rawArgs);
    for (let i = 0; i < n; i++) {
      const o = offsets[i];
      if (o === undefined) out.push(this.at);
      else out.push({ file, line, col: map === null ? this.#argBase + o : map.colAt(this.#argBase + o) });
    }
    return out;
  }
}

interface OpenBrace {
  real: boolean;
  text: MappedText;
  file: string;
  line: number;
  offset: number;
}

const SHAPE_CODE = ['w', 'q', '{', '}', 'n'] as const satisfies Record<TokenKind, string>;
/** 'w'.repeat(k) + 'n': the shape of a line of k plain words. */
const WORD_LINE_SHAPES = Array.from({ length: 64 }, (_, k) => 'w'.repeat(k) + 'n');

/**
 * Lexes logical lines as they stream in and keeps the token stream well formed the way keepalived
 * recovers: a `{` opens a block only right after a statement line, other `{` are "Unexpected"
 * (their `}` is then dropped too); a `}` with nothing open is "Extra"; blocks still open at the end
 * are closed after one diagnostic. Each top-level statement is parsed as soon as it is complete,
 * so its lines die young (cheap for the GC on 100k-line configs). Tokens live in one reused
 * TokenBuffer, and the statement's shape (the parse-cache key) is built line by line.
 */
class TreeBuilder {
  readonly nodes: ConfNode[] = [];
  private readonly parser = new StatementParser();
  private readonly toks = new TokenBuffer();
  private readonly words = new WordTable();
  /** Logical lines of the top-level statement being read; toks.lines[i] indexes these. */
  private lineText: MappedText[] = [];
  private lineFile: string[] = [];
  private lineNo: number[] = [];
  private nLines = 0;
  /** One SHAPE_CODE letter per token of the statement being read. */
  private shape = '';
  private readonly open: OpenBrace[] = [];
  private realDepth = 0;
  private canOpen = false;

  constructor(
    private readonly diags: Diagnostic[],
    private readonly onStatement: ((node: ConfNode) => void) | null = null,
  ) {}

  private addLine(text: MappedText, file: string, line: number): void {
    const i = this.nLines++;
    this.lineText[i] = text;
    this.lineFile[i] = file;
    this.lineNo[i] = line;
  }

  line(text: MappedText, file: string, lineNo: number): void {
    const toks = this.toks;
    const start = toks.length;
    const unmatchedQuoteAt = lexLineToBuffer(mooLexer, text.text, this.nLines, toks, this.words);
    if (unmatchedQuoteAt !== null) {
      this.diags.push(frontEndDiag('KA_CONF_UNMATCHED_QUOTE', locAt(text, file, lineNo, unmatchedQuoteAt), `Unmatched quote: '${text.text}'`));
    }
    const count = toks.length - start;
    if (count === 0) return;
    const firstKind = toks.kinds[start]!;
    const firstOffset = toks.offsets[start]!;
    if (firstKind === K_LBRACE && count === 1) {
      const real = this.canOpen && this.realDepth < MAX_BLOCK_DEPTH;
      if (real) {
        this.addLine(text, file, lineNo);
        toks.push(K_NL, '\n', -1, 0);
        this.shape += '{n';
        this.realDepth++;
      } else {
        toks.length--;
        const at = locAt(text, file, lineNo, firstOffset);
        if (this.canOpen) this.diags.push(frontEndDiag('KA_CONF_TOO_DEEP', at, `Blocks nested more than ${MAX_BLOCK_DEPTH} deep - ignoring '{'`));
        else this.diags.push(frontEndDiag('KA_CONF_UNEXPECTED_BOB', at, "Unexpected '{' - ignoring"));
      }
      this.open.push({ real, text, file, line: lineNo, offset: firstOffset });
      this.canOpen = false;
      return;
    }
    if (firstKind === K_RBRACE && count === 1) {
      const top = this.open.pop();
      if (top?.real) {
        this.addLine(text, file, lineNo);
        toks.push(K_NL, '\n', -1, 0);
        this.shape += '}n';
        this.realDepth--;
      } else {
        toks.length--;
        if (top === undefined) {
          const at = locAt(text, file, lineNo, firstOffset);
          this.diags.push(frontEndDiag('KA_CONF_EXTRA_EOB', at, "Extra '}' found"));
          this.diags.push(frontEndDiag('KA_CONF_UNKNOWN_KEYWORD', at, "Unknown keyword '}'"));
        }
      }
      this.canOpen = false;
      return;
    }
    let from = start;
    if (this.realDepth === 0 && start > 0) {
      // A new top-level statement: the previous one can no longer grow, parse it now, then move
      // this line's tokens to the front of the buffer.
      this.flush(start);
      const { kinds, values, offsets, lines } = toks;
      for (let k = 0; k < count; k++) {
        kinds[k] = kinds[start + k]!;
        values[k] = values[start + k]!;
        offsets[k] = offsets[start + k]!;
        lines[k] = 0;
      }
      toks.length = count;
      from = 0;
    }
    let plain = true;
    const kinds = toks.kinds;
    for (let k = from; k < from + count; k++) {
      const kind = kinds[k]!;
      if (kind === K_LBRACE || kind === K_RBRACE) kinds[k] = K_WORD;
      else if (kind !== K_WORD) plain = false;
    }
    if (plain && count < WORD_LINE_SHAPES.length) this.shape += WORD_LINE_SHAPES[count]!;
    else {
      let s = '';
      for (let k = from; k < from + count; k++) s += SHAPE_CODE[kinds[k]!];
      this.shape += s + 'n';
    }
    this.addLine(text, file, lineNo);
    toks.push(K_NL, '\n', -1, 0);
    this.canOpen = true;
  }

  finish(): void {
    if (this.open.length > 0) {
      const outer = this.open[0]!;
      this.diags.push(frontEndDiag('KA_CONF_MISSING_EOB', locAt(outer.text, outer.file, outer.line, outer.offset), `There are ${this.open.length} missing '}'s or extra '{'s`));
      this.addLine(outer.text, outer.file, outer.line);
      const li = this.nLines - 1;
      for (let k = this.open.length - 1; k >= 0; k--) {
        if (!this.open[k]!.real) continue;
        this.toks.push(K_RBRACE, '}', li, outer.offset);
        this.toks.push(K_NL, '\n', -1, 0);
        this.shape += '}n';
      }
    }
    this.flush(this.toks.length);
  }

  /** Parses tokens [0, end) as one top-level statement and empties the buffer (up to `end`). */
  private flush(end: number): void {
    const toks = this.toks;
    const shape = this.shape;
    this.shape = '';
    if (end > 0) {
      const parsed = this.parser.parse(shape, toks.kinds, end);
      if (typeof parsed === 'string') {
        const li = toks.lines[0]!;
        this.diags.push(frontEndDiag('KA_CONF_INTERNAL', locAt(this.lineText[li]!, this.lineFile[li]!, this.lineNo[li]!, toks.offsets[0]!),
          `Internal parser error (${parsed}) - statement skipped`));
      } else {
        const sink = this.onStatement;
        for (let i = 0; i < parsed.length; i++) {
          const node = this.toNode(parsed[i]!);
          if (sink === null) this.nodes.push(node);
          else sink(node);
        }
      }
    }
    toks.length = 0;
    // Drop references to the statement's lines (the arrays keep their capacity).
    this.lineText.fill(EMPTY_TEXT, 0, this.nLines);
    this.nLines = 0;
  }

  /** Builds a ConfNode from a parsed shape, whose tokens' `offset` is the token index in the buffer. */
  private toNode(s: RawStmt): ConfNode {
    const toks = this.toks;
    const h = s.head.offset;
    const li = toks.lines[h]!;
    const text = this.lineText[li]!;
    const file = this.lineFile[li]!;
    const lineNo = this.lineNo[li]!;
    const keyword = toks.values[h]!;
    const headOffset = toks.offsets[h]!;
    // The grammar puts a statement's arguments right after its head; slice() sizes the array exactly.
    const args = toks.values.slice(h + 1, h + 1 + s.args.length);
    const line = text.text;
    let rawStart = headOffset + keyword.length + (toks.kinds[h] === K_QWORD ? 2 : 0);
    while (rawStart < line.length && isBlankCode(line.charCodeAt(rawStart))) rawStart++;
    // A single plain argument is the whole rest of the line: share its (interned) string.
    const rawArgs = rawStart >= line.length ? '' : args.length === 1 && args[0]!.length === line.length - rawStart ? args[0]! : line.slice(rawStart);
    const at = locAt(text, file, lineNo, headOffset);
    const base = text.linearBase;
    const map = base === null ? text : null;
    const argBase = base === null ? rawStart : base + rawStart;
    if (s.block === null) return new TreeNode(keyword, args, rawArgs, at, null, undefined, map, argBase);
    const o = s.block.open.offset;
    const oli = toks.lines[o]!;
    const blockAt = locAt(this.lineText[oli]!, this.lineFile[oli]!, this.lineNo[oli]!, toks.offsets[o]!);
    const body = s.block.body;
    const block: ConfNode[] = new Array<ConfNode>(body.length);
    for (let i = 0; i < body.length; i++) block[i] = this.toNode(body[i]!);
    return new TreeNode(keyword, args, rawArgs, at, block, blockAt, map, argBase);
  }
}

const EMPTY_TEXT: MappedText = undefined as unknown as MappedText;

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

  parse(shapeKey: string, kinds: readonly TokenKind[], end: number): RawStmt[] | string {
    let shape = this.shapes.get(shapeKey);
    if (shape === undefined) {
      shape = this.parseShape(kinds, end);
      if (this.shapes.size < MAX_CACHED_SHAPES) this.shapes.set(shapeKey, shape);
    }
    return shape;
  }

  private parseShape(kinds: readonly TokenKind[], end: number): RawStmt[] | string {
    const placeholders: ConfToken[] = [];
    for (let i = 0; i < end; i++) {
      const kind = kinds[i]!;
      placeholders.push({ type: KIND_TYPES[kind]!, value: SHAPE_CODE[kind], text: SHAPE_CODE[kind], lineIdx: -1, offset: i });
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

/**
 * With `onStatement`, each top-level statement is handed over as soon as it is complete (in file
 * order) instead of being collected in `nodes` (then empty): a consumer that interprets statements
 * as they come lets each statement's nodes die young, so the GC never copies the whole tree (on
 * the 98k-line bench config, retaining the tree costs more than building it).
 */
export function buildTree(rootPath: string, opts: TreeOptions, onStatement?: (node: ConfNode) => void): TreeResult {
  const diags: Diagnostic[] = [];
  const builder = new TreeBuilder(diags, onStatement ?? null);
  const { files } = preprocessTo(rootPath, opts, (text, file, line) => builder.line(text, file, line), diags);
  builder.finish();
  return { nodes: builder.nodes, diags, files };
}
