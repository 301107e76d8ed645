import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/log.js';
import { SyncDaemonFollower } from '../../src/daemon/lvs-sync-daemon.js';
import type { SyncDaemon } from '../../src/ipvs/types.js';

function fakeIpvs() {
  const calls: string[] = [];
  return {
    calls,
    addDaemon: async (d: SyncDaemon) => { calls.push(`add ${d.state} ${d.ifname} id=${d.syncId}${d.mcastPort ? ` port=${d.mcastPort}` : ''}`); },
    deleteDaemon: async (s: SyncDaemon['state']) => { calls.push(`del ${s}`); },
  };
}

describe('lvs_sync_daemon follower', () => {
  it('runs backup at start, master while the instance is MASTER, nothing after stop', async () => {
    const ipvs = fakeIpvs();
    const f = new SyncDaemonFollower(ipvs, { interface: 'eth1', instance: 'VI_1', syncId: null, maxLen: null, port: 8848, ttl: null, group: null }, 51, silentLogger);
    await f.start();
    await f.onInstanceState('BACKUP'); // no change: no calls
    await f.onInstanceState('MASTER');
    await f.onInstanceState('FAULT');
    await f.onInstanceState('MASTER');
    await f.onInstanceState('STOP'); // shutdown: no switch to backup, stop() removes the master
    await f.stop();
    expect(ipvs.calls).toEqual([
      'add backup eth1 id=51 port=8848',
      'del backup', 'add master eth1 id=51 port=8848',
      'del master', 'add backup eth1 id=51 port=8848',
      'del backup', 'add master eth1 id=51 port=8848',
      'del master',
    ]);
  });
});
