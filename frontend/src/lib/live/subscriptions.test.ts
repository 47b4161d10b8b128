import { describe, expect, it } from 'vitest';
import { EMPTY, Interests, fromSubscribed, isEffective, planSync, sameState, type SubState } from './subscriptions';

const state = (all: boolean, servers: number[], channels: SubState['channels']): SubState => ({ all, servers, channels });

describe('Interests', () => {
  it('keeps a server and a channel while any holder needs them', () => {
    const interests = new Interests();
    const a = interests.add({ servers: [1, 2], channels: ['status', 'players'] });
    const b = interests.add({ servers: [2], channels: ['console', 'status'] });
    expect(interests.desired()).toEqual({ all: false, servers: [1, 2], channels: ['console', 'players', 'status'] });
    a();
    expect(interests.desired()).toEqual({ all: false, servers: [2], channels: ['console', 'status'] });
    a(); // a second release must not take b's references
    expect(interests.desired()).toEqual({ all: false, servers: [2], channels: ['console', 'status'] });
    b();
    expect(interests.desired()).toEqual(EMPTY);
  });

  it('counts duplicates inside one interest once', () => {
    const interests = new Interests();
    const a = interests.add({ servers: [3, 3], channels: ['log', 'log'] });
    const b = interests.add({ servers: [3], channels: ['log'] });
    a();
    expect(interests.desired()).toEqual({ all: false, servers: [3], channels: ['log'] });
    b();
    expect(interests.desired()).toEqual(EMPTY);
  });

  it('lets "*" cover the ids and leaves out refused servers', () => {
    const interests = new Interests();
    interests.add({ servers: [4, 9], channels: ['status'] });
    const all = interests.add({ servers: '*', channels: ['players'] });
    expect(interests.desired()).toEqual({ all: true, servers: [], channels: ['players', 'status'] });
    all();
    expect(interests.desired(new Set([9]))).toEqual({ all: false, servers: [4], channels: ['status'] });
  });
});

describe('planSync', () => {
  it('subscribes from nothing in one message, naming the channels', () => {
    expect(planSync(EMPTY, state(false, [1, 2], ['console', 'log']))).toEqual([
      { type: 'subscribe', servers: [1, 2], channels: ['console', 'log'] },
    ]);
  });

  it('carries resume on the subscribe after a reconnect', () => {
    expect(planSync(EMPTY, state(true, [], ['status']), { resume: 41 })).toEqual([
      { type: 'subscribe', servers: '*', channels: ['status'], resume: 41 },
    ]);
  });

  it('sends nothing when nothing changes', () => {
    const s = state(false, [1], ['status']);
    expect(planSync(s, s)).toEqual([]);
  });

  it('adds only what is missing', () => {
    expect(planSync(state(false, [1], ['status']), state(false, [1, 5], ['players', 'status']))).toEqual([
      { type: 'subscribe', servers: [5], channels: ['players'] },
    ]);
  });

  it('removes servers and channels nobody needs any more', () => {
    expect(planSync(state(false, [1, 5], ['console', 'status']), state(false, [5], ['status']))).toEqual([
      { type: 'unsubscribe', servers: [1], channels: ['console'] },
    ]);
  });

  it('drops "*" and then re-adds the ids still wanted', () => {
    expect(planSync(state(true, [], ['status']), state(false, [7], ['status']))).toEqual([
      { type: 'unsubscribe', servers: '*' },
      { type: 'subscribe', servers: [7], channels: [] },
    ]);
  });

  it('unsubscribes from everything when nothing selects a frame any more', () => {
    expect(planSync(state(false, [1], ['status']), state(false, [1], []))).toEqual([{ type: 'unsubscribe' }]);
    expect(planSync(state(false, [1], ['status']), EMPTY)).toEqual([{ type: 'unsubscribe' }]);
    expect(planSync(EMPTY, EMPTY)).toEqual([]);
  });

  it('splits new servers into one message each when asked', () => {
    expect(planSync(EMPTY, state(false, [1, 2], ['status']), { split: true })).toEqual([
      { type: 'subscribe', servers: [], channels: ['status'] },
      { type: 'subscribe', servers: [1], channels: [] },
      { type: 'subscribe', servers: [2], channels: [] },
    ]);
  });
});

describe('subscribed frames', () => {
  it('read into a sorted state, ignoring ids while all servers are on', () => {
    expect(fromSubscribed({ all_servers: false, servers: [3, 1], channels: ['status', 'console'] })).toEqual({
      all: false,
      servers: [1, 3],
      channels: ['console', 'status'],
    });
    expect(fromSubscribed({ all_servers: true, servers: [3], channels: ['status'] })).toEqual({ all: true, servers: [], channels: ['status'] });
    expect(fromSubscribed(null)).toEqual(EMPTY);
  });

  it('compare and tell whether they select anything', () => {
    expect(sameState(fromSubscribed({ servers: [2, 1], channels: ['log'] }), state(false, [1, 2], ['log']))).toBe(true);
    expect(sameState(state(false, [1], ['log']), state(true, [], ['log']))).toBe(false);
    expect(isEffective(state(true, [], []))).toBe(false);
    expect(isEffective(state(true, [], ['log']))).toBe(true);
  });
});
