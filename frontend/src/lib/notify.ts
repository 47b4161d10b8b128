import { notifications } from '@mantine/notifications';
import { ApiError, errorMessage } from '../api/errors';

export function notifyError(err: unknown, title = 'Request failed') {
  notifications.show({ color: 'red', title, message: errorMessage(err) });
}

export function notifySuccess(message: string, title?: string) {
  notifications.show({ color: 'teal', title, message });
}

interface FormLike {
  values: object;
  setFieldError: (path: string, error: string) => void;
}

/**
 * Shows an API error next to the matching form field when the API names one
 * we have; otherwise as a notification.
 */
export function showFormError(form: FormLike, err: unknown, title?: string) {
  if (err instanceof ApiError && err.field && err.field in form.values) {
    const msg = err.message.trim();
    form.setFieldError(err.field, msg.length ? msg[0].toUpperCase() + msg.slice(1) : 'Invalid value');
    return;
  }
  notifyError(err, title);
}
