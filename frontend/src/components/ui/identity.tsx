import { ActionIcon, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { notifyError } from '../../lib/notify';
import { copyText } from '../../utils/clipboard';
import { shortIdentity } from '../../utils/format';

/** A player identity, shortened, with the full value on hover and a copy button. */
export function Identity({ value, full, testId }: { value: string; full?: boolean; testId?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={value} withArrow disabled={full}>
        <Text size="sm" ff="monospace" data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
          {full ? value : shortIdentity(value)}
        </Text>
      </Tooltip>
      <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
        <ActionIcon
          variant="subtle"
          color={copied ? 'teal' : 'gray'}
          size="sm"
          aria-label="Copy identity"
          onClick={async () => {
            if (await copyText(value)) setCopied(true);
            else notifyError(new Error('Copying is blocked by the browser; select the text and copy it by hand.'), 'Copy failed');
          }}
        >
          {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
