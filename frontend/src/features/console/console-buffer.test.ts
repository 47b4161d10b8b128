import { describe, expect, it } from 'vitest';
import { ConsoleBuffer, stripAnsi } from './console-buffer';

const texts = (b: ConsoleBuffer) => b.toArray().map((l) => l.text);

describe('ConsoleBuffer', () => {
  it('gives a line the level of the log frame published just before it', () => {
    const b = new ConsoleBuffer();
    b.onLog({ source: 'console', level: 'warn', message: 'low memory', kind: 'other' });
    b.onConsole({ source: 'console', line: 'L 02/01/2026 - 10:00:00: low memory' });
    b.onConsole({ source: 'console', line: 'plain line' });
    expect(b.toArray().map((l) => [l.text, l.level])).toEqual([
      ['L 02/01/2026 - 10:00:00: low memory', 'warn'],
      ['plain line', null],
    ]);
  });

  it('pairs levels per source, so an interleaved file does not steal them', () => {
    const b = new ConsoleBuffer();
    b.onLog({ source: 'console', level: 'error' });
    b.onConsole({ source: 'logs/latest.log', line: 'from the file' });
    b.onConsole({ source: 'console', line: 'from stdout' });
    expect(b.toArray().map((l) => [l.source, l.level])).toEqual([
      ['logs/latest.log', null],
      ['console', 'error'],
    ]);
  });

  it('ignores unknown levels and unreadable frames', () => {
    const b = new ConsoleBuffer();
    b.onLog({ source: 'console', level: 'shouting' });
    b.onConsole({ source: 'console', line: 'x' });
    b.onConsole({ line: 42 });
    b.onConsole(null);
    b.onLog('nope');
    expect(b.toArray()).toMatchObject([{ text: 'x', level: null, kind: 'output' }]);
  });

  it('keeps only the newest lines, with increasing ids', () => {
    const b = new ConsoleBuffer(3);
    for (let i = 1; i <= 10; i++) b.onConsole({ source: 'console', line: `line ${i}` });
    expect(texts(b)).toEqual(['line 8', 'line 9', 'line 10']);
    expect(b.size).toBe(3);
    expect(b.appended).toBe(10);
    const ids = b.toArray().map((l) => l.id);
    expect(ids).toEqual([8, 9, 10]);
  });

  it('splits replies into lines and marks failures as errors', () => {
    const b = new ConsoleBuffer();
    b.push('command', 'status');
    b.push('reply', 'hostname: x\r\nplayers : 0\n\n');
    b.push('failure', 'server 1 is not running');
    expect(b.toArray().map((l) => [l.kind, l.text, l.level])).toEqual([
      ['command', 'status', null],
      ['reply', 'hostname: x', null],
      ['reply', 'players : 0', null],
      ['failure', 'server 1 is not running', 'error'],
    ]);
  });

  it('clears what is shown', () => {
    const b = new ConsoleBuffer();
    b.onConsole({ source: 'console', line: 'a' });
    b.clear();
    expect(b.toArray()).toEqual([]);
  });
});

describe('ConsoleBuffer.prependHistory', () => {
  const h = (line: string, level = 'info', source = 'console') => ({ line, level, source });

  it('puts stored lines first, with their levels, and keeps ids increasing', () => {
    const b = new ConsoleBuffer();
    b.onConsole({ source: 'console', line: 'live 1' });
    expect(b.prependHistory([h('old 1', 'warn'), h('old 2', 'loud')])).toBe(2);
    expect(b.toArray().map((l) => [l.text, l.level])).toEqual([
      ['old 1', 'warn'],
      ['old 2', null],
      ['live 1', null],
    ]);
    const ids = b.toArray().map((l) => l.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(3);
    b.onConsole({ source: 'console', line: 'live 2' });
    expect(b.toArray().at(-1)!.id).toBeGreaterThan(ids[2]);
  });

  it('does not show lines twice that were stored and also arrived live', () => {
    const b = new ConsoleBuffer();
    b.onConsole({ source: 'console', line: 'b' });
    b.onConsole({ source: 'console', line: 'c' });
    b.onConsole({ source: 'console', line: 'd' });
    b.prependHistory([h('a'), h('b'), h('c')]);
    expect(texts(b)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a repeated line that only looks like an overlap from another source', () => {
    const b = new ConsoleBuffer();
    b.onConsole({ source: 'game', line: 'same' });
    b.prependHistory([h('same', 'info', 'console')]);
    expect(texts(b)).toEqual(['same', 'same']);
  });

  it('stays within the limit, dropping the oldest stored lines', () => {
    const b = new ConsoleBuffer(3);
    b.onConsole({ source: 'console', line: 'live' });
    b.prependHistory([h('1'), h('2'), h('3'), h('4')]);
    expect(texts(b)).toEqual(['3', '4', 'live']);
  });
});

describe('stripAnsi', () => {
  it('removes colour codes and keeps the text', () => {
    expect(stripAnsi('\u001b[32m[INFO]\u001b[0m Done (3.2s)!')).toBe('[INFO] Done (3.2s)!');
    expect(stripAnsi('\u001b]0;title\u0007plain')).toBe('plain');
  });
});
