import type { Schemas } from '../../api/client';

export const KIND_LABELS: Record<Schemas['IdentityKind'], string> = {
  steam: 'SteamID64',
  battleye: 'BattlEye GUID',
  minecraft: 'Minecraft UUID',
};
