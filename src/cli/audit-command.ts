/** `vmlocks audit [--instance X] [--request R] [--limit N] [--json]`: the audit trail, oldest first. */
import { openStore } from '../adapters/store/index.js';
import type { BaseConfig } from '../config.js';
import type { AuditEntry } from '../ports.js';
import type { CliIo } from './inspect-command.js';
import { jsonForTerminal } from './terminal-text.js';

function formatEntry(e: AuditEntry): string {
  const what = e.command ? ` $ ${e.command.argv.join(' ')} → exit ${e.command.exitCode} (${e.command.durationMs} ms)`
    : e.http ? ` ${e.http.method} ${e.http.path} → ${e.http.status}${e.http.requestId ? ` ${e.http.requestId}` : ''} (${e.http.durationMs} ms)` : '';
  const ids = [e.requestId, e.instanceId].filter((x) => x !== null).join(' ');
  return `${e.at}  ${e.actor.padEnd(12)} ${e.action.padEnd(11)} ${ids}  ${e.detail}${what}`;
}

export async function auditCommand(cfg: BaseConfig, opts: { instance?: string; request?: string; limit?: number; json: boolean }, io: CliIo): Promise<number> {
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) {
    io.err('vmlocks audit: --limit takes a whole number above 0');
    return 2;
  }
  const store = await openStore(cfg.dbPath);
  try {
    const entries = await store.list({
      ...(opts.instance ? { instanceId: opts.instance.toLowerCase() } : {}),
      ...(opts.request ? { requestId: opts.request } : {}),
      limit: opts.limit ?? 1000,
    });
    if (opts.json) io.out(jsonForTerminal(entries));
    else if (entries.length === 0) io.out('(no audit entries)');
    else io.out(entries.map(formatEntry).join('\n'));
    return 0;
  } finally {
    await store.close();
  }
}
