import { Alert, Badge, Button, Card, Code, Group, Modal, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDeviceFloppy, IconEye, IconInfoCircle } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { QueryError } from '../../components/ui/query-error';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useConfigPreview } from '../../lib/config-preview';
import { scrollToFirstError } from '../../utils/form';
import { usePutConfig, useServerConfig, type Game, type JsonObject, type Server } from './api';
import { routeApiError } from './form-errors';
import { validateConfig, type JsonSchema } from './schema';
import { SchemaForm } from './schema-form';
import { PortList } from './server-ui';

function PreviewModal({ serverId, opened, onClose }: { serverId: number; opened: boolean; onClose: () => void }) {
  const preview = useConfigPreview(serverId, opened);
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <Modal opened={opened} onClose={onClose} title="Preview of the saved configuration" size="xl" fullScreen={phone} centered>
      {preview.isPending ? (
        <Skeleton h={200} />
      ) : preview.isError ? (
        <QueryError error={preview.error} onRetry={() => preview.refetch()} />
      ) : (
        <Stack data-testid="config-preview">
          <Text size="sm" c="dimmed">
            What Languard writes and runs on the next start. Passwords are masked.
          </Text>
          <div>
            <Title order={6} mb={4}>
              Command line
            </Title>
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {[preview.data.program, ...preview.data.args].join(' ')}
            </Code>
          </div>
          <div>
            <Title order={6} mb={4}>
              Ports
            </Title>
            <PortList ports={preview.data.ports} />
          </div>
          {preview.data.files.map((f) => (
            <div key={f.path}>
              <Group gap="xs" mb={4}>
                <Title order={6}>File</Title>
                <Badge variant="outline" color="gray" style={{ textTransform: 'none', fontFamily: 'var(--mantine-font-family-monospace)' }}>
                  {f.path}
                </Badge>
              </Group>
              <Code block style={{ maxHeight: 360, overflow: 'auto' }}>
                {f.contents}
              </Code>
            </div>
          ))}
          {preview.data.files.length === 0 && (
            <Text size="sm" c="dimmed">
              This game has no config files.
            </Text>
          )}
        </Stack>
      )}
    </Modal>
  );
}

export function ServerConfig({ server, game, isAdmin }: { server: Server; game: Game | undefined; isAdmin: boolean }) {
  const config = useServerConfig(server.id);
  const save = usePutConfig();
  const [value, setValue] = useState<JsonObject | null>(null);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [previewing, setPreviewing] = useState(false);
  const invalid = useRef(new Set<string>());
  const formRef = useRef<HTMLFormElement>(null);
  const schema = (game?.config_schema ?? {}) as JsonSchema;

  // Take what is stored while the form is untouched.
  // Adjusted while rendering rather than in an effect, so no frame shows the old values.
  const [seededFrom, setSeededFrom] = useState<typeof config.data>();
  if (config.data !== seededFrom) {
    setSeededFrom(config.data);
    if (config.data && !dirty) setValue(structuredClone(config.data));
  }

  if (config.isError) return <QueryError error={config.error} onRetry={() => config.refetch()} />;
  if (config.isPending || value === null || !game) {
    return (
      <Card withBorder padding="lg">
        <Skeleton h={240} />
      </Card>
    );
  }

  const submit = () => {
    const ce = validateConfig(schema, value);
    setErrors(ce);
    scrollToFirstError(formRef.current);
    if (Object.keys(ce).length) return;
    if (invalid.current.size) {
      notifyError(new Error('Fix the highlighted fields first'), 'Cannot save');
      return;
    }
    save.mutate(
      { id: server.id, config: value },
      {
        onSuccess: (saved) => {
          setValue(structuredClone(saved));
          setDirty(false);
          notifySuccess(
            server.status === 'running' || server.status === 'starting'
              ? 'Saved. Restart the server to apply the changes.'
              : 'Configuration saved',
          );
        },
        onError: (err) =>
          routeApiError(err, {
            title: 'Could not save the configuration',
            known: [],
            schema,
            setErrors: () => {},
            setConfigErrors: setErrors,
            root: formRef.current,
          }),
      },
    );
  };

  return (
    <Card withBorder padding="lg" data-testid="server-config">
      <form
        ref={formRef}
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          submit();
        }}
      >
        <Stack>
          {!isAdmin && (
            <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />}>
              Read only: only admins can change the configuration.
            </Alert>
          )}
          <SchemaForm
            schema={schema}
            value={value}
            onChange={(v) => {
              setValue(v);
              setDirty(true);
              if (Object.keys(errors).length) setErrors({});
            }}
            errors={errors}
            readOnly={!isAdmin}
            invalid={invalid}
          />
          {isAdmin && (
            <Group justify="space-between" mt="sm">
              <Button
                variant="default"
                leftSection={<IconEye size={16} />}
                onClick={() => setPreviewing(true)}
                data-testid="config-preview-button"
              >
                Preview
              </Button>
              <Group gap="xs">
                {dirty && (
                  <Button
                    variant="subtle"
                    color="gray"
                    onClick={() => {
                      setValue(structuredClone(config.data));
                      setDirty(false);
                      setErrors({});
                    }}
                  >
                    Discard changes
                  </Button>
                )}
                <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={save.isPending} disabled={!dirty} data-testid="config-save">
                  Save
                </Button>
              </Group>
            </Group>
          )}
        </Stack>
      </form>
      {isAdmin && <PreviewModal serverId={server.id} opened={previewing} onClose={() => setPreviewing(false)} />}
    </Card>
  );
}
