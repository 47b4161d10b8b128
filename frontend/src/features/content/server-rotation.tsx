import { ActionIcon, Alert, Badge, Button, Card, Code, Group, NumberInput, Select, Skeleton, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconDeviceFloppy, IconEye, IconPlayerPlay, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { ApiError, type Server } from '../../api/client';
import { QueryError } from '../../components/ui/query-error';
import { SortableList } from '../../components/ui/sortable-list';
import { notifyError, notifySuccess } from '../../lib/notify';
import { scrollToFirstError, sentence } from '../../utils/form';
import { useConfigPreview } from '../../lib/config-preview';
import {
  DIFFICULTIES,
  missionsBlock,
  move,
  newKey,
  rotationRequest,
  rotationRows,
  rowError,
  type ContentFile,
  type Difficulty,
  type RotationRow,
  type RowError,
} from './content';
import { useApplyRotation, usePutRotation, useRotation } from './content-api';

interface Applied {
  key: string;
  command: string;
  output: string;
}

interface RowProps {
  row: RotationRow;
  index: number;
  editable: boolean;
  uploaded: boolean;
  errors: RowError[];
  onChange: (row: RotationRow) => void;
  onRemove: () => void;
  apply: { allowed: boolean; blocked: string | null; pending: boolean; run: () => void } | null;
  applied: Applied | null;
}

function RotationItem({ row, index, editable, uploaded, errors, onChange, onRemove, apply, applied }: RowProps) {
  const errorAt = (input: string) => errors.find((e) => e.input === input)?.message;
  const shown = new Set(['difficulty', ...row.params.flatMap((_, j) => [`params.${j}.name`, `params.${j}.value`])]);
  const rowLevel = errors.filter((e) => !shown.has(e.input));
  const setParam = (j: number, p: Partial<RotationRow['params'][number]>) =>
    onChange({ ...row, params: row.params.map((x, k) => (k === j ? { ...x, ...p } : x)) });

  return (
    <Stack gap="xs" data-testid={`rotation-entry-${index}`}>
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600} ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
              {row.mission}
            </Text>
            {!uploaded && (
              <Badge size="sm" color="red" variant="light">
                not uploaded
              </Badge>
            )}
          </Group>
          {rowLevel.map((e) => (
            <Text key={e.input} size="xs" c="red" role="alert" data-testid="rotation-row-error">
              {e.message}
            </Text>
          ))}
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {apply?.allowed && (
            <Tooltip label={apply.blocked ?? `Switch the running server to ${row.mission} now`} withArrow>
              <Button
                size="compact-sm"
                variant="light"
                leftSection={<IconPlayerPlay size={14} />}
                disabled={apply.blocked !== null}
                loading={apply.pending}
                onClick={apply.run}
                data-testid={`rotation-apply-${index}`}
              >
                Apply now
              </Button>
            </Tooltip>
          )}
          {editable && (
            <ActionIcon variant="subtle" color="red" aria-label={`Remove ${row.mission} from the rotation`} onClick={onRemove} data-testid={`rotation-remove-${index}`}>
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Group>
      </Group>
      {editable ? (
        <Select
          label="Difficulty"
          size="xs"
          w={180}
          data={[...DIFFICULTIES]}
          value={row.difficulty}
          allowDeselect={false}
          onChange={(v) => v && onChange({ ...row, difficulty: v as Difficulty })}
          error={errorAt('difficulty')}
          data-testid={`rotation-difficulty-${index}`}
        />
      ) : (
        <Text size="sm">
          Difficulty: <b>{row.difficulty}</b>
        </Text>
      )}
      {row.params.length > 0 && (
        <Stack gap={4}>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Parameters
          </Text>
          {row.params.map((p, j) =>
            editable ? (
              <Group key={p.key} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput
                  size="xs"
                  aria-label={`Parameter ${j + 1} name`}
                  placeholder="Name, e.g. Daytime"
                  value={p.name}
                  onChange={(e) => setParam(j, { name: e.currentTarget.value })}
                  error={errorAt(`params.${j}.name`)}
                  style={{ flex: 1 }}
                />
                <NumberInput
                  size="xs"
                  aria-label={`Parameter ${j + 1} value`}
                  placeholder="Value"
                  value={p.value}
                  onChange={(v) => setParam(j, { value: v })}
                  error={errorAt(`params.${j}.value`)}
                  w={140}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  mt={2}
                  aria-label={`Remove parameter ${p.name || j + 1}`}
                  onClick={() => onChange({ ...row, params: row.params.filter((_, k) => k !== j) })}
                >
                  <IconX size={14} />
                </ActionIcon>
              </Group>
            ) : (
              <Text key={p.key} size="sm" ff="monospace">
                {p.name} = {p.value}
              </Text>
            ),
          )}
        </Stack>
      )}
      {editable && (
        <Group>
          <Button
            size="compact-xs"
            variant="subtle"
            leftSection={<IconPlus size={12} />}
            onClick={() => onChange({ ...row, params: [...row.params, { key: newKey(), name: '', value: '' }] })}
            data-testid={`rotation-add-param-${index}`}
          >
            Add parameter
          </Button>
        </Group>
      )}
      {applied && (
        <Alert variant="light" color="teal" p="xs" data-testid="rotation-applied">
          <Text size="xs">
            Sent <Code>{applied.command}</Code>; the game replied: {applied.output.trim() ? <Code>{applied.output.trim()}</Code> : <i>nothing</i>}
          </Text>
        </Alert>
      )}
    </Stack>
  );
}

/** server.cfg's rendered `class Missions` (the saved rotation), from the config preview. */
function MissionsPreview({ serverId }: { serverId: number }) {
  const preview = useConfigPreview(serverId, true);
  if (preview.isPending) return <Skeleton h={120} />;
  if (preview.isError) return <QueryError error={preview.error} onRetry={() => preview.refetch()} />;
  const block = missionsBlock(preview.data.files);
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed">
        server.cfg from <Code>class Missions</Code> on, as the next start writes it (the saved rotation).
      </Text>
      <Code block style={{ maxHeight: 360, overflow: 'auto' }} data-testid="missions-preview">
        {block ?? 'server.cfg has no class Missions.'}
      </Code>
    </Stack>
  );
}

/** The Arma mission rotation: play order, difficulty and parameters of each mission. */
export function RotationEditor({ server, files, isAdmin, canApply }: { server: Server; files: ContentFile[]; isAdmin: boolean; canApply: boolean }) {
  const rotation = useRotation(server.id);
  const save = usePutRotation(server.id);
  const apply = useApplyRotation(server.id);
  const [rows, setRows] = useState<RotationRow[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<RowError[]>([]);
  const [adding, setAdding] = useState<string | null>(null);
  const [applying, setApplying] = useState<string | null>(null);
  const [applied, setApplied] = useState<Applied | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  // Take what is stored while the list is untouched.
  // Adjusted while rendering rather than in an effect, so no frame shows the old values.
  const [seededFrom, setSeededFrom] = useState<typeof rotation.data>();
  if (rotation.data !== seededFrom) {
    setSeededFrom(rotation.data);
    if (rotation.data && !dirty) setRows(rotationRows(rotation.data.rotation));
  }

  if (rotation.isError) return <QueryError error={rotation.error} onRetry={() => rotation.refetch()} />;
  if (rows === null) {
    return (
      <Card withBorder padding="lg">
        <Skeleton h={120} />
      </Card>
    );
  }

  const missions = files.flatMap((f) => (f.mission ? [f.mission] : []));
  const uploaded = new Set(missions);
  const edit = (next: RotationRow[]) => {
    setRows(next);
    setDirty(true);
    setErrors([]);
    setApplied(null);
  };

  const submit = () => {
    const req = rotationRequest(rows);
    if ('errors' in req) {
      setErrors(req.errors.map((e) => ({ ...e, message: sentence(e.message) })));
      scrollToFirstError(root.current);
      return;
    }
    save.mutate(req.body, {
      onSuccess: (saved) => {
        setRows(rotationRows(saved.rotation));
        setDirty(false);
        notifySuccess(saved.restart_required ? 'Saved. It applies at the next start, or switch the mission now.' : 'Rotation saved');
      },
      onError: (err) => {
        const at = err instanceof ApiError ? rowError(err.field, sentence(err.message), 'rotation', rows.length) : null;
        if (!at) return notifyError(err, 'Could not save the rotation');
        setErrors([at]);
        scrollToFirstError(root.current);
      },
    });
  };

  const running = server.status === 'running';
  const applyFor = (row: RotationRow, i: number) =>
    canApply && running
      ? {
          allowed: true,
          // The server switches to the saved entry at this index.
          blocked: dirty ? 'Save the rotation first' : null,
          pending: applying === row.key,
          run: () => {
            setApplying(row.key);
            apply.mutate(i, {
              onSuccess: (res) => setApplied({ key: row.key, command: res.command, output: res.output }),
              onError: (err) => notifyError(err, `Could not switch to ${row.mission}`),
              onSettled: () => setApplying(null),
            });
          },
        }
      : null;

  return (
    <Card withBorder padding="lg" ref={root} data-testid="rotation-editor">
      <Stack>
        <Group justify="space-between">
          <Stack gap={2}>
            <Title order={4}>Mission rotation</Title>
            <Text size="sm" c="dimmed">
              Played in this order; written into server.cfg's <Code>class Missions</Code> at each start.
            </Text>
          </Stack>
          {isAdmin && (
            <Button variant="default" size="xs" leftSection={<IconEye size={14} />} onClick={() => setPreviewing((p) => !p)} data-testid="rotation-preview-button">
              {previewing ? 'Hide server.cfg' : 'Show server.cfg'}
            </Button>
          )}
        </Group>
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="rotation-empty">
            The rotation is empty: the server starts without a mission.
          </Text>
        ) : (
          <SortableList
            items={rows}
            itemKey={(r) => r.key}
            itemLabel={(r) => r.mission}
            onMove={isAdmin ? (from, to) => edit(move(rows, from, to)) : undefined}
            testId="rotation-list"
          >
            {(row, i) => (
              <RotationItem
                row={row}
                index={i}
                editable={isAdmin}
                uploaded={uploaded.has(row.mission)}
                errors={errors.filter((e) => e.row === i)}
                onChange={(r) => edit(rows.map((x, k) => (k === i ? r : x)))}
                onRemove={() => edit(rows.filter((_, k) => k !== i))}
                apply={applyFor(row, i)}
                applied={applied?.key === row.key ? applied : null}
              />
            )}
          </SortableList>
        )}
        {isAdmin && (
          <Group justify="space-between" align="flex-end">
            <Group gap="xs" align="flex-end">
              <Select
                label="Add an uploaded mission"
                placeholder={missions.length ? 'Pick a mission' : 'Upload a mission first'}
                data={missions}
                value={adding}
                onChange={(v) => setAdding(v === null ? null : String(v))}
                disabled={missions.length === 0}
                searchable
                w={260}
                data-testid="rotation-add-select"
              />
              <Button
                variant="light"
                leftSection={<IconPlus size={16} />}
                disabled={!adding}
                onClick={() => {
                  if (!adding) return;
                  edit([...rows, { key: newKey(), mission: adding, difficulty: 'Regular', params: [] }]);
                  setAdding(null);
                }}
                data-testid="rotation-add"
              >
                Add
              </Button>
            </Group>
            <Group gap="xs">
              {dirty && (
                <Button
                  variant="subtle"
                  color="gray"
                  onClick={() => {
                    setRows(rotationRows(rotation.data?.rotation ?? []));
                    setDirty(false);
                    setErrors([]);
                  }}
                >
                  Discard changes
                </Button>
              )}
              <Button leftSection={<IconDeviceFloppy size={16} />} disabled={!dirty} loading={save.isPending} onClick={submit} data-testid="rotation-save">
                Save rotation
              </Button>
            </Group>
          </Group>
        )}
        {isAdmin && previewing && <MissionsPreview serverId={server.id} />}
      </Stack>
    </Card>
  );
}
