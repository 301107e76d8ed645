/**
 * The Mailer port: delivers one composed alert. Adapters never throw or reject; they report how a
 * delivery failed so the queue can tell "retry later" from "retrying cannot help".
 */
import type { OutgoingMail } from './format.js';

export type SendResult =
  | { ok: true; response?: string }
  /**
   * permanent: the server refused this mail for good (an SMTP 5xx reply); the queue drops it instead
   * of blocking every later alert behind it. Everything else (refused connection, timeout, 4xx) is
   * transient and retried.
   */
  | { ok: false; permanent: boolean; reason: string; code?: string };

export interface Mailer {
  send(mail: OutgoingMail): Promise<SendResult>;
  /** Releases sockets/resources (optional). */
  close?(): void;
}
