import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconShieldHalfFilled } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { meQueryKey, storeTokenResponse, useSession } from '../../lib/auth';

export function LoginPage() {
  const tokens = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: {
      username: (v) => (v.trim() ? null : 'Enter your username'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });

  const login = useMutation({
    mutationFn: (values: { username: string; password: string }) =>
      unwrap(api.POST('/api/v1/auth/login', { body: { username: values.username.trim(), password: values.password } })),
    onSuccess: (res) => {
      queryClient.clear();
      storeTokenResponse(res);
      queryClient.setQueryData(meQueryKey, res.user);
      navigate(from.startsWith('/login') ? '/' : from, { replace: true });
    },
    onError: (err) => setError(errorMessage(err)),
  });

  if (tokens && !login.isPending) return <Navigate to={from} replace />;

  return (
    <Box
      mih="100vh"
      style={{
        background:
          'linear-gradient(135deg, var(--mantine-color-teal-light) 0%, var(--mantine-color-body) 55%, var(--mantine-color-blue-light) 100%)',
      }}
    >
      <Center mih="100vh" p="md">
        <Paper withBorder shadow="md" p="xl" radius="lg" w="100%" maw={400}>
          <Stack gap={4} align="center" mb="lg">
            <IconShieldHalfFilled size={44} color="var(--mantine-color-teal-6)" />
            <Title order={2}>Languard</Title>
            <Text c="dimmed" size="sm" ta="center">
              Sign in to manage your game servers
            </Text>
          </Stack>
          <form
            onSubmit={form.onSubmit((values) => {
              setError(null);
              login.mutate(values);
            })}
            data-testid="login-form"
          >
            <Stack>
              {error && (
                <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} data-testid="login-error">
                  {error}
                </Alert>
              )}
              <TextInput
                label="Username"
                autoComplete="username"
                autoFocus
                name="username"
                data-testid="login-username"
                {...form.getInputProps('username')}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                name="password"
                data-testid="login-password"
                {...form.getInputProps('password')}
              />
              <Button type="submit" fullWidth loading={login.isPending} data-testid="login-submit">
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
