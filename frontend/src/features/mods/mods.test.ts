import { describe, expect, it } from 'vitest';
import { modPatch, newMod, workshopUrl } from './mods';

describe('modPatch', () => {
  const mod = { name: 'CBA', workshop_id: '450814997', description: null };

  it('sends only what changed', () => {
    expect(modPatch(mod, { name: 'CBA_A3', workshop_id: '450814997', description: '' })).toEqual({ name: 'CBA_A3' });
    expect(modPatch(mod, { name: ' CBA ', workshop_id: '450814997', description: '' })).toBeNull();
  });

  it('sends an emptied Workshop id as "" so that it is removed', () => {
    expect(modPatch(mod, { name: 'CBA', workshop_id: '', description: 'Community Base Addons' })).toEqual({
      workshop_id: '',
      description: 'Community Base Addons',
    });
  });
});

describe('newMod', () => {
  it('leaves out empty optional fields', () => {
    expect(newMod({ name: ' ACE ', folder: '@ace', workshop_id: '', description: ' ' })).toEqual({ name: 'ACE', folder: '@ace' });
    expect(newMod({ name: 'ACE', folder: '@ace', workshop_id: '463939057', description: '' })).toEqual({
      name: 'ACE',
      folder: '@ace',
      workshop_id: '463939057',
    });
  });
});

describe('workshopUrl', () => {
  it('links the Steam Workshop item', () => {
    expect(workshopUrl('450814997')).toBe('https://steamcommunity.com/sharedfiles/filedetails/?id=450814997');
  });
});
