import { Group, Pagination, Select, Text } from '@mantine/core';

interface Props {
  page: number;
  perPage: number;
  total: number;
  onPageChange: (page: number) => void;
  onPerPageChange?: (perPage: number) => void;
}

export function Pager({ page, perPage, total, onPageChange, onPerPageChange }: Props) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const from = total === 0 ? 0 : (page - 1) * perPage + 1;
  const to = Math.min(total, page * perPage);
  return (
    <Group justify="space-between" mt="md" gap="sm">
      <Text size="sm" c="dimmed">
        {total === 0 ? 'No entries' : `${from}–${to} of ${total}`}
      </Text>
      <Group gap="sm">
        {onPerPageChange && (
          <Select
            aria-label="Rows per page"
            size="xs"
            w={90}
            data={['25', '50', '100', '200']}
            value={String(perPage)}
            onChange={(v) => v && onPerPageChange(Number(v))}
            allowDeselect={false}
          />
        )}
        {pages > 1 && <Pagination size="sm" total={pages} value={page} onChange={onPageChange} siblings={1} />}
      </Group>
    </Group>
  );
}
