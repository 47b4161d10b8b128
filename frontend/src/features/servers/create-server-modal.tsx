import {
  Alert,
  Button,
  Divider,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useRef, useState } from 'react';
import { notifySuccess } from '../../lib/notify';
import { importNotice } from './import-notice';
import { useCreateServer, useGames, type JsonObject } from './api';
import { scrollToFirstError } from '../../utils/form';
import { SECRET_HINTS, SECRET_LABELS, isAbsolutePath, routeApiError } from './form-errors';
import { validateConfig, type JsonSchema } from './schema';
import { SchemaForm } from './schema-form';
import type { Schemas } from '../../api/client';

const KNOWN = ['name', 'game', 'executable', 'game_port', 'directory', 'secrets.rcon_password', 'secrets.game_password', 'secrets.admin_password'];

interface Values {
  game: string | null;
  name: string;
  executable: string;
  gamePort: number | '';
  directory: string;
  secrets: Record<string, string>;
}

const EMPTY: Values = { game: null, name: '', executable: '', gamePort: '', directory: '', secrets: {} };

export function CreateServerModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const games = useGames();
  const create = useCreateServer();
  const phone = useMediaQuery('(max-width: 48em)');
  const [values, setValues] = useState<Values>(EMPTY);
  const [config, setConfig] = useState<JsonObject>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [configErrors, setConfigErrors] = useState<Record<string, string>>({});
  const invalid = useRef(new Set<string>());
  const formRef = useRef<HTMLFormElement>(null);

  const game = games.data?.find((g) => g.id === values.game);
  const schema = (game?.config_schema ?? {}) as JsonSchema;

  // Closing empties the form. Adjusted while rendering rather than in an effect, so reopening
  // never shows one frame of the old values.
  const [wasOpened, setWasOpened] = useState(opened);
  if (opened !== wasOpened) {
    setWasOpened(opened);
    if (!opened) {
      setValues(EMPTY);
      setConfig({});
      setErrors({});
      setConfigErrors({});
    }
  }

  const set = <K extends keyof Values>(key: K, v: Values[K], errorKey: string = key) => {
    setValues((prev) => ({ ...prev, [key]: v }));
    if (errors[errorKey]) setErrors((prev) => ({ ...prev, [errorKey]: '' }));
  };

  const pickGame = (id: string | null) => {
    const g = games.data?.find((x) => x.id === id);
    setValues((prev) => ({ ...prev, game: id, gamePort: g ? g.default_game_port : '', secrets: {} }));
    setConfig(structuredClone((g?.default_config ?? {}) as JsonObject));
    setConfigErrors({});
    setErrors({});
  };

  const submit = () => {
    const e: Record<string, string> = {};
    const name = values.name.trim();
    if (!values.game) e.game = 'Pick a game';
    if (!name) e.name = 'Required';
    else if (name.length > 64) e.name = 'At most 64 characters';
    if (!values.executable.trim()) e.executable = 'Required';
    else if (!isAbsolutePath(values.executable.trim())) e.executable = 'Must be an absolute path';
    if (values.gamePort === '' || values.gamePort < 1 || values.gamePort > 65535) e.game_port = 'Between 1 and 65535';
    if (values.directory.trim() && !isAbsolutePath(values.directory.trim())) e.directory = 'Must be an absolute path';
    const ce = game ? validateConfig(schema, config) : {};
    setErrors(e);
    setConfigErrors(ce);
    scrollToFirstError(formRef.current);
    if (Object.keys(e).length || Object.keys(ce).length || invalid.current.size || !game) return;

    const secrets: Schemas['SecretsInput'] = {};
    for (const key of game.secrets) {
      const v = values.secrets[key];
      if (v) (secrets as Record<string, string>)[key] = v;
    }
    create.mutate(
      {
        name,
        game: game.id,
        executable: values.executable.trim(),
        game_port: values.gamePort as number,
        directory: values.directory.trim() || null,
        secrets: Object.keys(secrets).length ? secrets : null,
        config: config as Record<string, never>,
      },
      {
        onSuccess: (server) => {
          notifySuccess(`Server ${server.name} created`);
          const imported = importNotice(server.imported);
          if (imported) {
            // Stays until read: it is the only place that says which settings came from the install.
            notifications.show({ color: 'blue', title: 'Settings read from the install', message: imported, autoClose: false });
          }
          onClose();
        },
        onError: (err) =>
          routeApiError(err, { title: 'Could not create the server', known: KNOWN, schema, setErrors, setConfigErrors, root: formRef.current }),
      },
    );
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Create server" size="xl" fullScreen={phone} centered>
      <form
        ref={formRef}
        data-testid="create-server-form"
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          submit();
        }}
      >
        <Stack>
          {games.isError && (
            <Alert color="red" variant="light">
              Could not load the list of games.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Game"
              placeholder={games.isPending ? 'Loading…' : 'Pick a game'}
              data={(games.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
              value={values.game}
              onChange={pickGame}
              allowDeselect={false}
              error={errors.game}
              withAsterisk
              data-testid="server-game"
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput
              label="Name"
              description="Unique, up to 64 characters"
              withAsterisk
              autoComplete="off"
              value={values.name}
              error={errors.name}
              onChange={(ev) => set('name', ev.currentTarget.value)}
              data-testid="server-name"
            />
          </SimpleGrid>
          <TextInput
            label="Executable"
            description={
              game && game.allowed_executables.length > 0
                ? `Absolute path. Allowed file names: ${game.allowed_executables.join(', ')}`
                : 'Absolute path of the server executable'
            }
            placeholder={game?.allowed_executables[0] ? `/srv/games/…/${game.allowed_executables[0]}` : '/srv/games/…'}
            withAsterisk
            autoComplete="off"
            value={values.executable}
            error={errors.executable}
            onChange={(ev) => set('executable', ev.currentTarget.value)}
            data-testid="server-executable"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label="Game port"
              description={game ? `Default for ${game.name}: ${game.default_game_port}` : undefined}
              withAsterisk
              min={1}
              max={65535}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator={false}
              value={values.gamePort}
              error={errors.game_port}
              onChange={(v) => set('gamePort', typeof v === 'number' ? v : v === '' ? '' : Number(v), 'game_port')}
              data-testid="server-port"
            />
            <TextInput
              label="Directory"
              description="Optional: an existing install to manage in place"
              placeholder="New folder in the data directory"
              autoComplete="off"
              value={values.directory}
              error={errors.directory}
              onChange={(ev) => set('directory', ev.currentTarget.value)}
              data-testid="server-directory"
            />
          </SimpleGrid>

          {game && game.secrets.length > 0 && (
            <SimpleGrid cols={{ base: 1, sm: game.secrets.length > 1 ? 2 : 1 }}>
              {game.secrets.map((key) => (
                <PasswordInput
                  key={key}
                  label={SECRET_LABELS[key] ?? key}
                  description={
                    key === 'rcon_password'
                      ? 'Optional; a random one is generated if empty'
                      : `Optional. ${SECRET_HINTS[key] ?? ''}`
                  }
                  autoComplete="new-password"
                  value={values.secrets[key] ?? ''}
                  error={errors[`secrets.${key}`]}
                  onChange={(ev) => {
                    const v = ev.currentTarget.value;
                    setValues((prev) => ({ ...prev, secrets: { ...prev.secrets, [key]: v } }));
                  }}
                  data-testid={`server-secret-${key}`}
                />
              ))}
            </SimpleGrid>
          )}

          {games.isPending && <Skeleton h={120} />}
          {game && (
            <>
              <Divider my="xs" />
              <div>
                <Title order={5}>{game.name} settings</Title>
                <Text size="xs" c="dimmed">
                  Prefilled with the defaults; you can change them later on the server's Configuration tab.
                </Text>
              </div>
              <SchemaForm
                schema={schema}
                value={config}
                onChange={(v) => {
                  setConfig(v);
                  if (Object.keys(configErrors).length) setConfigErrors({});
                }}
                errors={configErrors}
                invalid={invalid}
              />
            </>
          )}

          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="create-server-submit">
              Create server
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
