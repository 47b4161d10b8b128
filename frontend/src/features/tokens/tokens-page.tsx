import { ActionIcon, Button, Code, Skeleton, Table, Text, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { Schemas } from '../../api/client';
import { ConfirmModal } from '../../components/ui/confirm-modal';
import { PageHeader } from '../../components/ui/page-header';
import { PagedTable } from '../../components/ui/paged-table';
import { TableCard } from '../../components/ui/table-card';
import { RoleBadge } from '../../components/ui/role-badge';
import { useCurrentUser } from '../../lib/auth';
import { notifyError, notifySuccess } from '../../lib/notify';
import { usePaging } from '../../lib/use-paging';
import { formatDateTime } from '../../utils/format';
import { useRevokeToken, useTokens } from './api';
import { CreateTokenModal, TokenSecretModal } from './token-modals';

type ApiToken = Schemas['ApiToken'];

function isExpired(t: ApiToken) {
  return t.expires_at ? new Date(t.expires_at).getTime() < Date.now() : false;
}

export function TokensPage() {
  const paging = usePaging(50);
  const tokens = useTokens(paging.page, paging.perPage);
  const me = useCurrentUser();
  const revoke = useRevokeToken();
  const isAdmin = me.data?.role === 'admin';

  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Schemas['CreatedToken'] | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const cols = isAdmin ? 8 : 7;

  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          isAdmin
            ? 'Long-lived credentials for scripts and integrations. As an admin you see everyone’s tokens.'
            : 'Long-lived credentials for scripts and integrations.'
        }
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="create-token-button">
            Create token
          </Button>
        }
      />
      <PagedTable paging={paging} total={tokens.data?.total} showEmpty query={tokens}>
        <TableCard minWidth={760} verticalSpacing="sm" highlightOnHover data-testid="tokens-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Prefix</Table.Th>
              <Table.Th>Role</Table.Th>
              {isAdmin && <Table.Th>Owner</Table.Th>}
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th w={60} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.isPending &&
              [0, 1].map((i) => (
                <Table.Tr key={i}>
                  <Table.Td colSpan={cols}>
                    <Skeleton h={20} />
                  </Table.Td>
                </Table.Tr>
              ))}
            {tokens.data?.items.map((t) => (
              <Table.Tr key={t.id} data-testid={`token-row-${t.id}`}>
                <Table.Td>
                  <Text fw={500} size="sm">
                    {t.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Code>{t.prefix}…</Code>
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={t.role} />
                </Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Text size="sm">{t.username}</Text>
                  </Table.Td>
                )}
                <Table.Td>
                  <Text size="sm">{formatDateTime(t.created_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={isExpired(t) ? 'red' : undefined}>
                    {t.expires_at ? formatDateTime(t.expires_at) : 'never'}
                    {isExpired(t) && ' (expired)'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t.last_used_at ? formatDateTime(t.last_used_at) : 'never'}</Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label="Revoke">
                    <ActionIcon variant="subtle" color="red" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                      <IconTrash size={18} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
            {tokens.data && tokens.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={cols}>
                  <Text c="dimmed" ta="center" py="md">
                    No API tokens yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </TableCard>
      </PagedTable>

      <CreateTokenModal opened={creating} myRole={me.data?.role} onClose={() => setCreating(false)} onCreated={setCreated} />
      <TokenSecretModal created={created} onClose={() => setCreated(null)} />
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke API token"
        confirmLabel="Revoke token"
        loading={revoke.isPending}
        onClose={() => setRevoking(null)}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              notifySuccess(`Token ${revoking.name} revoked`);
              setRevoking(null);
            },
            onError: (err) => {
              notifyError(err, 'Could not revoke the token');
              setRevoking(null);
            },
          })
        }
      >
        Revoke <b>{revoking?.name}</b> (<Code>{revoking?.prefix}…</Code>)? Anything using it will immediately lose access.
      </ConfirmModal>
    </>
  );
}
