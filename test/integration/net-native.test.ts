import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from './helpers/netns.js';

// The native addon's contract, exercised for real: AF_UNIX datagrams inside a namespace stand in
// for network sockets where only the syscall behaviour matters.
let lab: Lab;

beforeAll(async () => {
  lab = await createLab('native', { namespaces: ['n'] });
});
afterAll(async () => lab?.cleanup());

const unixPair = `
  import { loadNative } from '@repo/src/net/native.ts';
  const n = loadNative();
  const AF_UNIX = 1, SOCK_DGRAM = 2;
  const addr = (name) => { const b = new Uint8Array(2 + 1 + name.length); b[0] = AF_UNIX; b.set(Buffer.from(name), 3); return b; };
  const me = addr('kts-native-' + process.pid);
  const fd = n.socket(AF_UNIX, SOCK_DGRAM, 0);
  n.bind(fd, me);
`;

describe('native socket addon', () => {
  it('reports the real length of a truncated datagram, null on EAGAIN, errors with code and errno', async () => {
    const r = await lab.runTs('n', `${unixPair}
      const empty = n.recvmsg(fd, 64);
      n.sendto(fd, new Uint8Array(100).fill(7), me);
      const got = n.recvmsg(fd, 10);
      let err;
      try { n.bind(fd, me); } catch (e) { err = { code: e.code, errno: e.errno, syscall: e.syscall, message: e.message }; }
      let badFd;
      try { n.close(12345); } catch (e) { badFd = e.code; }
      n.close(fd);
      console.log(JSON.stringify({ empty, n: got.length, kept: got.data.length, truncated: got.truncated, byte: got.data[9], err, badFd }));
    `);
    expect(JSON.parse(r.stdout)).toEqual({
      empty: null, n: 100, kept: 10, truncated: true, byte: 7,
      err: { code: 'EINVAL', errno: 22, syscall: 'bind', message: 'bind: Invalid argument' }, badFd: 'EBADF',
    });
  });

  it('runs poll handlers on the JS thread; a throw reaches uncaughtException; unref lets the process exit', async () => {
    const r = await lab.runTs('n', `${unixPair}
      const seen = [];
      process.on('uncaughtException', (e) => {
        console.log(JSON.stringify({ caught: e.message, seen }));
        poller.close(); n.close(fd);
      });
      const poller = n.poll(fd, () => {
        let m;
        while ((m = n.recvmsg(fd, 64))) seen.push(Buffer.from(m.data).toString());
        if (seen.includes('boom')) throw new Error('thrown in a receive handler');
      });
      n.sendto(fd, Buffer.from('one'), me);
      setTimeout(() => n.sendto(fd, Buffer.from('boom'), me), 50);
    `, { timeoutMs: 20_000 });
    expect(JSON.parse(r.stdout)).toEqual({ caught: 'thrown in a receive handler', seen: ['one', 'boom'] });

    // An unref'd poller must not keep the process alive: with ref it would run into the 20 s bound.
    const idle = await lab.runTs('n', `${unixPair}
      const poller = n.poll(fd, () => {});
      poller.unref();
      console.log('unrefd');
    `, { timeoutMs: 20_000 });
    expect(idle.stdout.trim()).toBe('unrefd');
  });

  it('without privileges, names the missing capability', async () => {
    const r = await lab.exec('n', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all',
      process.execPath, '--import', 'tsx', lab.writeScript(`
      import { loadNative } from '@repo/src/net/native.ts';
      import { dialRtnl } from '@repo/src/net/rtnl.ts';
      import { parseIp } from '@repo/src/common/ip.ts';
      const n = loadNative();
      const out = {};
      try { n.socket(17, 3, 0); } catch (e) { out.packet = [e.code, e.message]; }
      try { n.socket(2, 3, 112); } catch (e) { out.raw = [e.code, e.message]; }
      const r = await dialRtnl({ timeoutMs: 3000 });
      try { await r.addAddr({ index: 1, address: parseIp('10.99.0.1').bytes, prefix: 32 }); } catch (e) { out.addr = [e.code, e.message]; }
      r.close();
      console.log(JSON.stringify(out));
    `)], { timeoutMs: 30_000 });
    const out = JSON.parse(r.stdout) as Record<string, [string, string]>;
    expect(out['packet']?.[0]).toBe('EPERM');
    expect(out['packet']?.[1]).toMatch(/needs CAP_NET_RAW/);
    expect(out['raw']).toEqual(['EPERM', expect.stringMatching(/needs CAP_NET_RAW/)]);
    expect(out['addr']).toEqual(['EPERM', expect.stringMatching(/add 10\.99\.0\.1\/32 on ifindex 1: EPERM.*needs CAP_NET_ADMIN/)]);
  });
});
