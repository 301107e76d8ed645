import { describe, expect, it } from 'vitest';
import { forSubsystems } from '../../src/daemon/load-usable.js';
import { loadText } from '../config/conf-helper.js';

const CONF = `
global_defs {
  lvs_sync_daemon eth0 VI_1
}
vrrp_script chk {
  script "/bin/true"
}
vrrp_sync_group G {
  group {
    VI_1
  }
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    10.0.0.1
  }
  track_script {
    chk
  }
}
virtual_server_group VSG {
  10.0.0.1 80
}
virtual_server group VSG {
  protocol TCP
  real_server 10.0.0.10 80 {
    TCP_CHECK {
    }
  }
}
virtual_server 10.0.0.1 443 {
  protocol TCP
  real_server 10.0.0.10 443 {
  }
}
`;

describe('forSubsystems (-P / -C)', () => {
  const c = loadText(CONF).config;
  const counts = (x: typeof c) => [x.vrrpScripts.length, x.syncGroups.length, x.vrrpInstances.length, x.globalDefs.lvsSyncDaemon !== null,
    x.virtualServerGroups.length, x.virtualServers.length];

  it('both subsystems run the whole configuration', () => {
    expect(counts(c)).toEqual([1, 1, 1, true, 1, 2]);
    expect(forSubsystems(c, { vrrp: true, check: true })).toEqual(c);
  });

  it('-P keeps VRRP and the sync daemon that follows it; -C keeps the virtual servers and their checkers', () => {
    expect(counts(forSubsystems(c, { vrrp: true, check: false }))).toEqual([1, 1, 1, true, 0, 0]);
    const checkers = forSubsystems(c, { vrrp: false, check: true });
    expect(counts(checkers)).toEqual([0, 0, 0, false, 1, 2]);
    expect(checkers.globalDefs).toEqual({ ...c.globalDefs, lvsSyncDaemon: null });
    expect(counts(c)).toEqual([1, 1, 1, true, 1, 2]); // the loaded configuration is not changed
  });
});
