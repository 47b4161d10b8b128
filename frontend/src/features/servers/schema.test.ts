import { describe, expect, it } from 'vitest';
import { errorTarget, fieldKind, fieldLabel, linesToList, linesToMap, setIn, validateConfig, type JsonSchema } from './schema';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    hostname: { type: 'string', title: 'Server name' },
    max_players: { type: 'integer', minimum: 1, maximum: 64 },
    limit_fps: { type: ['integer', 'null'], minimum: 5 },
    verify: { type: 'integer', enum: [0, 2] },
    mods: { type: 'array', items: { type: 'string' } },
    missions: { type: 'array', items: { type: 'object', properties: { template: { type: 'string' } } } },
    cvars: { type: 'object', additionalProperties: { type: 'string' } },
    rcon: { type: ['object', 'null'], properties: { port: { type: 'integer' } } },
    basic: { type: 'object', properties: { max_bandwidth: { type: 'integer', minimum: 8192 } } },
  },
};

describe('config schema helpers', () => {
  it('classifies fields', () => {
    const p = schema.properties!;
    expect(fieldKind(p.hostname)).toBe('string');
    expect(fieldKind(p.limit_fps)).toBe('integer');
    expect(fieldKind(p.verify)).toBe('enum');
    expect(fieldKind(p.mods)).toBe('string-array');
    expect(fieldKind(p.missions)).toBe('json');
    expect(fieldKind(p.cvars)).toBe('string-map');
    expect(fieldKind(p.rcon)).toBe('json');
    expect(fieldKind(p.basic)).toBe('object');
  });

  it('labels fields', () => {
    expect(fieldLabel('max_players', {})).toBe('Max players');
    expect(fieldLabel('hostname', { title: 'Server name' })).toBe('Server name');
  });

  it('maps API error paths to fields', () => {
    expect(errorTarget(schema, 'hostname')).toBe('hostname');
    expect(errorTarget(schema, 'basic.max_bandwidth')).toBe('basic.max_bandwidth');
    expect(errorTarget(schema, 'missions[0].template')).toBe('missions');
    expect(errorTarget(schema, 'cvars.sv_cheats')).toBe('cvars');
    expect(errorTarget(schema, 'rcon.port')).toBe('rcon');
    expect(errorTarget(schema, 'nope')).toBeNull();
  });

  it('parses lists and maps', () => {
    expect(linesToList(' @CBA \n\n@ACE\n')).toEqual(['@CBA', '@ACE']);
    expect(linesToMap('sv_cheats = 0\nsv_tags=a=b\n')).toEqual({ value: { sv_cheats: '0', sv_tags: 'a=b' }, error: null });
    expect(linesToMap('= 1').error).toMatch(/Line 1/);
  });

  it('validates numbers', () => {
    const errors = validateConfig(schema, { max_players: 100, limit_fps: null, verify: 2, basic: { max_bandwidth: 1 } });
    expect(errors).toEqual({ max_players: 'Must be at most 64', 'basic.max_bandwidth': 'Must be at least 8192' });
    expect(validateConfig(schema, { max_players: '', basic: { max_bandwidth: 9000 } })).toEqual({ max_players: 'Required' });
  });

  it('sets nested values immutably', () => {
    const before = { a: { b: 1 }, c: 2 };
    const after = setIn(before, ['a', 'b'], 3);
    expect(after).toEqual({ a: { b: 3 }, c: 2 });
    expect(before.a.b).toBe(1);
  });
});
