import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/index.js';

const mode = (file: string): number => statSync(file).mode & 0o777;

describe('the SQLite files', () => {
  it('are created readable by their owner only: the database, its -wal and its -shm', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vmlocks-mode-')), 'vmlocks.db');
    const store = openSqliteStore({ path });
    try {
      expect([mode(path), mode(`${path}-wal`), mode(`${path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      store.close();
    }
  });

  it('narrows an existing world-readable database to 0600 when it is opened', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vmlocks-mode-')), 'vmlocks.db');
    writeFileSync(path, '', { mode: 0o644 });
    const store = openSqliteStore({ path });
    try {
      expect(mode(path)).toBe(0o600);
    } finally {
      store.close();
    }
  });
});
