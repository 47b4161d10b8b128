import type { KeyValueStorage } from '../../api/session';

export const HISTORY_LIMIT = 100;

export const historyKey = (serverId: number) => `languard.console-history.${serverId}`;

/**
 * Commands sent on one server's console, oldest first, walked with Up/Down like a shell: Up
 * goes back from what is being typed (which is kept, and comes back after the newest entry),
 * Down goes forward. Kept in `storage` (sessionStorage: per tab, gone when it closes).
 */
export class CommandHistory {
  private entries: string[];
  /** Position while walking; `entries.length` means "the line being typed". */
  private index: number;
  private draft = '';
  private readonly storage: KeyValueStorage | null;
  private readonly key: string;
  private readonly limit: number;

  constructor(storage: KeyValueStorage | null, key: string, limit = HISTORY_LIMIT) {
    this.storage = storage;
    this.key = key;
    this.limit = limit;
    this.entries = CommandHistory.load(storage, key).slice(-limit);
    this.index = this.entries.length;
  }

  private static load(storage: KeyValueStorage | null, key: string): string[] {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string' && x.length > 0) : [];
    } catch {
      return [];
    }
  }

  list(): readonly string[] {
    return this.entries;
  }

  /** Remembers a sent command (not twice in a row) and goes back to a fresh line. */
  record(command: string) {
    const c = command.trim();
    if (c && this.entries[this.entries.length - 1] !== c) {
      this.entries.push(c);
      if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
      try {
        this.storage?.setItem(this.key, JSON.stringify(this.entries));
      } catch {
        // Storage full or disabled: the history still works for this page.
      }
    }
    this.index = this.entries.length;
    this.draft = '';
  }

  /** The older entry to show, or `null` when there is none. */
  up(current: string): string | null {
    if (this.index === 0 || this.entries.length === 0) return null;
    if (this.index === this.entries.length) this.draft = current;
    this.index--;
    return this.entries[this.index];
  }

  /** The newer entry (or the line that was being typed), or `null` at the bottom already. */
  down(): string | null {
    if (this.index >= this.entries.length) return null;
    this.index++;
    return this.index === this.entries.length ? this.draft : this.entries[this.index];
  }
}
