/**
 * This process's runner id: random, so that two containers with the same hostname and the same pid (separate pid
 * namespaces) are never taken for one another. The hostname after `@` is only a label for operators; whether a
 * runner is alive is judged by its lease in the database, never by its host or pid (services/run-lease.ts).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function newRunnerId(): string {
  return `${randomBytes(8).toString('hex')}@${hostname()}`;
}
