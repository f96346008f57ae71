/**
 * `vmlocks clear-run <request-id> --reason "…"`: an operator's word that an interrupted run's runner is gone (the
 * replica was killed, its host is off), so that the instance is no longer guarded by that run and a new fix can be
 * requested. Audited. Only an interrupted run can be cleared: a running one holds its lease, its runner is alive.
 */
import { userInfo } from 'node:os';
import { openStore } from '../adapters/store/index.js';
import type { BaseConfig } from '../config.js';
import type { CliIo } from './inspect-command.js';

export async function clearRunCommand(cfg: BaseConfig, requestId: string, opts: { reason?: string }, io: CliIo): Promise<number> {
  const reason = opts.reason?.trim() ?? '';
  if (reason.length < 3 || reason.length > 500) {
    io.err('vmlocks clear-run: say why with --reason "…" (3 to 500 characters), e.g. --reason "replica b killed, host rebooted"');
    return 2;
  }
  const store = await openStore(cfg.dbPath);
  try {
    const request = await store.get(requestId);
    if (request === null) {
      io.err(`vmlocks clear-run: there is no fix request ${requestId}`);
      return 2;
    }
    const at = new Date().toISOString();
    const actor = `cli:${userInfo().username}`;
    if (!(await store.clearInterrupted(requestId, { by: actor, reason, at }))) {
      io.err(request.state === 'interrupted'
        ? `vmlocks clear-run: ${requestId} was cleared already`
        : `vmlocks clear-run: ${requestId} is ${request.state}, not interrupted: only an interrupted run can be cleared` +
          (request.state === 'running' ? ' (a running one holds its lease: its runner is alive; it is reported interrupted if its lease lapses)' : ''));
      return 1;
    }
    await store.append({ at, actor, action: 'clear', instanceId: request.instanceId, requestId, detail: `cleared the interrupted run: ${reason}` });
    io.out(`cleared ${requestId} (${request.instanceName}): a new fix can be requested for it`);
    return 0;
  } finally {
    await store.close();
  }
}
