/**
 * The daemon's load-balancing half against the real kernel: inside user-mode-linux (ip_vs), the
 * built CLI runs a config with several virtual servers (DR/NAT/TUN, rr/wlc/sh/wrr, persistence,
 * fwmark, IPv6, inhibit_on_failure) over real TCP listeners; `ipvsadm -Ln` is the oracle.
 */
import { describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites } from './helpers/directors.js';
import { runInUml, UML_RUN_DIR } from './helpers/uml.js';

const CONF = `
global_defs {
  router_id uml
  lvs_sync_daemon veth0 VI_1 port 8848
}
vrrp_instance VI_1 {
  state MASTER
  interface veth0
  virtual_router_id 51
  priority 255
  virtual_ipaddress {
    10.88.9.1/32
  }
}
virtual_server 10.88.0.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 10.88.0.21 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
  real_server 10.88.0.22 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
}
virtual_server 10.88.0.101 8080 {
  delay_loop 1
  lb_algo wlc
  lb_kind NAT
  protocol TCP
  persistence_timeout 300
  real_server 10.88.0.21 80 {
    weight 2
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
virtual_server 10.88.0.102 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 10.88.0.22 80 {
    weight 1
    inhibit_on_failure
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
}
virtual_server fwmark 7 {
  delay_loop 1
  lb_algo sh
  lb_kind TUN
  protocol TCP
  real_server 10.88.0.22 80 {
    weight 1
  }
}
virtual_server fd00:88::100 443 {
  delay_loop 1
  lb_algo wrr
  lb_kind NAT
  protocol TCP
  real_server fd00:88::21 443 {
    weight 3
  }
}
`;

const listener = (addr: string, port: number) =>
  `node -e "require('net').createServer((s)=>{s.on('error',()=>{});s.end();}).listen(${port},'${addr}')" & `;

/** ipvsadm -Ln → { 'TCP  10.88.0.100:80 rr': ['10.88.0.21:80 Route 1', …] } with whitespace folded. */
function parseTable(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let svc = '';
  for (const line of text.split('\n')) {
    if (/^(TCP|UDP|SCTP|FWM)\s/.test(line)) { svc = line.trim().replace(/\s+/g, ' '); out[svc] = []; }
    else if (/^\s+->\s+(?!RemoteAddress)/.test(line) && svc) {
      const [addr, fwd, weight] = line.replace(/^\s+->\s+/, '').trim().split(/\s+/);
      out[svc]!.push(`${addr} ${fwd} ${weight}`);
    }
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

describe('daemon + IPVS in user-mode-linux', () => {
  it('programs the configured table, removes a failed real server (or sets weight 0), restores it, cleans up on SIGTERM (leaves it with -I)', async () => {
    requireDirectorPrerequisites(['kts']);
    const r = await runInUml({
      timeoutMs: 280_000,
      modules: ['ip_vs', 'ip_vs_rr', 'ip_vs_wlc', 'ip_vs_sh', 'ip_vs_wrr', 'veth'],
      loAddresses: ['10.88.0.1/24', '10.88.0.21/32', '10.88.0.22/32', 'fd00:88::1/64', 'fd00:88::21/128'],
      script: `
cat > /tmp/ka.conf <<'KAEOF'
${CONF}
KAEOF
${listener('10.88.0.21', 80)}
${listener('10.88.0.22', 80)} L2=$!
ip link add veth0 type veth peer name veth1 && ip link set veth1 up && ip link set veth0 up && ip addr add 10.88.8.1/24 dev veth0
node bin/keepalived-ts -f /tmp/ka.conf -l -p /tmp/ka.pid -r /tmp/vrrp.pid -c /tmp/checkers.pid > ${UML_RUN_DIR}/daemon.log 2>&1 &
D=$!
# Bounded waits on what the kernel shows (UML under load is slow: no fixed sleeps); the assertions below check the whole table.
waitfor() { i=0; until eval "$1" || [ $i -ge 120 ]; do sleep 0.5; i=$((i+1)); done; }
waitfor "ipvsadm -L --daemon | grep -q master && [ \\$(ipvsadm -Ln | grep -c '^[TUF]') -ge 5 ]"
sleep 1; echo '=== start'; ipvsadm -Ln
echo '=== sync daemon'; ipvsadm -L --daemon
echo '=== ours -Ln'; node bin/keepalived-ts ipvs list
echo '=== ipvsadm -Sn'; ipvsadm -Sn
echo '=== ours -Sn'; node bin/keepalived-ts ipvs save
kill $L2
waitfor "! ipvsadm -Ln -t 10.88.0.100:80 | grep -q 10.88.0.22:80 && ipvsadm -Ln -t 10.88.0.102:80 | grep 10.88.0.22:80 | grep -q 'Route *0 '"
sleep 1; echo '=== rs2 down'; ipvsadm -Ln
${listener('10.88.0.22', 80)}
waitfor "ipvsadm -Ln -t 10.88.0.100:80 | grep -q 10.88.0.22:80 && ipvsadm -Ln -t 10.88.0.102:80 | grep 10.88.0.22:80 | grep -q 'Route *1 '"
sleep 1; echo '=== rs2 up'; ipvsadm -Ln
kill -TERM $D; wait $D; echo "=== stopped rc=$?"; ipvsadm -Ln
echo '=== sync daemon after stop'; ipvsadm -L --daemon
node bin/keepalived-ts -f /tmp/ka.conf -l -I -p /tmp/ka.pid -r /tmp/vrrp.pid -c /tmp/checkers.pid > ${UML_RUN_DIR}/daemon-I.log 2>&1 &
D=$!
waitfor "[ \\$(ipvsadm -Ln | grep -c '^  ->.*\\(Route\\|Masq\\|Tunnel\\)') -ge 6 ]"
kill -TERM $D; wait $D; echo "=== stopped with -I rc=$?"; ipvsadm -Ln
ipvsadm -C
`,
    });
    const sections = Object.fromEntries(r.stdout.split(/^=== /m).slice(1).map((s) => {
      const nl = s.indexOf('\n');
      return [s.slice(0, nl), s.slice(nl + 1)];
    }));
    const diag = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(Object.keys(sections), diag).toEqual(['start', 'sync daemon', 'ours -Ln', 'ipvsadm -Sn', 'ours -Sn', 'rs2 down', 'rs2 up', 'stopped rc=0', 'sync daemon after stop', 'stopped with -I rc=0']);
    // lvs_sync_daemon follows VI_1, which (priority 255) is MASTER: the kernel sync daemon sends.
    expect(sections['sync daemon']!.trim(), diag).toBe('master sync daemon (mcast=veth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)'); // port from the config, the rest kernel defaults
    expect(sections['sync daemon after stop']!.trim(), diag).toBe('');
    // The operator's view: `keepalived-ts ipvs list|save` print exactly what ipvsadm prints.
    expect(sections['ours -Ln']).toBe(sections['start']);
    expect(sections['ours -Sn']).toBe(sections['ipvsadm -Sn']);

    const full = {
      'TCP 10.88.0.100:80 rr': ['10.88.0.21:80 Route 1', '10.88.0.22:80 Route 1'],
      'TCP 10.88.0.101:8080 wlc persistent 300': ['10.88.0.21:80 Masq 2'],
      'TCP 10.88.0.102:80 rr': ['10.88.0.22:80 Route 1'],
      'FWM 7 sh': ['10.88.0.22:0 Tunnel 1'], // non-NAT destinations take the service's port; a fwmark service has none (as ipvsadm)
      'TCP [fd00:88::100]:443 wrr': ['[fd00:88::21]:443 Masq 3'],
    };
    expect(parseTable(sections['start']!), diag).toEqual(full);
    expect(parseTable(sections['rs2 down']!), diag).toEqual({
      ...full,
      'TCP 10.88.0.100:80 rr': ['10.88.0.21:80 Route 1'], // removed
      'TCP 10.88.0.102:80 rr': ['10.88.0.22:80 Route 0'], // inhibit_on_failure: weight 0
    });
    expect(parseTable(sections['rs2 up']!), diag).toEqual(full);
    expect(parseTable(sections['stopped rc=0']!), diag).toEqual({}); // everything we created is gone
    expect(parseTable(sections['stopped with -I rc=0']!), diag).toEqual(full); // -I (--dont-release-ipvs): left in place
  }, 300_000);
});
