/**
 * The generic keyword walker: applies a Section's table to the lines of one block, with
 * keepalived's leniency (semantics §1.2, §1.3): unknown keyword → warning and continue; bad
 * number → keepalived's message and the keyword ignored; missing parameter → MISSING_PARAMETER
 * (exit 2 under -t). Improvement kept on purpose: an unknown keyword that opens a block is
 * skipped with its whole block and one warning (keepalived cascades, §1.6).
 */
import type { ConfNode } from '../ast.js';
import { ConfigErrClass, type SrcLoc } from '../diagnostics.js';
import { integerOrNaN, parseBool, parseInteger, parseTimerUs, timerUsOrNaN, usToMs } from '../values.js';
import { blockEnd, type BlockLocs, Ctx, type KwDef, listLocs, scriptRef, type Section } from './spec.js';

export const CODES = {
  unknownKeyword: 'KA_CONF_UNKNOWN_KEYWORD',
  notSupported: 'KA_CONF_NOT_SUPPORTED',
  missingParameter: 'KA_CONF_MISSING_PARAMETER',
  invalidNumber: 'KA_CONF_INVALID_NUMBER',
  range: 'KA_CONF_RANGE',
  invalidValue: 'KA_CONF_INVALID_VALUE',
  missingBlock: 'KA_CONF_MISSING_BOB',
  unexpectedBlock: 'KA_CONF_UNEXPECTED_BOB',
  deprecated: 'KA_CONF_DEPRECATED',
} as const;

/** keepalived's `null_strvec` text; the caller's class makes `-t` exit 2. */
export function missingParameter(node: ConfNode, ctx: Ctx, position = node.args.length + 2): void {
  const line = [node.keyword, ...node.args].join(' ');
  ctx.report(node.at, ConfigErrClass.MISSING_PARAMETER, CODES.missingParameter,
    `*** Configuration line starting \`${line}\` is missing a parameter after keyword \`${node.keyword}\` at word position ${position}`);
}

const takesBlock = (def: KwDef<unknown>): boolean => def.kind === 'lines' || def.kind === 'block' || def.kind === 'skip-block';

/** Walks `nodes` (the lines of one block) into `target`; returns where each keyword was written. */
export function applySection<T>(nodes: readonly ConfNode[], sec: Section<T>, target: T, ctx: Ctx, locs: BlockLocs): void {
  // Indexed: cold (not yet optimized) code allocates an iterator result per for-of step.
  for (let i = 0; i < nodes.length; i++) applyStatement(nodes[i]!, sec, target, ctx, locs);
}

/**
 * One line of a block (applySection, line by line): lets the top level be walked as statements
 * stream in from the tree builder, so a finished statement's nodes are garbage at once.
 */
export function applyStatement<T>(node: ConfNode, sec: Section<T>, target: T, ctx: Ctx, locs: BlockLocs): void {
  let name = node.keyword;
  const alias = sec.aliases?.[name];
  if (alias) {
    ctx.report(node.at, ConfigErrClass.DEPRECATED, CODES.deprecated, alias[1]);
    name = alias[0];
  }
  const def = sec.keywords[name];
  if (!def) {
    ctx.report(node.at, ConfigErrClass.UNKNOWN_KEYWORD, CODES.unknownKeyword, node.block
      ? `Unknown keyword '${node.keyword}' (its block is skipped)` : `Unknown keyword '${node.keyword}'`);
    return;
  }
  if (def.support === 'recognised') {
    ctx.report(node.at, ConfigErrClass.OK, CODES.notSupported,
      `keyword '${node.keyword}' in ${sec.name} is recognised but not supported - ignoring`, 'warning');
  }
  if (takesBlock(def as KwDef<unknown>)) {
    if (node.block === null) {
      ctx.report(node.at, ConfigErrClass.MISSING_BOB, CODES.missingBlock, `Missing '{' at beginning of configuration block`);
      return;
    }
  } else if (node.block !== null) {
    ctx.report(node.blockAt ?? node.at, ConfigErrClass.UNEXPECTED_BOB, CODES.unexpectedBlock,
      `Unexpected '{' after keyword '${node.keyword}' - ignoring the block`);
  }
  locs.kw[name] = node.at;
  applyOne(node, def, target, ctx, locs);
}

/** Where the first argument stands; only diagnostics need it, and argAt is computed on each read. */
const firstArgAt = (node: ConfNode): SrcLoc => node.argAt[0] ?? node.at;

function applyOne<T>(node: ConfNode, def: KwDef<T>, t: T, ctx: Ctx, locs: BlockLocs): void {
  const raw = node.args[0];
  switch (def.kind) {
    case 'uint':
    case 'int': {
      if (raw === undefined) {
        if (def.bare !== undefined) def.set?.(t, def.bare, node, ctx, locs);
        else missingParameter(node, ctx);
        return;
      }
      // No result object per number: the NaN-returning fast path, parseInteger only on refusal.
      const n = integerOrNaN(raw, def.min, def.max);
      if (n === n) { def.set?.(t, n, node, ctx, locs); return; }
      const r = parseInteger(raw, def.min, def.max);
      if (!r.ok) {
        const at = firstArgAt(node);
        ctx.report(at, ConfigErrClass.INVALID_NUMBER, r.msg.startsWith('number') ? CODES.range : CODES.invalidNumber, r.msg);
        if (def.badMsg) ctx.error(at, CODES.invalidValue, def.badMsg(raw, t));
        def.onBad?.(t);
        return;
      }
      def.set?.(t, r.value, node, ctx, locs);
      return;
    }
    case 'timer': {
      if (raw === undefined) {
        if (def.bare !== undefined) def.set?.(t, def.bare, node, ctx, locs);
        else missingParameter(node, ctx);
        return;
      }
      // Plain digits take the allocation-free path; decimals and refusals go through parseTimerUs.
      const us = timerUsOrNaN(raw, def.minS, def.maxS);
      if (us === us) { def.set?.(t, usToMs(us), node, ctx, locs); return; }
      const r = parseTimerUs(raw, def.minS, def.maxS);
      if (!r.ok) {
        const at = firstArgAt(node);
        ctx.report(at, ConfigErrClass.INVALID_NUMBER, r.msg.startsWith('number') ? CODES.range : CODES.invalidNumber, r.msg);
        if (def.badMsg) ctx.error(at, CODES.invalidValue, def.badMsg(raw, t));
        return;
      }
      def.set?.(t, usToMs(r.value), node, ctx, locs);
      return;
    }
    case 'bool': {
      if (raw === undefined) { def.set?.(t, true, node, ctx, locs); return; }
      const b = parseBool(raw);
      if (b === null) {
        ctx.error(firstArgAt(node), CODES.invalidValue, def.badMsg ? def.badMsg(raw) : `Invalid value '${raw}' for ${node.keyword} specified`);
        return;
      }
      def.set?.(t, b, node, ctx, locs);
      return;
    }
    case 'enum': {
      if (raw === undefined) { missingParameter(node, ctx); return; }
      const found = enumValue(def.values, raw, def.caseInsensitive === true);
      if (found === undefined) {
        ctx.error(firstArgAt(node), CODES.invalidValue, def.badMsg ? def.badMsg(raw, t) : `Invalid value '${raw}' for ${node.keyword}`);
        return;
      }
      def.set?.(t, found, node, ctx, locs);
      return;
    }
    case 'word':
      if (raw === undefined) { missingParameter(node, ctx); return; }
      def.set?.(t, raw, node, ctx, locs);
      return;
    case 'words':
      def.set?.(t, node.args, node, ctx, locs);
      return;
    case 'script':
      applyScript(node, def, t, ctx, locs);
      return;
    case 'lines': {
      def.start?.(t, node, ctx);
      const list = listLocs(locs, node.keyword);
      const lines = node.block ?? [];
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (def.line?.(t, line, ctx, node)) list.push(line.at);
      }
      return;
    }
    case 'block': {
      const child = def.open(t, node, ctx);
      if (child === null) return;
      child.locs.end = blockEnd(node);
      applySection(node.block ?? [], def.section(), child, ctx, child.locs);
      def.close?.(t, child, node, ctx);
      return;
    }
    case 'skip-block':
      return;
  }
}

/**
 * The enum value `raw` names. A loop, not `values.find` with an arrow: an arrow capturing `raw`
 * makes V8 allocate a context for applyOne's variables on every call (every keyword line).
 */
function enumValue(values: readonly string[], raw: string, caseInsensitive: boolean): string | undefined {
  const want = caseInsensitive ? raw.toLowerCase() : raw;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if ((caseInsensitive ? v.toLowerCase() : v) === want) return v;
  }
  return undefined;
}

/**
 * A script keyword. Its own function because of the closure over `ctx`: inside applyOne, V8 would
 * allocate that closure's context on every call of applyOne (every keyword line), scripts or not.
 */
function applyScript<T>(node: ConfNode, def: Extract<KwDef<T>, { kind: 'script' }>, t: T, ctx: Ctx, locs: BlockLocs): void {
  const words = ctx.splitScript(node.rawArgs);
  if (words === null) {
    ctx.report(node.at, ConfigErrClass.UNMATCHED_QUOTE, 'KA_CONF_UNMATCHED_QUOTE', `Unmatched quote in '${node.rawArgs}' - ignoring ${node.keyword}`);
    return;
  }
  const ref = scriptRef(words, def.whole === true, (cmd) => ctx.splitScript(cmd));
  if (!ref) { missingParameter(node, ctx); return; }
  def.set?.(t, ref, node, ctx, locs);
}

export { Ctx };
