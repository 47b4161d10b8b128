import { describe, expect, it } from 'vitest';
import type { Schemas } from '../../api/client';
import { summarize } from './summary';

const server = (id: number, name: string, status: Schemas['ServerState'], players?: number) =>
  ({ id, name, status, live: players === undefined ? null : { players, bots: 0, hibernating: false } }) as Schemas['Server'];

describe('summarize', () => {
  it('counts states and players and puts trouble first', () => {
    const sum = summarize(
      [server(1, 'b', 'running', 3), server(2, 'a', 'stopped'), server(3, 'c', 'crashed'), server(4, 'd', 'running', 10)],
      4,
    );
    expect(sum).toMatchObject({ total: 4, running: 2, failing: 1, players: 13 });
    expect(sum.ordered.map((s) => s.name)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('keeps the total the API reported when it holds more than one page', () => {
    expect(summarize([server(1, 'a', 'stopped')], 250).total).toBe(250);
  });
});
