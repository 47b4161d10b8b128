import {
  ActionIcon,
  AppShell,
  Box,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBan,
  IconBook2,
  IconChevronDown,
  IconExternalLink,
  IconGauge,
  IconKey,
  IconListDetails,
  IconLogout,
  IconMoon,
  IconPassword,
  IconPuzzle,
  IconServer2,
  IconShieldHalfFilled,
  IconSun,
  IconUserSearch,
  IconUsers,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import type { Role } from '../api/client';
import { RoleBadge } from '../components/ui/role-badge';
import { hasRole, useCurrentUser, useLogout } from '../lib/auth';
import { LiveIndicator } from './live-indicator';
import { PageSuspense } from './page-suspense';

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  role?: Role;
  testId: string;
}

const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: IconGauge, testId: 'nav-dashboard' },
  { to: '/servers', label: 'Servers', icon: IconServer2, testId: 'nav-servers' },
  { to: '/players', label: 'Players', icon: IconUserSearch, testId: 'nav-players' },
  { to: '/bans', label: 'Bans', icon: IconBan, testId: 'nav-bans' },
  { to: '/mods', label: 'Mods', icon: IconPuzzle, testId: 'nav-mods' },
  { to: '/users', label: 'Users', icon: IconUsers, role: 'admin', testId: 'nav-users' },
  { to: '/tokens', label: 'API tokens', icon: IconKey, testId: 'nav-tokens' },
  { to: '/audit', label: 'Audit log', icon: IconListDetails, role: 'admin', testId: 'nav-audit' },
];

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        data-testid="theme-toggle"
        onClick={() => setColorScheme(next)}
      >
        {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

function UserMenu() {
  const me = useCurrentUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const user = me.data;

  return (
    <Menu position="bottom-end" width={220} withinPortal>
      <Menu.Target>
        <UnstyledButton data-testid="user-menu" aria-label="User menu">
          <Group gap={8} wrap="nowrap">
            <Avatar size={30} radius="xl" color="teal">
              {user?.username.slice(0, 2).toUpperCase()}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="xs" data-testid="current-username">
              {user?.username ?? '…'}
            </Text>
            {user && (
              <Box visibleFrom="sm">
                <RoleBadge role={user.role} size="xs" />
              </Box>
            )}
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        {user && (
          <Menu.Label>
            Signed in as <b>{user.username}</b> ({user.role})
          </Menu.Label>
        )}
        <Menu.Item leftSection={<IconPassword size={16} />} component={Link} to="/account" data-testid="menu-change-password">
          Change password
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} />}
          data-testid="menu-logout"
          onClick={async () => {
            await logout();
            navigate('/login', { replace: true });
          }}
        >
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const me = useCurrentUser();
  const location = useLocation();
  const role = me.data?.role;

  const isActive = (to: string) => (to === '/' ? location.pathname === '/' : location.pathname.startsWith(to));

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Group gap={8} wrap="nowrap" renderRoot={(props) => <Link to="/" {...props} />} style={{ textDecoration: 'none', color: 'inherit' }}>
              <IconShieldHalfFilled size={26} color="var(--mantine-color-teal-6)" />
              <Text fw={700} size="lg" data-testid="brand">
                Languard
              </Text>
            </Group>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LiveIndicator />
            <ThemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        <AppShell.Section grow component={ScrollArea}>
          {NAV.filter((item) => !item.role || hasRole(role, item.role)).map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              leftSection={<item.icon size={18} stroke={1.6} />}
              active={isActive(item.to)}
              onClick={close}
              data-testid={item.testId}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
            />
          ))}
          <NavLink
            component="a"
            href="/api/docs/"
            target="_blank"
            rel="noopener noreferrer"
            label="API docs"
            leftSection={<IconBook2 size={18} stroke={1.6} />}
            rightSection={<IconExternalLink size={14} />}
            data-testid="nav-api-docs"
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm">
            Languard — game server manager
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <PageSuspense at={location.pathname}>
          <Outlet />
        </PageSuspense>
      </AppShell.Main>
    </AppShell>
  );
}
