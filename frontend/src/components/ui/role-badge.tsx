import { Badge } from '@mantine/core';
import type { Role } from '../../api/client';
import { ROLE_COLORS } from '../../lib/auth';

export function RoleBadge({ role, size = 'sm' }: { role: Role; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge color={ROLE_COLORS[role]} variant="light" size={size} data-testid="role-badge">
      {role}
    </Badge>
  );
}
