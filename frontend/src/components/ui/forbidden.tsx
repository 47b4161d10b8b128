import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';

export function Forbidden({ role = 'admin' }: { role?: string }) {
  return (
    <Alert
      data-testid="forbidden"
      color="orange"
      variant="light"
      title="Access denied"
      icon={<IconLock size={20} />}
      maw={560}
    >
      You need the {role} role to view this page.
    </Alert>
  );
}
