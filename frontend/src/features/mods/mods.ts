import type { Schemas } from '../../api/client';

export const workshopUrl = (id: string) => `https://steamcommunity.com/sharedfiles/filedetails/?id=${encodeURIComponent(id)}`;

export interface ModFormValues {
  name: string;
  workshop_id: string;
  description: string;
}

/**
 * The PATCH body for what changed in the form: absent fields stay, an emptied Workshop id or
 * description is sent as "" (which removes it). Null when nothing changed.
 */
export function modPatch(mod: Pick<Schemas['Mod'], 'name' | 'workshop_id' | 'description'>, values: ModFormValues): Schemas['ModPatch'] | null {
  const body: Schemas['ModPatch'] = {};
  const name = values.name.trim();
  const workshop = values.workshop_id.trim();
  const description = values.description.trim();
  if (name !== mod.name) body.name = name;
  if (workshop !== (mod.workshop_id ?? '')) body.workshop_id = workshop;
  if (description !== (mod.description ?? '')) body.description = description;
  return Object.keys(body).length ? body : null;
}

/** The POST body: optional fields left empty are not sent. */
export function newMod(values: ModFormValues & { folder: string }): Schemas['NewMod'] {
  const body: Schemas['NewMod'] = { name: values.name.trim(), folder: values.folder.trim() };
  if (values.workshop_id.trim()) body.workshop_id = values.workshop_id.trim();
  if (values.description.trim()) body.description = values.description.trim();
  return body;
}
