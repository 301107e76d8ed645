import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  it('a reload successor takes its predecessor\'s place in the group: same state, no group notification, group commands reach it', () => {
    const { clock, ext, int, g, groupStates, notifier, log } = setup();
    ext.start(); int.start();
    clock.advance(5000);
    expect(g.state).toBe('MASTER');
    const prev = int.detach();
    const deps = { clock, transport: new FakeWire(clock).attach('h2'), vips: new FakeVips(clock), announcer: new FakeAnnouncer(clock), notifier, log };
    const int2 = new VrrpInstance(instanceConfig({ name: 'VI_INT', vrid: 2, srcIp: Uint8Array.of(10, 0, 0, 1), priority: 140 }), deps);
    int2.joinGroup(g);
    int2.resume(prev, 140);
    expect([int2.state, g.state]).toEqual(['MASTER', 'MASTER']);
    const notes = notifier.events.length;
    ext.setFault(true);
    expect([ext.state, int2.state, int.state]).toEqual(['FAULT', 'FAULT', 'MASTER']); // the detached one is out of the group
    expect(notifier.events.slice(notes).map((e) => `${e.instance}:${e.state}`)).toEqual(['VI_EXT:FAULT', 'VI_INT:FAULT']);
    expect(groupStates).toEqual(['INIT->BACKUP', 'BACKUP->MASTER', 'MASTER->FAULT']);
  });
  describe('start timing measured on keepalived 2.2.7 (capture-syncstart.sh)', () => {
    const text = readFileSync(join(import.meta.dirname, '../fixtures/packets/keepalived-2.2.7-syncstart.txt'), 'utf8');
    const ms = (hms: string) => { const [h, m, sec] = hms.split(':').map(Number); return (h! * 3600 + m! * 60 + sec!) * 1000; };
    /** Delay from keepalived's start to its first advert, per variant "X <prio> <state>, Y <prio> <state>". */
    const measured = new Map(text.split('variant: ').slice(1).map((v) => {
      const started = ms(/starts at (\S+)/.exec(v)![1]!);
      const first = ms(/^(\d\d:\d\d:\d\d\.\d+) IP/m.exec(v)![1]!);
      return [v.split('\n')[0]!, first - started] as const;
    }));
    function group(pa: number, sa: 'MASTER' | 'BACKUP', pb: number, sb: 'MASTER' | 'BACKUP') {
      const clock = new FakeClock();
      const wire = new FakeWire(clock);
      const deps = { clock, transport: wire.attach('h'), vips: new FakeVips(clock), announcer: new FakeAnnouncer(clock), notifier: new FakeNotifier(clock), log: captureLogger() };
      const x = new VrrpInstance(instanceConfig({ name: 'X', vrid: 61, srcIp: Uint8Array.of(10, 93, 0, 1), priority: pa, initialState: sa }), deps);
      const y = new VrrpInstance(instanceConfig({ name: 'Y', vrid: 62, srcIp: Uint8Array.of(10, 93, 0, 1), priority: pb, initialState: sb }), deps);
      const g = new SyncGroup('G');
      x.joinGroup(g); y.joinGroup(g);
      x.start(); y.start();
      clock.advance(10_000);
      expect([x.state, y.state]).toEqual(['MASTER', 'MASTER']);
      return wire.log[0]!.at;
    }
    const cases: Array<[number, 'MASTER' | 'BACKUP', number, 'MASTER' | 'BACKUP', number]> = [
      [100, 'MASTER', 100, 'MASTER', 3609.375], // no shortened start timer for members wanting MASTER
      [255, 'MASTER', 255, 'MASTER', 0.001], // all owners: MASTER at once
      [255, 'MASTER', 100, 'BACKUP', 3609.375], // the owner waits for its non-owner sibling
    ];
    for (const [pa, sa, pb, sb, expected] of cases) {
      it(`X ${pa} ${sa}, Y ${pb} ${sb}: first advert after ${expected} ms (keepalived: the same plus its start-up time)`, () => {
        const ours = group(pa, sa, pb, sb);
        expect(ours).toBe(expected);
        const theirs = measured.get(`X ${pa} ${sa}, Y ${pb} ${sb}`)!;
        expect(theirs).toBeGreaterThanOrEqual(ours);
        expect(theirs).toBeLessThan(ours + 500);
      });
    }
  });
  it('a member hearing a higher-priority master takes the whole group to BACKUP', () => {
    const { clock, ext, int } = setup();
    ext.start(); int.start();
    clock.advance(5000);
    int.syncTo('BACKUP'); // as if VI_INT lost an election
    expect([ext.state, int.state]).toEqual(['BACKUP', 'BACKUP']);
  });
});
