import { describe, expect, it } from 'vitest';
import { importNotice } from './import-notice';

describe('importNotice', () => {
  it('says nothing when no install was read', () => {
    expect(importNotice(null)).toBeNull();
    expect(importNotice(undefined)).toBeNull();
  });

  it('lists the files, the imported keys, the kept entries and what was not taken', () => {
    const notice = importNotice({
      files: ['server.properties'],
      keys: ['level_name', 'white_list', 'secrets.rcon_password'],
      kept: ['resource-pack'],
      managed: ['server-port'],
      skipped: [{ key: 'view_distance', reason: 'must be between 3 and 32, got 99' }],
    });
    expect(notice).toBe(
      'Read server.properties. Imported: level_name, white_list, secrets.rcon_password. ' +
        'Kept as written: resource-pack. Not taken: view_distance (must be between 3 and 32, got 99).',
    );
  });

  it('shortens long lists', () => {
    const keys = Array.from({ length: 15 }, (_, i) => `k${i}`);
    const notice = importNotice({ files: ['a'], keys, kept: [], managed: [], skipped: [] });
    expect(notice).toBe(`Read a. Imported: ${keys.slice(0, 10).join(', ')} and 5 more.`);
  });
});
