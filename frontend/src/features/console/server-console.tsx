import { ActionIcon, Alert, Box, Button, Card, Group, Loader, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconArrowDown, IconEraser, IconInfoCircle, IconSend, IconTerminal2 } from '@tabler/icons-react';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../api/errors';
import { CommandError, type LiveMessage } from '../../lib/live/client';
import { useLiveClient, useLiveStatus, useLiveSubscription } from '../../lib/live/react';
import type { Server } from '../../api/client';
import { CommandHistory, historyKey } from './command-history';
import { ConsoleBuffer, type ConsoleLine } from './console-buffer';
import { fetchRecentLines } from './console-api';

export const CONSOLE_LINES = 5000;
/** Stored lines shown when the console opens (the most one page of the logs API holds). */
const HISTORY_LINES = 1000;
const MAX_COMMAND_CHARS = 1000;
/** Within this many pixels of the bottom counts as "at the bottom" (follow new lines). */
const BOTTOM_SLACK = 24;

const LEVEL_COLOR: Record<string, string | undefined> = {
  error: 'var(--mantine-color-red-4)',
  warn: 'var(--mantine-color-yellow-4)',
  debug: 'var(--mantine-color-dark-2)',
};

function lineColor(l: ConsoleLine): string | undefined {
  if (l.kind === 'command') return 'var(--mantine-color-teal-3)';
  if (l.kind === 'notice') return 'var(--mantine-color-blue-3)';
  if (l.level) return LEVEL_COLOR[l.level];
  return undefined;
}

const Line = memo(function Line({ line }: { line: ConsoleLine }) {
  return (
    <div
      data-testid="console-line"
      data-kind={line.kind}
      data-level={line.level ?? undefined}
      style={{
        color: lineColor(line),
        fontStyle: line.kind === 'notice' ? 'italic' : undefined,
        whiteSpace: 'pre-wrap',
        overflowWrap: 'anywhere',
        minHeight: '1.45em',
      }}
    >
      {line.kind === 'command' ? `> ${line.text}` : line.text}
    </div>
  );
});

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function placeholderFor(connected: boolean, server: Server): string {
  if (!connected) return 'Waiting for the connection to the panel…';
  if (server.status !== 'running') return 'The server is not running';
  return 'Type a command, Enter to send (↑/↓ for history)';
}

/**
 * The Console tab: what the game writes, live, coloured by the level its adapter reads; and for
 * operators, a command line whose replies are shown inline.
 */
export function ServerConsole({ server, canCommand }: { server: Server; canCommand: boolean }) {
  const live = useLiveClient();
  const status = useLiveStatus();
  const connected = status.state === 'open';
  const [buffer] = useState(() => new ConsoleBuffer(CONSOLE_LINES));
  const [lines, setLines] = useState<ConsoleLine[]>([]);
  const [follow, setFollow] = useState(true);
  const [pausedAt, setPausedAt] = useState(0);
  const [command, setCommand] = useState('');
  const [pending, setPending] = useState(0);
  const history = useRef<CommandHistory | null>(null);
  const view = useRef<HTMLDivElement>(null);
  const frame = useRef<number | null>(null);

  if (history.current === null) history.current = new CommandHistory(storage(), historyKey(server.id));

  // Many lines can arrive in one burst: draw at most once per animation frame.
  const redraw = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setLines(buffer.toArray());
    });
  }, [buffer]);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  useLiveSubscription([server.id], ['console', 'log'], (m: LiveMessage) => {
    if (m.kind === 'gap') {
      buffer.push('notice', m.missed ? `${m.missed} frames were missed while the connection lagged; some lines are not shown.` : 'Lines written while the connection was down are not shown.');
    } else if (m.frame.type === 'log') {
      buffer.onLog(m.frame.data);
      return;
    } else {
      buffer.onConsole(m.frame.data);
    }
    redraw();
  });

  // The lines written before the tab opened, from the log store; live ones that came in while
  // they were on the way stay after them.
  const [loadingHistory, setLoadingHistory] = useState(true);
  useEffect(() => {
    const abort = new AbortController();
    fetchRecentLines(server.id, HISTORY_LINES, abort.signal)
      .then((entries) => buffer.prependHistory(entries))
      .catch((err: unknown) => {
        if (!abort.signal.aborted) buffer.push('notice', `Earlier lines could not be loaded: ${errorMessage(err)}`);
      })
      .finally(() => {
        if (abort.signal.aborted) return;
        setLoadingHistory(false);
        redraw();
      });
    return () => abort.abort();
  }, [server.id, buffer, redraw]);

  // Say so in the console itself when the stream drops and comes back.
  const wasOpen = useRef(connected);
  useEffect(() => {
    if (wasOpen.current === connected) return;
    wasOpen.current = connected;
    if (status.everOpened) {
      buffer.push('notice', connected ? 'Connection to the panel is back.' : 'Connection to the panel lost; reconnecting…');
      redraw();
    }
  }, [connected, status.everOpened, buffer, redraw]);

  useLayoutEffect(() => {
    const el = view.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  const onScroll = () => {
    const el = view.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (atBottom !== follow) {
      setFollow(atBottom);
      if (!atBottom) setPausedAt(buffer.appended);
    }
  };

  const resume = () => {
    setFollow(true);
    const el = view.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  const send = () => {
    const line = command.trim();
    if (!line || !live) return;
    history.current?.record(line);
    setCommand('');
    buffer.push('command', line);
    resume();
    redraw();
    setPending((n) => n + 1);
    live
      .command(server.id, line)
      .then((output) => buffer.push(output.trim() ? 'reply' : 'notice', output.trim() ? output : '(no output)'))
      .catch((err: unknown) => buffer.push('failure', err instanceof CommandError ? err.message : String(err)))
      .finally(() => {
        setPending((n) => n - 1);
        redraw();
      });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const h = history.current;
    if (!h || e.nativeEvent.isComposing) return;
    const next = e.key === 'ArrowUp' ? h.up(command) : e.key === 'ArrowDown' ? h.down() : undefined;
    if (next === undefined) return;
    e.preventDefault();
    if (next !== null) setCommand(next);
  };

  const unseen = follow ? 0 : buffer.appended - pausedAt;
  const canSend = connected && server.status === 'running';

  return (
    <Card withBorder padding="md" data-testid="server-console">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Group gap="xs">
            <IconTerminal2 size={18} />
            <Text fw={600}>Console</Text>
            <Text size="xs" c="dimmed" data-testid="console-count">
              {lines.length === CONSOLE_LINES ? `last ${CONSOLE_LINES} lines` : `${lines.length} line${lines.length === 1 ? '' : 's'}`}
            </Text>
          </Group>
          <Tooltip label="Clear the view (the game's log files are not touched)" withArrow>
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label="Clear the console view"
              data-testid="console-clear"
              onClick={() => {
                buffer.clear();
                setLines([]);
              }}
            >
              <IconEraser size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>

        <Box pos="relative">
          <Box
            ref={view}
            onScroll={onScroll}
            data-testid="console-view"
            data-follow={follow ? 'true' : 'false'}
            role="log"
            aria-live="off"
            aria-label={`Console of ${server.name}`}
            tabIndex={0}
            style={{
              height: 'min(60vh, 560px)',
              minHeight: 240,
              overflowY: 'auto',
              padding: '8px 12px',
              borderRadius: 'var(--mantine-radius-sm)',
              background: 'var(--mantine-color-dark-8)',
              color: 'var(--mantine-color-gray-3)',
              fontFamily: 'var(--mantine-font-family-monospace)',
              fontSize: 13,
              lineHeight: 1.45,
            }}
          >
            {lines.length === 0 && loadingHistory ? (
              <Group gap="xs" c="dimmed" data-testid="console-loading">
                <Loader size="xs" color="gray" />
                <span>Loading recent lines…</span>
              </Group>
            ) : lines.length === 0 ? (
              <div style={{ color: 'var(--mantine-color-dark-2)' }} data-testid="console-empty">
                {server.status === 'running'
                  ? 'Nothing written yet: lines the game writes appear here as they are written.'
                  : 'The server is not running. Its output appears here once it starts.'}
              </div>
            ) : (
              lines.map((l) => <Line key={l.id} line={l} />)
            )}
          </Box>
          {!follow && (
            <Button
              size="xs"
              radius="xl"
              variant="filled"
              leftSection={<IconArrowDown size={14} />}
              onClick={resume}
              data-testid="console-resume"
              style={{ position: 'absolute', bottom: 12, left: '50%', transform: 'translateX(-50%)', boxShadow: 'var(--mantine-shadow-md)' }}
            >
              {unseen > 0 ? `${unseen} new line${unseen === 1 ? '' : 's'}` : 'Resume auto-scroll'}
            </Button>
          )}
        </Box>

        {canCommand ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              send();
            }}
          >
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <TextInput
                flex={1}
                leftSection={<Text ff="monospace" size="sm" c="dimmed">{'>'}</Text>}
                rightSection={pending > 0 ? <Loader size="xs" data-testid="console-pending" /> : null}
                placeholder={placeholderFor(connected, server)}
                aria-label="Console command"
                value={command}
                maxLength={MAX_COMMAND_CHARS}
                disabled={!canSend}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setCommand(e.currentTarget.value)}
                onKeyDown={onKeyDown}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                data-testid="console-input"
              />
              <Button type="submit" variant="light" leftSection={<IconSend size={16} />} disabled={!canSend || !command.trim()} data-testid="console-send">
                Send
              </Button>
            </Group>
          </form>
        ) : (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} py={6} data-testid="console-readonly">
            Read-only: operators and admins can run commands here.
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
