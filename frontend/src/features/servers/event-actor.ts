import type { Schemas } from '../../api/client';

export type EventActor = Schemas['EventActor'];

const WHAT: Record<EventActor['kind'], string> = {
  user: 'user',
  token: 'API token',
  schedule: 'schedule',
  system: 'Languard',
};

/** "by admin", "by API token deploy bot", "by Languard"; null when the event has no actor. */
export function actorLabel(actor: EventActor | null | undefined): string | null {
  if (!actor) return null;
  if (actor.kind === 'system') return 'by Languard';
  const who = actor.name ?? (actor.id !== null && actor.id !== undefined ? `#${actor.id}` : '');
  return actor.kind === 'user' && actor.name ? `by ${who}` : `by ${WHAT[actor.kind]} ${who}`.trimEnd();
}
