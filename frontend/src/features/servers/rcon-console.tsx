import { Button, Card, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconTerminal2 } from '@tabler/icons-react';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useRconCommand } from './players-api';

const MAX_COMMAND_CHARS = 1000;

interface Result {
  command: string;
  output: string;
  failed: boolean;
}

/** Admins only: one raw console command at a time, with the game's reply. */
export function RconConsole({ serverId, disabled }: { serverId: number; disabled: boolean }) {
  const rcon = useRconCommand();
  const [command, setCommand] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const trimmed = command.trim();

  const run = () => {
    if (!trimmed) return;
    rcon.mutate(
      { id: serverId, command: trimmed },
      {
        onSuccess: (res) => setResult({ command: trimmed, output: res.output, failed: false }),
        onError: (err) => {
          if (err instanceof ApiError && err.field === 'command') setFieldError(err.message);
          else setResult({ command: trimmed, output: errorMessage(err), failed: true });
        },
      },
    );
  };

  return (
    <Card withBorder padding="lg" data-testid="rcon-console">
      <Stack gap="sm">
        <Group gap="xs">
          <IconTerminal2 size={18} />
          <Title order={5}>RCON console</Title>
        </Group>
        <Text size="xs" c="dimmed">
          Sent to the game as typed; every command is kept in the audit log.
        </Text>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            run();
          }}
        >
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              flex={1}
              ff="monospace"
              placeholder={disabled ? 'Needs a working RCON link' : 'status'}
              aria-label="RCON command"
              value={command}
              maxLength={MAX_COMMAND_CHARS}
              disabled={disabled}
              error={fieldError}
              onChange={(e) => {
                setCommand(e.currentTarget.value);
                setFieldError(null);
              }}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-testid="rcon-input"
            />
            <Button type="submit" variant="light" disabled={disabled || !trimmed} loading={rcon.isPending} data-testid="rcon-submit">
              Run
            </Button>
          </Group>
        </form>
        {result && (
          <Code
            block
            data-testid="rcon-output"
            c={result.failed ? 'red' : undefined}
            style={{ maxHeight: 360, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
          >
            {`> ${result.command}\n${result.output || '(no reply)'}`}
          </Code>
        )}
      </Stack>
    </Card>
  );
}
