import { describe, expect, it } from 'vitest';
import { mailEnabled, withKeepalivedDefaults } from '../../src/notify/settings.js';

describe('mail settings', () => {
  it('mail is on only with recipients and an smtp_server', () => {
    expect(mailEnabled({ to: ['a@b'], server: '10.0.0.5' })).toBe(true);
    expect(mailEnabled({ to: [], server: '10.0.0.5' })).toBe(false);
    expect(mailEnabled({ to: ['a@b'] })).toBe(false);
    expect(mailEnabled({ to: ['a@b'], server: '' })).toBe(false);
  });
  it('fills keepalived defaults from the host', () => {
    expect(withKeepalivedDefaults({ to: ['ops@example.org'], server: '10.0.0.5' }, { hostname: 'lb1', user: 'root' })).toEqual({
      to: ['ops@example.org'], server: '10.0.0.5', from: 'root@lb1', routerId: 'lb1', helo: 'lb1', port: 25, connectTimeoutMs: 30_000,
    });
    expect(withKeepalivedDefaults({ to: [], from: 'ka@x', routerId: 'R', helo: 'h', port: 2525, connectTimeoutMs: 1000 },
      { hostname: 'lb1', user: 'root' })).toMatchObject({ from: 'ka@x', routerId: 'R', helo: 'h', port: 2525, connectTimeoutMs: 1000 });
  });
});
