/** A value or a reason: decoders return this instead of throwing on bad input. */
export type Result<T, R = string> = { ok: true; value: T } | { ok: false; reason: R };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <R>(reason: R): { ok: false; reason: R } => ({ ok: false, reason });
