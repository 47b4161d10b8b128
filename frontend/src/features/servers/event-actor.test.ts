import { describe, expect, it } from 'vitest';
import { actorLabel } from './event-actor';

describe('actorLabel', () => {
  it('names who caused a server event', () => {
    expect(actorLabel({ kind: 'user', id: 1, name: 'admin' })).toBe('by admin');
    expect(actorLabel({ kind: 'token', id: 4, name: 'deploy bot' })).toBe('by API token deploy bot');
    expect(actorLabel({ kind: 'schedule', id: 2, name: 'nightly restart' })).toBe('by schedule nightly restart');
    expect(actorLabel({ kind: 'system' })).toBe('by Languard');
  });

  it('falls back to the id, and says nothing for events recorded before actors were', () => {
    expect(actorLabel({ kind: 'user', id: 7 })).toBe('by user #7');
    expect(actorLabel(null)).toBeNull();
    expect(actorLabel(undefined)).toBeNull();
  });
});
