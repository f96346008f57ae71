/**
 * The append-only audit log on SQLite: who, when, what, the exact argv or HTTP request, the exit code or status,
 * output excerpts and the duration. Triggers refuse UPDATE and DELETE of its rows for every writer.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { AuditEntry, AuditLog } from '../../ports.js';
import { StoredAuditEntry, parseRow } from './stored-rows.js';

/** list() returns at most this many entries when no limit is given, and never more than MAX_LIMIT. */
export const DEFAULT_AUDIT_LIMIT = 200;
const MAX_LIMIT = 10_000;

export function createSqliteAuditLog(db: BetterSqlite3.Database): AuditLog {
  const insert = db.prepare(`INSERT INTO audit_log (at, actor, action, instance_id, request_id, detail, command, http)
    VALUES (@at, @actor, @action, @instanceId, @requestId, @detail, @command, @http)`);

  function append(entry: AuditEntry): void {
    insert.run({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      instanceId: entry.instanceId,
      requestId: entry.requestId,
      detail: entry.detail,
      command: entry.command ? JSON.stringify(entry.command) : null,
      http: entry.http ? JSON.stringify(entry.http) : null,
    });
  }

  /** The newest `limit` entries matching the filter, oldest first (newest last). */
  function list(filter: { instanceId?: string; requestId?: string; limit?: number }): AuditEntry[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.instanceId !== undefined) {
      where.push('instance_id = ?');
      params.push(filter.instanceId);
    }
    if (filter.requestId !== undefined) {
      where.push('request_id = ?');
      params.push(filter.requestId);
    }
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_AUDIT_LIMIT), 0), MAX_LIMIT);
    const sql = `SELECT * FROM (
        SELECT seq, at, actor, action, instance_id, request_id, detail, command, http FROM audit_log
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?
      ) ORDER BY seq ASC`;
    return db
      .prepare(sql)
      .all(...params, limit)
      .map((row) => parseRow(StoredAuditEntry, row, `audit entry ${auditSeq(row)}`));
  }

  return { append: async (entry) => append(entry), list: async (filter) => list(filter) };
}

function auditSeq(row: unknown): string {
  return typeof row === 'object' && row !== null && 'seq' in row ? String(row.seq) : '?';
}
