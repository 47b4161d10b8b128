/**
 * TanStack Query keys of data the live stream patches. Features build their queries on these
 * so that `src/lib/live` can find and update the cached copies without importing a feature.
 */
export const queryKeys = {
  servers: ['servers'] as const,
  serverLists: ['servers', 'list'] as const,
  serverList: (page: number, perPage: number) => ['servers', 'list', { page, perPage }] as const,
  server: (id: number) => ['servers', 'one', id] as const,
  roster: (id: number) => ['servers', 'one', id, 'players'] as const,
  sessions: (id: number) => ['servers', 'one', id, 'sessions'] as const,
  events: (id: number) => ['servers', 'one', id, 'events'] as const,
  eventsPage: (id: number, page: number, perPage: number) => ['servers', 'one', id, 'events', { page, perPage }] as const,
  serverMetrics: (id: number, range: string) => ['servers', 'one', id, 'metrics', range] as const,
  system: ['system'] as const,
  hostInfo: ['system', 'info'] as const,
  hostMetrics: (range: string) => ['system', 'metrics', range] as const,
};
