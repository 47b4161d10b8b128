import { Alert, Button } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { errorMessage } from '../../api/errors';

export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert color="red" variant="light" title="Could not load data" icon={<IconAlertTriangle size={20} />} data-testid="query-error">
      {errorMessage(error)}
      {onRetry && (
        <Button size="xs" variant="default" ml="sm" onClick={onRetry}>
          Retry
        </Button>
      )}
    </Alert>
  );
}
