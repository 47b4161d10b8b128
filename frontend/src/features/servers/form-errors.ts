import { ApiError } from '../../api/client';
import { notifyError } from '../../lib/notify';
import { scrollToFirstError, sentence } from '../../utils/form';
import { errorTarget, type JsonSchema } from './schema';

/**
 * Routes an API error to the input it names: `config.*` fields go to the
 * schema form, the fields in `known` to their own inputs, anything else to a
 * notification.
 */
export function routeApiError(
  err: unknown,
  opts: {
    title: string;
    known: string[];
    schema?: JsonSchema;
    setErrors: (e: Record<string, string>) => void;
    setConfigErrors?: (e: Record<string, string>) => void;
    /** The form to scroll to the first error. */
    root?: HTMLElement | null;
  },
): void {
  if (err instanceof ApiError && err.field) {
    const field = err.field;
    if (field.startsWith('config.') && opts.schema && opts.setConfigErrors) {
      const target = errorTarget(opts.schema, field.slice('config.'.length));
      if (target) {
        opts.setConfigErrors({ [target]: sentence(err.message) });
        scrollToFirstError(opts.root ?? null);
        return;
      }
    }
    if (opts.known.includes(field)) {
      opts.setErrors({ [field]: sentence(err.message) });
      scrollToFirstError(opts.root ?? null);
      return;
    }
  }
  notifyError(err, opts.title);
}

export const SECRET_LABELS: Record<string, string> = {
  rcon_password: 'RCON password',
  game_password: 'Game password',
  admin_password: 'Admin password',
};

export const SECRET_HINTS: Record<string, string> = {
  rcon_password: 'For remote administration.',
  game_password: 'Players need it to join.',
  admin_password: 'For in-game admin login.',
};

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}
