/**
 * The ceph half of the CephPort: the OSD blocklist. Pacific renamed `ceph osd blacklist` to `blocklist` (16.2.0;
 * the old spelling still works there, reference `blacklist-ls-old-spelling.txt`); clusters older than that answer
 * `blocklist` with "no valid command found" (exit 22, EINVAL). The first call finds out, and the spelling that
 * worked is kept for the following ones.
 */
import type { EntityAddr } from '../../core/ids.js';
import type { BlocklistEntry } from '../../core/snapshot.js';
import type { CommandRecord } from '../../ports.js';
import { classifyFailure, type CallContext } from './classify-failure.js';
import { parseOutput } from './parse-output.js';
import { runCli, toRecord, type CliOutput, type CliSettings } from './run-cli.js';
import { CephBlocklist } from './schemas.js';
import { checkClientAddress, checkExpirySeconds } from './validate-input.js';

export type BlocklistSpelling = 'blocklist' | 'blacklist';

export interface CephCalls {
  listBlocklist(): Promise<BlocklistEntry[]>;
  addToBlocklist(address: EntityAddr, expireSeconds: number): Promise<CommandRecord>;
  /** The spelling in use: `blocklist` until a cluster refused it. */
  blocklistSpelling(): BlocklistSpelling;
}

const UNKNOWN_COMMAND = /no valid command found|unrecognized command|unknown command/i;

function isUnknownCommand(out: CliOutput): boolean {
  return out.exitCode === 22 && UNKNOWN_COMMAND.test(out.stderr);
}

export function createCephCalls(s: CliSettings): CephCalls {
  let spelling: BlocklistSpelling = 'blocklist';

  /** `ceph osd <blocklist|blacklist> <rest>`, falling back to the old spelling once when the cluster does not know the new one. */
  async function osdBlocklist(rest: string[], ctx: Omit<CallContext, 'action'>): Promise<CliOutput> {
    let out = await runCli(s, 'ceph', ['osd', spelling, ...rest]);
    if (spelling === 'blocklist' && isUnknownCommand(out)) {
      const old = await runCli(s, 'ceph', ['osd', 'blacklist', ...rest]);
      if (!isUnknownCommand(old)) {
        spelling = 'blacklist';
        out = old;
      }
    }
    if (out.exitCode !== 0) throw classifyFailure(s, out, { action: `ceph osd ${spelling} ${rest[0] ?? ''}`.trim(), ...ctx });
    return out;
  }

  return {
    async listBlocklist() {
      // stdout: "\n[...][]" (address list, then range list); "listed N entries" goes to stderr
      const out = await osdBlocklist(['ls', '--format', 'json'], { target: 'the OSD blocklist' });
      return parseOutput(CephBlocklist, out, `ceph osd ${spelling} ls`).map((e) => ({ address: e.addr, until: e.until }));
    },
    async addToBlocklist(address, expireSeconds) {
      const a = checkClientAddress(address);
      const seconds = checkExpirySeconds(expireSeconds);
      // an explicit expiry: without one Ceph uses 1 h; stderr says "blocklisting <addr> until <time> (<n> sec)"
      const out = await osdBlocklist(['add', a, String(seconds)], { target: a, needsBlocklist: true });
      return toRecord(out);
    },
    blocklistSpelling: () => spelling,
  };
}
