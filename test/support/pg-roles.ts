/**
 * The role set-up of docs/postgres.md ("Roles: the owner migrates, the bot only reads and appends"), run on the
 * PostgreSQL lab exactly as the doc writes it: its SQL blocks are read from the doc itself (so that doc and tests
 * cannot drift), with the role and database names made unique. The schema is created by the real CLI
 * (`vmlocks migrate`, dist/cli.js) connected as the owner role.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { CLI } from './bot-process.js';

const DOC = fileURLToPath(new URL('../../docs/postgres.md', import.meta.url));
const port = (): string => process.env.PG_LAB_PORT ?? '45432';
/** The lab's superuser (scripts/pg-lab.sh: trust authentication on 127.0.0.1 only). */
export const pgLabAdminUrl = (db = 'postgres'): string => `postgres://postgres@127.0.0.1:${port()}/${db}`;

/** The ```sql block of docs/postgres.md's roles section whose text contains `marker`. */
export function docSqlBlock(marker: string): string {
  const doc = readFileSync(DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## Roles'));
  const block = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes(marker));
  if (block === undefined) throw new Error(`docs/postgres.md: no sql block with "${marker}" in the roles section`);
  return block;
}

/** Runs a psql-style script: `--` comments, `;`-terminated statements, `\c db` (reconnects as the same user). */
async function runScript(url: string, script: string): Promise<void> {
  let client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let statement = '';
    for (const line of script.split('\n').map((l) => l.replace(/--.*$/, '').trim()).filter((l) => l !== '')) {
      const reconnect = /^\\c\s+(\S+)$/.exec(line);
      if (reconnect) {
        await client.end();
        const next = new URL(url);
        next.pathname = `/${reconnect[1] ?? ''}`;
        client = new pg.Client({ connectionString: next.toString() });
        await client.connect();
      } else {
        statement = `${statement} ${line}`.trim();
        if (statement.endsWith(';')) {
          await client.query(statement);
          statement = '';
        }
      }
    }
    if (statement !== '') throw new Error(`a statement without its ';': ${statement}`);
  } finally {
    await client.end();
  }
}

export interface RoleDatabase {
  owner: string;
  bot: string;
  database: string;
  ownerUrl: string;
  botUrl: string;
  /** `vmlocks migrate` (the real CLI) with VMLOCKS_DB=url; rejects on a non-zero exit unless `reject` is false. */
  migrate(url: string, opts?: { reject?: boolean }): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  /** The doc's GRANT block, run as the owner ("after each `vmlocks migrate`"). */
  grant(): Promise<void>;
  /** SQL as `url`'s role, on this database. */
  query(url: string, sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export async function freshRoleDatabase(prefix = 'roles'): Promise<RoleDatabase> {
  const id = `${prefix}_${randomBytes(5).toString('hex')}`;
  const [owner, bot, database] = [`${id}_owner`, `${id}_bot`, id];
  const rename = (sql: string): string => sql
    .replace(/\bvmlocks_owner\b/g, owner).replace(/\bvmlocks_bot\b/g, bot)
    .replace(/\bDATABASE vmlocks\b/g, `DATABASE ${database}`).replace(/^\\c vmlocks$/m, `\\c ${database}`)
    .replace(/'…'/g, `'${randomBytes(8).toString('hex')}'`);
  const setup = rename(docSqlBlock('as a superuser'));
  if (!setup.includes(`\\c ${database}`)) throw new Error(`docs/postgres.md: the set-up block does not connect to the database: ${setup}`);
  await runScript(pgLabAdminUrl(), setup);
  const url = (role: string): string => `postgres://${role}@127.0.0.1:${port()}/${database}`;
  const query = async (u: string, sql: string, params?: unknown[]): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: u });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  return {
    owner, bot, database, ownerUrl: url(owner), botUrl: url(bot), query,
    migrate: async (u, opts = {}) => {
      const r = await execa('node', [CLI, 'migrate'], { env: { VMLOCKS_DB: u }, reject: false, timeout: 60_000, stdin: 'ignore' });
      if (r.exitCode !== 0 && opts.reject !== false) throw new Error(`vmlocks migrate exited ${String(r.exitCode)}: ${r.stderr}`);
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    },
    grant: () => runScript(url(owner), rename(docSqlBlock('as vmlocks_owner, after each'))),
    drop: async () => {
      await query(pgLabAdminUrl(), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await query(pgLabAdminUrl(), `DROP ROLE IF EXISTS ${owner}`);
      await query(pgLabAdminUrl(), `DROP ROLE IF EXISTS ${bot}`);
    },
  };
}
