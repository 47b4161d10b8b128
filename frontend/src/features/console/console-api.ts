import { api, unwrap } from '../../api/client';

/** The newest `limit` stored lines, oldest first (the console's history). */
export async function fetchRecentLines(id: number, limit: number, signal?: AbortSignal) {
  const page = await unwrap(api.GET('/api/v1/servers/{id}/logs', { params: { path: { id }, query: { limit } }, signal }));
  return [...page.items].reverse();
}
