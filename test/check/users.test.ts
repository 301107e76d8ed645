import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileUserResolver, parseGroup, parsePasswd, resolveIn } from '../../src/check/users.js';

const passwd = [
  'root:x:0:0:root:/root:/bin/bash',
  '# comment',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  'keepalived_script:x:998:997::/home/ks:/bin/false',
  'broken line',
].join('\n');
const group = ['root:x:0:', 'nogroup:x:65534:', 'checkers:x:1234:keepalived_script'].join('\n');

describe('script user resolution', () => {
  it('parses passwd and group, skipping malformed lines', () => {
    expect(parsePasswd(passwd).map((e) => e.name)).toEqual(['root', 'nobody', 'keepalived_script']);
    expect(parseGroup(group).get('checkers')).toBe(1234);
  });

  it('resolves a user by name to its primary group, or to an explicit group by name or number', () => {
    const p = parsePasswd(passwd);
    const g = parseGroup(group);
    expect(resolveIn(p, g, 'keepalived_script')).toEqual({ uid: 998, gid: 997 });
    expect(resolveIn(p, g, 'keepalived_script', 'checkers')).toEqual({ uid: 998, gid: 1234 });
    expect(resolveIn(p, g, 'nobody', '42')).toEqual({ uid: 65534, gid: 42 });
    expect(resolveIn(p, g, '998')).toEqual({ uid: 998, gid: 997 });
    expect(resolveIn(p, g, '5000', '5000')).toEqual({ uid: 5000, gid: 5000 }); // numeric ids need no entry
    expect(resolveIn(p, g, 'ghost')).toBeNull();
    expect(resolveIn(p, g, 'nobody', 'nosuchgroup')).toBeNull();
  });

  const dir = mkdtempSync(join(tmpdir(), 'kts-users-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the files through the resolver port', async () => {
    writeFileSync(join(dir, 'passwd'), passwd);
    writeFileSync(join(dir, 'group'), group);
    const resolve = fileUserResolver(join(dir, 'passwd'), join(dir, 'group'));
    expect(await resolve('keepalived_script', 'checkers')).toEqual({ uid: 998, gid: 1234 });
    expect(await resolve('ghost')).toBeNull();
  });
});
