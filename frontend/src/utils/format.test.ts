import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatPercent, percent, secondsBetween, shortIdentity } from './format';

describe('format helpers', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.0 GiB');
  });
  it('formats percentages and counts for chart axes', () => {
    expect(formatPercent(3.14159)).toBe('3.1 %');
    expect(formatPercent(187.6)).toBe('188 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatCount(4)).toBe('4');
    expect(formatCount(2.25)).toBe('2.3');
  });
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(125)).toBe('2m 5s');
    expect(formatDuration(3 * 86400 + 4 * 3600 + 60)).toBe('3d 4h 1m');
  });
  it('clamps percentages', () => {
    expect(percent(5, 0)).toBe(0);
    expect(percent(150, 100)).toBe(100);
  });
  it('shortens long identities and keeps short ones', () => {
    expect(shortIdentity('76561198000000001')).toBe('76561198…0001');
    expect(shortIdentity('0123456789abcdef0123456789abcdef')).toBe('01234567…cdef');
    expect(shortIdentity('STEAM_0:1:1')).toBe('STEAM_0:1:1');
  });
  it('counts whole seconds between a time and now', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(secondsBetween('2024-05-01T11:58:59.500Z', now)).toBe(60);
    expect(secondsBetween('2024-05-01T12:00:05Z', now)).toBe(0);
    expect(secondsBetween('not a date', now)).toBe(0);
  });
});
