import type { Schemas } from '../../api/client';

export type ContentList = Schemas['ContentList'];
export type ContentFile = Schemas['ContentFile'];
export type RotationEntry = Schemas['RotationEntry'];
export type ServerMod = Schemas['ServerMod'];

export const DIFFICULTIES = ['Recruit', 'Regular', 'Veteran', 'Custom'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** The tab's title after the folder's kind: `missions` → "Missions". */
export function contentLabel(kind: string): string {
  return kind.length ? kind[0].toUpperCase() + kind.slice(1) : kind;
}

/**
 * Why the server would refuse this file before sending it (its own messages), or null. The
 * server checks the name further; its answer is shown as it comes.
 */
export function checkUpload(file: { name: string; size: number }, list: Pick<ContentList, 'extension' | 'max_upload_bytes'>): string | null {
  if (!file.name.trim().toLowerCase().endsWith(`.${list.extension}`)) return `\`${file.name}\` is not a .${list.extension} file`;
  if (file.size > list.max_upload_bytes) return `request body is larger than ${list.max_upload_bytes} bytes`;
  if (file.size === 0) return 'the file is empty';
  return null;
}

/** `list` with the item at `from` moved to `to` (both clamped to the list). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(to, out.length)), 0, item);
  return out;
}

/** An error the API named for one row of a list, and the input in that row (`params.0.name`). */
export interface RowError {
  row: number;
  input: string;
  message: string;
}

/**
 * Where a 422 naming `field` belongs in the list sent as `list`: `rotation.1.difficulty` is
 * row 1, input `difficulty`. Null when the field names no row of it (shown apart instead).
 */
export function rowError(field: string | null, message: string, list: string, rows: number): RowError | null {
  const m = field?.match(/^([a-z_]+)\.(\d+)(?:\.(.+))?$/);
  if (!m || m[1] !== list) return null;
  const row = Number(m[2]);
  return row < rows ? { row, input: m[3] ?? '', message } : null;
}

/** Rows being edited carry a key that stays with them while they move. */
let nextKey = 0;
export const newKey = () => `k${++nextKey}`;

export interface ParamRow {
  key: string;
  name: string;
  /** As typed: a NumberInput gives '' while empty. */
  value: number | string;
}

export interface RotationRow {
  key: string;
  mission: string;
  difficulty: Difficulty;
  params: ParamRow[];
}

export function rotationRows(entries: RotationEntry[]): RotationRow[] {
  return entries.map((e) => ({
    key: newKey(),
    mission: e.mission,
    difficulty: (DIFFICULTIES as readonly string[]).includes(e.difficulty ?? '') ? (e.difficulty as Difficulty) : 'Regular',
    params: (e.params ?? []).map((p) => ({ key: newKey(), name: p.name, value: p.value })),
  }));
}

/**
 * The PUT body for the rotation, or the rows whose values are not numbers (with the message
 * the server gives for them).
 */
export function rotationRequest(rows: RotationRow[]): { body: Schemas['RotationInput'] } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const rotation = rows.map((r, i) => ({
    mission: r.mission,
    difficulty: r.difficulty,
    params: r.params.map((p, j) => {
      const value = typeof p.value === 'number' ? p.value : p.value.trim() === '' ? NaN : Number(p.value);
      if (!Number.isFinite(value)) errors.push({ row: i, input: `params.${j}.value`, message: 'must be a finite number' });
      return { name: p.name.trim(), value };
    }),
  }));
  return errors.length ? { errors } : { body: { rotation } };
}

/** The PUT body for a server's mod set, in load order. */
export function modSetRequest(mods: Pick<ServerMod, 'mod' | 'server_only'>[]): Schemas['ServerModsInput'] {
  return { mods: mods.map(({ mod, server_only }) => ({ mod, server_only })) };
}

/** What server.cfg holds from `class Missions` on (the rendered rotation), or null. */
export function missionsBlock(files: Schemas['PreviewFile'][]): string | null {
  const cfg = files.find((f) => f.path === 'server.cfg' || f.path.endsWith('/server.cfg'));
  const at = cfg?.contents.indexOf('class Missions') ?? -1;
  return cfg && at >= 0 ? cfg.contents.slice(at) : null;
}
