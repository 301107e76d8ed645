/**
 * `keepalived-ts ipvs list|save|restore`: what an operator would otherwise do with ipvsadm -Ln,
 * ipvsadm-save -n and ipvsadm-restore. The daemon's CLI parses the top level and calls
 * runIpvsCommand with the remaining arguments, an open IpvsClient and its stdio.
 */
import { formatList, formatSave, parseRestore, restoreOp, type ListVariant } from './format.js';
import type { IpvsClient } from './client.js';
import type { IpvsOp } from './reconcile.js';

export interface IpvsCliIo {
  client: Pick<IpvsClient, 'table' | 'info' | 'apply' | 'flush'>;
  readStdin: () => Promise<string>;
  write: (text: string) => void;
}

export const IPVS_CLI_USAGE = `usage: keepalived-ts ipvs list [--stats|--rate|--thresholds|--persistent-conn|--tun-info] [--exact] [--nosort]
       keepalived-ts ipvs save                 (ipvsadm -Sn format)
       keepalived-ts ipvs restore < rules      (ipvsadm-restore format)
`;

const listFlags: Record<string, ListVariant> = {
  '--stats': 'stats', '--rate': 'rate', '--thresholds': 'thresholds', '--persistent-conn': 'persistent-conn', '--tun-info': 'tun-info',
};

/** Runs one ipvs subcommand; resolves with the process exit code (usage errors: 2, failures: 1). */
export async function runIpvsCommand(args: string[], io: IpvsCliIo): Promise<number> {
  const [cmd, ...rest] = args;
  if (cmd === 'list') {
    let variant: ListVariant = 'default';
    let exact = false, sort = true;
    for (const a of rest) {
      if (a in listFlags) variant = listFlags[a]!;
      else if (a === '--exact') exact = true;
      else if (a === '--nosort') sort = false;
      else if (a === '-n' || a === '--numeric') continue; // output is always numeric
      else return usage(io, `unknown list option "${a}"`);
    }
    const [table, info] = [await io.client.table(), await io.client.info()];
    io.write(formatList(table, info, { variant, exact, sort }));
    return 0;
  }
  if (cmd === 'save') {
    if (rest.some((a) => a !== '-n')) return usage(io, `unknown save option "${rest.join(' ')}"`);
    io.write(formatSave(await io.client.table()));
    return 0;
  }
  if (cmd === 'restore') {
    const parsed = parseRestore(await io.readStdin());
    if (!parsed.ok) {
      io.write(`restore: line ${parsed.reason.line}: ${parsed.reason.msg}\n`);
      return 1;
    }
    // Commands run in order, like ipvsadm-restore; runs between -C lines are pipelined (the
    // kernel handles one socket's requests in order), and the first failure stops the restore.
    let batch: IpvsOp[] = [];
    const flushBatch = async (): Promise<void> => { if (batch.length) await io.client.apply(batch); batch = []; };
    try {
      for (const c of parsed.value) {
        const op = restoreOp(c);
        if (op !== 'flush') { batch.push(op); continue; }
        await flushBatch();
        await io.client.flush();
      }
      await flushBatch();
    } catch (err) {
      io.write(`restore: ${(err as Error).message}\n`);
      return 1;
    }
    return 0;
  }
  return usage(io, cmd === undefined ? 'missing subcommand' : `unknown subcommand "${cmd}"`);
}

function usage(io: IpvsCliIo, why: string): number {
  io.write(`${why}\n${IPVS_CLI_USAGE}`);
  return 2;
}
