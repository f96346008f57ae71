import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/observability/logger.js';

function capture(level: string): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString('utf8')); done(); } });
  return { lines, logger: createLogger({ level, destination }) };
}

describe('log redaction', () => {
  it.each(['trace', 'debug', 'info', 'warn', 'error'] as const)('hides Slack payload secrets at every depth at %s', (level) => {
    const { lines, logger } = capture('trace');
    const payload = { response_url: 'https://hooks.slack.com/actions/T0/1/SECRET1', trigger_id: '1.2.SECRET2', token: 'SECRET3' };
    logger[level]({ body: { payload, user: { id: 'U0ALICE001' } }, response_url: 'https://hooks.slack.com/commands/SECRET4', args: { token: 'xoxb-SECRET5' } }, 'a payload');
    const out = lines.join('');
    expect(out).not.toMatch(/SECRET\d/);
    expect(out).toContain('U0ALICE001');
    expect(out).toContain('[redacted]');
  });
});
