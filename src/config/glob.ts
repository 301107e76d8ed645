/**
 * Pure glob logic for `include`: csh-style `{a,b}` brace expansion and matching of one path
 * component against `*`, `?`, `[...]`. The directory walk lives in src/daemon/config-source.ts.
 */

/** Upper bound on brace expansions, so `{a,b}{a,b}…` cannot explode. */
export const MAX_BRACE_EXPANSIONS = 4096;

/** Index of the `}` closing the `{` at `open`, or -1 (a backslash escapes the next character). */
function closingBrace(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits the inside of a brace group on top-level commas. */
function alternatives(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  out.push(inner.slice(start));
  return out;
}

/**
 * Expands `{a,b}` groups left to right (nested groups allowed); `{}` and unbalanced braces stay
 * literal, as glob(3) with GLOB_BRACE does. Results keep the order of the alternatives.
 */
export function expandBraces(pattern: string): string[] {
  const done: string[] = [];
  const todo: string[] = [pattern];
  while (todo.length > 0) {
    const p = todo.shift()!;
    let open = -1;
    let close = -1;
    for (let i = 0; i < p.length; i++) {
      if (p[i] === '\\') {
        i++;
        continue;
      }
      if (p[i] !== '{') continue;
      const c = closingBrace(p, i);
      if (c > i + 1) {
        open = i;
        close = c;
        break;
      }
      if (c === i + 1) i = c; // `{}` is literal
    }
    if (open < 0) {
      done.push(p);
      continue;
    }
    const head = p.slice(0, open);
    const tail = p.slice(close + 1);
    const expanded = alternatives(p.slice(open + 1, close)).map((alt) => head + alt + tail);
    todo.unshift(...expanded);
    if (done.length + todo.length > MAX_BRACE_EXPANSIONS) {
      return [...done, ...todo].slice(0, MAX_BRACE_EXPANSIONS);
    }
  }
  return done;
}

export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/;

/**
 * Compiles one path component (no `/`) to a predicate. Like glob(3): a leading `.` must be
 * matched explicitly; `[!x]`/`[^x]` negate; a `[` without a closing `]` is literal.
 */
export function componentMatcher(component: string): (name: string) => boolean {
  if (!hasWildcard(component)) {
    const literal = component.replace(/\\(.)/g, '$1');
    return (name) => name === literal;
  }
  let src = '^';
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === '\\' && i + 1 < component.length) {
      const n = component[++i]!;
      src += REGEX_SPECIAL.test(n) ? `\\${n}` : n;
    } else if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '[') {
      let j = i + 1;
      if (component[j] === '!' || component[j] === '^') j++;
      if (component[j] === ']') j++;
      while (j < component.length && component[j] !== ']') j++;
      if (j >= component.length) {
        src += '\\[';
        continue;
      }
      let body = component.slice(i + 1, j);
      if (body[0] === '!' || body[0] === '^') body = `^${body.slice(1)}`;
      src += `[${body.replace(/\\/g, '\\\\').replace(/^(\^?)\]/, '$1\\]')}]`;
      i = j;
    } else src += REGEX_SPECIAL.test(c) ? `\\${c}` : c;
  }
  const re = new RegExp(`${src}$`, 's');
  const explicitDot = component.startsWith('.');
  return (name) => (explicitDot || !name.startsWith('.')) && re.test(name);
}

/** Splits a pattern into path components; `absolute` when it starts with `/`. */
export function patternComponents(pattern: string): { absolute: boolean; parts: string[] } {
  return { absolute: pattern.startsWith('/'), parts: pattern.split('/').filter((p) => p !== '' && p !== '.') };
}
