/**
 * The demo's SMTP catcher (dist/daemon/demo-mail-catcher.js) run in a lab namespace, with the mails
 * it printed parsed back from its JSON lines.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CaughtMail } from '../../../src/daemon/demo-mail-catcher.js';
import { REPO_ROOT, until, type Lab, type Process } from './netns.js';

export type { CaughtMail };

const BUILT_CATCHER = join(REPO_ROOT, 'dist', 'daemon', 'demo-mail-catcher.js');

export interface MailCatcher {
  proc: Process;
  /** Every mail received so far, in arrival order. */
  mails(): CaughtMail[];
  /** Waits up to timeoutMs for a mail matching `match`. */
  waitForMail(match: (m: CaughtMail) => boolean, timeoutMs: number, what: string): Promise<CaughtMail>;
  stop(): Promise<void>;
}

/** Starts the catcher on host:port inside namespace `ns` and resolves once it listens. */
export async function startMailCatcher(lab: Lab, ns: string, host: string, port: number, timeoutMs = 10_000): Promise<MailCatcher> {
  if (!existsSync(BUILT_CATCHER)) throw new Error(`${BUILT_CATCHER} missing (run \`npm run build\`; \`npm test\` does it)`);
  const proc = lab.spawn(ns, [process.execPath, BUILT_CATCHER, host, String(port)]);
  await proc.waitFor(/^listening /, timeoutMs);
  const mails = () => proc.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as CaughtMail);
  return {
    proc,
    mails,
    waitForMail: (match, ms, what) => until(() => mails().find(match), ms, `${what}; mails so far: ${JSON.stringify(mails().map((m) => m.subject))}`),
    stop: async () => {
      proc.kill();
      await proc.exited;
    },
  };
}
