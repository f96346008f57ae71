import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/adapters/store/index.js';
import type { AuditEntry } from '../../../src/ports.js';
import { sampleRequest, tempDir } from './support/sample-request.js';

const INSTANCE_A = '8a1e4c1e-0d7b-4c59-9a34-7d1f3c2b5e01';
const INSTANCE_B = '5f2d9c3a-6b1e-4a7f-8c2d-1e9b0a3c4d02';

const removeLock: AuditEntry = {
  at: '2025-03-01T02:25:02.000Z',
  actor: 'system',
  action: 'command',
  instanceId: INSTANCE_A,
  requestId: 'req-1',
  detail: 'break: removed lock auto 139771353454720',
  command: {
    argv: ['rbd', '--id', 'vmlocks', 'lock', 'rm', `vms/${INSTANCE_A}_disk`, 'auto 139771353454720', 'client.4235'],
    exitCode: 0,
    durationMs: 182,
    stdoutExcerpt: '',
    stderrExcerpt: '',
  },
};

const hardReboot: AuditEntry = {
  at: '2025-03-01T02:25:03.000Z',
  actor: 'system',
  action: 'http',
  instanceId: INSTANCE_A,
  requestId: 'req-1',
  detail: 'reboot: hard reboot accepted',
  http: { method: 'POST', path: `/servers/${INSTANCE_A}/action`, status: 202, requestId: 'req-5a0c1c1e-4d2b', durationMs: 95, body: { reboot: { type: 'HARD' } } },
};

const inspectB: AuditEntry = {
  at: '2025-03-01T02:26:00.000Z', actor: 'U0ONCALL', action: 'inspect', instanceId: INSTANCE_B, requestId: null, detail: 'verdict alive',
};

describe('SQLite audit log', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  beforeEach(() => {
    tmp = tempDir();
    store = openSqliteStore({ path: tmp.file() });
  });
  afterEach(() => {
    store.close();
    tmp.remove();
  });

  it('keeps the exact argv, HTTP request, exit code, status and duration of each entry', () => {
    for (const e of [removeLock, hardReboot, inspectB]) store.append(e);
    expect(store.list({})).toEqual([removeLock, hardReboot, inspectB]);
  });

  it('filters by instance or request, newest last, keeping the newest when limited', () => {
    for (const e of [removeLock, inspectB, hardReboot]) store.append(e);
    expect(store.list({ instanceId: INSTANCE_A })).toEqual([removeLock, hardReboot]);
    expect(store.list({ requestId: 'req-1', limit: 1 })).toEqual([hardReboot]);
    expect(store.list({ instanceId: INSTANCE_B, requestId: 'req-1' })).toEqual([]);
    expect(store.list({ limit: 2 })).toEqual([inspectB, hardReboot]);
  });

  it('refuses to update or delete an audit row, even from another connection', () => {
    store.append(removeLock);
    const raw = new Database(tmp.file());
    expect(() => raw.prepare("UPDATE audit_log SET detail = 'nothing happened'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    raw.close();
    expect(store.list({})).toEqual([removeLock]);
  });

  it('keeps decisions and run starts append-only too', () => {
    const request = sampleRequest();
    store.create(request);
    store.transition(request.id, ['pending'], 'approved', { decidedBy: 'U0APPROVER' });
    store.transition(request.id, ['approved'], 'running');
    const raw = new Database(tmp.file());
    expect(() => raw.prepare('DELETE FROM decisions').run()).toThrow(/append-only/);
    expect(() => raw.prepare("UPDATE fix_runs SET started_at = '1970-01-01T00:00:00.000Z'").run()).toThrow(/append-only/);
    raw.close();
    expect(store.listDecisions(request.id)).toHaveLength(1);
    expect(store.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(1);
  });

  it('exposes argv, exit code, status and duration as columns for the sqlite3 shell', () => {
    for (const e of [removeLock, hardReboot]) store.append(e);
    const raw = new Database(tmp.file(), { readonly: true });
    const rows = raw.prepare('SELECT argv, exit_code, http_status, duration_ms FROM audit_log ORDER BY seq').all();
    raw.close();
    expect(rows).toEqual([
      { argv: JSON.stringify(removeLock.command?.argv), exit_code: 0, http_status: null, duration_ms: 182 },
      { argv: null, exit_code: null, http_status: 202, duration_ms: 95 },
    ]);
  });
});
