import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLab } from './helpers/netns.js';

// The namespace lab is shared by the net, VRRP and daemon integration tests: it must build what it
// is asked for and leave nothing behind, also when building fails halfway.
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('netns lab helper', () => {
  it('builds a bridged lab, runs commands and processes in it, and removes all of it', async () => {
    const lab = await createLab('lab', {
      namespaces: ['a', 'b', 'c'],
      bridge: [
        { ns: 'a', ifname: 'eth0', addrs: ['10.89.0.1/24'] },
        { ns: 'b', ifname: 'eth0', addrs: ['10.89.0.2/24'] },
        { ns: 'c', ifname: 'eth0', addrs: ['10.89.0.3/24', 'fd00:89::3/64'], mac: '02:00:00:00:00:03' },
      ],
    });
    let sleeper = -1;
    try {
      expect(namespaces()).toEqual(expect.arrayContaining(['a', 'b', 'c', 'br'].map((s) => lab.ns(s))));
      // Across the bridge: a UDP datagram from a reaches c (no ping binary is assumed).
      const listener = lab.spawn('c', [process.execPath, '-e',
        "const s = require('node:dgram').createSocket('udp4'); s.on('message', (m, r) => { console.log(r.address + ' ' + m); process.exit(0); }); s.bind(9999, () => console.log('bound'));"]);
      await listener.waitFor(/^bound/, 10_000);
      await lab.exec('a', [process.execPath, '-e', "const s = require('node:dgram').createSocket('udp4'); s.send('hello', 9999, '10.89.0.3', () => s.close());"]);
      expect(await listener.waitFor(/hello/, 10_000)).toBe('10.89.0.1 hello');
      expect(await lab.mac('c', 'eth0')).toBe('02:00:00:00:00:03');
      const ip6 = await lab.exec('c', ['ip', '-6', '-j', 'addr', 'show', 'dev', 'eth0']);
      expect(ip6.stdout).toContain('fd00:89::3');
      expect(ip6.stdout).not.toContain('tentative'); // DAD is off in lab namespaces
      const p = lab.spawn('b', ['sleep', '60']);
      sleeper = p.pid;
      expect(alive(sleeper)).toBe(true);
      const r = await lab.exec('b', ['false'], { allowFail: true });
      expect(r.code).toBe(1);
      await expect(lab.exec('b', ['false'])).rejects.toThrow(/\[b\] false exited 1/);
    } finally {
      await lab.cleanup();
    }
    expect(alive(sleeper)).toBe(false);
    expect(namespaces().filter((n) => n.startsWith(lab.id))).toEqual([]);
    await lab.cleanup(); // idempotent
  });

  it('cleans up what it created when building fails', async () => {
    const before = namespaces();
    await expect(createLab('labfail', {
      namespaces: ['a', 'b'],
      links: [{ a: { ns: 'a', ifname: 'eth0', addrs: ['not-an-address'] }, b: { ns: 'b', ifname: 'eth0' } }],
    })).rejects.toThrow(/not-an-address/);
    expect(namespaces().filter((n) => n.startsWith(`kts-labfail-${process.pid}-`) && !before.includes(n))).toEqual([]);
  });
});
