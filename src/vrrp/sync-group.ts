/**
 * vrrp_sync_group: members move together (keepalived vrrp_sync.c, semantics §2.9).
 * The rules are pure functions over member views; `SyncGroup` wires them to running instances.
 *
 * - A member may become MASTER only when every other member wants MASTER too.
 * - One member goes FAULT (own fault) → all go FAULT; one goes BACKUP → all leave MASTER (and
 *   FAULT that was only imposed by the group) for BACKUP; one goes MASTER → all BACKUPs follow.
 */
import type { VrrpState } from './fsm.js';

export interface MemberView {
  name: string;
  state: VrrpState;
  wantState: 'MASTER' | 'BACKUP';
  /** Has its own fault condition (not one imposed by the group). */
  faulted: boolean;
  /** Configured as address owner (priority 255) with state MASTER. */
  owner?: boolean | undefined;
}

export type SyncCommand = { name: string; state: 'MASTER' | 'BACKUP' | 'FAULT' };

export function canGoMaster(members: readonly MemberView[], self: string): boolean {
  return members.every((m) => m.name === self || m.state === 'MASTER' || (m.state === 'BACKUP' && m.wantState === 'MASTER'));
}

/** What the other members must do after `changed` entered `to`. */
export function syncCommands(members: readonly MemberView[], changed: string, to: VrrpState): SyncCommand[] {
  const others = members.filter((m) => m.name !== changed);
  const anyOwnFault = members.some((m) => m.faulted);
  if (to === 'FAULT' || (anyOwnFault && (to === 'MASTER' || to === 'BACKUP'))) {
    const cmds = others.filter((m) => m.state === 'MASTER' || m.state === 'BACKUP').map((m) => ({ name: m.name, state: 'FAULT' as const }));
    // The member that just came up must also go back to FAULT while another one is faulty.
    const self = members.find((m) => m.name === changed);
    if (to !== 'FAULT' && self && !self.faulted) cmds.push({ name: changed, state: 'FAULT' });
    return cmds;
  }
  if (to === 'BACKUP') {
    return others.filter((m) => m.state === 'MASTER' || (m.state === 'FAULT' && !m.faulted)).map((m) => ({ name: m.name, state: 'BACKUP' as const }));
  }
  if (to === 'MASTER') return others.filter((m) => m.state === 'BACKUP').map((m) => ({ name: m.name, state: 'MASTER' as const }));
  return [];
}

/** What a running member exposes to its group. */
export interface SyncMember {
  readonly name: string;
  view(): MemberView;
  syncTo(state: 'MASTER' | 'BACKUP' | 'FAULT'): void;
}

export class SyncGroup {
  private readonly members: SyncMember[] = [];
  private propagating = false;
  /** The group's own state: changes when all members agree on a new one (group notifies follow it). */
  private groupState: VrrpState = 'INIT';

  constructor(
    readonly name: string,
    private readonly onLog: (msg: string) => void = () => {},
    private readonly onGroupState: (from: VrrpState, to: VrrpState) => void = () => {},
  ) {}

  get state(): VrrpState { return this.groupState; }

  /** Adds a member; one with the same name is replaced (its reload successor takes its place). */
  add(m: SyncMember): void {
    const i = this.members.findIndex((x) => x.name === m.name);
    if (i >= 0) this.members[i] = m;
    else this.members.push(m);
  }

  /** keepalived starts a group as MASTER only if every member is an owner with state MASTER. */
  startsMaster(): boolean {
    return this.members.every((m) => m.view().owner === true);
  }

  allowsMaster(self: string): boolean {
    return canGoMaster(this.members.map((m) => m.view()), self);
  }

  /** Called by a member after each of its transitions; re-entrant calls caused by our own commands are absorbed. */
  onTransition(member: string, to: VrrpState): void {
    if (this.propagating) return;
    const cmds = to === 'STOP' || to === 'INIT' ? [] : syncCommands(this.members.map((m) => m.view()), member, to);
    if (cmds.length > 0) {
      this.onLog(`VRRP_Group(${this.name}) Syncing instances to ${cmds[0]!.state} state`);
      this.propagating = true;
      try {
        for (const c of cmds) this.members.find((m) => m.name === c.name)?.syncTo(c.state);
      } finally {
        this.propagating = false;
      }
    }
    const states = new Set(this.members.map((m) => m.view().state));
    const [only] = states;
    if (states.size === 1 && only !== undefined && only !== 'INIT' && only !== this.groupState) {
      const from = this.groupState;
      this.groupState = only;
      this.onGroupState(from, only);
    }
  }
}
