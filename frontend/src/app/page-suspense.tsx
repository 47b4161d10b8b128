import { Alert, Button, Center, Loader } from '@mantine/core';
import { Component, Suspense, type ReactNode } from 'react';

/**
 * Holds a lazily loaded page; the loader shows only on a first visit, while its code arrives.
 * `at` is the page's address: moving elsewhere clears a failure.
 */
export function PageSuspense({ at, children }: { at: string; children: ReactNode }) {
  return (
    <PageLoadBoundary at={at}>
      <Suspense
        fallback={
          <Center py="xl">
            <Loader size="sm" />
          </Center>
        }
      >
        {children}
      </Suspense>
    </PageLoadBoundary>
  );
}

/**
 * A page's code can fail to arrive (the network dropped, or Languard was upgraded while this tab
 * was open and the old file is gone): say so and offer a reload instead of a blank screen.
 */
class PageLoadBoundary extends Component<{ at: string; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidUpdate(prev: { at: string }) {
    if (prev.at !== this.props.at && this.state.failed) this.setState({ failed: false });
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Alert color="red" variant="light" title="This page could not be loaded" data-testid="page-load-error">
        <Button mt="sm" size="xs" variant="light" onClick={() => window.location.reload()}>
          Reload
        </Button>
      </Alert>
    );
  }
}
