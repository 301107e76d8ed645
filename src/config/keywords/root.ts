/** Top-level keywords (keepalived-features.md §2 root list): where every block starts. */
import type { SrcLoc } from '../diagnostics.js';
import type { GlobalDraft } from './global.js';
import { globalDefsSection } from './global.js';
import { extensionsSection, type ExtensionsDraft } from './extensions.js';
import { type BlockLocs, type KwDef, listLocs, newLocs, recognised, recognisedBlock, section } from './spec.js';
import {
  instanceSection, type InstanceDraft, newInstance, newScript, newSyncGroup, parseVipLine, type ScriptDraft, scriptSection,
  type SyncGroupDraft, syncGroupSection,
} from './vrrp.js';
import { newVirtualServer, parseGroupLine, type VirtualServerDraft, type VsGroupDraft, virtualServerSection } from './virtual-server.js';
import { routeLines, ruleLines } from './routes.js';
import { missingParameter } from './walk.js';

export interface RootDraft {
  locs: BlockLocs;
  globalDefs: GlobalDraft;
  globalSeen: boolean;
  vrrpScripts: ScriptDraft[];
  syncGroups: SyncGroupDraft[];
  vrrpInstances: InstanceDraft[];
  vsGroups: VsGroupDraft[];
  virtualServers: VirtualServerDraft[];
  /** Our `keepalived_ts { }` block (several blocks add up, as global_defs do). */
  extensions: ExtensionsDraft;
  otherIfRefs: { name: string; what: string; at: SrcLoc }[];
}

type K = KwDef<RootDraft>;
const P2 = (doc: string): K => recognised<RootDraft>(doc);
const P2Block = (doc: string): K => recognisedBlock<RootDraft>(doc);


export const rootSection = section<RootDraft>('top level', {
  global_defs: {
    kind: 'block', support: 'supported', doc: 'global definitions', section: () => globalDefsSection,
    open: (r) => { r.globalSeen = true; return r.globalDefs; },
  },
  keepalived_ts: {
    kind: 'block', support: 'supported', doc: 'keepalived-ts extensions (README "Extensions")', section: () => extensionsSection,
    open: (r) => r.extensions,
  },
  vrrp_instance: {
    kind: 'block', support: 'supported', doc: 'VRRP instance NAME { … }', section: () => instanceSection,
    open: (r, node, ctx) => {
      const name = node.args[0];
      if (!name) { missingParameter(node, ctx); return null; }
      return newInstance(name, node.at, r.globalDefs);
    },
    close: (r, d: InstanceDraft) => { r.vrrpInstances.push(d); },
  },
  vrrp_script: {
    kind: 'block', support: 'supported', doc: 'tracking script NAME { … }', section: () => scriptSection,
    open: (_r, node, ctx) => {
      const name = node.args[0];
      if (!name) { missingParameter(node, ctx); return null; }
      return newScript(name, node.at);
    },
    close: (r, d: ScriptDraft) => { r.vrrpScripts.push(d); },
  },
  vrrp_sync_group: {
    kind: 'block', support: 'supported', doc: 'sync group NAME { group { … } … }', section: () => syncGroupSection,
    open: (_r, node, ctx) => {
      const name = node.args[0];
      if (!name) { missingParameter(node, ctx); return null; }
      return newSyncGroup(name, node.at);
    },
    close: (r, d: SyncGroupDraft) => { r.syncGroups.push(d); },
  },
  virtual_server: {
    kind: 'block', support: 'supported', doc: 'IPVS service IP PORT | fwmark N | group NAME { … }', section: () => virtualServerSection,
    open: (_r, node, ctx) => newVirtualServer(node, ctx),
    close: (r, d: VirtualServerDraft) => { r.virtualServers.push(d); },
  },
  virtual_server_group: {
    kind: 'lines', support: 'supported', doc: 'NAME { IP[-END|/LEN] [PORT] | fwmark N }',
    start: (r, node, ctx) => {
      const name = node.args[0];
      if (!name) { missingParameter(node, ctx); return; }
      r.vsGroups.push({ locs: newLocs(node.at), name, entries: [] });
    },
    line: (r, l, ctx, parent) => {
      const g = r.vsGroups.find((x) => x.locs.at === parent.at);
      if (!g) return false;
      const e = parseGroupLine(l, ctx);
      if (e) { g.entries.push(e); listLocs(g.locs, 'entries').push(l.at); }
      return e !== null;
    },
  },
  net_namespace: P2('run in a network namespace'),
  net_namespace_ipvs: P2('IPVS in another namespace'),
  namespace_with_ipsets: P2('ipsets in the namespace'),
  use_pid_dir: P2('pid files in /run/keepalived'),
  instance: P2('instance name'),
  child_wait_time: P2('wait for children at stop'),
  linkbeat_use_polling: P2('poll link state'),
  vrrp_track_process: P2Block('process tracker'),
  garp_group: P2Block('per-interface GARP pacing'),
  linkbeat_interfaces: P2Block('interfaces whose link state is polled'),
  interface_up_down_delays: P2Block('link flap debounce'),
  track_group: P2Block('static tracking group'),
  track_file: P2Block('file tracker'),
  vrrp_track_file: P2Block('deprecated name of track_file'),
  SSL: P2Block('TLS client context for SSL_GET'),
  bfd_instance: P2Block('BFD session'),
  static_ipaddress: {
    kind: 'lines', support: 'recognised', doc: 'addresses that do not move',
    line: (r, l, ctx) => {
      const v = parseVipLine(l, ctx);
      if (v?.dev) r.otherIfRefs.push({ name: v.dev, what: `ip address ${v.address}`, at: l.at });
      return v !== null;
    },
  },
  static_routes: routeLines<RootDraft>('routes that do not move'),
  static_rules: ruleLines<RootDraft>('rules that do not move'),
});
