import { describe, expect, it } from 'vitest';
import { createRootLogger, textLine } from '../../src/daemon/logger.js';

describe('daemon logger', () => {
  it('writes JSON lines carrying the context bindings of child loggers', () => {
    const lines: string[] = [];
    const log = createRootLogger({ text: false, write: (l) => lines.push(l) });
    log.child({ mod: 'vrrp' }).child({ inst: 'VI_1', vrid: 51 }).child({ x: 1 }).info('(VI_1) Entering MASTER STATE');
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({ msg: '(VI_1) Entering MASTER STATE', mod: 'vrrp', inst: 'VI_1', vrid: 51, x: 1, level: 30 });
  });

  it('renders readable text lines with -l', () => {
    const lines: string[] = [];
    const log = createRootLogger({ text: true, write: (l) => lines.push(l) });
    log.child({ mod: 'vrrp', inst: 'VI_2' }).warn({ reason: 'ttl' }, '(VI_2) dropped');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN \[vrrp\] \(VI_2\) dropped reason=ttl\n$/);
    expect(textLine('not json')).toBe('not json');
  });
});
