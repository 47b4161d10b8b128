import {
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import type { Schemas } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useDeleteServer, useUpdateServer, type Game, type Server } from './api';
import { scrollToFirstError } from '../../utils/form';
import { SECRET_HINTS, SECRET_LABELS, isAbsolutePath, routeApiError } from './form-errors';

const KNOWN = [
  'name',
  'executable',
  'game_port',
  'max_restarts',
  'restart_window_secs',
  'stop_timeout_secs',
  'secrets.rcon_password',
  'secrets.game_password',
  'secrets.admin_password',
];

interface Values {
  name: string;
  executable: string;
  game_port: number | '';
  auto_restart: boolean;
  max_restarts: number | '';
  restart_window_secs: number | '';
  stop_timeout_secs: number | '';
}

const fromServer = (s: Server): Values => ({
  name: s.name,
  executable: s.executable,
  game_port: s.game_port,
  auto_restart: s.auto_restart,
  max_restarts: s.max_restarts,
  restart_window_secs: s.restart_window_secs,
  stop_timeout_secs: s.stop_timeout_secs,
});

const hasSecret = (s: Server, key: string) =>
  key === 'rcon_password' ? s.has_rcon_password : key === 'game_password' ? s.has_game_password : s.has_admin_password;

const RANGES: Record<string, [number, number]> = {
  game_port: [1, 65535],
  max_restarts: [0, 100],
  restart_window_secs: [10, 86400],
  stop_timeout_secs: [1, 3600],
};

function DeleteServer({ server }: { server: Server }) {
  const [open, setOpen] = useState(false);
  const [purge, setPurge] = useState(false);
  const del = useDeleteServer();
  const navigate = useNavigate();
  const running = server.status !== 'stopped' && server.status !== 'crashed' && server.status !== 'error';
  return (
    <Card withBorder padding="lg" style={{ borderColor: 'var(--mantine-color-red-outline)' }}>
      <Group justify="space-between" gap="sm">
        <div>
          <Title order={5}>Delete this server</Title>
          <Text size="sm" c="dimmed">
            {running ? 'Stop the server before deleting it.' : 'Removes it from Languard. Its files stay unless you choose otherwise.'}
          </Text>
        </div>
        <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={() => setOpen(true)} data-testid="delete-server-button">
          Delete server
        </Button>
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} title="Delete server" centered>
        <Stack>
          <Text size="sm">
            Delete <b>{server.name}</b>? Its history is removed and it can no longer be started from Languard.
          </Text>
          <Checkbox
            checked={purge}
            onChange={(e) => setPurge(e.currentTarget.checked)}
            label="Also delete its files"
            description={<span style={{ overflowWrap: 'anywhere' }}>{server.directory}</span>}
            color="red"
            data-testid="delete-purge"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={del.isPending}
              data-testid="confirm-delete"
              onClick={() =>
                del.mutate(
                  { id: server.id, purge },
                  {
                    onSuccess: () => {
                      notifySuccess(`Server ${server.name} deleted${purge ? ' with its files' : ''}`);
                      navigate('/servers', { replace: true });
                    },
                    onError: (err) => {
                      notifyError(err, 'Could not delete the server');
                      setOpen(false);
                    },
                  },
                )
              }
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

export function ServerSettings({ server, game }: { server: Server; game: Game | undefined }) {
  const update = useUpdateServer();
  const [values, setValues] = useState<Values>(() => fromServer(server));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [remove, setRemove] = useState<Record<string, boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dirty, setDirty] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  // Follow changes made elsewhere while the form is untouched.
  // Adjusted while rendering rather than in an effect, so no frame shows the old values.
  const [seenUpdate, setSeenUpdate] = useState(server.updated_at);
  if (server.updated_at !== seenUpdate) {
    setSeenUpdate(server.updated_at);
    if (!dirty) setValues(fromServer(server));
  }

  const set = <K extends keyof Values>(key: K, v: Values[K]) => {
    setValues((prev) => ({ ...prev, [key]: v }));
    setDirty(true);
    if (errors[key]) setErrors((prev) => ({ ...prev, [key]: '' }));
  };
  const num = (key: keyof Values, label: string, description?: string) => (
    <NumberInput
      label={label}
      description={description}
      min={RANGES[key]?.[0]}
      max={RANGES[key]?.[1]}
      allowDecimal={false}
      allowNegative={false}
      thousandSeparator={false}
      value={values[key] as number | ''}
      error={errors[key]}
      onChange={(v) => set(key, (typeof v === 'number' ? v : v === '' ? '' : Number(v)) as never)}
      data-testid={`settings-${key}`}
    />
  );

  const submit = () => {
    const e: Record<string, string> = {};
    if (!values.name.trim()) e.name = 'Required';
    else if (values.name.trim().length > 64) e.name = 'At most 64 characters';
    if (!isAbsolutePath(values.executable.trim())) e.executable = 'Must be an absolute path';
    for (const [k, [min, max]] of Object.entries(RANGES)) {
      const v = values[k as keyof Values];
      if (v === '' || typeof v !== 'number' || v < min || v > max) e[k] = `Between ${min} and ${max}`;
    }
    setErrors(e);
    scrollToFirstError(formRef.current);
    if (Object.keys(e).length) return;

    const body: Schemas['UpdateServerRequest'] = {};
    const orig = fromServer(server);
    if (values.name.trim() !== orig.name) body.name = values.name.trim();
    if (values.executable.trim() !== orig.executable) body.executable = values.executable.trim();
    for (const k of ['game_port', 'max_restarts', 'restart_window_secs', 'stop_timeout_secs'] as const) {
      if (values[k] !== orig[k]) body[k] = values[k] as number;
    }
    if (values.auto_restart !== orig.auto_restart) body.auto_restart = values.auto_restart;
    const sec: Record<string, string> = {};
    for (const key of game?.secrets ?? []) {
      if (remove[key]) sec[key] = '';
      else if (secrets[key]) sec[key] = secrets[key];
    }
    if (Object.keys(sec).length) body.secrets = sec;
    if (Object.keys(body).length === 0) {
      setDirty(false);
      notifySuccess('Nothing to save');
      return;
    }
    update.mutate(
      { id: server.id, body },
      {
        onSuccess: (s) => {
          setDirty(false);
          setSecrets({});
          setRemove({});
          setValues(fromServer(s));
          notifySuccess(`Settings of ${s.name} saved`);
        },
        onError: (err) => routeApiError(err, { title: 'Could not save the settings', known: KNOWN, setErrors, root: formRef.current }),
      },
    );
  };

  return (
    <Stack>
      <Card withBorder padding="lg" data-testid="server-settings">
        <form
          ref={formRef}
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            submit();
          }}
        >
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="Name"
                value={values.name}
                error={errors.name}
                onChange={(ev) => set('name', ev.currentTarget.value)}
                data-testid="settings-name"
              />
              {num('game_port', 'Game port')}
            </SimpleGrid>
            <TextInput
              label="Executable"
              description={
                game && game.allowed_executables.length > 0
                  ? `Absolute path. Allowed file names: ${game.allowed_executables.join(', ')}`
                  : 'Absolute path of the server executable'
              }
              value={values.executable}
              error={errors.executable}
              onChange={(ev) => set('executable', ev.currentTarget.value)}
              data-testid="settings-executable"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />

            <Title order={5} mt="xs">
              Crashes and stopping
            </Title>
            <Switch
              label="Restart automatically after a crash"
              checked={values.auto_restart}
              onChange={(ev) => set('auto_restart', ev.currentTarget.checked)}
              data-testid="settings-auto_restart"
            />
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {num('max_restarts', 'Max restarts', 'Crashes tolerated in the window before giving up')}
              {num('restart_window_secs', 'Restart window (s)', 'Period the crashes are counted in')}
              {num('stop_timeout_secs', 'Stop timeout (s)', 'Grace time before the process is killed')}
            </SimpleGrid>

            {game && game.secrets.length > 0 && (
              <>
                <Title order={5} mt="xs">
                  Passwords
                </Title>
                <Text size="xs" c="dimmed" mt={-8}>
                  Passwords are never shown. Leave a field empty to keep the current one.
                </Text>
                <SimpleGrid cols={{ base: 1, sm: game.secrets.length > 1 ? 2 : 1 }}>
                  {game.secrets.map((key) => {
                    const isSet = hasSecret(server, key);
                    return (
                      <Stack key={key} gap={6}>
                        <PasswordInput
                          label={SECRET_LABELS[key] ?? key}
                          description={`${isSet ? 'Currently set.' : 'Not set.'} ${SECRET_HINTS[key] ?? ''}`}
                          placeholder={isSet ? 'Unchanged' : 'Not set'}
                          autoComplete="new-password"
                          disabled={remove[key]}
                          value={secrets[key] ?? ''}
                          error={errors[`secrets.${key}`]}
                          onChange={(ev) => {
                            const v = ev.currentTarget.value;
                            setSecrets((prev) => ({ ...prev, [key]: v }));
                            setDirty(true);
                          }}
                          data-testid={`settings-secret-${key}`}
                        />
                        {isSet && (
                          <Checkbox
                            size="xs"
                            label="Remove this password"
                            checked={remove[key] ?? false}
                            onChange={(ev) => {
                              const c = ev.currentTarget.checked;
                              setRemove((prev) => ({ ...prev, [key]: c }));
                              setDirty(true);
                            }}
                          />
                        )}
                      </Stack>
                    );
                  })}
                </SimpleGrid>
              </>
            )}

            <Group justify="flex-end" mt="sm">
              {dirty && (
                <Button
                  variant="subtle"
                  color="gray"
                  onClick={() => {
                    setValues(fromServer(server));
                    setSecrets({});
                    setRemove({});
                    setErrors({});
                    setDirty(false);
                  }}
                >
                  Discard changes
                </Button>
              )}
              <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={update.isPending} disabled={!dirty} data-testid="settings-save">
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <DeleteServer server={server} />
    </Stack>
  );
}
