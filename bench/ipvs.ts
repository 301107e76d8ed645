/**
 * IPVS programming benchmark: in one user-mode-linux boot, time 1 service × 1,000 real servers
 * and 100 services × 10 real servers programmed by `ipvsadm-restore` and by our client.
 * Run as root: `npx tsx bench/ipvs.ts [runs]`. The ipvsadm-restore time includes starting the
 * ipvsadm process (it is how operators and keepalived-less setups program tables); ours excludes
 * node start-up (a running daemon does not pay it) — dial time is printed separately.
 */
import { runInUml, UML_RUN_DIR } from '../test/integration/helpers/uml.js';

const runs = Number(process.argv[2] ?? 3);
const r = await runInUml({
  timeoutMs: 600_000,
  memMb: 512,
  loAddresses: ['10.88.0.1/24', '10.89.0.1/16', 'fd00:88::1/64'],
  bundles: { bench: 'test/integration/uml/ipvs-bench.ts' },
  script: `node ${UML_RUN_DIR}/bench.mjs ${runs}`,
});
if (r.code !== 0) {
  console.error(`bench failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  process.exit(1);
}
const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, Record<string, number>>;
console.log(`UML boot→poweroff ${Math.round(r.wallMs)} ms; IPVS client dial ${String(res['dialMs'])} ms (median of ${runs} runs below)`);
for (const sc of ['1x1000', '100x10']) {
  const x = res[sc];
  if (!x) continue;
  const ratio = (v: number | undefined): string => (v && x['ipvsadmRestore'] ? (v / x['ipvsadmRestore']).toFixed(2) : '?');
  console.log(`${sc.padEnd(7)} ipvsadm-restore ${String(x['ipvsadmRestore']).padStart(8)} ms | ours pipelined ${String(x['oursPipelined']).padStart(8)} ms (x${ratio(x['oursPipelined'])}) | ours sequential ${String(x['oursSequential']).padStart(8)} ms (x${ratio(x['oursSequential'])})`);
}
