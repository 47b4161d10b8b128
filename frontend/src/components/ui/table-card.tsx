import { Card, Table, type TableProps } from '@mantine/core';

interface Props extends TableProps {
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
}

/** A table in a bordered card, scrolling sideways on narrow screens; the other props go to the table. */
export function TableCard({ minWidth, children, ...table }: Props) {
  return (
    <Card withBorder padding={0}>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table {...table}>{children}</Table>
      </Table.ScrollContainer>
    </Card>
  );
}
