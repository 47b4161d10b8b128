import { ActionIcon, Alert, Anchor, Button, Card, Code, Group, Select, Skeleton, Stack, Switch, Text, Title } from '@mantine/core';
import { IconDeviceFloppy, IconInfoCircle, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, type Server } from '../../api/client';
import { QueryError } from '../../components/ui/query-error';
import { SortableList } from '../../components/ui/sortable-list';
import { notifyError, notifySuccess } from '../../lib/notify';
import { sentence } from '../../utils/form';
import { modSetRequest, move, rowError, type RowError, type ServerMod } from './content';
import { useModLibrary, usePutServerMods, useServerMods } from './content-api';

/** The Arma server's mods in load order, picked from the library. */
export function ServerMods({ server, isAdmin }: { server: Server; isAdmin: boolean }) {
  const mods = useServerMods(server.id);
  const library = useModLibrary();
  const save = usePutServerMods(server.id);
  const [rows, setRows] = useState<ServerMod[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<RowError | null>(null);
  const [adding, setAdding] = useState<string | null>(null);

  // Take what is stored while the list is untouched.
  // Adjusted while rendering rather than in an effect, so no frame shows the old values.
  const [seededFrom, setSeededFrom] = useState<typeof mods.data>();
  if (mods.data !== seededFrom) {
    setSeededFrom(mods.data);
    if (mods.data && !dirty) setRows(mods.data.mods);
  }

  if (mods.isError) return <QueryError error={mods.error} onRetry={() => mods.refetch()} />;
  if (rows === null) {
    return (
      <Card withBorder padding="lg">
        <Skeleton h={160} />
      </Card>
    );
  }

  const edit = (next: ServerMod[]) => {
    setRows(next);
    setDirty(true);
    setError(null);
  };
  const chosen = new Set(rows.map((m) => m.mod));
  const addable = (library.data ?? []).filter((m) => !chosen.has(m.id));

  const submit = () =>
    save.mutate(modSetRequest(rows), {
      onSuccess: (saved) => {
        setRows(saved.mods);
        setDirty(false);
        notifySuccess(saved.restart_required ? 'Saved. Restart the server to load the new mods.' : 'Mods saved; they load at the next start.');
      },
      onError: (err) => {
        const at = err instanceof ApiError ? rowError(err.field, sentence(err.message), 'mods', rows.length) : null;
        if (at) setError(at);
        else notifyError(err, 'Could not save the mods');
      },
    });

  return (
    <Card withBorder padding="lg" data-testid="server-mods">
      <Stack>
        <Stack gap={2}>
          <Title order={4}>Mods</Title>
          <Text size="sm" c="dimmed">
            Loaded in this order: client mods with <Code>-mod=</Code> (players need them), server-only ones with <Code>-serverMod=</Code>.
          </Text>
        </Stack>
        {!isAdmin && (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />}>
            Read only: only admins can change the mods.
          </Alert>
        )}
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="server-mods-empty">
            This server loads no mods.
          </Text>
        ) : (
          <SortableList
            items={rows}
            itemKey={(m) => String(m.mod)}
            itemLabel={(m) => m.name}
            onMove={isAdmin ? (from, to) => edit(move(rows, from, to)) : undefined}
            testId="server-mods-list"
          >
            {(m, i) => (
              <Stack gap={4} data-testid={`server-mod-${m.folder}`}>
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Text size="sm" fw={600}>
                      {m.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {m.folder}
                    </Text>
                  </Stack>
                  <Group gap="sm" wrap="nowrap">
                    <Switch
                      label="Server only"
                      checked={m.server_only}
                      disabled={!isAdmin}
                      onChange={(e) => {
                        const serverOnly = e.currentTarget.checked;
                        edit(rows.map((x, k) => (k === i ? { ...x, server_only: serverOnly } : x)));
                      }}
                      data-testid={`server-mod-server-only-${m.folder}`}
                    />
                    {isAdmin && (
                      <ActionIcon variant="subtle" color="red" aria-label={`Remove ${m.name}`} onClick={() => edit(rows.filter((_, k) => k !== i))}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    )}
                  </Group>
                </Group>
                {error?.row === i && (
                  <Text size="xs" c="red" role="alert" data-testid="server-mod-error">
                    {error.message}
                  </Text>
                )}
              </Stack>
            )}
          </SortableList>
        )}
        {isAdmin && (
          <Group justify="space-between" align="flex-end">
            {library.isError ? (
              <QueryError error={library.error} onRetry={() => library.refetch()} />
            ) : library.data?.length === 0 ? (
              <Text size="sm" c="dimmed">
                The library is empty: register mods on the{' '}
                <Anchor component={Link} to="/mods">
                  Mods page
                </Anchor>
                .
              </Text>
            ) : (
              <Group gap="xs" align="flex-end">
                <Select
                  label="Add from the library"
                  placeholder={addable.length ? 'Pick a mod' : 'Every mod is loaded'}
                  data={addable.map((m) => ({ value: String(m.id), label: `${m.name} (${m.folder})` }))}
                  value={adding}
                  onChange={(v) => setAdding(v === null ? null : String(v))}
                  disabled={addable.length === 0}
                  searchable
                  w={280}
                  data-testid="server-mods-add-select"
                />
                <Button
                  variant="light"
                  leftSection={<IconPlus size={16} />}
                  disabled={!adding}
                  onClick={() => {
                    const m = addable.find((x) => String(x.id) === adding);
                    if (!m) return;
                    edit([...rows, { mod: m.id, name: m.name, folder: m.folder, server_only: false }]);
                    setAdding(null);
                  }}
                  data-testid="server-mods-add"
                >
                  Add
                </Button>
              </Group>
            )}
            <Group gap="xs">
              {dirty && (
                <Button
                  variant="subtle"
                  color="gray"
                  onClick={() => {
                    setRows(mods.data?.mods ?? []);
                    setDirty(false);
                    setError(null);
                  }}
                >
                  Discard changes
                </Button>
              )}
              <Button leftSection={<IconDeviceFloppy size={16} />} disabled={!dirty} loading={save.isPending} onClick={submit} data-testid="server-mods-save">
                Save mods
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
