/** An API message as a sentence: "Must be …". */
export function sentence(msg: string): string {
  const m = msg.trim();
  return m.length ? m[0].toUpperCase() + m.slice(1) : 'Invalid value';
}

/** Brings the first input showing an error into view (call after setting errors). */
export function scrollToFirstError(root: HTMLElement | null) {
  // Wait for React to render the error messages.
  setTimeout(() => {
    const el = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (el) {
      el.scrollIntoView({ block: 'center', behavior: 'smooth' });
      el.focus({ preventScroll: true });
    }
  }, 50);
}
