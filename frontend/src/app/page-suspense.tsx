import { Center, Loader } from '@mantine/core';
import { Suspense, type ReactNode } from 'react';

/** Holds a lazily loaded page; the loader shows only on a first visit, while its code arrives. */
export function PageSuspense({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      }
    >
      {children}
    </Suspense>
  );
}
