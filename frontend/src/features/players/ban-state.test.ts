import { describe, expect, it } from 'vitest';
import { banExpiry, banScope, banState } from './ban-state';

describe('ban state', () => {
  it('tells active, lifted and expired bans apart', () => {
    expect(banState({ active: true, lifted_at: null, lifted_by: null })).toBe('active');
    expect(banState({ active: false, lifted_at: '2024-01-01T00:00:00Z', lifted_by: 'admin' })).toBe('lifted');
    expect(banState({ active: false, lifted_at: '2024-01-01T00:00:00Z', lifted_by: 'expiry' })).toBe('expired');
    // Run out but not yet swept by the server.
    expect(banState({ active: false, lifted_at: null, lifted_by: null })).toBe('expired');
  });
  it('describes the expiry', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(banExpiry({ expires_at: null }, now)).toBe('permanent');
    expect(banExpiry({ expires_at: '2024-05-01T15:20:00Z' }, now)).toBe('in 3h 20m');
    expect(banExpiry({ expires_at: '2024-05-01T12:00:30Z' }, now)).toBe('in 30s');
    expect(banExpiry({ expires_at: '2024-04-01T12:00:00Z' }, now)).not.toMatch(/^in /);
  });
  it('names where a ban applies', () => {
    expect(banScope({ global: true, server_name: null, server_id: null })).toBe('global');
    expect(banScope({ global: false, server_name: 'eu-1', server_id: 3 })).toBe('eu-1');
    expect(banScope({ global: false, server_name: null, server_id: 3 })).toBe('server #3');
  });
});
