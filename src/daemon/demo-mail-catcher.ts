/**
 * A tiny SMTP server for the demo: accepts every mail on HOST:PORT and prints one JSON line per
 * mail ({ from, to, subject }) on stdout. Runs inside the demo's client namespace.
 */
import { SMTPServer } from 'smtp-server';

const [host = '127.0.0.1', port = '2525'] = process.argv.slice(2);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, done) {
    let raw = '';
    stream.on('data', (c: Buffer) => { raw += c.toString(); });
    stream.on('end', () => {
      const subject = /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '';
      process.stdout.write(`${JSON.stringify({ from: session.envelope.mailFrom && session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), subject })}\n`);
      done();
    });
  },
});
server.listen(Number(port), host, () => process.stdout.write(`listening ${host}:${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
