import { Alert, Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { IconRefresh, IconRefreshAlert } from '@tabler/icons-react';
import { notifyError, notifySuccess } from '../../lib/notify';
import { usePowerAction, type Server } from './api';

const WHY = 'Its configuration, mods or mission rotation changed while it ran; they apply at the next start.';

/** The server list's marker for a server whose changes wait for a restart (an icon: the cell is narrow). */
export function RestartRequiredBadge({ testId }: { testId?: string }) {
  return (
    <Tooltip label={`Restart required. ${WHY}`} withArrow multiline maw={320}>
      <Badge color="yellow" variant="light" radius="sm" px={6} aria-label="Restart required" role="img" data-testid={testId}>
        <IconRefreshAlert size={12} style={{ display: 'block' }} />
      </Badge>
    </Tooltip>
  );
}

/** The server page's notice, with a restart button for operators. */
export function RestartRequiredBanner({ server, canRestart }: { server: Server; canRestart: boolean }) {
  const power = usePowerAction();
  return (
    <Alert color="yellow" variant="light" icon={<IconRefreshAlert size={20} />} title="Restart required" data-testid="restart-required">
      <Group justify="space-between" gap="sm">
        <Text size="sm">{WHY}</Text>
        {canRestart && (
          <Button
            size="xs"
            color="yellow"
            leftSection={<IconRefresh size={14} />}
            loading={power.isPending}
            disabled={server.status !== 'running'}
            onClick={() =>
              power.mutate(
                { id: server.id, action: 'restart' },
                {
                  onSuccess: (res) => notifySuccess(`${server.name}: ${res.status}`, 'Restart requested'),
                  onError: (err) => notifyError(err, `Could not restart ${server.name}`),
                },
              )
            }
            data-testid="restart-required-restart"
          >
            Restart now
          </Button>
        )}
      </Group>
    </Alert>
  );
}
