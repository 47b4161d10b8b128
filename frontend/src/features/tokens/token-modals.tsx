import { Alert, Button, Code, Group, Modal, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { Role, Schemas } from '../../api/client';
import { hasRole, ROLES } from '../../lib/auth';
import { notifyError, showFormError } from '../../lib/notify';
import { copyText } from '../../utils/clipboard';
import { useCreateToken } from './api';

const EXPIRY_OPTIONS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'custom', label: 'Custom…' },
  { value: 'never', label: 'Never' },
];

interface Props {
  opened: boolean;
  myRole: Role | undefined;
  onClose: () => void;
  onCreated: (created: Schemas['CreatedToken']) => void;
}

export function CreateTokenModal({ opened, myRole, onClose, onCreated }: Props) {
  const create = useCreateToken();
  const roles = ROLES.filter((r) => hasRole(myRole, r));
  const form = useForm({
    initialValues: { name: '', role: (myRole ?? 'viewer') as Role, expiry: '90', days: 30 as number | string },
    validate: {
      name: (v) => (v.trim().length >= 1 && v.trim().length <= 64 ? null : '1–64 characters'),
      days: (v, values) =>
        values.expiry !== 'custom' || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 3650)
          ? null
          : 'Between 1 and 3650 days',
    },
  });

  useEffect(() => {
    if (opened) {
      form.reset();
      form.setFieldValue('role', myRole ?? 'viewer');
    }
    // Reset only when the modal opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `form` is a new object on every render
  }, [opened]);

  const expiresInDays = (v: typeof form.values): number | null =>
    v.expiry === 'never' ? null : v.expiry === 'custom' ? Number(v.days) : Number(v.expiry);

  return (
    <Modal opened={opened} onClose={onClose} title="Create API token" centered>
      <form
        data-testid="create-token-form"
        onSubmit={form.onSubmit((values) =>
          create.mutate(
            { name: values.name.trim(), role: values.role, expires_in_days: expiresInDays(values) },
            {
              onSuccess: (created) => {
                onClose();
                onCreated(created);
              },
              onError: (err) => showFormError(form, err, 'Could not create the token'),
            },
          ),
        )}
      >
        <Stack>
          <TextInput
            label="Name"
            description="What the token is for, e.g. “backup script”"
            data-testid="token-name"
            {...form.getInputProps('name')}
          />
          <Select
            label="Role"
            description="A token can never have more rights than you."
            data={roles}
            allowDeselect={false}
            data-testid="token-role"
            {...form.getInputProps('role')}
          />
          <Select label="Expires" data={EXPIRY_OPTIONS} allowDeselect={false} data-testid="token-expiry" {...form.getInputProps('expiry')} />
          {form.values.expiry === 'custom' && (
            <NumberInput label="Days until expiry" min={1} max={3650} allowDecimal={false} {...form.getInputProps('days')} />
          )}
          {form.values.expiry === 'never' && (
            <Text size="xs" c="orange">
              Tokens that never expire stay valid until you revoke them.
            </Text>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="create-token-submit">
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Shows a newly created token's secret exactly once. */
export function TokenSecretModal({ created, onClose }: { created: Schemas['CreatedToken'] | null; onClose: () => void }) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={created ? `Token “${created.token.name}” created` : ''}
      centered
      size="lg"
      closeOnClickOutside={false}
    >
      {created && (
        <Stack>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={20} />} title="Copy it now" data-testid="token-secret-warning">
            This is the only time the secret is shown. You won't see it again — store it somewhere safe.
          </Alert>
          <Code block data-testid="token-secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', fontSize: 14 }}>
            {created.secret}
          </Code>
          <Text size="xs" c="dimmed">
            Use it as <Code>Authorization: Bearer &lt;secret&gt;</Code> when calling the API.
          </Text>
          <Group justify="flex-end">
            <CopySecretButton secret={created.secret} />
            <Button variant="default" onClick={onClose} data-testid="token-secret-close">
              I have stored it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function CopySecretButton({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <Button
      color={copied ? 'teal' : undefined}
      variant={copied ? 'light' : 'filled'}
      leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
      onClick={async () => {
        if (await copyText(secret)) setCopied(true);
        else notifyError(new Error('Copying is blocked by the browser; select the secret and copy it by hand.'), 'Copy failed');
      }}
      data-testid="token-secret-copy"
    >
      {copied ? 'Copied' : 'Copy secret'}
    </Button>
  );
}
