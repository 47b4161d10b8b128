import type { Schemas } from '../../api/client';

const SHOWN = 10;

function list(items: string[]): string {
  const head = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${head} and ${items.length - SHOWN} more` : head;
}

/** What the create response says was read from an existing install, as one short text. */
export function importNotice(report: Schemas['ImportReport'] | null | undefined): string | null {
  if (!report) return null;
  const parts = [`Read ${list(report.files)}.`];
  if (report.keys.length) parts.push(`Imported: ${list(report.keys)}.`);
  if (report.kept.length) parts.push(`Kept as written: ${list(report.kept)}.`);
  if (report.skipped.length) parts.push(`Not taken: ${list(report.skipped.map((s) => `${s.key} (${s.reason})`))}.`);
  return parts.join(' ');
}
