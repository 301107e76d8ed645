/**
 * DNS_CHECK probe (keepalived check_dns.c, read for behaviour): one UDP query with RD set, class
 * IN; replies with another id or without QR are ignored, rcode ≠ 0 fails, anything else passes.
 * No reply within connect_timeout fails. The codec is pure; the adapter is node:dgram.
 */
import { randomInt } from 'node:crypto';
import { exchangeDatagram } from './datagram.js';
import type { DnsProbeSpec, DnsQueryType, Probe, ProbeResult } from './types.js';

export const DNS_TYPES: Record<DnsQueryType, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 };
const HEADER_LEN = 12;

/** Pure: the query datagram. `name` "." (or "") is the root; a trailing dot is allowed. */
export function encodeDnsQuery(id: number, name: string, type: DnsQueryType): Uint8Array {
  const labels = name === '.' || name === '' ? [] : name.replace(/\.$/, '').split('.');
  const enc = new TextEncoder();
  const parts = labels.map((l) => enc.encode(l));
  if (parts.some((p) => p.length === 0 || p.length > 63)) throw new RangeError(`bad DNS name ${JSON.stringify(name)}`);
  const qlen = parts.reduce((n, p) => n + 1 + p.length, 0) + 1;
  const out = new Uint8Array(HEADER_LEN + qlen + 4);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, id); // ID
  dv.setUint16(2, 0x0100); // flags: RD
  dv.setUint16(4, 1); // QDCOUNT (AN/NS/AR counts stay 0)
  let o = HEADER_LEN;
  for (const p of parts) {
    out[o++] = p.length;
    out.set(p, o);
    o += p.length;
  }
  out[o++] = 0; // root label
  dv.setUint16(o, DNS_TYPES[type]); // QTYPE
  dv.setUint16(o + 2, 1); // QCLASS IN
  return out;
}

/** Pure: what a received datagram means for the query `id`. */
export function judgeDnsReply(msg: Uint8Array, id: number): 'ignore' | ProbeResult {
  if (msg.length < HEADER_LEN) return 'ignore';
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  if (dv.getUint16(0) !== id) return 'ignore';
  const flags = dv.getUint16(2);
  if ((flags & 0x8000) === 0) return 'ignore'; // a query, not a response
  const rcode = flags & 0x000f;
  return rcode === 0 ? { ok: true, reason: 'answered' } : { ok: false, reason: `rcode ${rcode}` };
}

export function dnsProbe(spec: DnsProbeSpec): Probe {
  return (signal) => runDnsCheck(spec, signal);
}

export function runDnsCheck(spec: DnsProbeSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const id = randomInt(0, 0x10000);
  return exchangeDatagram(spec, {
    payload: encodeDnsQuery(id, spec.name, spec.queryType),
    judge: (msg) => judgeDnsReply(msg, id),
    silence: () => ({ ok: false, reason: 'timeout' }),
  }, signal);
}
