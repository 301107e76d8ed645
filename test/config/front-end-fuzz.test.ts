/**
 * Robustness: thousands of mutated configs through buildTree. It must never throw, and every
 * diagnostic and node must carry a usable location.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfNode, TreeResult } from '../../src/config/ast.js';
import type { SrcLoc } from '../../src/config/diagnostics.js';
import { buildTree } from '../../src/config/tree.js';
import { memorySource } from '../fixtures/front-end/memory-source.js';

const MAIN = '/f/keepalived.conf';

const BASE = `! Configuration File
global_defs {
  router_id "lb #1" # c
  notification_email { a@b c@d }
}
$IP=10.0.0.
$M=line1 \\
  line2
@n1 vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority \${_RANDOM 1 5}
  virtual_ipaddress {
    \${IP}1/24 dev eth0
    ~SEQ(N,2,4) \${IP}\${N}
  }
  notify_master "/bin/x 'a b'" \\! \\#
}
include conf.d/*.conf
virtual_server 10.0.0.1 80
{
  ~LST({P,W},{1,2},{3,4}) real_server 10.0.1.$P 80 { weight $W }
  real_server 10.0.1.9 80 {
    TCP_CHECK { connect_timeout 3 }
  }
}
$M
`;

const FRAGMENTS = ['{', '}', '"', "'", '\\', '#', '!', '$', '${', '$IP', '${_ENV X}', '@n1 ', '@^n1 ', '~SEQ(', '~SEQx(A,1,3) ', '~LST(', ')', ',', 'include ', 'includea /f/*.conf', '\n', '\r\n', '\0', '\t', ' ', '{}', '}}}', '{{{', '"{"', '\\\n'];

const isLoc = (l: SrcLoc | undefined): boolean =>
  l !== undefined && typeof l.file === 'string' && l.file.length > 0 && Number.isInteger(l.line) && l.line >= 1 && Number.isInteger(l.col) && l.col >= 1;

/** Problems found in a result; collected by hand (per-item expect() is too slow for 20k items). */
function problems(r: TreeResult): string[] {
  const out: string[] = [];
  for (const d of r.diags) {
    if (!isLoc(d.at)) out.push(`diagnostic without location: ${JSON.stringify(d)}`);
    if (!/^KA_CONF_[A-Z_]+$/.test(d.code)) out.push(`bad code ${d.code}`);
    if (d.msg.length === 0) out.push(`empty message ${d.code}`);
    if (d.code === 'KA_CONF_INTERNAL') out.push(`internal error: ${d.msg}`);
  }
  const stack: [ConfNode[], number][] = [[r.nodes, 0]];
  while (stack.length > 0) {
    const [nodes, depth] = stack.pop()!;
    if (depth > 300) out.push('tree deeper than 300');
    for (const n of nodes) {
      if (!isLoc(n.at)) out.push(`node without location: ${n.keyword}`);
      if (n.argAt.length !== n.args.length || !n.argAt.every(isLoc)) out.push(`bad argAt: ${n.keyword}`);
      if (n.block !== null) {
        if (!isLoc(n.blockAt)) out.push(`block without location: ${n.keyword}`);
        stack.push([n.block, depth + 1]);
      }
    }
  }
  return out;
}

function check(r: TreeResult): void {
  expect(problems(r)).toEqual([]);
}

const run = (files: Record<string, string>) => buildTree(MAIN, { source: memorySource(files), configId: 'n1', env: { X: 'x' } });

type Mutation = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; len: number } | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, ms: Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.len);
    else t = t.slice(0, at);
  }
  return t;
}

describe('front end fuzz', () => {
  it('never throws on mutated configs and locates every diagnostic', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 12 }), fc.array(mutation, { maxLength: 4 }), (ms, incMs) => {
        const r = run({ [MAIN]: mutate(BASE, ms), '/f/conf.d/a.conf': mutate('vrrp_script s {\n script "/bin/true"\n}\ninclude ../keepalived.conf\n', incMs) });
        check(r);
      }),
      { numRuns: 2500, seed: 4242 },
    );
  });

  it('survives random text and random include graphs (loops, self-includes)', () => {
    const name = fc.constantFrom('/f/keepalived.conf', '/f/a.conf', '/f/b.conf', '/f/d/c.conf');
    const file = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 10 }), name.map((n) => `include ${n}\n`), fc.constant('include *.conf\n'), fc.constant('include d/../*.conf\n')), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(file, file, file, file, (m, a, b, c) => {
        check(run({ '/f/keepalived.conf': m, '/f/a.conf': a, '/f/b.conf': b, '/f/d/c.conf': c }));
      }),
      { numRuns: 1500, seed: 7 },
    );
  });

  it('handles 10,000 nested blocks, unbalanced brace floods and huge lines', () => {
    const deep = 'a {\n'.repeat(10_000) + 'leaf 1\n' + '}\n'.repeat(10_000);
    const r1 = run({ [MAIN]: deep });
    check(r1);
    expect(r1.diags.some((d) => d.code === 'KA_CONF_TOO_DEEP')).toBe(true);
    check(run({ [MAIN]: 'k {'.repeat(10_000) }));
    check(run({ [MAIN]: '}\n'.repeat(10_000) }));
    check(run({ [MAIN]: `${'{'.repeat(500)}\n${'x '.repeat(2_000_000)}\n"${'q'.repeat(5000)}` }));
    check(run({ [MAIN]: 'include /f/keepalived.conf\n'.repeat(1000) }));
  });
});
