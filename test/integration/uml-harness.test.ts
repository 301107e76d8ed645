import { describe, expect, it } from 'vitest';
import { runInUml } from './helpers/uml.js';

// Each boot is bounded by runInUml itself; the vitest timeout only has to be longer.
const T = 110_000;

describe('runInUml', () => {
  it('runs the script inside UML with ip_vs loaded and returns exact stdout, stderr and exit code', async () => {
    const r = await runInUml({
      timeoutMs: 100_000,
      script: [
        'uname -r',
        'printf "two\\nlines\\n"',
        'echo to-stderr >&2',
        'grep -q "^ip_vs " /proc/modules && echo ip_vs-loaded',
        'ip -br addr show dev lo',
        'ipvsadm -A -t 10.0.0.1:80 -s wrr && ipvsadm -a -t 10.0.0.1:80 -r 10.88.0.2:8080 -m -w 3',
        'ipvsadm -Ln',
        'exit 7',
      ].join('\n'),
    });
    expect(r.code).toBe(7);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\d+\.\d+\.\d+$/); // the UML kernel release, not the host's
    expect(lines.slice(1, 3)).toEqual(['two', 'lines']);
    expect(r.stdout).toContain('ip_vs-loaded');
    expect(r.stdout).toMatch(/lo +UNKNOWN +127\.0\.0\.1\/8 10\.88\.0\.1\/24 fd00:88::1\/64/);
    // wrr was not loaded up front: the kernel autoloaded it through our modprobe helper.
    expect(r.stdout).toContain('TCP  10.0.0.1:80 wrr\n  -> 10.88.0.2:8080               Masq    3      0          0         \n');
    expect(r.stdout).not.toContain('\r');
    expect(r.stderr).toContain('to-stderr');
    console.log(`UML boot -> poweroff: ${Math.round(r.wallMs)} ms`);
  }, T);

  it('runs node with tsx on the repo TypeScript inside the read-only root', async () => {
    const r = await runInUml({
      timeoutMs: 100_000,
      script: `node --import tsx -e "import { formatIp } from './src/common/ip.ts'; console.log(formatIp(new Uint8Array([10, 88, 0, 1])))"`,
    });
    expect(r.stderr).toBe('');
    expect({ code: r.code, out: r.stdout }).toEqual({ code: 0, out: '10.88.0.1\n' });
  }, T);

  it('bounds the inner commands with timeout (exit 124)', async () => {
    const r = await runInUml({ timeoutMs: 100_000, innerTimeoutMs: 3_000, script: 'sleep 100' });
    expect(r.code).toBe(124);
  }, T);

  it('kills UML and throws when the whole run exceeds the outer bound', async () => {
    const t0 = performance.now();
    await expect(runInUml({ timeoutMs: 1_500, script: 'sleep 100' })).rejects.toThrow(/timed out after 1500 ms/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  }, T);
});
