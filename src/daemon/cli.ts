/**
 * Command line: keepalived's options. The config side (`-t`, `--dump-conf`, `--dump-json`, `-f`,
 * `-i`, `-e`) and the daemon's (`-P`/`-C` subsystems, `-l`/`-D`/`-S`/`-G` logging, `-p`/`-r`/`-c`
 * pid files); keepalived's remaining flags are accepted and ignored, so unit files keep working.
 * `-t` runs the same pure loadConfig the daemon runs on start and reload.
 */
import { accessSync, constants, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../config/diagnostics.js';
import { loadConfig, type LoadResult } from '../config/load.js';
import type { ScriptEnv } from '../config/validate.js';
import type { ConfigSource } from '../config/ast.js';
import { fsConfigSource } from './config-source.js';
import { parseMetricsListen, type MetricsListen } from './metrics-listen.js';
import { DEFAULT_CHECKERS_PID_FILE, DEFAULT_PID_FILE, DEFAULT_VRRP_PID_FILE } from './pid-files.js';
import { LOG_DAEMON, parseFacility } from './syslog-facility.js';

export const DEFAULT_CONFIG = '/etc/keepalived/keepalived.conf';

export interface CliOptions {
  configTest: boolean;
  file: string;
  configId: string | null;
  allConfig: boolean;
  dumpConf: boolean;
  dumpJson: boolean;
  help: boolean;
  version: boolean;
  /** -l: readable log lines on the console (default: JSON lines). */
  logConsole: boolean;
  /** -D: detailed (debug) logging. */
  logDetail: boolean;
  /** -p FILE: main pid file (keepalived's default /run/keepalived.pid). */
  pidFile: string;
  /** -r FILE: the VRRP subsystem's pid file (/run/vrrp.pid). */
  vrrpPidFile: string;
  /** -c FILE: the checkers' pid file (/run/checkers.pid). */
  checkersPidFile: string;
  /** -P / -C: run only VRRP / only the checkers; neither or both: all. */
  vrrpOnly: boolean;
  checkOnly: boolean;
  /** -S: syslog facility number (default LOG_DAEMON). */
  logFacility: number;
  /** -G turns syslog off. */
  syslog: boolean;
  /** --syslog-socket PATH (our extension): where syslog listens (default /dev/log). */
  syslogSocket: string | null;
  /** --ignore-sigint: only SIGTERM stops the daemon. */
  ignoreSigint: boolean;
  /** -V / -I: leave the VIPs / the IPVS services in place when stopping. */
  dontReleaseVrrp: boolean;
  dontReleaseIpvs: boolean;
  /** --status-socket PATH (our extension). */
  statusSocket: string | null;
  /** --metrics-listen [ADDR:]PORT (our extension): overrides keepalived_ts { metrics_listen }. */
  metricsListen: MetricsListen | null;
  /** --signum=NAME: print the signal number for NAME (STOP, RELOAD, DATA, STATS, JSON) and exit. */
  signum: string | null;
  /** keepalived options we accept but do not act on yet. */
  ignored: string[];
}

/** Options whose value is kept as written, by spelling. */
const TEXT_OPTIONS = new Map<string, 'file' | 'configId' | 'pidFile' | 'vrrpPidFile' | 'checkersPidFile' | 'syslogSocket' | 'statusSocket' | 'signum'>([
  ['-f', 'file'], ['--use-file', 'file'], ['-i', 'configId'], ['--config-id', 'configId'],
  ['-p', 'pidFile'], ['--pid', 'pidFile'], ['-r', 'vrrpPidFile'], ['--vrrp_pid', 'vrrpPidFile'],
  ['-c', 'checkersPidFile'], ['--checkers_pid', 'checkersPidFile'],
  ['--syslog-socket', 'syslogSocket'], ['--status-socket', 'statusSocket'], ['--signum', 'signum'],
]);

/** keepalived flags accepted and ignored: [short, long, takes a value]. */
const IGNORED: [string | null, string, boolean][] = [
  ['B', 'no_bfd', false], [null, 'all', false], ['n', 'dont-fork', false], ['g', 'log-file', true],
  [null, 'flush-log-file', false], ['X', 'release-vips', false], ['R', 'dont-respawn', false], ['b', 'bfd_pid', true], ['s', 'namespace', true], ['u', 'umask', true], ['m', 'core-dump', false],
  ['M', 'core-dump-pattern', true], ['a', 'address-monitoring', false], ['x', 'snmp', false], ['A', 'snmp-agent-socket', true],
  [null, 'perf', false], [null, 'debug', false], [null, 'no-mem-check', false],
];

export const HELP = `Usage: keepalived-ts [OPTION...]
  -f, --use-file=FILE          Use the specified configuration file (default ${DEFAULT_CONFIG})
  -t, --config-test            Check the configuration, print diagnostics, exit with keepalived's codes
                               (0 ok, 2 missing parameter, 4 fatal, 5 errors/warnings, 6 script security)
  -i, --config-id ID           Config id for @ID conditional lines (default: short host name)
  -e, --all-config             A missing configuration file is an error
  -d, --dump-conf              Print the resolved configuration as canonical keepalived.conf text
      --dump-json              Print the typed configuration model as JSON
  -v, --version                Print the version and exit
  status [--json] [--socket P] The running daemon's VRRP instances and real servers (table or JSON)
  ipvs list|save|restore       The kernel's IPVS table as ipvsadm -Ln / -Sn prints it; restore reads -Sn text on stdin
  -h, --help                   Print this help and exit
  -P, --vrrp                   Only run the VRRP subsystem
  -C, --check                  Only run the health checkers (and IPVS)
  -l, --log-console            Log readable text lines to the console (default: JSON lines)
  -D, --log-detail             Detailed (debug) logging
  -S, --log-facility=([0-7]|local[0-7]|user|daemon)
                               Syslog facility LOG_LOCAL[0-7], user or daemon (default)
  -G, --no-syslog              Don't log via syslog
      --syslog-socket=PATH     Where syslog listens (default /dev/log)
      --ignore-sigint          SIGINT does not stop the daemon (SIGTERM does)
  -V, --dont-release-vrrp      At stop, leave the VIPs in place and send no priority-0 advert
  -I, --dont-release-ipvs      At stop, leave the IPVS services in place
  -p, --pid=FILE               Pid file (default ${DEFAULT_PID_FILE})
  -r, --vrrp_pid=FILE          Pid file while VRRP runs (default ${DEFAULT_VRRP_PID_FILE})
  -c, --checkers_pid=FILE      Pid file while the checkers run (default ${DEFAULT_CHECKERS_PID_FILE})
      --status-socket=PATH     Unix socket for "keepalived-ts status" (default /run/keepalived-ts.sock)
      --metrics-listen=[ADDR:]PORT
                               Serve Prometheus metrics on http://ADDR:PORT/metrics (ADDR defaults to
                               127.0.0.1, IPv6 as [::1]); overrides keepalived_ts { metrics_listen }
      --signum=NAME            Print the signal number for STOP, RELOAD, DATA, STATS or JSON and exit
Accepted for compatibility, not acted on (one process, always in the foreground):
  -n --dont-fork  -B --no_bfd  --all  -g --log-file [FILE]  --flush-log-file  -X --release-vips
  -R --dont-respawn  -b --bfd_pid FILE  -s --namespace NS  -u --umask M  -m --core-dump
  -M --core-dump-pattern P  -a --address-monitoring  -x --snmp  -A --snmp-agent-socket S  --perf
  --debug  --no-mem-check
`;

export type ParseResult = { ok: true; opts: CliOptions } | { ok: false; error: string };

export function parseArgs(argv: readonly string[]): ParseResult {
  const opts: CliOptions = { configTest: false, file: DEFAULT_CONFIG, configId: null, allConfig: false, dumpConf: false, dumpJson: false, help: false, version: false, logConsole: false, logDetail: false,
    pidFile: DEFAULT_PID_FILE, vrrpPidFile: DEFAULT_VRRP_PID_FILE, checkersPidFile: DEFAULT_CHECKERS_PID_FILE, vrrpOnly: false, checkOnly: false,
    logFacility: LOG_DAEMON, syslog: true, syslogSocket: null, ignoreSigint: false, dontReleaseVrrp: false, dontReleaseIpvs: false, statusSocket: null, metricsListen: null, signum: null, ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | null => inline ?? (argv[i + 1] !== undefined ? argv[++i]! : null);
    const textKey = TEXT_OPTIONS.get(name);
    if (textKey) {
      const v = value();
      if (v === null) return { ok: false, error: `option '${name}' requires an argument` };
      opts[textKey] = v;
      continue;
    }
    switch (name) {
      case '-t': case '--config-test': opts.configTest = true; break;
      case '-e': case '--all-config': opts.allConfig = true; break;
      case '-d': case '--dump-conf': opts.dumpConf = true; break;
      case '--dump-json': opts.dumpJson = true; break;
      case '-h': case '--help': opts.help = true; break;
      case '-v': case '--version': opts.version = true; break;
      case '-l': case '--log-console': opts.logConsole = true; break;
      case '-D': case '--log-detail': opts.logDetail = true; break;
      case '-P': case '--vrrp': opts.vrrpOnly = true; break;
      case '-C': case '--check': opts.checkOnly = true; break;
      case '-G': case '--no-syslog': opts.syslog = false; break;
      case '--ignore-sigint': opts.ignoreSigint = true; break;
      case '-V': case '--dont-release-vrrp': opts.dontReleaseVrrp = true; break;
      case '-I': case '--dont-release-ipvs': opts.dontReleaseIpvs = true; break;
      case '-S': case '--log-facility': {
        const v = value();
        if (v === null) return { ok: false, error: `option '${name}' requires an argument` };
        const facility = parseFacility(v);
        if (facility === null) return { ok: false, error: `option '${name}' wants 0-7, local0-local7, user or daemon, not '${v}'` };
        opts.logFacility = facility;
        break;
      }
      case '--metrics-listen': {
        const v = value();
        if (v === null) return { ok: false, error: `option '${name}' requires an argument` };
        const listen = parseMetricsListen(v);
        if (!listen) return { ok: false, error: `option '${name}' wants [ADDR:]PORT (e.g. 9650, 127.0.0.1:9650, [::1]:9650), not '${v}'` };
        opts.metricsListen = listen;
        break;
      }
      default: {
        const known = IGNORED.find(([s, l]) => name === `--${l}` || (s !== null && name === `-${s}`));
        if (!known) return { ok: false, error: `unrecognized option '${arg}'` };
        // optional-value flags (log-file) only take the next word when it is not an option
        if (known[2] && inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) i++;
        opts.ignored.push(name);
      }
    }
  }
  return { ok: true, opts };
}

/** Host facts for script security, read from the running system. */
export function hostScriptEnv(env: NodeJS.ProcessEnv = process.env): ScriptEnv {
  const table = (file: string): string[][] => {
    try { return readFileSync(file, 'utf8').split('\n').map((l) => l.split(':')).filter((f) => !!f[0]); } catch { return []; }
  };
  const users = new Map(table('/etc/passwd').map((f) => [f[0]!, { uid: Number(f[2]), gid: Number(f[3]) }] as const));
  const groups = new Map(table('/etc/group').map((f) => [f[0]!, Number(f[2])] as const));
  return {
    userExists: (name) => users.has(name),
    userIds: (name) => users.get(name) ?? null,
    groupId: (name) => groups.get(name) ?? null,
    resolve: (cmd) => {
      // keepalived 2.2.7 -t: a path is found when it is a file, executable or not; a bare name
      // only when PATH holds an executable file of that name.
      if (cmd.includes('/')) {
        try { return statSync(cmd).isFile() ? cmd : null; } catch { return null; }
      }
      for (const c of (env.PATH ?? '/usr/bin:/bin').split(':').map((d) => join(d, cmd))) {
        try { accessSync(c, constants.X_OK); if (statSync(c).isFile()) return c; } catch { /* next */ }
      }
      return null;
    },
    realpath: (path) => {
      try { return realpathSync(path); } catch { return null; }
    },
    stat: (path) => {
      try { const st = statSync(path); return { uid: st.uid, gid: st.gid, mode: st.mode }; } catch { return null; }
    },
  };
}

export function hostInterfaces(): string[] {
  try { return readdirSync('/sys/class/net'); } catch { return []; }
}

export const shortHostname = (): string => hostname().split('.')[0] ?? '';

export interface ConfigTestInput {
  file: string;
  configId: string;
  allConfig?: boolean;
  knownInterfaces?: readonly string[];
  scriptEnv?: ScriptEnv;
  source?: ConfigSource;
}

/** `-t`: the daemon's load path with host facts, returning what to print and the exit code. */
export function configTest(input: ConfigTestInput): LoadResult {
  return loadConfig(input.file, {
    source: input.source ?? fsConfigSource(), configId: input.configId,
    ...(input.allConfig ? { allConfig: true } : {}),
    ...(input.knownInterfaces ? { knownInterfaces: input.knownInterfaces } : {}),
    ...(input.scriptEnv ? { scriptEnv: input.scriptEnv } : {}),
    env: process.env,
  });
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch { return 'unknown'; }
}

/** `keepalived-ts ipvs list|save|restore`: ipvsadm's -Ln / -Sn / -R, over our own IPVS client. */
async function ipvsCommand(args: string[]): Promise<number> {
  const [{ runIpvsCommand }, { IpvsClient }] = await Promise.all([import('../ipvs/cli.js'), import('../ipvs/client.js')]);
  let client: Awaited<ReturnType<typeof IpvsClient.dial>>;
  try {
    client = await IpvsClient.dial();
  } catch (err) {
    process.stderr.write(`keepalived-ts ipvs: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    return await runIpvsCommand(args, {
      client,
      readStdin: async () => { let t = ''; for await (const c of process.stdin) t += String(c); return t; },
      write: (text) => process.stdout.write(text),
    });
  } finally {
    client.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'ipvs') return ipvsCommand(argv.slice(1));
  if (argv[0] === 'status') {
    const { runStatusCommand } = await import('./status-cli.js');
    return runStatusCommand(argv.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
  }
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`keepalived-ts: ${parsed.error}\n${HELP}`);
    return 1;
  }
  const o = parsed.opts;
  if (o.help) { process.stdout.write(HELP); return 0; }
  if (o.signum !== null) {
    // keepalived-exporter asks `--signum=DATA` etc. which signal to send for a dump.
    const { SIGNUM } = await import('./dump-files.js');
    const n = SIGNUM[o.signum.toUpperCase()];
    if (n === undefined) { process.stderr.write(`keepalived-ts: unknown signal name '${o.signum}'\n`); return 1; }
    process.stdout.write(`${n}\n`);
    return 0;
  }
  if (o.version) { process.stdout.write(`keepalived-ts v${version()} (keepalived 2.2.7 compatible configuration)\n`); return 0; }
  if (o.configTest || o.dumpConf || o.dumpJson) {
    const r = configTest({
      file: o.file, configId: o.configId ?? shortHostname(), allConfig: o.allConfig,
      knownInterfaces: hostInterfaces(), scriptEnv: hostScriptEnv(),
    });
    for (const d of r.diags) process.stderr.write(formatDiagnostic(d) + '\n');
    // dump.js is only needed for -d: not loaded on the -t path.
    if (o.dumpConf) process.stdout.write((await import('../config/dump.js')).dumpConfig(r.config));
    if (o.dumpJson) process.stdout.write(JSON.stringify(r.config, null, 2) + '\n');
    return o.configTest ? r.exitCode : r.exitCode === 2 ? 2 : 0;
  }
  // The daemon (composition root) is loaded lazily so `-t` never needs the native addon.
  const { runDaemon } = await import('./run.js');
  return runDaemon({
    configPath: o.file, configId: o.configId ?? shortHostname(), allConfig: o.allConfig,
    logConsole: o.logConsole, logDetail: o.logDetail, statusSocket: o.statusSocket, metricsListen: o.metricsListen,
    // keepalived: -P and -C each select a subsystem; neither selects all.
    subsystems: o.vrrpOnly || o.checkOnly ? { vrrp: o.vrrpOnly, check: o.checkOnly } : { vrrp: true, check: true },
    pidFiles: { main: o.pidFile, vrrp: o.vrrpPidFile, checkers: o.checkersPidFile },
    syslog: o.syslog ? { facility: o.logFacility, path: o.syslogSocket } : null,
    ignoreSigint: o.ignoreSigint,
    release: { vrrp: !o.dontReleaseVrrp, ipvs: !o.dontReleaseIpvs },
  });
}
