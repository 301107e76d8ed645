/**
 * Runs inside UML (see uml-genl.test.ts): resolves the generic netlink family named in argv[2]
 * with our genl client and prints one JSON line with the outcome.
 */
import { dialGenl } from '../../../src/net/netlink/genl.js';

const name = process.argv[2] ?? 'IPVS';
const genl = await dialGenl({ timeoutMs: 3000 });
try {
  const f = await genl.resolveFamily(name);
  console.log(JSON.stringify({ ok: true, id: f.id, name: f.name, version: f.version, maxAttr: f.maxAttr }));
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }));
} finally {
  genl.close();
}
