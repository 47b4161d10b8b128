import { describe, expect, it } from 'vitest';
import { checkUpload, contentLabel, missionsBlock, modSetRequest, move, rotationRequest, rotationRows, rowError } from './content';

const missions = { extension: 'pbo', max_upload_bytes: 1000 };

describe('checkUpload', () => {
  it('accepts the extension in any case within the limit', () => {
    expect(checkUpload({ name: 'Coop_01.Altis.PBO', size: 1000 }, missions)).toBeNull();
  });

  it('refuses with the messages the server gives', () => {
    expect(checkUpload({ name: 'x.exe', size: 10 }, missions)).toBe('`x.exe` is not a .pbo file');
    expect(checkUpload({ name: 'a.altis.pbo', size: 1001 }, missions)).toBe('request body is larger than 1000 bytes');
    expect(checkUpload({ name: 'a.altis.pbo', size: 0 }, missions)).toBe('the file is empty');
  });
});

describe('move', () => {
  it('moves an item up, down and to the ends without changing the input', () => {
    const list = ['a', 'b', 'c', 'd'];
    expect(move(list, 2, 1)).toEqual(['a', 'c', 'b', 'd']);
    expect(move(list, 0, 1)).toEqual(['b', 'a', 'c', 'd']);
    expect(move(list, 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(move(list, 1, 9)).toEqual(['a', 'c', 'd', 'b']);
    expect(list).toEqual(['a', 'b', 'c', 'd']);
  });

  it('leaves the list alone for an index outside it', () => {
    expect(move(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
    expect(move(['a', 'b'], -1, 0)).toEqual(['a', 'b']);
  });
});

describe('rowError', () => {
  it('finds the row and input of a rotation field', () => {
    expect(rowError('rotation.1.difficulty', 'bad', 'rotation', 3)).toEqual({ row: 1, input: 'difficulty', message: 'bad' });
    expect(rowError('rotation.0.params.2.name', 'bad', 'rotation', 1)).toEqual({ row: 0, input: 'params.2.name', message: 'bad' });
    expect(rowError('mods.4.mod', 'twice', 'mods', 5)).toEqual({ row: 4, input: 'mod', message: 'twice' });
    expect(rowError('mods.2', 'x', 'mods', 3)).toEqual({ row: 2, input: '', message: 'x' });
  });

  it('is null for other lists, rows that are not there and fields without a row', () => {
    expect(rowError('mods.0.mod', 'x', 'rotation', 3)).toBeNull();
    expect(rowError('rotation.3.mission', 'x', 'rotation', 3)).toBeNull();
    expect(rowError('mods', 'at most 200 mods', 'mods', 3)).toBeNull();
    expect(rowError(null, 'x', 'mods', 3)).toBeNull();
  });
});

describe('rotation requests', () => {
  it('keeps order, difficulty and parameters of the rows', () => {
    const rows = rotationRows([
      { mission: 'coop_01.altis', difficulty: 'Veteran', params: [{ name: 'Daytime', value: 6 }] },
      { mission: 'tvt.stratis' },
    ]);
    expect(rows[1].difficulty).toBe('Regular');
    rows[0].params.push({ key: 'x', name: ' Weather ', value: '2.5' });
    expect(rotationRequest(move(rows, 1, 0))).toEqual({
      body: {
        rotation: [
          { mission: 'tvt.stratis', difficulty: 'Regular', params: [] },
          {
            mission: 'coop_01.altis',
            difficulty: 'Veteran',
            params: [
              { name: 'Daytime', value: 6 },
              { name: 'Weather', value: 2.5 },
            ],
          },
        ],
      },
    });
  });

  it('names the rows whose values are not numbers', () => {
    const rows = rotationRows([{ mission: 'a.altis' }, { mission: 'b.altis' }]);
    rows[1].params = [
      { key: 'p', name: 'Daytime', value: 6 },
      { key: 'q', name: 'Weather', value: '' },
    ];
    expect(rotationRequest(rows)).toEqual({ errors: [{ row: 1, input: 'params.1.value', message: 'must be a finite number' }] });
  });
});

describe('modSetRequest', () => {
  it('sends ids and server-only flags in load order', () => {
    const mods = [
      { mod: 3, name: 'CBA', folder: '@cba', server_only: false },
      { mod: 1, name: 'Admin tools', folder: '@admin', server_only: true },
    ];
    expect(modSetRequest(mods)).toEqual({
      mods: [
        { mod: 3, server_only: false },
        { mod: 1, server_only: true },
      ],
    });
  });
});

describe('missionsBlock', () => {
  it('is server.cfg from class Missions on', () => {
    const files = [
      { path: 'basic.cfg', contents: 'MaxMsgSend = 128;\n' },
      { path: 'server.cfg', contents: 'hostname = "x";\nclass Missions\n{\n};\n' },
    ];
    expect(missionsBlock(files)).toBe('class Missions\n{\n};\n');
    expect(missionsBlock([{ path: 'server.properties', contents: 'motd=x' }])).toBeNull();
  });
});

describe('contentLabel', () => {
  it('names the tab after the kind', () => {
    expect(contentLabel('maps')).toBe('Maps');
  });
});
