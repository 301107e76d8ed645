/**
 * UDP_CHECK probe (keepalived check_udp.c, read for behaviour): a connected UDP socket sends the
 * payload; an ICMP error (ECONNREFUSED & co.) fails; a reply is checked against the expected bytes;
 * no reply by connect_timeout is success unless `require_reply`.
 */
import { exchangeDatagram } from './datagram.js';
import type { Probe, ProbeResult, UdpProbeSpec } from './types.js';

const fromHex = (h: string | undefined): Uint8Array => Uint8Array.from(Buffer.from(h ?? '', 'hex'));

/** Pure: does a reply satisfy the spec? Length and content only matter when reply bytes are set. */
export function judgeUdpReply(reply: Uint8Array, spec: UdpProbeSpec): ProbeResult {
  if (spec.replyHex === undefined) return { ok: true, reason: 'reply' };
  if (reply.length < spec.minReplyLength || reply.length > spec.maxReplyLength) {
    return { ok: false, reason: `reply length ${reply.length}` };
  }
  const want = fromHex(spec.replyHex);
  const mask = spec.replyMaskHex !== undefined ? fromHex(spec.replyMaskHex) : undefined;
  const n = Math.min(reply.length, want.length);
  for (let i = 0; i < n; i++) {
    const care = mask ? ~(mask[i] ?? 0) & 0xff : 0xff;
    if (((reply[i]! ^ want[i]!) & care) !== 0) return { ok: false, reason: `reply mismatch at byte ${i}` };
  }
  return { ok: true, reason: 'reply matches' };
}

export function udpProbe(spec: UdpProbeSpec): Probe {
  return (signal) => runUdpCheck(spec, signal);
}

export function runUdpCheck(spec: UdpProbeSpec, signal?: AbortSignal): Promise<ProbeResult> {
  return exchangeDatagram(spec, {
    payload: fromHex(spec.payloadHex),
    judge: (msg) => judgeUdpReply(msg, spec),
    silence: () => (spec.requireReply ? { ok: false, reason: 'timeout' } : { ok: true, reason: 'no error' }),
  }, signal);
}
