import { describe, expect, it } from 'vitest';
import { runInUml, UML_RUN_DIR } from './helpers/uml.js';

const resolve = (family: string): string => `node ${UML_RUN_DIR}/genl.mjs ${family}`;
const parse = (line: string | undefined): Record<string, unknown> => JSON.parse(line ?? '{}') as Record<string, unknown>;

describe('generic netlink family resolution inside user-mode-linux', () => {
  it('resolves IPVS (dynamic id, version 1) once ip_vs is loaded, and explains ENOENT before', async () => {
    // One boot for both cases: first without ip_vs (and with autoloading switched off so the
    // lookup cannot load it behind our back), then after modprobe.
    const r = await runInUml({
      timeoutMs: 150_000,
      modules: [],
      bundles: { genl: 'test/integration/uml/genl-resolve.ts' },
      script: [
        'echo /bin/false > /proc/sys/kernel/modprobe',
        resolve('IPVS'),
        'grep -c "^ip_vs " /proc/modules || true',
        '/sbin/modprobe -d /tmp/kmod ip_vs',
        resolve('IPVS'),
        resolve('nlctrl'),
        'ipvsadm -Ln | head -1',
      ].join('\n'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const before = parse(lines[0]);
    expect(before).toMatchObject({ ok: false, code: 'ENOENT' });
    expect(String(before['message'])).toMatch(/family "IPVS" not found: the ip_vs kernel module is not loaded/);
    expect(lines[1]).toBe('0');
    const after = parse(lines[2]);
    expect(after).toMatchObject({ ok: true, name: 'IPVS', version: 1 });
    expect(after['id']).toBeGreaterThan(0x10); // dynamic ids start after GENL_ID_CTRL
    expect(after['maxAttr']).toBeGreaterThanOrEqual(6); // IPVS_CMD_ATTR_TIMEOUT_UDP
    expect(parse(lines[3])).toMatchObject({ ok: true, name: 'nlctrl', id: 0x10 });
    expect(lines[4]).toBe('IP Virtual Server version 1.2.1 (size=4096)'); // the oracle agrees ip_vs is up
  }, 160_000);
});
