#!/usr/bin/env node
/** The `vmlocks` command: serve | inspect | audit | help. The only reader of process.env and process.argv. */
import { parseArgs } from 'node:util';
import { createLogger } from './adapters/observability/logger.js';
import { auditCommand } from './cli/audit-command.js';
import { clearRunCommand } from './cli/clear-run-command.js';
import { migrateCommand } from './cli/migrate-command.js';
import { hostCommand, inspectCommand, type CliIo } from './cli/inspect-command.js';
import { terminalIo } from './cli/terminal-text.js';
import { loadBaseConfig, loadConfig } from './config.js';
import { serve } from './main.js';

const USAGE = `usage:
  vmlocks serve                              run the Slack bot (npm start)
  vmlocks inspect <instance> [--json]        diagnose an instance's RBD locks (read-only)
  vmlocks host <compute-host> [--json]       diagnose every instance of a compute host (read-only)
  vmlocks audit [--instance UUID] [--request ID] [--limit N] [--json]
  vmlocks clear-run <request-id> --reason TEXT   free an instance guarded by an interrupted run whose runner is gone
  vmlocks migrate                            create or upgrade the database schema (VMLOCKS_DB) and exit
  vmlocks help
Configuration comes from the environment: see the table in README.md.`;

// Tenant text (VM names, Ceph/Nova errors) cannot drive the terminal: every line is made terminal-safe.
const io: CliIo = terminalIo({ out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) });

const OPTIONS = {
  json: { type: 'boolean', default: false }, instance: { type: 'string' }, request: { type: 'string' }, limit: { type: 'string' }, reason: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    return fail(`vmlocks: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command === 'serve') {
    const cfg = loadConfig(process.env);
    if (!cfg.ok) return fail(cfg.error, 1);
    const logger = createLogger({ level: cfg.value.logLevel });
    const running = await serve(cfg.value, logger);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ event: 'stopping', signal }, 'stopping: finishing running fixes');
        running.stop().then(() => process.exit(0), (e: unknown) => { logger.error({ err: e }, 'stop failed'); process.exit(1); });
      });
    }
    return -1; // keep running
  }
  const cfg = loadBaseConfig(process.env);
  if (!cfg.ok) return fail(cfg.error, 1);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  if (command === 'inspect') {
    if (rest.length !== 1) return fail(`vmlocks inspect takes one instance name or UUID (quote names with spaces)\n${USAGE}`, 2);
    return inspectCommand(cfg.value, rest[0] ?? '', { json: values.json ?? false }, io, logger);
  }
  if (command === 'host') {
    if (rest.length !== 1) return fail(`vmlocks host takes one compute host name\n${USAGE}`, 2);
    return hostCommand(cfg.value, rest[0] ?? '', { json: values.json ?? false }, io, logger);
  }
  if (command === 'audit') {
    return auditCommand(cfg.value, { instance: values.instance, request: values.request, limit: values.limit === undefined ? undefined : Number(values.limit), json: values.json ?? false }, io);
  }
  if (command === 'clear-run') {
    if (rest.length !== 1) return fail(`vmlocks clear-run takes one fix request id\n${USAGE}`, 2);
    return clearRunCommand(cfg.value, rest[0] ?? '', { ...(values.reason !== undefined ? { reason: values.reason } : {}) }, io);
  }
  if (command === 'migrate') return migrateCommand(cfg.value, io);
  return fail(`vmlocks: unknown command "${command}"\n${USAGE}`, 2);
}

function fail(message: string, code: number): number {
  io.err(message);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exitCode = code; },
  (e: unknown) => {
    const userMessage = e instanceof Error ? Reflect.get(e, 'userMessage') : undefined;
    io.err(typeof userMessage === 'string' ? `vmlocks: ${userMessage}` : `vmlocks: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
