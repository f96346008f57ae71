import { statfsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/index.js';
import { networkFilesystemName } from '../../../src/adapters/store/network-filesystem.js';
import { tempDir } from './support/sample-request.js';

describe('SQLite on a network filesystem', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('names NFS, SMB/CIFS and CephFS by their statfs magic, and not local filesystems (ext4, xfs, tmpfs, overlayfs)', () => {
    expect([0x6969, 0xff534d42, 0xfe534d42, 0x517b, 0x00c36400].map(networkFilesystemName)).toEqual(['NFS', 'CIFS', 'SMB2', 'SMB', 'CephFS']);
    expect([0xef53, 0x58465342, 0x01021994, 0x794c7630].map(networkFilesystemName)).toEqual([null, null, null, null]);
  });

  it('refuses a database file on NFS at start, pointing to PostgreSQL, and creates nothing', () => {
    const nfs = (path: string) => (path === tmp.dir ? { type: 0x6969 } : statfsSync(path));
    let caught: unknown;
    try {
      openSqliteStore({ path: tmp.file(), statfs: nfs });
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({
      code: 'network_filesystem',
      userMessage: expect.stringMatching(/network filesystem \(NFS\).*same host only.*VMLOCKS_DB=postgres:\/\//s),
    });
    expect(statfsSync(tmp.dir)).toBeDefined();
    expect(() => statfsSync(tmp.file())).toThrow(/ENOENT/);
  });

  it('opens a database file on this machine\'s local temporary directory', async () => {
    const store = openSqliteStore({ path: tmp.file() });
    expect(store.kind).toBe('sqlite');
    await store.close();
  });
});
