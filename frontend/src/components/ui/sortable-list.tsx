import { ActionIcon, Group, Paper, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconGripVertical } from '@tabler/icons-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';

interface Props<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  /** What the item is called in button labels and announcements ("coop_01.altis"). */
  itemLabel: (item: T) => string;
  /** Absent: the list is shown in its order and cannot be reordered. */
  onMove?: (from: number, to: number) => void;
  children: (item: T, index: number) => ReactNode;
  testId?: string;
}

type Direction = 'up' | 'down';

/**
 * An ordered list that can be reordered by dragging a row's handle onto another row, or with
 * its up and down buttons (keyboard and touch).
 */
export function SortableList<T>({ items, itemKey, itemLabel, onMove, children, testId }: Props<T>) {
  const root = useRef<HTMLDivElement>(null);
  // A row is only draggable while its handle is held, so that text in its inputs stays selectable.
  const [armed, setArmed] = useState<number | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [refocus, setRefocus] = useState<{ key: string; dir: Direction } | null>(null);

  // The moved row's node is re-inserted, which drops the focus of the button that moved it.
  useEffect(() => {
    if (!refocus || !root.current) return;
    const buttons = [refocus.dir, refocus.dir === 'up' ? 'down' : 'up'].map((d) =>
      root.current!.querySelector<HTMLButtonElement>(`[data-move-key="${refocus.key}"][data-move-dir="${d}"]`),
    );
    buttons.find((b) => b && !b.disabled)?.focus();
    setRefocus(null);
  }, [refocus]);

  const moveTo = (from: number, to: number) => {
    if (!onMove || from === to || to < 0 || to >= items.length) return;
    onMove(from, to);
    setAnnouncement(`${itemLabel(items[from])} moved to position ${to + 1} of ${items.length}`);
  };

  const endDrag = () => {
    setArmed(null);
    setDragging(null);
    setOver(null);
  };

  return (
    <Stack gap="xs" ref={root} data-testid={testId}>
      {items.map((item, i) => {
        const key = itemKey(item);
        const label = itemLabel(item);
        const target = dragging !== null && over === i && dragging !== i;
        return (
          <Paper
            key={key}
            withBorder
            p="sm"
            draggable={onMove !== undefined && armed === i}
            onDragStart={(e) => {
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', label);
              setDragging(i);
            }}
            onDragOver={(e) => {
              if (dragging === null) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              setOver(i);
            }}
            onDrop={(e) => {
              if (dragging === null) return;
              e.preventDefault();
              moveTo(dragging, i);
              endDrag();
            }}
            onDragEnd={endDrag}
            style={{
              opacity: dragging === i ? 0.5 : 1,
              borderColor: target ? 'var(--mantine-color-blue-filled)' : undefined,
              borderWidth: target ? 2 : undefined,
            }}
            data-testid="sortable-row"
          >
            <Group gap="sm" align="flex-start" wrap="nowrap">
              {onMove && (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-hidden
                  tabIndex={-1}
                  style={{ cursor: 'grab' }}
                  onPointerDown={() => setArmed(i)}
                  onPointerUp={() => dragging === null && setArmed(null)}
                  data-testid="drag-handle"
                >
                  <IconGripVertical size={16} />
                </ActionIcon>
              )}
              <Text size="sm" c="dimmed" fw={600} w={22} ta="right" mt={4}>
                {i + 1}.
              </Text>
              <div style={{ flex: 1, minWidth: 0 }}>{children(item, i)}</div>
              {onMove && (
                <Group gap={2} wrap="nowrap">
                  {(['up', 'down'] as const).map((dir) => (
                    <ActionIcon
                      key={dir}
                      variant="default"
                      aria-label={`Move ${label} ${dir}`}
                      disabled={dir === 'up' ? i === 0 : i === items.length - 1}
                      onClick={() => {
                        moveTo(i, dir === 'up' ? i - 1 : i + 1);
                        setRefocus({ key, dir });
                      }}
                      data-move-key={key}
                      data-move-dir={dir}
                      data-testid={`move-${dir}`}
                    >
                      {dir === 'up' ? <IconChevronUp size={16} /> : <IconChevronDown size={16} />}
                    </ActionIcon>
                  ))}
                </Group>
              )}
            </Group>
          </Paper>
        );
      })}
      <VisuallyHidden aria-live="polite">{announcement}</VisuallyHidden>
    </Stack>
  );
}
