import { Button, Group, Modal, PasswordInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { Role, User } from '../../api/client';
import { ROLES } from '../../lib/auth';
import { notifySuccess, showFormError } from '../../lib/notify';
import { useCreateUser, useUpdateUser } from './api';

const ROLE_OPTIONS = ROLES.map((r) => ({
  value: r,
  label: r === 'admin' ? 'Admin — full access' : r === 'operator' ? 'Operator — manage servers' : 'Viewer — read only',
}));

const USERNAME_RE = /^[A-Za-z0-9_.-]{3,32}$/;

export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateUser();
  const form = useForm({
    initialValues: { username: '', password: '', role: 'viewer' as Role },
    validate: {
      username: (v) => (USERNAME_RE.test(v) ? null : '3–32 characters: letters, digits, _ . -'),
      password: (v) => (v.length < 8 ? 'At least 8 characters' : v.length > 72 ? 'At most 72 characters' : null),
    },
  });

  useEffect(() => {
    if (!opened) form.reset();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `form` is a new object on every render; reset only when the dialog closes
  }, [opened]);

  return (
    <Modal opened={opened} onClose={onClose} title="Create user" centered>
      <form
        data-testid="create-user-form"
        onSubmit={form.onSubmit((values) =>
          create.mutate(values, {
            onSuccess: (user) => {
              notifySuccess(`User ${user.username} created`);
              onClose();
            },
            onError: (err) => showFormError(form, err, 'Could not create the user'),
          }),
        )}
      >
        <Stack>
          <TextInput label="Username" data-testid="user-username" autoComplete="off" {...form.getInputProps('username')} />
          <PasswordInput
            label="Password"
            description="8 to 72 characters"
            data-testid="user-password"
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            allowDeselect={false}
            data-testid="user-role"
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('role')}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="create-user-submit">
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function EditUserModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const update = useUpdateUser();
  const form = useForm({ initialValues: { role: 'viewer' as Role, disabled: false } });

  useEffect(() => {
    if (user) form.setValues({ role: user.role, disabled: user.disabled });
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `form` is a new object on every render; fill it only when another user is picked
  }, [user]);

  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Edit ${user.username}` : ''} centered>
      <form
        onSubmit={form.onSubmit((values) => {
          if (!user) return;
          const body: { role?: Role; disabled?: boolean } = {};
          if (values.role !== user.role) body.role = values.role;
          if (values.disabled !== user.disabled) body.disabled = values.disabled;
          if (Object.keys(body).length === 0) return onClose();
          update.mutate(
            { id: user.id, body },
            {
              onSuccess: (u) => {
                notifySuccess(`User ${u.username} updated`);
                onClose();
              },
              onError: (err) => showFormError(form, err, 'Could not update the user'),
            },
          );
        })}
      >
        <Stack>
          <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} data-testid="edit-role" {...form.getInputProps('role')} />
          <Switch
            label="Account disabled"
            description="Disabled users cannot sign in and their API tokens stop working."
            data-testid="edit-disabled"
            {...form.getInputProps('disabled', { type: 'checkbox' })}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending} data-testid="edit-user-submit">
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const update = useUpdateUser();
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (v) => (v.length < 8 ? 'At least 8 characters' : v.length > 72 ? 'At most 72 characters' : null),
      confirm: (v, values) => (v === values.password ? null : 'Passwords do not match'),
    },
  });

  useEffect(() => {
    if (!user) form.reset();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `form` is a new object on every render; reset only when the dialog closes
  }, [user]);

  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Reset password for ${user.username}` : ''} centered>
      <form
        onSubmit={form.onSubmit((values) => {
          if (!user) return;
          update.mutate(
            { id: user.id, body: { password: values.password } },
            {
              onSuccess: (u) => {
                notifySuccess(`Password of ${u.username} was reset`);
                onClose();
              },
              onError: (err) => showFormError(form, err, 'Could not reset the password'),
            },
          );
        })}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            The user will need the new password for their next sign-in.
          </Text>
          <PasswordInput label="New password" autoComplete="new-password" {...form.getInputProps('password')} />
          <PasswordInput label="Repeat new password" autoComplete="new-password" {...form.getInputProps('confirm')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Reset password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
