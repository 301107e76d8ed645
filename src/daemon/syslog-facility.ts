/** keepalived's -S values, apart from syslog.ts so the CLI can check the flag without loading pino. */

const LOG_USER = 1;
export const LOG_DAEMON = 3;
const LOG_LOCAL0 = 16;

/** 0-7 or local0-7 (LOG_LOCALn), user, daemon; null when not one of them. */
export function parseFacility(v: string): number | null {
  const m = /^(?:local)?([0-7])$/.exec(v);
  if (m) return LOG_LOCAL0 + Number(m[1]);
  if (v === 'user') return LOG_USER;
  if (v === 'daemon') return LOG_DAEMON;
  return null;
}
