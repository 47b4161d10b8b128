import { ActionIcon, Badge, Button, Card, CloseButton, Group, Paper, Progress, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconTrash, IconUpload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { ApiError, type Server } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { ConfirmModal } from '../../components/ui/confirm-modal';
import { QueryError } from '../../components/ui/query-error';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatBytes, formatDateTime } from '../../utils/format';
import { sentence } from '../../utils/form';
import { checkUpload, contentLabel, newKey, type ContentFile, type ContentList } from './content';
import { useContent, useDeleteContent, useUploadContent } from './content-api';
import { RotationEditor } from './server-rotation';

interface UploadItem {
  key: string;
  name: string;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  sent: number;
  total: number;
  message?: string;
}

/** An upload's failure as the server put it (the name refused, the size over the limit). */
function uploadError(err: unknown): string {
  if (err instanceof DOMException && err.name === 'AbortError') return 'Cancelled';
  return err instanceof ApiError ? sentence(err.message) : errorMessage(err);
}

function UploadRow({ item, onCancel, onDismiss }: { item: UploadItem; onCancel: () => void; onDismiss: () => void }) {
  const pct = item.total > 0 ? Math.round((item.sent / item.total) * 100) : 0;
  return (
    <Paper withBorder p="xs" data-testid="upload-item" data-state={item.state}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          {item.name}
        </Text>
        {item.state === 'uploading' || item.state === 'waiting' ? (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={onCancel}>
            Cancel
          </Button>
        ) : (
          <CloseButton size="sm" aria-label={`Dismiss ${item.name}`} onClick={onDismiss} />
        )}
      </Group>
      {item.state === 'uploading' && (
        <>
          <Progress value={pct} mt={6} animated aria-label={`Uploading ${item.name}`} data-testid="upload-progress" />
          <Text size="xs" c="dimmed" mt={4}>
            {pct} % of {formatBytes(item.total)}
          </Text>
        </>
      )}
      {item.state === 'waiting' && (
        <Text size="xs" c="dimmed">
          Waiting
        </Text>
      )}
      {item.state === 'done' && (
        <Text size="xs" c="teal" data-testid="upload-done">
          {item.message}
        </Text>
      )}
      {item.state === 'failed' && (
        <Text size="xs" c="red" role="alert" data-testid="upload-error">
          {item.message}
        </Text>
      )}
    </Paper>
  );
}

/** A drop area and file picker; files are checked here first, then sent one at a time. */
function UploadArea({ serverId, list }: { serverId: number; list: ContentList }) {
  const upload = useUploadContent(serverId);
  const [items, setItems] = useState<UploadItem[]>([]);
  const [hover, setHover] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const queue = useRef<{ key: string; file: File }[]>([]);
  const current = useRef<{ key: string; abort: AbortController } | null>(null);

  const patch = (key: string, p: Partial<UploadItem>) => setItems((all) => all.map((it) => (it.key === key ? { ...it, ...p } : it)));

  // Leaving the tab cancels what is being sent and what waits (their progress could no longer be seen).
  useEffect(
    () => () => {
      queue.current = [];
      current.current?.abort.abort();
    },
    [],
  );

  const pump = async () => {
    if (current.current) return;
    const next = queue.current.shift();
    if (!next) return;
    const abort = new AbortController();
    current.current = { key: next.key, abort };
    patch(next.key, { state: 'uploading', total: next.file.size });
    try {
      const res = await upload.mutateAsync({
        file: next.file,
        signal: abort.signal,
        onProgress: (sent, total) => patch(next.key, { sent, total }),
      });
      patch(next.key, { state: 'done', message: res.replaced ? `Uploaded as ${res.file.name}, replacing the earlier file` : `Uploaded as ${res.file.name}` });
    } catch (err) {
      patch(next.key, { state: 'failed', message: uploadError(err) });
    }
    current.current = null;
    void pump();
  };

  const add = (files: File[]) => {
    const added = files.map((file) => {
      const problem = checkUpload(file, list);
      const item: UploadItem = { key: newKey(), name: file.name, state: problem ? 'failed' : 'waiting', sent: 0, total: file.size };
      if (problem) item.message = sentence(problem);
      else queue.current.push({ key: item.key, file });
      return item;
    });
    setItems((all) => [...all, ...added]);
    void pump();
  };

  const cancel = (key: string) => {
    if (current.current?.key === key) current.current.abort.abort();
    else {
      queue.current = queue.current.filter((q) => q.key !== key);
      patch(key, { state: 'failed', message: 'Cancelled' });
    }
  };

  const noun = list.kind.replace(/s$/, '');
  return (
    <Stack gap="xs">
      <Paper
        withBorder
        p="lg"
        role="button"
        tabIndex={0}
        aria-label={`Upload ${list.kind}: drop .${list.extension} files here or press to choose`}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            input.current?.click();
          }
        }}
        onDragOver={(e) => {
          e.preventDefault();
          setHover(true);
        }}
        onDragLeave={() => setHover(false)}
        onDrop={(e) => {
          e.preventDefault();
          setHover(false);
          add(Array.from(e.dataTransfer.files));
        }}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          cursor: 'pointer',
          borderColor: hover ? 'var(--mantine-color-blue-filled)' : undefined,
          background: hover ? 'var(--mantine-color-blue-light)' : undefined,
        }}
        data-testid="upload-drop"
      >
        <Group justify="center" gap="sm">
          <IconUpload size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
          <Stack gap={0}>
            <Text fw={500}>Drop .{list.extension} files here, or click to choose</Text>
            <Text size="xs" c="dimmed">
              {list.extension === 'pbo' ? 'Named <mission>.<terrain>.pbo, e.g. coop_01.altis.pbo. ' : ''}
              Up to {formatBytes(list.max_upload_bytes)} each; a {noun} of the same name is replaced.
            </Text>
          </Stack>
        </Group>
      </Paper>
      <input
        ref={input}
        type="file"
        accept={`.${list.extension}`}
        multiple
        hidden
        onChange={(e) => {
          add(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = '';
        }}
        data-testid="upload-input"
      />
      {items.map((it) => (
        <UploadRow key={it.key} item={it} onCancel={() => cancel(it.key)} onDismiss={() => setItems((all) => all.filter((x) => x.key !== it.key))} />
      ))}
    </Stack>
  );
}

function ContentTable({ serverId, list, isAdmin }: { serverId: number; list: ContentList; isAdmin: boolean }) {
  const remove = useDeleteContent(serverId);
  const [deleting, setDeleting] = useState<ContentFile | null>(null);
  const terrains = list.files.some((f) => f.terrain);

  if (list.files.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="content-empty">
        No {list.kind} in {list.folder} yet.
      </Text>
    );
  }
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" data-testid="content-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              {terrains && <Table.Th>Terrain</Table.Th>}
              <Table.Th>Size</Table.Th>
              <Table.Th>Uploaded</Table.Th>
              {isAdmin && <Table.Th w={50} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.files.map((f) => (
              <Table.Tr key={f.name} data-testid={`content-row-${f.name}`}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {f.name}
                    </Text>
                    {f.in_rotation && (
                      <Badge size="sm" variant="light" color="teal" data-testid="in-rotation">
                        in rotation
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                {terrains && <Table.Td>{f.terrain ?? '—'}</Table.Td>}
                <Table.Td>
                  <Text size="sm">{formatBytes(f.size_bytes)}</Text>
                </Table.Td>
                <Table.Td>
                  {f.uploaded_at ? (
                    <Text size="sm">
                      {formatDateTime(f.uploaded_at)}
                      {f.uploaded_by && (
                        <Text span c="dimmed" size="sm">
                          {' '}
                          by {f.uploaded_by}
                        </Text>
                      )}
                    </Text>
                  ) : (
                    <Tooltip label="Put in the folder by other means than an upload" withArrow>
                      <Text size="sm" c="dimmed">
                        {formatDateTime(f.modified_at)} (not uploaded here)
                      </Text>
                    </Tooltip>
                  )}
                </Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Tooltip label={f.in_rotation ? 'In the mission rotation: remove it there first' : `Delete ${f.name}`} withArrow>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${f.name}`}
                        disabled={f.in_rotation}
                        onClick={() => setDeleting(f)}
                        data-testid={`content-delete-${f.name}`}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}`}
        confirmLabel="Delete"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.name, {
            onSuccess: () => notifySuccess(`${deleting.name} deleted`),
            // 409 `in_rotation`: the server explains that the rotation must drop it first.
            onError: (err) => notifyError(err, `Could not delete ${deleting.name}`),
            onSettled: () => setDeleting(null),
          })
        }
      >
        The file is removed from {list.folder} on the server. This cannot be undone.
      </ConfirmModal>
    </>
  );
}

/** The Missions / Maps / Datapacks tab: uploads, the folder's files and (Arma) the rotation. */
export function ServerContent({ server, isAdmin, canApply }: { server: Server; isAdmin: boolean; canApply: boolean }) {
  const content = useContent(server.id);
  if (content.isError) return <QueryError error={content.error} onRetry={() => content.refetch()} />;
  if (content.isPending) {
    return (
      <Card withBorder padding="lg">
        <Skeleton h={160} />
      </Card>
    );
  }
  const list = content.data;
  return (
    <Stack gap="lg" data-testid="server-content">
      <Card withBorder padding="lg">
        <Stack>
          <Group justify="space-between">
            <Title order={4}>{contentLabel(list.kind)}</Title>
            <Text size="sm" c="dimmed" ff="monospace">
              {list.folder}
            </Text>
          </Group>
          {isAdmin && <UploadArea serverId={server.id} list={list} />}
          <ContentTable serverId={server.id} list={list} isAdmin={isAdmin} />
        </Stack>
      </Card>
      {list.kind === 'missions' && <RotationEditor server={server} files={list.files} isAdmin={isAdmin} canApply={canApply} />}
    </Stack>
  );
}
