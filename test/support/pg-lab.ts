/**
 * The PostgreSQL lab (scripts/pg-lab.sh): its URL, and a fresh schema per test (a database of its own would cost a
 * CREATE DATABASE each time). The schema is selected by the connection's search_path, given in the URL as libpq's
 * `options` parameter, the same way an operator could put vmlocks in a schema of its own.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function pgLabUrl(): string {
  return process.env.VMLOCKS_LAB_PG_URL ?? `postgres://vmlocks@127.0.0.1:${process.env.PG_LAB_PORT ?? '45432'}/vmlocks`;
}

export interface PgSchema {
  name: string;
  /** The lab URL with this schema as search_path. */
  url: string;
  /** Runs SQL as the lab's owner role, in this schema. */
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export async function freshPgSchema(prefix = 't'): Promise<PgSchema> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgLabUrl() });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.query(`SET search_path = ${name}`);
  const url = `${pgLabUrl()}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
  return {
    name,
    url,
    query: (sql, params) => admin.query(sql, params),
    drop: async () => {
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
}
