/**
 * Lines of virtual_routes / static_routes / virtual_rules / static_rules: recognised, not acted on.
 * We keep only what keepalived checks at parse time: interfaces they name (validated later), the
 * deprecated `or`/`gw` spellings, untrackable routes, bad rule addresses, rules without preference.
 */
import { parsePrefix } from '../../common/ip.js';
import type { ConfNode } from '../ast.js';
import type { SrcLoc } from '../diagnostics.js';
import { type Ctx, type KwDef } from './spec.js';
import { CODES } from './walk.js';

export interface IfRefHolder { otherIfRefs: { name: string; what: string; at: SrcLoc }[] }

/** keepalived numbers rules without a preference downwards from 16384, across the whole file. */
const rulePrefCounter = new WeakMap<Ctx, number>();

function routeLine(t: IfRefHolder, l: ConfNode, ctx: Ctx): boolean {
  const words = [l.keyword, ...l.args];
  let dest: string | null = null;
  let hasDev = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'dev' && words[i + 1] !== undefined) { t.otherIfRefs.push({ name: words[i + 1]!, what: 'VROUTE nexthop', at: l.at }); hasDev = true; i++; }
    else if (w === 'src' || w === 'via' || w === 'table' || w === 'metric' || w === 'proto' || w === 'scope') i++;
    else if (w === 'or') ctx.report(l.at, 15, CODES.deprecated, '"or" for routes is deprecated. Please use "nexthop"');
    else if (w === 'gw') { ctx.report(l.at, 15, CODES.deprecated, '"gw" for routes is deprecated. Please use "via"'); i++; }
    else if (dest === null && parsePrefix(w)) dest = w.includes('/') ? w : `${w}/32`;
  }
  if (!hasDev && !words.includes('no_track')) {
    ctx.warn(l.at, 'KA_CONF_ROUTE_UNTRACKED', `Warning - cannot track route ${dest ?? words[0]} with no interface specified, not tracking`);
  }
  return true;
}

function ruleLine(t: IfRefHolder, l: ConfNode, ctx: Ctx): boolean {
  const words = [l.keyword, ...l.args];
  for (let i = 0; i + 1 < words.length; i++) {
    const w = words[i]!;
    if ((w === 'from' || w === 'to') && words[i + 1] !== 'all' && !parsePrefix(words[i + 1]!)) {
      ctx.error(l.at, CODES.invalidValue, `Invalid rule ${w} address ${words[i + 1]}`);
      ctx.error(l.at, CODES.invalidValue, `VRRP parsed invalid IP ${words[i + 1]}. skipping IP...`);
      return false;
    }
    if (w === 'dev' || w === 'iif' || w === 'oif') t.otherIfRefs.push({ name: words[i + 1]!, what: 'VRULE', at: l.at });
  }
  if (!words.some((w) => w === 'preference' || w === 'priority' || w === 'pref' || w === 'prio')) {
    const n = rulePrefCounter.get(ctx) ?? 16384;
    rulePrefCounter.set(ctx, n - 1);
    ctx.warn(l.at, 'KA_CONF_RULE_NO_PREF', `Rule has no preference specified - setting to ${n}. This is probably not what you want.`);
  }
  return true;
}

export const routeLines = <T extends IfRefHolder>(doc: string): KwDef<T> =>
  ({ kind: 'lines', support: 'recognised', doc, line: (t, l, ctx) => routeLine(t, l, ctx) });
export const ruleLines = <T extends IfRefHolder>(doc: string): KwDef<T> =>
  ({ kind: 'lines', support: 'recognised', doc, line: (t, l, ctx) => ruleLine(t, l, ctx) });
