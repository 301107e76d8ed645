/**
 * keepalived.conf preprocessor (pure): reads the main file and its includes through a
 * ConfigSource and turns them into logical lines, each with its origin (file, line) and a column
 * map into that line. Implements keepalived's line language: comments, line-length limit,
 * `include*` with globs/braces, `@id`/`@^id`, `$NAME=` (multi-line too), `$NAME`/`${NAME}`/
 * `${NAME params}` with built-ins, `~SEQ`/`~SEQx`/`~LST` replay and `{`/`}` line splitting.
 */
import { posix } from 'node:path';
import type { ConfigSource } from './ast.js';
import type { Diagnostic, SrcLoc } from './diagnostics.js';
import { decomment } from './decomment.js';
import { frontEndDiag, type FrontEndCode } from './front-end-diags.js';
import { expandBraces, hasWildcard } from './glob.js';
import { MappedText } from './mapped-text.js';

/** One line as keepalived's keyword dispatcher sees it: `{`, `}`, or a keyword line. */
export interface LogicalLine {
  text: MappedText;
  file: string;
  line: number;
}

/** Receives each logical line (no LogicalLine object is made for it on the streaming path). */
export type LineSink = (text: MappedText, file: string, line: number) => void;

export interface PreprocessOptions {
  source: ConfigSource;
  configId: string;
  env?: Record<string, string | undefined>;
  allConfig?: boolean;
  /** Random source for `${_RANDOM}` (default Math.random); injectable for tests. */
  random?: () => number;
  /** Test seam: true sends every line through the general path (the fast paths must agree with it). */
  generalPathOnly?: boolean;
}

export interface PreprocessResult {
  lines: LogicalLine[];
  diags: Diagnostic[];
  files: string[];
}

/** keepalived's MAXBUF: a line (with its newline) must fit in 1024 bytes. */
export const MAX_LINE_BYTES = 1024;
const MAX_INCLUDE_DEPTH = 32;
const MAX_SUBSTITUTIONS_PER_LINE = 256;
const MAX_RECURSION = 64;
/** Total logical lines we are willing to produce (include fan-out, `~SEQ` ranges). */
export const MAX_LOGICAL_LINES = 2_000_000;

const INCLUDE_CHECKS = {
  include: '',
  includer: 'r',
  includem: 'rm',
  includew: 'rw',
  includeb: 'rb',
  includea: 'rmwb',
} as const satisfies Record<string, string>;
type IncludeKeyword = keyof typeof INCLUDE_CHECKS;

interface Definition {
  lines: string[];
  /** Built-ins compute their value; `params` is the text after the name in `${NAME params}`. */
  fn?: (params: string | null, at: SrcLoc) => string;
  /** Which parameter syntax the built-in takes (user definitions take none). */
  params?: 'numbers' | 'name';
}

interface Ctx {
  file: string;
  line: number;
}

/** Shared stand-in for lines that cannot produce extra lines (never pushed to). */
const NO_EXTRAS: MappedText[] = Object.freeze([]) as unknown as MappedText[];
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const C_INTEGER = /^[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;

/** strtol(s, 0) for a whole field; null when it is not a number (blank counts as 0, like strtol). */
function parseCInteger(field: string): number | null {
  const s = field.trim();
  if (s === '') return 0;
  if (!C_INTEGER.test(s)) return null;
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const v = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : parseInt(body, 10);
  return neg ? -v : v;
}

function utf8Length(s: string): number {
  // Only long lines need the exact count; ASCII-only lines are the common case.
  return s.length * 3 < MAX_LINE_BYTES ? s.length : Buffer.byteLength(s, 'utf8');
}

class Preprocessor {
  private emitted = 0;
  readonly files: string[] = [];
  private readonly defs = new Map<string, Definition>();
  private readonly includeStack: string[] = [];
  private pendingMultiline: Definition | null = null;
  private budgetExceeded = false;
  private readonly generalPathOnly: boolean;

  constructor(
    private readonly opts: PreprocessOptions,
    private readonly sink: LineSink,
    readonly diags: Diagnostic[],
  ) {
    this.generalPathOnly = opts.generalPathOnly === true;
    const random = opts.random ?? Math.random;
    this.defs.set('_PWD', { lines: [], fn: () => posix.dirname(this.includeStack[this.includeStack.length - 1] ?? '.') });
    this.defs.set('_INSTANCE', { lines: [], fn: () => opts.configId });
    this.defs.set('_HASH', { lines: ['#'] });
    this.defs.set('_BANG', { lines: ['!'] });
    this.defs.set('_ENV', { lines: [], params: 'name', fn: (p) => (p ? (opts.env?.[p] ?? '') : '') });
    this.defs.set('_RANDOM', {
      lines: [],
      params: 'numbers',
      fn: (p, at) => {
        const nums = p ? p.trim().split(/ +/).map(Number) : [];
        if (nums.length > 2) this.report('KA_CONF_PARAM_ARGS', at, `Too many parameters or extra text for \${_RANDOM ${p}}`);
        const min = nums[0] ?? 0;
        const max = nums[1] ?? 32767;
        return String(min + Math.floor(random() * (Math.max(max, min) - min + 1)));
      },
    });
  }

  report(code: FrontEndCode, at: SrcLoc, msg: string): void {
    this.diags.push(frontEndDiag(code, at, msg));
  }

  private loc(ctx: Ctx, col: number): SrcLoc {
    return { file: ctx.file, line: ctx.line, col: Math.max(1, col) };
  }

  readMain(path: string): void {
    const text = this.opts.source.readFile(path);
    if (text === null) {
      const code = this.opts.allConfig ? 'KA_CONF_CONFIG_MISSING_ALL' : 'KA_CONF_CONFIG_MISSING';
      this.report(code, { file: path, line: 1, col: 1 }, `Config files missing '${path}'.`);
      return;
    }
    this.readFile(posix.normalize(path), text);
  }

  private readFile(file: string, content: string): void {
    this.files.push(file);
    this.includeStack.push(file);
    this.pendingMultiline = null;
    // One context per file, updated line by line (nothing keeps it beyond the line).
    const ctx: Ctx = { file, line: 0 };
    let lineNo = 0;
    let pos = 0;
    while (pos <= content.length && !this.budgetExceeded) {
      let nl = content.indexOf('\n', pos);
      if (nl < 0) {
        if (pos === content.length) break;
        nl = content.length;
      }
      lineNo++;
      let end = nl;
      while (end > pos && content.charCodeAt(end - 1) === 13) end--;
      ctx.line = lineNo;
      if (this.pendingMultiline !== null || this.generalPathOnly || !this.plainLine(content, pos, end, ctx)) this.physicalLine(content.slice(pos, end), ctx);
      pos = nl + 1;
    }
    this.pendingMultiline = null;
    this.includeStack.pop();
  }

  /**
   * The common line, handled without slicing it twice or calling decomment: short, and free of
   * `"`, `\`, `!`, `#` and NUL, so de-commenting only trims blanks. Returns false (nothing done)
   * for any other line, which then takes physicalLine.
   */
  private plainLine(content: string, pos: number, end: number, ctx: Ctx): boolean {
    if ((end - pos) * 3 >= MAX_LINE_BYTES) return false;
    let start = pos;
    let c = 0;
    while (start < end && ((c = content.charCodeAt(start)) === 32 || c === 9)) start++;
    let stop = end;
    while (stop > start && ((c = content.charCodeAt(stop - 1)) === 32 || c === 9)) stop--;
    for (let i = start; i < stop; i++) {
      c = content.charCodeAt(i);
      if (c === 0x22 || c === 0x5c || c === 0x21 || c === 0x23 || c === 0) return false;
    }
    if (start < stop) this.processLine(MappedText.source(content.slice(start, stop), start - pos + 1), ctx, 0);
    return true;
  }

  private physicalLine(raw: string, ctx: Ctx): void {
    if (raw.length === 0) {
      this.pendingMultiline = null; // a blank line ends a multi-line definition
      return;
    }
    if (utf8Length(raw) >= MAX_LINE_BYTES) {
      this.report('KA_CONF_LINE_TOO_LONG', this.loc(ctx, 1), 'Configuration line too long - ignoring');
      return;
    }
    if (raw.includes('\0')) {
      this.report('KA_CONF_EMBEDDED_NUL', this.loc(ctx, raw.indexOf('\0') + 1), 'Configuration line contains a NUL character - ignoring');
      return;
    }
    const dc = decomment(raw);
    if (dc.unterminatedQuote !== null) {
      this.report('KA_CONF_UNTERMINATED_QUOTE', this.loc(ctx, dc.text.colAt(0)), `Unterminated quote '${dc.unterminatedQuote}'`);
    }
    if (this.pendingMultiline) {
      this.continueDefinition(dc.text.text, dc.continued);
      return;
    }
    if (dc.text.length === 0) return;
    this.processLine(dc.text, ctx, 0);
  }

  private continueDefinition(text: string, continued: boolean): void {
    const def = this.pendingMultiline!;
    const body = continued ? stripContinuation(text) : text;
    if (body.length > 0) def.lines.push(body);
    if (!continued) this.pendingMultiline = null;
  }

  // ---- include ---------------------------------------------------------------------------

  /**
   * keepalived 2.2.7 recognises `include*` after `@id`/`$NAME` processing and before brace
   * splitting, and takes the whole rest of the line (quotes included) as the pattern. (2.4's man
   * page says detection comes first; accepting both is the compatible superset.)
   */
  private tryInclude(text: MappedText, ctx: Ctx): boolean {
    const t = text.text;
    let end = 7;
    while (end < t.length && t[end] !== ' ' && t[end] !== '\t') end++;
    const kw = t.slice(0, end);
    if (!Object.hasOwn(INCLUDE_CHECKS, kw)) return false;
    const pattern = t.slice(end).trim();
    if (pattern === '') return false; // keepalived: "Unknown keyword 'include'"
    this.include(kw as IncludeKeyword, pattern, this.loc(ctx, text.colAt(0)));
    return true;
  }

  private include(kw: IncludeKeyword, pattern: string, at: SrcLoc): void {
    const checks = INCLUDE_CHECKS[kw];
    const current = this.includeStack[this.includeStack.length - 1] ?? '.';
    const resolved = pattern.startsWith('/') ? pattern : posix.join(posix.dirname(current), pattern);
    const alternatives = expandBraces(resolved);
    const matches: string[] = [];
    let braceMiss: string | null = null;
    for (const alt of alternatives) {
      const found = this.opts.source.glob(alt);
      if (found.length === 0 && braceMiss === null && alternatives.length > 1) braceMiss = alt;
      matches.push(...found);
    }
    if (matches.length === 0) {
      const strict = checks.includes('w') || (checks.includes('m') && !hasWildcard(pattern));
      this.report(strict ? 'KA_CONF_INCLUDE_FAILED' : 'KA_CONF_INCLUDE_MISSING', at, `Config files missing '${pattern}'.`);
      return;
    }
    if (braceMiss !== null && checks.includes('b')) {
      this.report('KA_CONF_INCLUDE_FAILED', at, `Config files missing '${braceMiss}'.`);
    }
    for (const match of matches) {
      const file = posix.normalize(match);
      if (this.includeStack.includes(file)) {
        this.report('KA_CONF_INCLUDE_LOOP', at, `Include loop: '${file}' is already being read (${[...this.includeStack, file].join(' -> ')}) - skipping`);
        continue;
      }
      if (this.includeStack.length >= MAX_INCLUDE_DEPTH) {
        this.report('KA_CONF_INCLUDE_DEPTH', at, `Includes nested more than ${MAX_INCLUDE_DEPTH} deep - skipping '${file}'`);
        continue;
      }
      const content = this.opts.source.readFile(file);
      if (content === null) {
        const code = checks.includes('r') ? 'KA_CONF_INCLUDE_FAILED' : 'KA_CONF_INCLUDE_MISSING';
        this.report(code, at, `Configuration file '${file}' open problem - skipping`);
        continue;
      }
      const saved = this.pendingMultiline;
      this.readFile(file, content);
      this.pendingMultiline = saved;
    }
  }

  // ---- logical line processing -----------------------------------------------------------

  /** Runs one de-commented line through `@`, `$`, `~` handling and brace splitting. */
  private processLine(first: MappedText, ctx: Ctx, depth: number): void {
    if (depth > MAX_RECURSION) {
      this.report('KA_CONF_PARAM_RECURSION', this.loc(ctx, first.colAt(0)), `Parameter/sequence expansion nested too deeply on line '${first.text}' - ignoring`);
      return;
    }
    // Only a substitution adds lines, and it needs a `$` in the line.
    const extras: MappedText[] = first.text.includes('$') ? [] : NO_EXTRAS;
    let cur: MappedText | null = first;
    while (cur !== null && cur.length > 0 && !this.budgetExceeded) {
      cur = this.expandAndSplit(cur, ctx, depth, extras);
    }
    // Indexed loops on per-line paths: cold (not yet optimized) code allocates for-of iterators.
    for (let i = 0; i < extras.length; i++) this.processLine(extras[i]!, ctx, depth + 1);
  }

  /** Handles the text up to its first brace; returns what is left of the line (or null). */
  private expandAndSplit(input: MappedText, ctx: Ctx, depth: number, extras: MappedText[]): MappedText | null {
    let t = input;
    // keepalived looks at `@` once, and again only after a substitution changed the line.
    let conditionalAllowed = true;
    for (let round = 0; ; round++) {
      if (t.length === 0) return null;
      if (round > MAX_RECURSION) {
        this.report('KA_CONF_PARAM_RECURSION', this.loc(ctx, t.colAt(0)), `Parameter substitution does not terminate on line '${t.text}'`);
        return null;
      }
      const c0 = t.text[0];
      if (c0 === '@' && conditionalAllowed) {
        const kept = this.conditional(t);
        if (kept === null) return null;
        t = kept;
        conditionalAllowed = false;
        continue;
      }
      if (c0 === '$' && this.tryDefinition(t.text)) return null;
      if (c0 === '~' && (t.text.startsWith('~SEQ') || t.text.startsWith('~LST'))) {
        this.replay(t, ctx, depth);
        return null;
      }
      if (t.text.includes('$')) {
        const r = this.substitute(t, ctx, extras);
        if (r !== t) {
          t = r;
          conditionalAllowed = true;
          continue;
        }
      }
      break;
    }
    if (t.text.startsWith('include') && this.tryInclude(t, ctx)) return null;
    const p = firstBraceOutsideQuotes(t.text);
    if (p < 0) {
      this.emit(t, ctx);
      return null;
    }
    if (p > 0) {
      let end = p;
      while (end > 0 && (t.text[end - 1] === ' ' || t.text[end - 1] === '\t')) end--;
      this.emit(t.slice(0, end), ctx);
    }
    this.emit(t.slice(p, p + 1), ctx);
    let rest = p + 1;
    while (rest < t.length && (t.text[rest] === ' ' || t.text[rest] === '\t')) rest++;
    return rest < t.length ? t.slice(rest) : null;
  }

  private emit(text: MappedText, ctx: Ctx): void {
    if (text.length === 0) return;
    if (this.emitted >= MAX_LOGICAL_LINES) {
      this.budgetExceeded = true;
      this.report('KA_CONF_EXPANSION_LIMIT', this.loc(ctx, text.colAt(0)), `Configuration expands to more than ${MAX_LOGICAL_LINES} lines - stopping`);
      return;
    }
    this.emitted++;
    this.sink(text, ctx.file, ctx.line);
  }

  /** `@id rest` keeps `rest` when id is the config id; `@^id rest` when it is not. */
  private conditional(t: MappedText): MappedText | null {
    const negate = t.text[1] === '^';
    const idStart = negate ? 2 : 1;
    let i = idStart;
    while (i < t.length && t.text[i] !== ' ' && t.text[i] !== '\t') i++;
    if (i >= t.length) return null; // nothing after the id
    const matches = this.opts.configId !== '' && t.text.slice(idStart, i) === this.opts.configId;
    return matches !== negate ? t.slice(i).trimStart() : null;
  }

  /** `$NAME=value`; a trailing `\` starts a multi-line definition. */
  private tryDefinition(text: string): boolean {
    if (!NAME_START.test(text[1] ?? '')) return false;
    let i = 2;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    const name = text.slice(1, i);
    if (text[i] !== '=') return false; // `$NAME =` is not a definition (keepalived 2.2.7)
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    let value = text.slice(i);
    const def: Definition = { lines: [] };
    const multiline = value.endsWith('\\');
    if (multiline) {
      value = stripContinuation(value);
      this.pendingMultiline = def;
    }
    if (value.length > 0 || !multiline) def.lines.push(value);
    this.defs.set(name, def);
    return true;
  }

  /**
   * Replaces `$NAME` (followed by blank, `,`, `)` or end of line), `${NAME}` and `${NAME params}`
   * (built-ins only). Inserted text is scanned again, so definitions may refer to others.
   * Multi-line definitions are only expanded at the end of a line; their further lines go to
   * `extras`. Returns `t` itself when nothing was replaced.
   */
  private substitute(t: MappedText, ctx: Ctx, extras: MappedText[]): MappedText {
    let s = t;
    let pos = s.text.indexOf('$');
    let count = 0;
    while (pos >= 0 && pos + 1 < s.length) {
      const ref = this.matchReference(s.text, pos);
      if (ref === null) {
        pos = s.text.indexOf('$', pos + 1);
        continue;
      }
      const at = this.loc(ctx, s.colAt(pos));
      const { def } = ref;
      let value: string;
      if (def.fn) value = def.fn(ref.params, at);
      else if (def.lines.length > 1) {
        value = def.lines[0]!;
        const col = s.colAt(pos);
        extras.unshift(...def.lines.slice(1).map((l) => MappedText.at(l, col)));
      } else value = def.lines[0] ?? '';
      if (++count > MAX_SUBSTITUTIONS_PER_LINE) {
        this.report('KA_CONF_PARAM_RECURSION', at, `Parameter substitution does not terminate on line '${t.text}'`);
        return s.replace(pos, ref.end, '');
      }
      const next = s.replace(pos, ref.end, value);
      if (utf8Length(next.text) >= MAX_LINE_BYTES) {
        this.report('KA_CONF_PARAM_TOO_LONG', at, `Parameter substitution on line '${t.text}' would exceed maximum line length`);
        return s.replace(pos, ref.end, '');
      }
      s = next;
      pos = s.text.indexOf('$', pos);
    }
    return s;
  }

  private matchReference(text: string, pos: number): { def: Definition; end: number; params: string | null } | null {
    let i = pos + 1;
    const braced = text[i] === '{';
    if (braced) i++;
    if (!NAME_START.test(text[i] ?? '')) return null;
    const nameStart = i;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    const def = this.defs.get(name);
    if (def === undefined) return null;
    let params: string | null = null;
    if (braced) {
      if (text[i] === ' ' && def.params) {
        const close = text.indexOf('}', i);
        if (close < 0) return null;
        params = text.slice(i + 1, close).trim();
        const ok = def.params === 'numbers' ? /^[0-9 ]*$/.test(params) : /^[A-Za-z_][A-Za-z0-9_]*$/.test(params);
        if (!ok) return null;
        i = close;
      }
      if (text[i] !== '}') return null;
      i++;
    } else {
      const c = text[i];
      if (c !== undefined && c !== ' ' && c !== '\t' && c !== ',' && c !== ')') return null;
    }
    if (def.lines.length > 1 && i !== text.length) return null; // multi-line only at end of line
    return { def, end: i, params };
  }

  // ---- ~SEQ / ~LST -----------------------------------------------------------------------

  private replay(t: MappedText, ctx: Ctx, depth: number): void {
    const text = t.text;
    const isSeq = text.startsWith('~SEQ');
    const hex = isSeq && text[4] === 'x';
    let i = isSeq ? (hex ? 5 : 4) : 4;
    while (text[i] === ' ' || text[i] === '\t') i++;
    const at = this.loc(ctx, t.colAt(0));
    const close = text[i] === '(' ? closingParen(text, i) : -1;
    if (close < 0) {
      this.report(isSeq ? 'KA_CONF_BAD_SEQ' : 'KA_CONF_BAD_LST', at, `Invalid ${isSeq ? '~SEQ' : '~LST'} definition '${text}'`);
      return;
    }
    let inner = text.slice(i + 1, close);
    if (inner.includes('$')) inner = this.substitute(MappedText.source(inner), ctx, []).text;
    const rest = t.slice(close + 1).trimStart();
    const runs = isSeq ? this.seqRuns(inner, hex, text, at) : this.lstRuns(inner, text, at);
    if (runs === null) return;
    for (const run of runs) {
      if (this.budgetExceeded) return;
      for (const [name, value] of run) this.defs.set(name, { lines: [value] });
      this.processLine(rest, ctx, depth + 1);
    }
  }

  private seqRuns(inner: string, hex: boolean, line: string, at: SrcLoc): Iterable<[string, string][]> | null {
    const fields = inner.split(',');
    const name = fields[0]!.trim();
    const nums = fields.slice(1).map(parseCInteger);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || nums.length < 1 || nums.length > 3 || nums.some((n) => n === null)) {
      this.report('KA_CONF_BAD_SEQ', at, `Invalid ~SEQ definition '${line}'`);
      return null;
    }
    const [a, b, c] = nums as number[];
    let start: number, step: number, end: number;
    if (nums.length === 1) {
      end = a!;
      step = end < 1 ? -1 : 1;
      start = end < 0 ? -1 : 1;
    } else if (nums.length === 2) {
      start = a!;
      end = b!;
      step = start <= end ? 1 : -1;
    } else {
      start = a!;
      step = b!;
      end = c!;
      if (step === 0 || (start < end && step < 0) || (start > end && step > 0)) {
        this.report('KA_CONF_BAD_SEQ', at, `Invalid ~SEQ values '${line}'`);
        return null;
      }
    }
    if (hex && (start < 0 || end < 0)) {
      this.report('KA_CONF_BAD_SEQ', at, `~SEQx is only valid for positive numbers '${line}'`);
      return null;
    }
    const count = Math.floor((end - start) / step) + 1;
    if (count > MAX_LOGICAL_LINES) {
      this.report('KA_CONF_EXPANSION_LIMIT', at, `~SEQ produces ${count} lines, more than ${MAX_LOGICAL_LINES} - ignoring '${line}'`);
      return null;
    }
    return (function* () {
      for (let k = 0, v = start; k < count; k++, v += step) yield [[name, hex ? v.toString(16) : String(v)]];
    })();
  }

  /** `~LST(var, v1, v2…)` or `~LST({a,b}, {1,2}, {3,4}…)`. */
  private lstRuns(inner: string, line: string, at: SrcLoc): [string, string][][] | null {
    const bad = (): null => {
      this.report('KA_CONF_BAD_LST', at, `Invalid ~LST definition '${line}'`);
      return null;
    };
    const trimmed = inner.trim();
    if (trimmed.startsWith('{')) {
      const groups: string[][] = [];
      let rest = trimmed;
      while (rest.length > 0) {
        if (!rest.startsWith('{')) return bad();
        const close = rest.indexOf('}');
        if (close < 0) return bad();
        groups.push(rest.slice(1, close).split(',').map((s) => s.trim()));
        rest = rest.slice(close + 1).trim();
        if (rest.startsWith(',')) rest = rest.slice(1).trim();
        else if (rest.length > 0) return bad();
      }
      const names = groups[0] ?? [];
      if (names.length === 0 || names.some((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) return bad();
      const runs: [string, string][][] = [];
      for (const g of groups.slice(1)) {
        if (g.length !== names.length) return bad();
        runs.push(names.map((n, k) => [n, g[k]!]));
      }
      return runs;
    }
    const fields = trimmed.split(',').map((s) => s.trim());
    const name = fields[0]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || fields.length < 2) return bad();
    return fields.slice(1).map((v) => [[name, v]]);
  }
}

function stripContinuation(text: string): string {
  let end = text.endsWith('\\') ? text.length - 1 : text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(0, end);
}

/** Index of the `)` closing `(` at `open`, skipping `{…}` groups (for `~LST({a,b},…)`). */
function closingParen(text: string, open: number): number {
  let braces = 0;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '{') braces++;
    else if (c === '}') braces--;
    else if (c === ')' && braces <= 0) return i;
  }
  return -1;
}

/** keepalived splits a line at its first `{` or `}` that is not inside "…"; an open quote stops the search. */
export function firstBraceOutsideQuotes(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x7d) return i;
    if (c === 0x22) {
      const q = text.indexOf('"', i + 1);
      if (q < 0) return -1;
      i = q;
    }
  }
  return -1;
}

/**
 * Streams logical lines to `sink` in order (so the tree builder can let finished statements go);
 * diagnostics go to `diags` as they happen, so they stay in file order with the sink's own.
 */
export function preprocessTo(
  rootPath: string,
  opts: PreprocessOptions,
  sink: LineSink,
  diags: Diagnostic[] = [],
): Omit<PreprocessResult, 'lines'> {
  const pp = new Preprocessor(opts, sink, diags);
  pp.readMain(rootPath);
  return { diags: pp.diags, files: pp.files };
}

export function preprocess(rootPath: string, opts: PreprocessOptions): PreprocessResult {
  const lines: LogicalLine[] = [];
  const r = preprocessTo(rootPath, opts, (text, file, line) => lines.push({ text, file, line }));
  return { lines, ...r };
}
