import { describe, expect, it } from 'vitest';
import { desiredIpvsTable, expandRange, granularityPrefix } from '../../src/ipvs/desired.js';
import { formatList } from '../../src/ipvs/format.js';
import { applyOps, plan } from '../../src/ipvs/reconcile.js';
import { zeroStats } from '../../src/ipvs/types.js';
import { loadText } from '../config/conf-helper.js';

const conf = `
virtual_server_group WEB {
  10.0.1.1-3 80
  fwmark 9
}
virtual_server 10.0.0.1 80 {
  lb_algo wrr
  lb_kind NAT
  protocol TCP
  real_server 10.88.0.2 8080 { weight 3 }
  real_server 10.88.0.3 80 {
    weight 1
    lvs_method DR
  }
  real_server 10.88.0.4 80 {
    weight 2
    lvs_method TUN
    uthreshold 100
    lthreshold 10
  }
}
virtual_server fd00::10 53 {
  lb_algo rr
  lb_kind NAT
  protocol UDP
  persistence_timeout 300
  persistence_granularity 64
  real_server fd00:88::2 53 { weight 1 }
}
virtual_server fwmark 42 {
  lb_algo sh
  lb_kind DR
  persistence_timeout 60
  persistence_granularity 255.255.255.0
  real_server 10.88.0.6 0 { weight 1 }
}
virtual_server group WEB {
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 10.88.0.7 80 { weight 5 }
}
`;

describe('desiredIpvsTable (config → kernel table)', () => {
  it('maps keepalived virtual servers with keepalived IPVS rules, and the result programs cleanly', () => {
    const { config, exitCode, diags } = loadText(conf);
    expect(exitCode, diags.map((d) => d.msg).join('\n')).toBe(0);
    const everyoneUp = desiredIpvsTable(config.virtualServers, config.virtualServerGroups,
      (vs) => vs.realServers.map((r) => ({ addr: r.address, port: r.port, weight: r.weight })));
    const table = applyOps([], plan(everyoneUp, [], new Set()));
    const text = formatList(table.map((e) => ({
      service: e.service, stats: zeroStats(),
      dests: e.dests.map((d) => ({ dest: d, counters: { activeConns: 0, inactConns: 0, persistConns: 0, stats: zeroStats() } })),
    })), { version: 0x010201, connTabSize: 4096 }, { variant: 'thresholds' });
    // DR/TUN real servers take the VS port; fwmark non-NAT real servers port 0; the group is one service per address + fwmark.
    expect(text).toBe(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  10.0.0.1:80 wrr
  -> 10.88.0.2:8080               0          0          0          0         
  -> 10.88.0.3:80                 0          0          0          0         
  -> 10.88.0.4:80                 100        10         0          0         
TCP  10.0.1.1:80 rr
  -> 10.88.0.7:80                 0          0          0          0         
TCP  10.0.1.2:80 rr
  -> 10.88.0.7:80                 0          0          0          0         
TCP  10.0.1.3:80 rr
  -> 10.88.0.7:80                 0          0          0          0         
UDP  [fd00::10]:53 rr persistent 300 mask 64
  -> [fd00:88::2]:53              0          0          0          0         
FWM  9 rr
  -> 10.88.0.7:0                  0          0          0          0         
FWM  42 sh persistent 60 mask 255.255.255.0
  -> 10.88.0.6:0                  0          0          0          0         
`);
  });

  it('only the destinations the health side chose are desired (failed RS left out, inhibited ones at weight 0)', () => {
    const { config } = loadText(conf);
    const vs = config.virtualServers.filter((v) => v.key.kind === 'ip' && v.key.address === '10.0.0.1');
    const t = desiredIpvsTable(vs, [], () => [{ addr: '10.88.0.3', port: 80, weight: 0 }]);
    expect(t[0]!.dests).toEqual([{ af: 4, addr: '10.88.0.3', port: 80, fwd: 'route', weight: 0, uThreshold: 0, lThreshold: 0 }]);
  });
});

describe('helpers', () => {
  it('expands group ranges', () => {
    expect(expandRange('10.0.0.1-3')).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(expandRange('fd00::9-b')).toEqual(['fd00::9', 'fd00::a', 'fd00::b']);
    expect(expandRange('10.0.0.5/30')).toEqual(['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7']);
    expect(expandRange('10.0.0.0/8')).toEqual([]); // too many services to be meant
    expect(expandRange('nonsense')).toEqual([]);
  });
  it('reads persistence_granularity as a mask or a prefix', () => {
    expect(granularityPrefix(null, 4)).toBe(32);
    expect(granularityPrefix(null, 6)).toBe(128);
    expect(granularityPrefix('255.255.240.0', 4)).toBe(20);
    expect(granularityPrefix('255.0.255.0', 4)).toBeUndefined();
    expect(granularityPrefix('48', 6)).toBe(48);
  });
});
