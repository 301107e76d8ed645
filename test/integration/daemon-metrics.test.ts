/**
 * The Prometheus endpoint of running directors (issue 6): on only with `metrics_listen`, on
 * loopback inside the director's namespace, its VRRP state following the real state (MASTER, then
 * BACKUP after a reload hands mastership over, then FAULT on link down), and moved by a reload.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites, startDirector, vrrpConf, waitForVip, type Director } from './helpers/directors.js';
import { createLab, REPO_ROOT, until, type Lab } from './helpers/netns.js';

const VIP = '10.99.0.200';
const PORT = 19650;
const MOVED_PORT = 19651;
let lab: Lab;
let master: Director;
let backup: Director;

const withMetrics = (conf: string, port: number) => `${conf}keepalived_ts {\n  metrics_listen 127.0.0.1 ${port}\n}\n`;

/** GET /metrics from inside the namespace: the body, or null when nothing answers. */
async function scrape(ns: string, port: number, path = '/metrics'): Promise<string | null> {
  const r = await lab.exec(ns, ['curl', '-sS', '--max-time', '3', `http://127.0.0.1:${port}${path}`], { allowFail: true, timeoutMs: 5_000 });
  return r.code === 0 ? r.stdout : null;
}

const sample = (text: string | null, metric: string): number | undefined => {
  const m = new RegExp(`^${metric.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text ?? '');
  return m ? Number(m[1]) : undefined;
};
const STATE = 'keepalived_ts_vrrp_state{iname="VI_1",intf="eth0",vrid="51"}';

const stateSoon = (ns: string, port: number, want: number, timeoutMs: number) =>
  until(async () => (sample(await scrape(ns, port), STATE) === want ? true : undefined), timeoutMs, `${STATE} ${want} in ${ns}`);

beforeAll(async () => {
  requireDirectorPrerequisites(['kts']);
  lab = await createLab('metrics', {
    namespaces: ['d1', 'd2', 'd3'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] },
      { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] },
      { ns: 'd3', ifname: 'eth0', addrs: ['10.99.0.13/24'] },
    ],
  });
  master = startDirector(lab, 'd1', 'kts', withMetrics(vrrpConf({ state: 'MASTER', priority: 150, vip: `${VIP}/24` }), PORT));
  backup = startDirector(lab, 'd2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: `${VIP}/24` }));
  await waitForVip(lab, 'd1', VIP, true, 15_000);
  await backup.proc.waitFor(/Entering BACKUP STATE/, 10_000);
});

afterAll(async () => {
  await lab?.cleanup();
});

describe('metrics endpoint of running directors', () => {
  it('with metrics_listen: MASTER, priority and the installed VIP are scraped; 404 off /metrics', async () => {
    await stateSoon('d1', PORT, 2, 5_000);
    const text = await scrape('d1', PORT);
    expect(sample(text, 'keepalived_ts_vrrp_priority{iname="VI_1",intf="eth0",vrid="51"}')).toBe(150);
    expect(sample(text, `keepalived_ts_vrrp_vip{iname="VI_1",intf="eth0",vrid="51",ip_address="${VIP}"}`)).toBe(1);
    expect(sample(text, 'keepalived_ts_advertisements_sent_total{iname="VI_1",intf="eth0",vrid="51"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    const notFound = await lab.exec('d1', ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '3', `http://127.0.0.1:${PORT}/`], { timeoutMs: 5_000 });
    expect(notFound.stdout).toBe('404');
  });

  it('without the keyword nothing listens', async () => {
    const listening = await lab.exec('d2', ['ss', '-Htln'], { timeoutMs: 5_000 });
    expect(listening.stdout.trim()).toBe('');
    expect(await scrape('d2', PORT)).toBeNull();
  });

  it('--metrics-listen overrides metrics_listen', async () => {
    // A director of its own (vrid 60) whose file says one port and whose command line another.
    const conf = join(lab.dir, 'd3-flag.conf');
    writeFileSync(conf, withMetrics(vrrpConf({ state: 'MASTER', priority: 100, vrid: 60, vip: '10.99.0.210/24' }), MOVED_PORT + 1));
    lab.spawn('d3', [process.execPath, join(REPO_ROOT, 'bin', 'keepalived-ts'), '-f', conf, '-l', '--status-socket', join(lab.dir, 'd3.sock'),
      '--metrics-listen', `127.0.0.1:${MOVED_PORT + 2}`, '-p', join(lab.dir, 'd3.pid'), '-r', join(lab.dir, 'd3.vrrp.pid'), '-c', join(lab.dir, 'd3.checkers.pid'), '-G']);
    const text = await until(async () => (await scrape('d3', MOVED_PORT + 2)) ?? undefined, 10_000, 'the flag\'s port in d3');
    expect(text).toMatch(/^keepalived_ts_vrrp_state\{iname="VI_1",intf="eth0",vrid="60"\} \d$/m);
    expect(await scrape('d3', MOVED_PORT + 1)).toBeNull();
    // d1's adverts for VRID 51 reach d3, which has no instance for them: counted per interface.
    const unknown = 'keepalived_ts_vrrp_interface_packets_dropped_total{intf="eth0",family="ipv4",reason="unknown_vrid"}';
    await until(async () => ((sample(await scrape('d3', MOVED_PORT + 2), unknown) ?? 0) > 0 ? true : undefined), 5_000, 'unknown-VRID drops on d3');
  });

  it('a reload that lowers the priority shows BACKUP on the new port, counts the reload and frees the old port', async () => {
    writeFileSync(master.conf, withMetrics(vrrpConf({ state: 'BACKUP', priority: 50, vip: `${VIP}/24` }), MOVED_PORT));
    process.kill(master.proc.pid, 'SIGHUP');
    await stateSoon('d1', MOVED_PORT, 1, 8_000);
    // The restarted instance learns its master from d2's first advert.
    const text = await until(async () => {
      const t = await scrape('d1', MOVED_PORT);
      return sample(t, 'keepalived_ts_vrrp_master_priority{iname="VI_1",intf="eth0",vrid="51"}') === 100 ? t : undefined;
    }, 5_000, 'd2 (priority 100) as the master d1 knows');
    expect(sample(text, 'keepalived_ts_config_reloads_total{result="ok"}')).toBe(1);
    expect(sample(text, `keepalived_ts_vrrp_vip{iname="VI_1",intf="eth0",vrid="51",ip_address="${VIP}"}`)).toBe(0);
    expect(await scrape('d1', PORT)).toBeNull();
  });

  it('link down: FAULT', async () => {
    await lab.exec('d1', ['ip', 'link', 'set', 'eth0', 'down']);
    await stateSoon('d1', MOVED_PORT, 3, 5_000);
  });
});
