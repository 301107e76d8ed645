/** fast-check generators for the IPVS model; small address/port pools so keys collide often. */
import fc from 'fast-check';
import type { Family } from '../../src/common/ip.js';
import type { Destination, Service, ServiceFlags } from '../../src/ipvs/types.js';

const v4 = ['10.0.0.1', '10.0.0.2', '192.168.1.10', '200.0.0.1'];
const v6 = ['fd00::1', 'fd00::2', '2001:db8::10'];
const v4Dest = ['10.88.0.2', '10.88.0.3', '10.88.0.4', '10.88.0.5', '172.16.0.9'];
const v6Dest = ['fd00:88::2', 'fd00:88::3', 'fd00:88::abcd'];

export const arbFamily = (): fc.Arbitrary<Family> => fc.constantFrom<Family>(4, 6);

export const arbFlags = (): fc.Arbitrary<ServiceFlags> =>
  fc.record({ persistent: fc.boolean(), onePacket: fc.boolean(), sched1: fc.boolean(), sched2: fc.boolean(), sched3: fc.boolean() });

export function arbService(af?: Family): fc.Arbitrary<Service> {
  return (af === undefined ? arbFamily() : fc.constant(af)).chain((f) => {
    const common = {
      sched: fc.constantFrom('rr', 'wrr', 'lc', 'wlc', 'sh', 'mh', 'fo'),
      flags: arbFlags(),
      timeout: fc.nat(86400),
      netmask: fc.integer({ min: 1, max: f === 4 ? 32 : 128 }),
      pe: fc.constantFrom('', 'sip'),
    };
    const byAddr = fc.record({
      af: fc.constant(f),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const),
      addr: fc.constantFrom(...(f === 4 ? v4 : v6)),
      port: fc.constantFrom(0, 80, 443, 53, 65535),
      ...common,
    });
    const byMark = fc.record({ af: fc.constant(f), fwmark: fc.integer({ min: 1, max: 5 }), ...common });
    return fc.oneof(byAddr, byMark) as fc.Arbitrary<Service>;
  });
}

export function arbDest(af?: Family): fc.Arbitrary<Destination> {
  return (af === undefined ? arbFamily() : fc.constant(af)).chain((f) =>
    fc.record({
      af: fc.constant(f),
      addr: fc.constantFrom(...(f === 4 ? v4Dest : v6Dest)),
      port: fc.constantFrom(0, 80, 8080),
      fwd: fc.constantFrom('masq' as const, 'route' as const, 'tunnel' as const, 'local' as const),
      weight: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(0x7fffffff)),
      uThreshold: fc.nat(1000),
      lThreshold: fc.nat(1000),
    }).chain((d) =>
      d.fwd !== 'tunnel'
        ? fc.constant(d as Destination)
        : fc.option(fc.record({
          type: fc.constantFrom('ipip' as const, 'gue' as const, 'gre' as const),
          port: fc.constantFrom(0, 6080),
          csum: fc.constantFrom('nocsum' as const, 'csum' as const, 'remcsum' as const),
        }), { nil: undefined }).map((t) => (t ? { ...d, tunnel: t } : (d as Destination)))),
  );
}
