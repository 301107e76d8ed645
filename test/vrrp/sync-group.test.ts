import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { instanceConfig } from '../../src/vrrp/config.js';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { canGoMaster, SyncGroup, syncCommands, type MemberView } from '../../src/vrrp/sync-group.js';
import { FakeAnnouncer, FakeNotifier, FakeVips, FakeWire } from './fakes.js';

const m = (name: string, state: MemberView['state'], wantState: MemberView['wantState'] = 'BACKUP', faulted = false): MemberView => ({ name, state, wantState, faulted });

describe('sync group rules', () => {
  it('MASTER only when every other member wants MASTER', () => {
    expect(canGoMaster([m('a', 'BACKUP', 'MASTER'), m('b', 'BACKUP', 'BACKUP')], 'a')).toBe(false);
    expect(canGoMaster([m('a', 'BACKUP', 'MASTER'), m('b', 'BACKUP', 'MASTER')], 'a')).toBe(true);
    expect(canGoMaster([m('a', 'BACKUP'), m('b', 'MASTER', 'MASTER')], 'a')).toBe(true);
    expect(canGoMaster([m('a', 'BACKUP'), m('b', 'FAULT', 'MASTER', true)], 'a')).toBe(false);
  });
  it('one to FAULT takes all; one to BACKUP takes the MASTERs; one to MASTER takes the BACKUPs', () => {
    const g = [m('a', 'FAULT', 'BACKUP', true), m('b', 'MASTER'), m('c', 'BACKUP')];
    expect(syncCommands(g, 'a', 'FAULT')).toEqual([{ name: 'b', state: 'FAULT' }, { name: 'c', state: 'FAULT' }]);
    expect(syncCommands([m('a', 'BACKUP'), m('b', 'MASTER'), m('c', 'FAULT')], 'a', 'BACKUP'))
      .toEqual([{ name: 'b', state: 'BACKUP' }, { name: 'c', state: 'BACKUP' }]);
    expect(syncCommands([m('a', 'MASTER'), m('b', 'BACKUP'), m('c', 'BACKUP')], 'a', 'MASTER'))
      .toEqual([{ name: 'b', state: 'MASTER' }, { name: 'c', state: 'MASTER' }]);
  });
  it('a member coming up while another has its own fault is sent back to FAULT', () => {
    expect(syncCommands([m('a', 'BACKUP'), m('b', 'FAULT', 'BACKUP', true)], 'a', 'BACKUP')).toEqual([{ name: 'a', state: 'FAULT' }]);
  });
});

describe('SyncGroup with running instances', () => {
  function setup() {
    const clock = new FakeClock();
    const wire = new FakeWire(clock);
    const transport = wire.attach('h');
    const notifier = new FakeNotifier(clock);
    const vips = new FakeVips(clock);
    const log = captureLogger();
    const deps = { clock, transport, vips, announcer: new FakeAnnouncer(clock), notifier, log };
    const ext = new VrrpInstance(instanceConfig({ name: 'VI_EXT', vrid: 1, srcIp: Uint8Array.of(10, 0, 0, 1), priority: 100 }), deps);
    const int = new VrrpInstance(instanceConfig({ name: 'VI_INT', vrid: 2, srcIp: Uint8Array.of(10, 0, 0, 1), priority: 150 }), deps);
    const groupStates: string[] = [];
    const g = new SyncGroup('G1', (msg) => log.info(msg), (from, to) => groupStates.push(`${from}->${to}`));
    ext.joinGroup(g); int.joinGroup(g);
    return { clock, ext, int, vips, notifier, log, g, groupStates };
  }
  it('members become MASTER together, only once all of them want it', () => {
    const { clock, ext, int, vips } = setup();
    ext.start(); int.start();
    clock.advance(3414.062); // VI_INT (150) times out first but must wait for VI_EXT
    expect([ext.state, int.state]).toEqual(['BACKUP', 'BACKUP']);
    expect(int.runtime.wantState).toBe('MASTER');
    clock.advance(3609.375 - 3414.062);
    expect([ext.state, int.state]).toEqual(['MASTER', 'MASTER']);
    expect([...vips.holding].sort()).toEqual(['VI_EXT', 'VI_INT']);
  });
  it('one member faulting takes the other to FAULT; its recovery brings both back to BACKUP', () => {
    const { clock, ext, int, notifier, log } = setup();
    ext.start(); int.start();
    clock.advance(5000);
    ext.setFault(true);
    expect([ext.state, int.state]).toEqual(['FAULT', 'FAULT']);
    expect(log.records.map((r) => r.msg)).toContain('VRRP_Group(G1) Syncing instances to FAULT state');
    int.setFault(false); // nothing of its own to clear: stays with the group
    expect(int.state).toBe('FAULT');
    ext.setFault(false);
    expect([ext.state, int.state]).toEqual(['BACKUP', 'BACKUP']);
    clock.advance(4000);
    expect([ext.state, int.state]).toEqual(['MASTER', 'MASTER']);
    expect(notifier.events.filter((e) => e.instance === 'VI_INT').map((e) => `${e.from}->${e.state}`))
      .toEqual(['INIT->BACKUP', 'BACKUP->MASTER', 'MASTER->FAULT', 'FAULT->BACKUP', 'BACKUP->MASTER']);
  });
  it('the group has its own state once all members agree (for group notifies)', () => {
    const { clock, ext, int, g, groupStates } = setup();
    ext.start();
    expect(g.state).toBe('INIT'); // VI_INT not started yet
    int.start();
    clock.advance(5000);
    ext.setFault(true);
    ext.setFault(false);
    ext.shutdown(); int.shutdown();
    expect(groupStates).toEqual(['INIT->BACKUP', 'BACKUP->MASTER', 'MASTER->FAULT', 'FAULT->BACKUP', 'BACKUP->STOP']);
  });
  it('members with state MASTER start on a short timer and take over together after ~1 s', () => {
    const clock = new FakeClock();
    const wire = new FakeWire(clock);
    const deps = { clock, transport: wire.attach('h'), vips: new FakeVips(clock), announcer: new FakeAnnouncer(clock), notifier: new FakeNotifier(clock), log: captureLogger() };
    const mk = (name: string, vrid: number) => new VrrpInstance(instanceConfig({ name, vrid, srcIp: Uint8Array.of(10, 0, 0, 1), priority: 100, initialState: 'MASTER' }), deps);
    const x = mk('X', 1), y = mk('Y', 2);
    const g = new SyncGroup('G');
    x.joinGroup(g); y.joinGroup(g);
    expect(g.startsMaster()).toBe(false);
    x.start(); y.start();
    clock.advance(1003.906);
    expect([x.state, y.state]).toEqual(['MASTER', 'MASTER']);
  });
  it('a member hearing a higher-priority master takes the whole group to BACKUP', () => {
    const { clock, ext, int } = setup();
    ext.start(); int.start();
    clock.advance(5000);
    int.syncTo('BACKUP'); // as if VI_INT lost an election
    expect([ext.state, int.state]).toEqual(['BACKUP', 'BACKUP']);
  });
});
