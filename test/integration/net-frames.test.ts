import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, requireLabPrerequisites, type Lab } from './helpers/netns.js';

// Gratuitous ARP and unsolicited NA sent by our code in namespace a, captured by tcpdump in b.
let lab: Lab;

beforeAll(async () => {
  requireLabPrerequisites(['ip', 'tcpdump']);
  lab = await createLab('frames', {
    namespaces: ['a', 'b'],
    links: [{ a: { ns: 'a', ifname: 'eth0', addrs: ['10.88.0.1/24', 'fd00:88::1/64'] }, b: { ns: 'b', ifname: 'eth0', addrs: ['10.88.0.2/24'] } }],
  });
});
afterAll(async () => lab?.cleanup());

describe('frames on the wire', () => {
  it('a gratuitous ARP request and reply from the VRRP virtual MAC', async () => {
    const cap = await lab.tcpdump('b', 'eth0', ['arp', 'and', 'ether', 'src', '00:00:5e:00:01:33'], { count: 2, timeoutMs: 20_000 });
    await lab.runTs('a', `
      import { PacketSocket } from '@repo/src/net/packet-socket.ts';
      import { sendGarp } from '@repo/src/net/arp.ts';
      import { vrrpVirtualMac } from '@repo/src/net/frame.ts';
      import { parseIp } from '@repo/src/common/ip.ts';
      import { readFileSync } from 'node:fs';
      const ps = PacketSocket.open(Number(readFileSync('/sys/class/net/eth0/ifindex', 'utf8')));
      sendGarp(ps, { ip: parseIp('10.88.0.100').bytes, mac: vrrpVirtualMac(51) });
      sendGarp(ps, { ip: parseIp('10.88.0.100').bytes, mac: vrrpVirtualMac(51), op: 'reply' });
      ps.close();
    `);
    const lines = (await cap.done).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/00:00:5e:00:01:33 > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length 42: Ethernet \(len 6\), IPv4 \(len 4\), Request who-has 10\.88\.0\.100 \(ff:ff:ff:ff:ff:ff\) tell 10\.88\.0\.100, length 28/);
    expect(lines[1]).toMatch(/00:00:5e:00:01:33 > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length 42: .*Reply 10\.88\.0\.100 is-at 00:00:5e:00:01:33, length 28/);
  });

  it('an unsolicited neighbour advertisement with override flag, target link-layer option and hop limit 255', async () => {
    const nicMac = await lab.mac('a', 'eth0');
    const cap = await lab.tcpdump('b', 'eth0', ['icmp6', 'and', 'ip6[40]', '==', '136', 'and', 'src', 'fd00:88::100'], { count: 1, timeoutMs: 20_000 });
    await lab.runTs('a', `
      import { PacketSocket } from '@repo/src/net/packet-socket.ts';
      import { sendUnsolicitedNa } from '@repo/src/net/ndisc.ts';
      import { parseMac } from '@repo/src/net/frame.ts';
      import { parseIp } from '@repo/src/common/ip.ts';
      import { readFileSync } from 'node:fs';
      const ps = PacketSocket.open(Number(readFileSync('/sys/class/net/eth0/ifindex', 'utf8')));
      sendUnsolicitedNa(ps, { target: parseIp('fd00:88::100').bytes, mac: parseMac('${nicMac}') });
      ps.close();
    `);
    const out = await cap.done;
    expect(out).toContain(`${nicMac} > 33:33:00:00:00:01, ethertype IPv6 (0x86dd)`);
    expect(out).toMatch(/hlim 255, next-header ICMPv6 \(58\)/);
    expect(out).toContain('fd00:88::100 > ff02::1: [icmp6 sum ok] ICMP6, neighbor advertisement, length 32, tgt is fd00:88::100, Flags [override]');
    expect(out).toMatch(new RegExp(`destination link-address option \\(2\\), length 8 \\(1\\): ${nicMac}`));
  });

  it('an unsolicited NA through the ICMPv6 raw socket: kernel link-local source and checksum', async () => {
    const nicMac = await lab.mac('a', 'eth0');
    const cap = await lab.tcpdump('b', 'eth0', ['icmp6', 'and', 'ip6[40]', '==', '136', 'and', 'dst', 'ff02::1'], { count: 1, timeoutMs: 20_000 });
    await lab.runTs('a', `
      import { NdiscSocket } from '@repo/src/net/ndisc-socket.ts';
      import { parseMac } from '@repo/src/net/frame.ts';
      import { parseIp } from '@repo/src/common/ip.ts';
      import { readFileSync } from 'node:fs';
      const s = NdiscSocket.open({ ifindex: Number(readFileSync('/sys/class/net/eth0/ifindex', 'utf8')), ifname: 'eth0' });
      s.sendNa({ target: parseIp('fd00:88::1').bytes, mac: parseMac('${nicMac}') });
      s.close();
    `);
    const out = await cap.done;
    expect(out).toMatch(/hlim 255, next-header ICMPv6 \(58\)/);
    expect(out).toMatch(/fe80::[0-9a-f:]+ > ff02::1: \[icmp6 sum ok\] ICMP6, neighbor advertisement, length 32, tgt is fd00:88::1, Flags \[override\]/);
  });
});
