import { ActionIcon, Alert, Anchor, Badge, Button, Card, Group, List, Modal, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconExternalLink, IconFolderSearch, IconPencil, IconPlus, IconPuzzle, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, type Schemas } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { PageHeader } from '../../components/ui/page-header';
import { QueryError } from '../../components/ui/query-error';
import { TableCard } from '../../components/ui/table-card';
import { hasRole, useCurrentUser } from '../../lib/auth';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatBytes } from '../../utils/format';
import { useDeleteMod, useMods, useScanMods, useServerNames, type Mod } from './api';
import { EditModModal, RegisterModModal } from './mod-forms';
import { workshopUrl } from './mods';

function ScanResultModal({ result, onClose }: { result: Schemas['ScanResult'] | null; onClose: () => void }) {
  return (
    <Modal opened={result !== null} onClose={onClose} title="Scan of the mods folder" centered size="lg">
      {result && (
        <Stack data-testid="scan-result">
          <div>
            <Text fw={600} size="sm">
              Added {result.added.length} mod{result.added.length === 1 ? '' : 's'}
            </Text>
            {result.added.length > 0 && (
              <List size="sm" mt={4}>
                {result.added.map((m) => (
                  <List.Item key={m.id}>
                    <Text span ff="monospace" size="sm">
                      {m.folder}
                    </Text>{' '}
                    ({m.keys.length} key{m.keys.length === 1 ? '' : 's'}, {formatBytes(m.size_bytes)})
                  </List.Item>
                ))}
              </List>
            )}
          </div>
          {result.skipped.length > 0 && (
            <div>
              <Text fw={600} size="sm">
                Skipped {result.skipped.length}
              </Text>
              <List size="sm" mt={4}>
                {result.skipped.map((s) => (
                  <List.Item key={s.folder} data-testid="scan-skipped">
                    <Text span ff="monospace" size="sm">
                      {s.folder}
                    </Text>
                    : {s.reason}
                  </List.Item>
                ))}
              </List>
            </div>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>Close</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Asks before removing a mod; a mod still in a server's set is refused (409) with who uses it. */
function DeleteModModal({ mod, onClose }: { mod: Mod | null; onClose: () => void }) {
  const remove = useDeleteMod();
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <Modal opened={mod !== null} onClose={close} title={mod ? `Remove ${mod.name}` : ''} centered>
      <Stack>
        <Text size="sm">The mod leaves the library; its folder {mod?.folder} stays on disk and can be registered again.</Text>
        {error && (
          <Alert color="orange" variant="light" title="Still in use" data-testid="delete-mod-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() =>
              mod &&
              remove.mutate(mod.id, {
                onSuccess: () => {
                  notifySuccess(`${mod.name} removed from the library`);
                  close();
                },
                onError: (err) => {
                  if (err instanceof ApiError && err.kind === 'mod_in_use') setError(`${errorMessage(err)}. Remove it from their mod sets first.`);
                  else notifyError(err, `Could not remove ${mod.name}`);
                },
              })
            }
            data-testid="confirm-button"
          >
            Remove
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function ModsPage() {
  const mods = useMods();
  const names = useServerNames();
  const scan = useScanMods();
  const me = useCurrentUser();
  const isAdmin = hasRole(me.data?.role, 'admin');
  const [registering, setRegistering] = useState(false);
  const [editing, setEditing] = useState<Mod | null>(null);
  const [deleting, setDeleting] = useState<Mod | null>(null);
  const [scanned, setScanned] = useState<Schemas['ScanResult'] | null>(null);
  const cols = isAdmin ? 7 : 6;

  return (
    <div data-testid="mods-page">
      <PageHeader
        title="Mods"
        description="The Arma 3 mod library: folders under the mods root that servers can load. Pick a server's mods on its Mods tab."
        action={
          isAdmin && (
            <Group gap="xs">
              <Button
                variant="default"
                leftSection={<IconFolderSearch size={16} />}
                loading={scan.isPending}
                onClick={() => scan.mutate(undefined, { onSuccess: setScanned, onError: (err) => notifyError(err, 'Could not scan the mods folder') })}
                data-testid="scan-mods"
              >
                Scan folder
              </Button>
              <Button leftSection={<IconPlus size={16} />} onClick={() => setRegistering(true)} data-testid="register-mod">
                Register mod
              </Button>
            </Group>
          )
        }
      />
      {mods.isError ? (
        <QueryError error={mods.error} onRetry={() => mods.refetch()} />
      ) : mods.data?.length === 0 ? (
        <Card withBorder padding="xl" data-testid="mods-empty">
          <Stack align="center" gap="xs">
            <IconPuzzle size={40} stroke={1.3} color="var(--mantine-color-dimmed)" />
            <Text fw={500}>No mods yet</Text>
            <Text size="sm" c="dimmed" ta="center">
              {isAdmin ? 'Put @folders under the mods root, then scan it or register them one by one.' : 'An admin has not registered any mods yet.'}
            </Text>
          </Stack>
        </Card>
      ) : (
        <TableCard minWidth={820} verticalSpacing="sm" highlightOnHover data-testid="mods-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Folder</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Workshop</Table.Th>
              <Table.Th>Keys</Table.Th>
              <Table.Th>Used by</Table.Th>
              {isAdmin && <Table.Th w={90} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {mods.isPending &&
              [0, 1].map((i) => (
                <Table.Tr key={i}>
                  <Table.Td colSpan={cols}>
                    <Skeleton h={20} />
                  </Table.Td>
                </Table.Tr>
              ))}
            {mods.data?.map((m) => (
              <Table.Tr key={m.id} data-testid={`mod-row-${m.folder}`}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {m.name}
                  </Text>
                  {m.description && (
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {m.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {m.folder}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatBytes(m.size_bytes)}</Text>
                </Table.Td>
                <Table.Td>
                  {m.workshop_id ? (
                    <Anchor href={workshopUrl(m.workshop_id)} target="_blank" rel="noopener noreferrer" size="sm" data-testid="mod-workshop-link">
                      <Group gap={4} component="span" wrap="nowrap">
                        {m.workshop_id}
                        <IconExternalLink size={12} />
                      </Group>
                    </Anchor>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Tooltip label={m.keys.length ? m.keys.join(', ') : 'No .bikey files: with signature checks on, players loading it are kicked'} withArrow multiline maw={360}>
                    <Badge variant="light" color={m.keys.length ? 'gray' : 'orange'} radius="sm">
                      {m.keys.length}
                    </Badge>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  {m.servers.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  ) : (
                    <Group gap={6}>
                      {m.servers.map((id) => (
                        <Anchor key={id} component={Link} to={`/servers/${id}?tab=mods`} size="sm">
                          {names.data?.get(id) ?? `#${id}`}
                        </Anchor>
                      ))}
                    </Group>
                  )}
                </Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon variant="subtle" aria-label={`Edit ${m.name}`} onClick={() => setEditing(m)} data-testid={`mod-edit-${m.folder}`}>
                        <IconPencil size={16} />
                      </ActionIcon>
                      <ActionIcon variant="subtle" color="red" aria-label={`Remove ${m.name}`} onClick={() => setDeleting(m)} data-testid={`mod-delete-${m.folder}`}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
      {isAdmin && (
        <>
          <RegisterModModal opened={registering} onClose={() => setRegistering(false)} />
          <EditModModal mod={editing} onClose={() => setEditing(null)} />
          <DeleteModModal mod={deleting} onClose={() => setDeleting(null)} />
          <ScanResultModal result={scanned} onClose={() => setScanned(null)} />
        </>
      )}
    </div>
  );
}
