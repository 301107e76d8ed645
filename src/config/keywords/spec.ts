/**
 * Declarative keyword tables (architecture habit 7, keepalived `install_keyword`): each keyword of
 * a block has a kind (how its words are read and range-checked), a documented default and a
 * support level, plus a setter that writes the parsed value into the block's draft. The generic
 * walker (walk.ts) owns leniency: ranges, missing parameters, unknown keywords, braces.
 */
import type { ConfNode } from '../ast.js';
import { ConfigErrClass, type Diagnostic, type Severity, type SrcLoc } from '../diagnostics.js';
import type { ScriptRef } from '../model.js';

/** 'supported' = typed into the model and acted on; 'recognised' = consumed with a warning. */
export type Support = 'supported' | 'recognised';

/** Where each keyword of a block was written, so validation can point at it. */
export interface BlockLocs {
  at: SrcLoc;
  /** Where the block ends (its `}`), for messages keepalived gives when a block completes. */
  end: SrcLoc;
  /** Last location of each keyword seen in the block. */
  kw: Record<string, SrcLoc>;
  /**
   * One location per accepted line of a value block / list keyword, in model order. Shared, frozen
   * and empty until the first addListLoc (most blocks have none): write only through addListLoc.
   */
  lists: Record<string, SrcLoc[]>;
  /** Sub-blocks in model order (real servers of a VS, checkers of a RS); like lists, see addChild. */
  children: BlockLocs[];
}

/** Every sub-block draft carries its own locations. */
export interface Draft { locs: BlockLocs }

/**
 * The empty `lists` and `children` every new block shares (bench/parse.ts's config has ~21,000
 * blocks, most without either): frozen, so a write that bypasses addListLoc/addChild throws.
 */
const NO_LISTS: Record<string, SrcLoc[]> = Object.freeze({}) as Record<string, SrcLoc[]>;
const NO_CHILDREN: BlockLocs[] = Object.freeze([]) as unknown as BlockLocs[];

export const newLocs = (at: SrcLoc): BlockLocs => ({ at, end: at, kw: {}, lists: NO_LISTS, children: NO_CHILDREN });

/** The list of `key` in `locs.lists`, created (with its own `lists`) on first use. */
export function listLocs(locs: BlockLocs, key: string): SrcLoc[] {
  if (locs.lists === NO_LISTS) locs.lists = {};
  return (locs.lists[key] ??= []);
}

/** Appends a sub-block's locations to `locs.children`. */
export function addChild(locs: BlockLocs, child: BlockLocs): void {
  if (locs.children === NO_CHILDREN) locs.children = [child];
  else locs.children.push(child);
}

/**
 * The line of a block's closing `}`. The tree does not record it, so we take the line after the
 * block's last statement (where `}` nearly always stands); a block with no statements ends where
 * it opens.
 */
export function blockEnd(node: ConfNode): SrcLoc {
  const explicit = (node as ConfNode & { endAt?: SrcLoc }).endAt;
  if (explicit) return explicit;
  let last: ConfNode | undefined = node;
  let deepest: SrcLoc = node.blockAt ?? node.at;
  while (last?.block && last.block.length > 0) {
    last = last.block[last.block.length - 1];
    if (last && last.at.line >= deepest.line) deepest = last.at;
  }
  if (deepest === (node.blockAt ?? node.at)) return deepest;
  return { file: deepest.file, line: deepest.line + 1, col: 1 };
}

/** Parsing context: diagnostics sink plus the owner prefix keepalived puts on its messages. */
export class Ctx {
  readonly diags: Diagnostic[] = [];
  /** splitScript: words of a script keyword's text (quote/escape rules); null = malformed. */
  constructor(readonly splitScript: (raw: string) => string[] | null) {}

  report(at: SrcLoc, cls: ConfigErrClass, code: string, msg: string, sev?: Severity): void {
    const severity: Severity = sev ?? (cls === ConfigErrClass.OK ? 'info' : cls === ConfigErrClass.WARNING ||
      cls === ConfigErrClass.DEPRECATED || cls === ConfigErrClass.UNKNOWN_KEYWORD ? 'warning' : 'error');
    this.diags.push({ sev: severity, code, at, msg, cls });
  }
  /** keepalived's "general error" (exit 5): a value refused, a default used instead. */
  error(at: SrcLoc, code: string, msg: string): void { this.report(at, ConfigErrClass.GENERAL_ERROR, code, msg); }
  warn(at: SrcLoc, code: string, msg: string): void { this.report(at, ConfigErrClass.WARNING, code, msg); }
}

interface Base { support: Support; /** One-line description for the README table. */ doc: string; /** Default as text. */ dflt?: string }

type Set<T, V> = (t: T, v: V, node: ConfNode, ctx: Ctx, locs: BlockLocs) => void;

export type KwDef<T> = Base & (
  | { kind: 'uint' | 'int'; min: number; max: number; /** value when written without one */ bare?: number;
      set?: Set<T, number>; /** keepalived's own complaint after the generic one; null = generic only */
      badMsg?: (raw: string, t: T) => string; onBad?: (t: T) => void }
  | { kind: 'timer'; minS: number; maxS: number; bare?: number; set?: Set<T, number>;
      badMsg?: (raw: string, t: T) => string }
  | { kind: 'bool'; set?: Set<T, boolean>; badMsg?: (raw: string) => string }
  | { kind: 'enum'; values: readonly string[]; caseInsensitive?: boolean; set?: Set<T, string>;
      badMsg?: (raw: string, t: T) => string }
  | { kind: 'word'; set?: Set<T, string> }
  /** Free-form words (may be none): the setter checks them. */
  | { kind: 'words'; set?: Set<T, string[]> }
  /**
   * Script keyword. `whole`: every word is part of the command (`script`, `misc_path`); otherwise
   * the first word is the command and the next ones are user and group (`notify*`).
   */
  | { kind: 'script'; whole?: boolean; set?: Set<T, ScriptRef> }
  /** Value block (`virtual_ipaddress { … }`): the setter sees each line and says if it kept it. */
  | { kind: 'lines'; start?: (t: T, node: ConfNode, ctx: Ctx) => void; line?: (t: T, line: ConfNode, ctx: Ctx, parent: ConfNode) => boolean }
  /** Sub-block with its own keyword table. */
  | { kind: 'block'; section: () => Section<any>;
      open: (t: T, node: ConfNode, ctx: Ctx) => Draft | null; close?: (t: T, child: any, node: ConfNode, ctx: Ctx) => void }
  /** Recognised block whose contents are skipped. */
  | { kind: 'skip-block' }
);

export interface Section<T> {
  /** Block keyword as written in the file ('root' for the top level). */
  name: string;
  keywords: Record<string, KwDef<T>>;
  /** Deprecated spellings: alias → [canonical keyword, warning text]. */
  aliases?: Record<string, [string, string]>;
}

export function section<T>(name: string, keywords: Record<string, KwDef<T>>, aliases?: Record<string, [string, string]>): Section<T> {
  return aliases ? { name, keywords, aliases } : { name, keywords };
}

/** Builds a ScriptRef from the quoted/escaped words of a script keyword. */
export function scriptRef(words: string[], whole: boolean, splitArgv: (cmd: string) => string[] | null = plainSplit): ScriptRef | null {
  const first = words[0];
  if (first === undefined || first === '') return null;
  // A single quoted word holds a whole command line: split it again for argv (keepalived would
  // hand such a string to the shell when it is not an executable path).
  if (whole && words.length > 1) return { cmd: words.join(' '), argv: words, user: null, group: null };
  return { cmd: first, argv: splitArgv(first) ?? plainSplit(first), user: whole ? null : words[1] ?? null, group: whole ? null : words[2] ?? null };
}

const plainSplit = (cmd: string): string[] => cmd.split(/[ \t]+/).filter((w) => w !== '');

/** A recognised-but-not-supported keyword with a value (consumed as words). */
export const recognised = <T>(doc: string, dflt?: string): KwDef<T> =>
  dflt === undefined ? { kind: 'words', support: 'recognised', doc } : { kind: 'words', support: 'recognised', doc, dflt };
/** A recognised-but-not-supported keyword that opens a block. */
export const recognisedBlock = <T>(doc: string): KwDef<T> => ({ kind: 'skip-block', support: 'recognised', doc });
