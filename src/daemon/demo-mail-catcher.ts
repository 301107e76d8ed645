/**
 * A tiny SMTP server for the demo and the daemon mail tests: accepts every mail on HOST:PORT and
 * prints one JSON line per mail (CaughtMail) on stdout. Runs inside a lab namespace.
 */
import { SMTPServer } from 'smtp-server';

/** One received mail as printed on stdout. */
export interface CaughtMail {
  /** Envelope: MAIL FROM and RCPT TO addresses. */
  from: string;
  to: string[];
  /** The Subject header (unfolded). */
  subject: string;
  /** The name the client gave in HELO/EHLO. */
  helo: string;
  /** Header fields, names lower-cased, folded lines joined with one space. */
  headers: Record<string, string>;
  /** Everything after the blank line that ends the headers, as received (CRLF kept). */
  body: string;
  /** Epoch ms when the end of DATA arrived. */
  receivedAt: number;
}

/** Splits a raw RFC 5322 message into unfolded headers and the body. */
function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: end < 0 ? '' : raw.slice(end + 4) };
}

const [host = '127.0.0.1', port = '2525'] = process.argv.slice(2);
const server = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, done) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const { headers, body } = parseMessage(Buffer.concat(chunks).toString('utf8'));
      const mail: CaughtMail = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        subject: headers.subject ?? '',
        helo: session.hostNameAppearsAs,
        headers,
        body,
        receivedAt: Date.now(),
      };
      process.stdout.write(`${JSON.stringify(mail)}\n`);
      done();
    });
  },
});
server.listen(Number(port), host, () => process.stdout.write(`listening ${host}:${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
