/**
 * Maintenance windows (our keepalived_ts extension) against the real kernel in user-mode-linux:
 * a window open at start drains its real server (weight 0 in `ipvsadm -Ln`, still in the table),
 * node-cron opens and closes a window on the second, and a reload that drops the window restores
 * the configured weight.
 */
import { describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites } from './helpers/directors.js';
import { runInUml, UML_RUN_DIR } from './helpers/uml.js';

const conf = (window: string) => `
global_defs {
  router_id uml
}
virtual_server 10.88.0.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 10.88.0.21 80 {
    weight 3
    TCP_CHECK {
      connect_timeout 1
    }
  }
  real_server 10.88.0.22 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
keepalived_ts {
${window}
}
`;

// Opened every minute, closed only on 1 January: open whenever the test runs (but at midnight on 1 January).
const ALWAYS = 'maintenance_window always {\n  start * * * * *\n  end 0 0 1 1 *\n  real_server 10.88.0.21 80\n}';
// Opens at :00/:20/:40 and closes at :10/:30/:50 of every minute: both edges within 20 s.
const PULSE = 'maintenance_window pulse {\n  start 0,20,40 * * * * *\n  end 10,30,50 * * * * *\n  real_server 10.88.0.21 80\n}';

const listener = (addr: string, port: number) =>
  `node -e "require('net').createServer((s)=>{s.on('error',()=>{});s.end();}).listen(${port},'${addr}')" & `;

describe('maintenance windows in user-mode-linux', () => {
  it('drain a real server to weight 0 at start, on cron edges, and stop draining when a reload drops the window', async () => {
    requireDirectorPrerequisites(['kts']);
    const r = await runInUml({
      timeoutMs: 200_000,
      modules: ['ip_vs', 'ip_vs_rr'],
      loAddresses: ['10.88.0.1/24', '10.88.0.21/32', '10.88.0.22/32'],
      script: `
cat > /tmp/ka.conf <<'KAEOF'
${conf(ALWAYS)}
KAEOF
cat > /tmp/pulse.conf <<'KAEOF'
${conf(PULSE)}
KAEOF
cat > /tmp/none.conf <<'KAEOF'
${conf('')}
KAEOF
${listener('10.88.0.21', 80)}
${listener('10.88.0.22', 80)}
node bin/keepalived-ts -f /tmp/ka.conf -l --status-socket /tmp/kts.sock -p /tmp/ka.pid -r /tmp/vrrp.pid -c /tmp/checkers.pid > ${UML_RUN_DIR}/daemon.log 2>&1 &
D=$!
waitfor() { i=0; until eval "$1" || [ $i -ge 120 ]; do sleep 0.5; i=$((i+1)); done; }
w21() { ipvsadm -Ln -t 10.88.0.100:80 | awk '$2 == "10.88.0.21:80" { print $4 }'; }
waitfor "[ \\$(ipvsadm -Ln -t 10.88.0.100:80 2>/dev/null | grep -c Route) -eq 2 ]"
sleep 1; echo '=== start'; ipvsadm -Ln
echo '=== status'; node bin/keepalived-ts status --socket /tmp/kts.sock
cp /tmp/pulse.conf /tmp/ka.conf; kill -HUP $D
# The weights of .21 over time (consecutive repeats folded), until cron closed and opened it (up to 45 s).
echo '=== pulse'; seq=''; last=''; i=0
while [ $i -lt 90 ]; do w=$(w21); [ "$w" != "$last" ] && { seq="$seq $w"; last=$w; }
  case "$seq" in *"0 3"*) case "$seq" in *"3 0"*) break;; esac;; esac; sleep 0.5; i=$((i+1)); done; echo "seq:$seq"
cp /tmp/none.conf /tmp/ka.conf; kill -HUP $D
waitfor "[ \\"\\$(w21)\\" = 3 ]"; sleep 3
echo '=== no window'; ipvsadm -Ln
kill -TERM $D; wait $D; echo "=== stopped rc=$?"
echo '=== log'; grep -E 'maintenance window|calendar|cron' ${UML_RUN_DIR}/daemon.log
`,
    });
    const sections = Object.fromEntries(r.stdout.split(/^=== /m).slice(1).map((s) => {
      const nl = s.indexOf('\n');
      return [s.slice(0, nl), s.slice(nl + 1)];
    }));
    const diag = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(Object.keys(sections), diag).toEqual(['start', 'status', 'pulse', 'no window', 'stopped rc=0', 'log']);
    const dests = (t: string) => t.split('\n').filter((l) => /->\s+10\.88/.test(l)).map((l) => l.trim().split(/\s+/).slice(1, 4).join(' ')).sort();
    // Open at start: .21 stays in the table (its connections finish) with weight 0.
    expect(dests(sections['start']!), diag).toEqual(['10.88.0.21:80 Route 0', '10.88.0.22:80 Route 1']);
    expect(sections['status'], diag).toMatch(/10\.88\.0\.21:80\s+up\s+0 \(drained, conf 3\)/);
    // node-cron fired both edges of the pulse window: the weight went back to 3 and down to 0 again.
    const seq = sections['pulse']!.trim().replace(/^seq:\s*/, '');
    expect(seq, diag).toMatch(/0 3/);
    expect(seq, diag).toMatch(/3 0/);
    expect(dests(sections['no window']!), diag).toEqual(['10.88.0.21:80 Route 3', '10.88.0.22:80 Route 1']);
    expect(sections['log'], diag).toMatch(/maintenance window pulse opens: draining 10\.88\.0\.21:80/);
    expect(sections['log'], diag).toMatch(/maintenance window pulse closes: restoring 10\.88\.0\.21:80/);
  }, 220_000);
});
