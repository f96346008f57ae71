/** The append-only audit log on PostgreSQL (triggers refuse UPDATE, DELETE and TRUNCATE for every role). */
import type { Pool } from 'pg';
import type { AuditEntry, AuditLog } from '../../../ports.js';
import { StoredAuditEntry, parseRow } from '../stored-rows.js';

const DEFAULT_AUDIT_LIMIT = 200;
const MAX_LIMIT = 10_000;

export function createPgAuditLog(pool: Pool): AuditLog {
  async function append(entry: AuditEntry): Promise<void> {
    await pool.query(`INSERT INTO audit_log (at, actor, action, instance_id, request_id, detail, command, http)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      entry.at, entry.actor, entry.action, entry.instanceId, entry.requestId, entry.detail,
      entry.command ? JSON.stringify(entry.command) : null, entry.http ? JSON.stringify(entry.http) : null,
    ]);
  }

  /** The newest `limit` entries matching the filter, oldest first (newest last). */
  async function list(filter: { instanceId?: string; requestId?: string; limit?: number }): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.instanceId !== undefined) {
      params.push(filter.instanceId);
      where.push(`instance_id = $${params.length}`);
    }
    if (filter.requestId !== undefined) {
      params.push(filter.requestId);
      where.push(`request_id = $${params.length}`);
    }
    params.push(Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_AUDIT_LIMIT), 0), MAX_LIMIT));
    const r = await pool.query(`SELECT * FROM (
        SELECT seq, at, actor, action, instance_id, request_id, detail, command::text AS command, http::text AS http FROM audit_log
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}
      ) newest ORDER BY seq ASC`, params);
    return r.rows.map((row: { seq?: unknown }) => parseRow(StoredAuditEntry, row, `audit entry ${String(row.seq ?? '?')}`));
  }

  return { append, list };
}
