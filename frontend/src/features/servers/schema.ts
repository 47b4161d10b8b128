// Helpers for rendering a game adapter's JSON Schema (`config_schema`) as a form.
// Pure functions: no React, so they are unit-tested.

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
}

export type FieldKind =
  | 'enum'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'string'
  | 'string-array'
  | 'string-map'
  | 'object'
  | 'json';

export function schemaTypes(s: JsonSchema): string[] {
  if (Array.isArray(s.type)) return s.type;
  return s.type ? [s.type] : [];
}

export function isNullable(s: JsonSchema): boolean {
  return schemaTypes(s).includes('null');
}

/** The first non-null type of a schema, or undefined. */
export function baseType(s: JsonSchema): string | undefined {
  return schemaTypes(s).find((t) => t !== 'null');
}

export function fieldKind(s: JsonSchema): FieldKind {
  if (Array.isArray(s.enum) && s.enum.length > 0) return 'enum';
  const t = baseType(s);
  switch (t) {
    case 'boolean':
    case 'integer':
    case 'number':
    case 'string':
      return t;
    case 'array':
      return s.items && baseType(s.items) === 'string' && !s.items.enum ? 'string-array' : 'json';
    case 'object':
      if (s.properties && !isNullable(s)) return 'object';
      if (!s.properties && typeof s.additionalProperties === 'object' && baseType(s.additionalProperties) === 'string') {
        return 'string-map';
      }
      return 'json';
    default:
      return 'json';
  }
}

/** "max_players" → "Max players"; a schema `title` wins. */
export function fieldLabel(key: string, s: JsonSchema): string {
  if (s.title) return s.title;
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.length ? words[0].toUpperCase() + words.slice(1) : key;
}

const KIND_ORDER: Record<FieldKind, number> = {
  string: 0,
  enum: 1,
  integer: 1,
  number: 1,
  boolean: 2,
  'string-array': 3,
  'string-map': 3,
  json: 4,
  object: 5,
};

/** Properties in display order: titled fields first, then scalars, switches, lists, and fieldsets. */
export function orderedProperties(s: JsonSchema): [string, JsonSchema][] {
  const entries = Object.entries(s.properties ?? {});
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const ta = a.e[1].title ? 0 : 1;
      const tb = b.e[1].title ? 0 : 1;
      if (ta !== tb) return ta - tb;
      const ka = KIND_ORDER[fieldKind(a.e[1])];
      const kb = KIND_ORDER[fieldKind(b.e[1])];
      return ka !== kb ? ka - kb : a.i - b.i;
    })
    .map((x) => x.e);
}

/** Splits an API error path like `basic.max_bandwidth` or `missions[0].template` into keys. */
export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p.length > 0);
}

/**
 * The path of the form field that should show an error reported for `path`
 * (relative to the config, i.e. without the `config.` prefix), or null when
 * the schema has no such field.
 */
export function errorTarget(schema: JsonSchema, path: string): string | null {
  const keys = splitPath(path);
  let node: JsonSchema = schema;
  const taken: string[] = [];
  for (const key of keys) {
    if (fieldKind(node) !== 'object' && taken.length > 0) break;
    const child = node.properties?.[key];
    if (!child) return taken.length > 0 ? taken.join('.') : null;
    taken.push(key);
    node = child;
  }
  return taken.length > 0 ? taken.join('.') : null;
}

export function linesToList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

export function mapToLines(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join('\n');
}

/** Parses `key = value` lines; returns an error message for a line without a key. */
export function linesToMap(text: string): { value: Record<string, string>; error: string | null } {
  const value: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    const key = (eq >= 0 ? line.slice(0, eq) : line).trim();
    if (!key) return { value, error: `Line ${i + 1}: missing name before "="` };
    value[key] = eq >= 0 ? line.slice(eq + 1).trim() : '';
  }
  return { value, error: null };
}

/** Client-side checks the form can do before asking the API: required numbers and ranges. */
export function validateConfig(schema: JsonSchema, value: Record<string, unknown>, prefix = ''): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    const path = prefix + key;
    const v = value?.[key];
    const kind = fieldKind(s);
    if (kind === 'object') {
      Object.assign(errors, validateConfig(s, (v ?? {}) as Record<string, unknown>, `${path}.`));
    } else if (kind === 'integer' || kind === 'number') {
      if (v === null || v === undefined || v === '') {
        if (!isNullable(s)) errors[path] = 'Required';
      } else if (typeof v !== 'number' || Number.isNaN(v)) {
        errors[path] = 'Must be a number';
      } else if (kind === 'integer' && !Number.isInteger(v)) {
        errors[path] = 'Must be a whole number';
      } else if (s.minimum !== undefined && v < s.minimum) {
        errors[path] = `Must be at least ${s.minimum}`;
      } else if (s.maximum !== undefined && v > s.maximum) {
        errors[path] = `Must be at most ${s.maximum}`;
      }
    }
  }
  return errors;
}

/** Returns a copy of `obj` with `value` set at the dotted `path`. */
export function setIn(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  return {
    ...obj,
    [head]: setIn(child && typeof child === 'object' ? (child as Record<string, unknown>) : {}, rest, value),
  };
}
