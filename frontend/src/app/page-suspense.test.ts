// @vitest-environment jsdom
import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen } from '@testing-library/react';
import { createElement, lazy, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PageSuspense } from './page-suspense';

// Mantine reads the colour scheme through matchMedia, which jsdom lacks.
window.matchMedia ??= vi.fn().mockReturnValue({ matches: false, addEventListener: () => {}, removeEventListener: () => {} });

const missing = lazy(() => Promise.reject(new Error('Failed to fetch dynamically imported module')));
const page = (text: string) => () => createElement('p', null, text);
const at = (path: string, child: ReactNode) =>
  createElement(MantineProvider, null, createElement(PageSuspense, { at: path, children: child }));

afterEach(cleanup);

describe('PageSuspense', () => {
  it('shows the page once its code has loaded', async () => {
    const loaded = lazy(() => Promise.resolve({ default: page('dashboard') }));
    render(at('/', createElement(loaded)));
    expect(await screen.findByText('dashboard')).toBeTruthy();
  });

  it('says a page could not be loaded, and clears it on moving elsewhere', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const view = render(at('/servers', createElement(missing)));
    expect(await screen.findByText('This page could not be loaded')).toBeTruthy();
    view.rerender(at('/players', createElement(page('players'))));
    expect(await screen.findByText('players')).toBeTruthy();
  });
});
