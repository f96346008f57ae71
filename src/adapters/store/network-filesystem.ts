/**
 * Refuses a SQLite database on a network filesystem. SQLite's WAL needs shared memory between the processes that
 * open the file, and its locks are unreliable over NFS and SMB (https://sqlite.org/wal.html, "WAL does not work
 * over a network filesystem"): two replicas on two hosts would each believe they hold the write lock, and
 * exactly-once decisions would silently break. Several replicas on one SQLite file: same host only.
 */
import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError } from './store-errors.js';

/** statfs(2) f_type magic numbers of network and cluster filesystems (linux/magic.h, statfs(2)). */
const NETWORK_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x00c36400, 'CephFS'],
  [0x01021997, '9p'],
  [0x5346414f, 'AFS'],
  [0x6b414653, 'AFS'],
  [0x73757245, 'Coda'],
  [0x564c, 'NCP'],
  [0x0bd00bd0, 'Lustre'],
  [0x47504653, 'GPFS'],
  [0x01161970, 'GFS2'],
  [0x7461636f, 'OCFS2'],
]);

/** The network filesystem's name for a statfs type, or null for a local one. */
export function networkFilesystemName(type: number): string | null {
  return NETWORK_FILESYSTEMS.get(type) ?? null;
}

export type StatFs = (path: string) => { type: number };

/** Throws a StoreError (code `network_filesystem`) when the database file's directory is on a network filesystem. */
export function refuseNetworkFilesystem(file: string, statfs: StatFs = statfsSync): void {
  if (file === ':memory:' || file === '') return;
  const dir = dirname(resolve(file));
  const name = networkFilesystemName(statfs(dir).type);
  if (name === null) return;
  throw new StoreError('network_filesystem', `database ${file} is on a network filesystem (${name})`, {
    userMessage:
      `The database ${file} is on a network filesystem (${name}). SQLite's write-ahead log does not work there and two ` +
      'replicas could both decide the same fix. Put the SQLite file on a local disk (several replicas on one SQLite file: ' +
      'same host only), or use PostgreSQL for replicas on several hosts: VMLOCKS_DB=postgres://user@host/db.',
  });
}
