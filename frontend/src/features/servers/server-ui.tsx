import { ActionIcon, Badge, Button, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import {
  IconPlayerPlay,
  IconPlayerStop,
  IconRefresh,
  IconSkull,
} from '@tabler/icons-react';
import { useState, type ComponentType } from 'react';
import type { Schemas } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { usePowerAction, type PowerAction, type Server, type ServerState } from './api';

export function PortList({ ports }: { ports: Schemas['PortSpec'][] }) {
  if (ports.length === 0) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {ports.map((p) => (
        <Tooltip key={`${p.port}/${p.transport}/${p.purpose}`} label={p.purpose} withArrow>
          <Badge variant="outline" color="gray" size="sm" radius="sm" style={{ textTransform: 'none', fontFamily: 'var(--mantine-font-family-monospace)' }}>
            {p.port}/{p.transport}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

/** Which power actions make sense in each state (the API answers 409 otherwise). */
export function canDo(action: PowerAction, status: ServerState): boolean {
  switch (action) {
    case 'start':
      return status === 'stopped' || status === 'crashed' || status === 'error';
    case 'stop':
      return status === 'running' || status === 'starting';
    case 'restart':
      return status === 'running';
    case 'kill':
      return status === 'running' || status === 'starting' || status === 'stopping';
  }
}

interface ActionDef {
  action: PowerAction;
  label: string;
  color: string;
  icon: ComponentType<{ size?: number }>;
  confirm?: (name: string) => string;
}

const ACTIONS: ActionDef[] = [
  { action: 'start', label: 'Start', color: 'teal', icon: IconPlayerPlay },
  {
    action: 'stop',
    label: 'Stop',
    color: 'orange',
    icon: IconPlayerStop,
    confirm: (n) => `Stop ${n}? Players are disconnected; the server gets time to shut down cleanly.`,
  },
  { action: 'restart', label: 'Restart', color: 'blue', icon: IconRefresh },
  {
    action: 'kill',
    label: 'Kill',
    color: 'red',
    icon: IconSkull,
    confirm: (n) => `Kill ${n} immediately? The process is terminated without saving; unsaved progress may be lost.`,
  },
];

/** Start / stop / restart / kill, with a confirmation for stop and kill. */
export function PowerButtons({ server, compact }: { server: Server; compact?: boolean }) {
  const power = usePowerAction();
  const [confirming, setConfirming] = useState<ActionDef | null>(null);
  const [pending, setPending] = useState<PowerAction | null>(null);

  const run = (def: ActionDef) => {
    setPending(def.action);
    power.mutate(
      { id: server.id, action: def.action },
      {
        onSuccess: (res) => notifySuccess(`${server.name}: ${res.status}`, `${def.label} requested`),
        onError: (err) => notifyError(err, `Could not ${def.action} ${server.name}`),
        onSettled: () => {
          setPending(null);
          setConfirming(null);
        },
      },
    );
  };
  const click = (def: ActionDef) => (def.confirm ? setConfirming(def) : run(def));

  return (
    <>
      <Group gap={compact ? 4 : 'xs'} wrap={compact ? 'nowrap' : 'wrap'}>
        {ACTIONS.map((def) => {
          const disabled = !canDo(def.action, server.status) || (pending !== null && pending !== def.action);
          const testId = `server-${def.action}-${server.name}`;
          return compact ? (
            <Tooltip key={def.action} label={def.label} withArrow>
              <ActionIcon
                variant="light"
                color={def.color}
                size="lg"
                aria-label={`${def.label} ${server.name}`}
                disabled={disabled}
                loading={pending === def.action}
                onClick={() => click(def)}
                data-testid={testId}
              >
                <def.icon size={18} />
              </ActionIcon>
            </Tooltip>
          ) : (
            <Button
              key={def.action}
              variant="light"
              color={def.color}
              leftSection={<def.icon size={16} />}
              disabled={disabled}
              loading={pending === def.action}
              onClick={() => click(def)}
              data-testid={testId}
            >
              {def.label}
            </Button>
          );
        })}
      </Group>
      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={confirming ? `${confirming.label} server` : ''} centered>
        <Stack>
          <Text size="sm">{confirming?.confirm?.(server.name)}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              Cancel
            </Button>
            <Button
              color={confirming?.color}
              loading={pending !== null}
              onClick={() => confirming && run(confirming)}
              data-testid="confirm-action"
            >
              {confirming?.label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
