import { describe, expect, it } from 'vitest';
import { CommandHistory, historyKey } from './command-history';

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('CommandHistory', () => {
  it('walks back and forth and gives back the line being typed', () => {
    const h = new CommandHistory(memory(), 'k');
    h.record('status');
    h.record('users');
    expect(h.up('half typ')).toBe('users');
    expect(h.up('users')).toBe('status');
    expect(h.up('status')).toBeNull();
    expect(h.down()).toBe('users');
    expect(h.down()).toBe('half typ');
    expect(h.down()).toBeNull();
  });

  it('has nothing to offer when empty', () => {
    const h = new CommandHistory(memory(), 'k');
    expect(h.up('x')).toBeNull();
    expect(h.down()).toBeNull();
  });

  it('skips repeats and blanks, and starts again from the bottom after sending', () => {
    const h = new CommandHistory(memory(), 'k');
    h.record('status');
    h.record(' status ');
    h.record('   ');
    h.record('maps *');
    expect(h.list()).toEqual(['status', 'maps *']);
    h.up('');
    h.up('');
    h.record('status');
    expect(h.list()).toEqual(['status', 'maps *', 'status']);
    expect(h.up('')).toBe('status');
  });

  it('persists per key and keeps only the newest entries', () => {
    const store = memory();
    const a = new CommandHistory(store, historyKey(1), 3);
    ['a', 'b', 'c', 'd'].forEach((c) => a.record(c));
    expect(JSON.parse(store.data.get('languard.console-history.1')!)).toEqual(['b', 'c', 'd']);
    const again = new CommandHistory(store, historyKey(1), 3);
    expect(again.up('')).toBe('d');
    expect(new CommandHistory(store, historyKey(2)).list()).toEqual([]);
  });

  it('survives broken or missing storage', () => {
    expect(new CommandHistory(memory({ k: '{not json' }), 'k').list()).toEqual([]);
    expect(new CommandHistory(memory({ k: '[1, "ok", ""]' }), 'k').list()).toEqual(['ok']);
    const full = { getItem: () => null, setItem: () => { throw new Error('quota'); }, removeItem: () => {} };
    const h = new CommandHistory(full, 'k');
    h.record('status');
    expect(h.up('')).toBe('status');
    const none = new CommandHistory(null, 'k');
    none.record('x');
    expect(none.list()).toEqual(['x']);
  });
});
