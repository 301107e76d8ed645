/**
 * The ports the VRRP runtime drives. Adapters live elsewhere (src/net for sockets, rtnetlink and
 * GARP/NA; src/notify for scripts); tests use in-memory fakes. No Node I/O here.
 */
import type { Family } from '../common/ip.js';
import type { NotifyState, VrrpState } from './fsm.js';

/** A received protocol-112 datagram, IP header already removed. */
export interface RxPacket {
  ifindex: number;
  family: Family;
  src: Uint8Array;
  /** Known for IPv4 (header) and for IPv6 with IPV6_PKTINFO. */
  dst?: Uint8Array | undefined;
  /** TTL / hop limit when known (IPv6 needs IPV6_HOPLIMIT). */
  ttl?: number | undefined;
  payload: Uint8Array;
}

export interface TxPacket {
  ifindex: number;
  family: Family;
  src: Uint8Array;
  dst: Uint8Array;
  /** TTL / hop limit: 255 for multicast, unicast_ttl for unicast peers. */
  ttl: number;
  /** IPv4 identification keepalived uses (per-instance counter, 0 skipped); the daemon sends it with IP_HDRINCL. */
  ipId: number;
  /** The VRRP message (checksum already filled in). */
  payload: Uint8Array;
}

export interface VrrpTransport {
  send(pkt: TxPacket): void;
  /** Registers the receive handler; returns an unsubscribe function. */
  onPacket(handler: (pkt: RxPacket) => void): () => void;
}

/** Adds/removes an instance's VIPs and eVIPs (the adapter knows dev/label/scope per instance). */
export interface VipManager {
  add(instance: string): void | Promise<void>;
  remove(instance: string): void | Promise<void>;
}

/** Sends one gratuitous ARP (IPv4) or unsolicited NA (IPv6) for an address of an instance. */
export interface Announcer {
  announce(instance: string, addr: Uint8Array): void;
}

export interface StateNotification {
  instance: string;
  /** The state left (INIT at start-up). */
  from: VrrpState;
  state: NotifyState;
  priority: number;
}

export interface Notifier {
  /** notify_master/backup/fault/stop and the generic `notify` script, FIFO, mail… */
  notify(n: StateNotification): void;
  /** notify_master_rx_lower_pri */
  masterRxLowerPri?(instance: string, priority: number): void;
}
