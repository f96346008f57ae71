/** One schema change. Versions are consecutive from 1; a migration is never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
