/**
 * MISC_CHECK scripts start from the environment the composition root hands LvsService (main.ts
 * passes process.env; check/ and the service never read it themselves): LvsService without IPVS
 * runs one real checker over a temp script. Real clock (the first check
 * is 1 s after start), temp files only, nothing on the network.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { silentLogger } from '../../src/common/log.js';
import { LvsService } from '../../src/daemon/lvs-service.js';
import { loadText } from '../config/conf-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'kts-misc-env-'));
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('LvsService MISC_CHECK environment', () => {
  it('a MISC_CHECK script sees the environment handed in', async () => {
    const out = join(dir, 'env.txt');
    const script = join(dir, 'env.sh');
    writeFileSync(script, `#!/bin/sh\necho "$KTS_MISC_ENV" > '${out}'\n`);
    chmodSync(script, 0o755);
    const { config } = loadText('virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  real_server 10.0.0.2 80 {\n' +
      `    MISC_CHECK {\n      misc_path ${script}\n      warmup 0\n    }\n  }\n}\n`);
    const lvs = new LvsService(config, { clock: systemClock, log: silentLogger, ipvs: null, onEvent: () => {},
      scriptBaseEnv: { PATH: process.env.PATH, KTS_MISC_ENV: 'from-the-daemon' } });
    await lvs.start();
    try {
      const deadline = Date.now() + 5000;
      while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(out, 'utf8').trim()).toBe('from-the-daemon');
    } finally {
      await lvs.stop();
    }
  });
});
