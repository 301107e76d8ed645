/**
 * The per-instance block of keepalived's SIGUSR2 dump (/tmp/keepalived.stats), in the layout of
 * keepalived 2.2.7 (test/fixtures/packets/keepalived-2.2.7.stats.txt). Pure.
 */
import type { InstanceStats } from './instance.js';

export function formatInstanceStats(name: string, s: InstanceStats): string {
  return [
    `VRRP Instance: ${name}`,
    '  Advertisements:',
    `    Received: ${s.advert_rcvd}`,
    `    Sent: ${s.advert_sent}`,
    `  Became master: ${s.become_master}`,
    `  Released master: ${s.release_master}`,
    '  Packet Errors:',
    `    Length: ${s.packet_len_err}`,
    `    TTL: ${s.ip_ttl_err}`,
    `    Invalid Type: ${s.invalid_type_rcvd}`,
    `    Advertisement Interval: ${s.advert_interval_err}`,
    `    Address List: ${s.addr_list_err}`,
    '  Authentication Errors:',
    `    Invalid Type: ${s.invalid_authtype}`,
    `    Type Mismatch: ${s.authtype_mismatch}`,
    `    Failure: ${s.auth_failure}`,
    '  Priority Zero:',
    `    Received: ${s.pri_zero_rcvd}`,
    `    Sent: ${s.pri_zero_sent}`,
    '',
  ].join('\n');
}

export const formatStatsFile = (instances: ReadonlyArray<{ name: string; stats: InstanceStats }>): string =>
  instances.map((i) => formatInstanceStats(i.name, i.stats)).join('');
