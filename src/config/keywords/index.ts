/** Every keyword table, with the block path it applies to (README table, completeness tests). */
import { httpGetSection, miscCheckSection, sslGetSection, tcpCheckSection, urlSection } from './checkers.js';
import { extensionsSection, maintenanceWindowSection } from './extensions.js';
import { globalDefsSection } from './global.js';
import { rootSection } from './root.js';
import type { Section } from './spec.js';
import { realServerSection, virtualServerSection } from './virtual-server.js';
import { authSection, instanceSection, scriptSection, syncGroupSection } from './vrrp.js';

export interface SectionEntry { path: string; section: Section<any> }

export const ALL_SECTIONS: readonly SectionEntry[] = [
  { path: '(top level)', section: rootSection },
  { path: 'global_defs', section: globalDefsSection },
  { path: 'vrrp_script', section: scriptSection },
  { path: 'vrrp_sync_group', section: syncGroupSection },
  { path: 'vrrp_instance', section: instanceSection },
  { path: 'vrrp_instance > authentication', section: authSection },
  { path: 'virtual_server', section: virtualServerSection },
  { path: 'virtual_server > real_server', section: realServerSection },
  { path: 'real_server > TCP_CHECK', section: tcpCheckSection },
  { path: 'real_server > HTTP_GET', section: httpGetSection },
  { path: 'real_server > SSL_GET', section: sslGetSection },
  { path: 'HTTP_GET|SSL_GET > url', section: urlSection },
  { path: 'real_server > MISC_CHECK', section: miscCheckSection },
  { path: 'keepalived_ts', section: extensionsSection },
  { path: 'keepalived_ts > maintenance_window', section: maintenanceWindowSection },
];
