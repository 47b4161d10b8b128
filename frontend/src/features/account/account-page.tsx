import { Button, Card, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { PageHeader } from '../../components/ui/page-header';
import { RoleBadge } from '../../components/ui/role-badge';
import { useCurrentUser } from '../../lib/auth';
import { notifySuccess, showFormError } from '../../lib/notify';
import { formatDateTime } from '../../utils/format';

export function AccountPage() {
  const me = useCurrentUser();
  const form = useForm({
    initialValues: { current_password: '', new_password: '', confirm: '' },
    validate: {
      current_password: (v) => (v ? null : 'Enter your current password'),
      new_password: (v, values) =>
        v.length < 8 ? 'At least 8 characters' : v.length > 72 ? 'At most 72 characters' : v === values.current_password ? 'Choose a different password' : null,
      confirm: (v, values) => (v === values.new_password ? null : 'Passwords do not match'),
    },
  });

  const change = useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) =>
      unwrap(api.PUT('/api/v1/auth/password', { body })),
  });

  return (
    <>
      <PageHeader title="Account" description="Your profile and password." />
      <Stack maw={520} gap="md">
        {me.data && (
          <Card withBorder padding="lg">
            <Group justify="space-between">
              <Stack gap={2}>
                <Text fw={600} size="lg">
                  {me.data.username}
                </Text>
                <Text size="xs" c="dimmed">
                  Member since {formatDateTime(me.data.created_at)}
                </Text>
              </Stack>
              <RoleBadge role={me.data.role} size="md" />
            </Group>
          </Card>
        )}
        <Card withBorder padding="lg">
          <Text fw={600} mb={4}>
            Change password
          </Text>
          <Text size="sm" c="dimmed" mb="md">
            Changing your password signs you out everywhere else.
          </Text>
          <form
            data-testid="change-password-form"
            onSubmit={form.onSubmit(({ current_password, new_password }) =>
              change.mutate(
                { current_password, new_password },
                {
                  onSuccess: () => {
                    form.reset();
                    notifySuccess('Other sessions have been signed out.', 'Password changed');
                  },
                  onError: (err) => showFormError(form, err, 'Could not change the password'),
                },
              ),
            )}
          >
            <Stack>
              <PasswordInput
                label="Current password"
                autoComplete="current-password"
                data-testid="current-password"
                {...form.getInputProps('current_password')}
              />
              <PasswordInput
                label="New password"
                description="8 to 72 characters"
                autoComplete="new-password"
                data-testid="new-password"
                {...form.getInputProps('new_password')}
              />
              <PasswordInput
                label="Repeat new password"
                autoComplete="new-password"
                data-testid="confirm-password"
                {...form.getInputProps('confirm')}
              />
              <Group justify="flex-end">
                <Button type="submit" loading={change.isPending} data-testid="change-password-submit">
                  Change password
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      </Stack>
    </>
  );
}
