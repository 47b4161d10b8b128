import { Button, Checkbox, Group, Modal, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { BAN_PRESETS, EMPTY_BAN, MAX_BAN_MINUTES, MAX_REASON_CHARS, banRequestBody, kickRequestBody, type BanPreset, type BanValues } from './ban-request';
import { useBan, useKick, type OnlinePlayer } from './players-api';

interface DialogProps {
  serverId: number;
  /** The player the dialog is open for; null keeps it closed. */
  player: OnlinePlayer | null;
  onClose: () => void;
}

/** The API names `reason` when it refuses one; anything else is shown as a notification. */
function reasonError(err: unknown): string | null {
  return err instanceof ApiError && err.field === 'reason' ? err.message : null;
}

export function KickDialog({ serverId, player, onClose }: DialogProps) {
  const kick = useKick();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  // A new player starts from an empty form (adjusted while rendering, not in an effect).
  const [shownFor, setShownFor] = useState(player);
  if (player !== shownFor) {
    setShownFor(player);
    if (player) {
      setReason('');
      setError(null);
    }
  }

  const submit = () => {
    if (!player) return;
    if (reason.trim().length > MAX_REASON_CHARS) return setError(`At most ${MAX_REASON_CHARS} characters`);
    kick.mutate(
      { id: serverId, player: player.player_id, body: kickRequestBody(reason) },
      {
        onSuccess: () => {
          notifySuccess(`${player.name} was kicked`);
          onClose();
        },
        onError: (err) => {
          const fieldError = reasonError(err);
          if (fieldError) setError(fieldError);
          else notifyError(err, `Could not kick ${player.name}`);
        },
      },
    );
  };

  return (
    <Modal opened={player !== null} onClose={onClose} title={player ? `Kick ${player.name}` : ''} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        data-testid="kick-form"
      >
        <Stack>
          <Text size="sm">They are disconnected now and can join again at once.</Text>
          <TextInput
            label="Reason"
            description="Optional; shown to the player where the game supports it."
            value={reason}
            maxLength={MAX_REASON_CHARS}
            error={error}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setError(null);
            }}
            data-autofocus
            data-testid="kick-reason"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="orange" loading={kick.isPending} data-testid="kick-submit">
              Kick
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function BanDialog({ serverId, player, onClose }: DialogProps) {
  const ban = useBan();
  const [values, setValues] = useState<BanValues>(EMPTY_BAN);
  const [errors, setErrors] = useState<Partial<Record<keyof BanValues, string>>>({});
  // A new player starts from an empty form (adjusted while rendering, not in an effect).
  const [shownFor, setShownFor] = useState(player);
  if (player !== shownFor) {
    setShownFor(player);
    if (player) {
      setValues(EMPTY_BAN);
      setErrors({});
    }
  }

  const set = <K extends keyof BanValues>(key: K, v: BanValues[K]) => {
    setValues((prev) => ({ ...prev, [key]: v }));
    setErrors((prev) => ({ ...prev, [key]: undefined }));
  };

  const submit = () => {
    if (!player) return;
    const built = banRequestBody(values);
    if ('error' in built) return setErrors({ [built.field]: built.error });
    ban.mutate(
      { id: serverId, player: player.player_id, body: built.body },
      {
        onSuccess: (b) => {
          notifySuccess(`${player.name} is banned${b.global ? ' from every compatible server' : ''}`);
          onClose();
        },
        onError: (err) => {
          const fieldError = reasonError(err);
          if (fieldError) setErrors({ reason: fieldError });
          else if (err instanceof ApiError && err.field === 'duration_minutes') setErrors({ customMinutes: err.message });
          else notifyError(err, `Could not ban ${player.name}`);
        },
      },
    );
  };

  return (
    <Modal opened={player !== null} onClose={onClose} title={player ? `Ban ${player.name}` : ''} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        data-testid="ban-form"
      >
        <Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Duration
            </Text>
            <SegmentedControl
              fullWidth
              data={BAN_PRESETS}
              value={values.preset}
              onChange={(v) => set('preset', v as BanPreset)}
              data-testid="ban-duration"
            />
          </Stack>
          {values.preset === 'custom' && (
            <NumberInput
              label="Minutes"
              min={1}
              max={MAX_BAN_MINUTES}
              allowDecimal={false}
              allowNegative={false}
              value={values.customMinutes}
              error={errors.customMinutes}
              onChange={(v) => set('customMinutes', v)}
              data-testid="ban-minutes"
            />
          )}
          <TextInput
            label="Reason"
            description="Optional; shown to the player where the game supports it."
            value={values.reason}
            maxLength={MAX_REASON_CHARS}
            error={errors.reason}
            onChange={(e) => set('reason', e.currentTarget.value)}
            data-testid="ban-reason"
          />
          <Checkbox
            label="Global ban"
            description="Also ban from every other server of a game that identifies players the same way, including ones added later."
            checked={values.global}
            onChange={(e) => set('global', e.currentTarget.checked)}
            data-testid="ban-global"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={ban.isPending} data-testid="ban-submit">
              Ban
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
