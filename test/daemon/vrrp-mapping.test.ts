/** Config model → engine InstanceConfig: the parts end-to-end tests found missing (unicast_ttl). */
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/common/ip.js';
import { toInstanceConfig, type LinkFacts } from '../../src/daemon/vrrp-mapping.js';
import { diagLines, loadText } from '../config/conf-helper.js';

const eth0: LinkFacts = { index: 2, name: 'eth0', addrs: [{ family: 4, address: parseIp('10.0.0.1')!.bytes, flags: 0 }] };

function mapped(body: string) {
  const r = loadText(`vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n${body}\n}\n`);
  const cfg = r.config;
  return { ic: toInstanceConfig(cfg.vrrpInstances[0]!, cfg.globalDefs, (n) => (n === 'eth0' ? eth0 : undefined)), diags: diagLines(r) };
}

describe('toInstanceConfig: TTL of sent adverts', () => {
  it('unicast peers use unicast_ttl', () => {
    expect(mapped('  unicast_peer {\n    10.0.0.2\n  }\n  unicast_ttl 7').ic.ttl).toBe(7);
  });

  it('unicast peers without unicast_ttl use 255', () => {
    expect(mapped('  unicast_peer {\n    10.0.0.2\n  }').ic.ttl).toBe(255);
  });

  it('multicast adverts keep 255 whatever unicast_ttl says (receivers require it)', () => {
    expect(mapped('  unicast_ttl 7').ic.ttl).toBe(255);
  });

  it('an out-of-range unicast_ttl is reported and ignored', () => {
    const m = mapped('  unicast_peer {\n    10.0.0.2\n  }\n  unicast_ttl 0');
    expect(m.ic.ttl).toBe(255);
    expect(m.diags.join('\n')).toMatch(/unicast_ttl/);
  });
});
