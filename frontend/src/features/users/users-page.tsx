import { ActionIcon, Badge, Button, Menu, Skeleton, Table, Text } from '@mantine/core';
import { IconDots, IconKey, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { User } from '../../api/client';
import { ConfirmModal } from '../../components/ui/confirm-modal';
import { PageHeader } from '../../components/ui/page-header';
import { PagedTable } from '../../components/ui/paged-table';
import { TableCard } from '../../components/ui/table-card';
import { RoleBadge } from '../../components/ui/role-badge';
import { useCurrentUser } from '../../lib/auth';
import { notifyError, notifySuccess } from '../../lib/notify';
import { usePaging } from '../../lib/use-paging';
import { formatDateTime } from '../../utils/format';
import { useDeleteUser, useUsers } from './api';
import { CreateUserModal, EditUserModal, ResetPasswordModal } from './user-forms';

export function UsersPage() {
  const paging = usePaging(50);
  const users = useUsers(paging.page, paging.perPage);
  const me = useCurrentUser();
  const del = useDeleteUser();

  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  return (
    <>
      <PageHeader
        title="Users"
        description="People who can sign in to this panel."
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="create-user-button">
            Create user
          </Button>
        }
      />

      <PagedTable paging={paging} total={users.data?.total} showEmpty query={users}>
        <TableCard minWidth={640} verticalSpacing="sm" highlightOnHover data-testid="users-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Username</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last sign-in</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th w={60} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.isPending &&
              [0, 1, 2].map((i) => (
                <Table.Tr key={i}>
                  <Table.Td colSpan={6}>
                    <Skeleton h={20} />
                  </Table.Td>
                </Table.Tr>
              ))}
            {users.data?.items.map((u) => (
              <Table.Tr key={u.id} data-testid={`user-row-${u.username}`}>
                <Table.Td>
                  <Text fw={500} size="sm">
                    {u.username}
                    {me.data?.id === u.id && (
                      <Text span c="dimmed" size="xs" ml={6}>
                        (you)
                      </Text>
                    )}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={u.role} />
                </Table.Td>
                <Table.Td>
                  {u.disabled ? (
                    <Badge color="gray" variant="outline">
                      disabled
                    </Badge>
                  ) : (
                    <Badge color="teal" variant="dot">
                      active
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(u.last_login_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(u.created_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${u.username}`}>
                        <IconDots size={18} />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(u)}>
                        Edit role / status
                      </Menu.Item>
                      <Menu.Item leftSection={<IconKey size={16} />} onClick={() => setResetting(u)}>
                        Reset password
                      </Menu.Item>
                      <Menu.Divider />
                      <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(u)}>
                        Delete
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            ))}
            {users.data && users.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text c="dimmed" ta="center" py="md">
                    No users on this page.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </TableCard>
      </PagedTable>

      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      <EditUserModal user={editing} onClose={() => setEditing(null)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete user"
        confirmLabel="Delete user"
        loading={del.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          del.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`User ${deleting.username} deleted`);
              setDeleting(null);
            },
            onError: (err) => {
              notifyError(err, 'Could not delete the user');
              setDeleting(null);
            },
          })
        }
      >
        Delete <b>{deleting?.username}</b>? Their sessions and API tokens stop working immediately. This cannot be undone.
      </ConfirmModal>
    </>
  );
}
