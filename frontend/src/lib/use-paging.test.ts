// @vitest-environment jsdom
import { MantineProvider, Table } from '@mantine/core';
import { act, cleanup, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PagedTable, type ListQuery } from '../components/ui/paged-table';
import { TableCard } from '../components/ui/table-card';
import { nextPage, usePaging, type Paging } from './use-paging';

// Mantine reads the colour scheme through matchMedia and sizes the scroll area with ResizeObserver; jsdom has neither.
window.matchMedia ??= vi.fn().mockReturnValue({ matches: false, addEventListener: () => {}, removeEventListener: () => {} });
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

afterEach(cleanup);

describe('usePaging', () => {
  it('starts on page 1 with the page size asked for', () => {
    const { result } = renderHook(() => usePaging(25));
    expect(result.current.page).toBe(1);
    expect(result.current.perPage).toBe(25);
  });

  it('moves to another page and keeps the page size', () => {
    const { result } = renderHook(() => usePaging(50));
    act(() => result.current.setPage(3));
    expect(result.current.page).toBe(3);
    expect(result.current.perPage).toBe(50);
  });

  it('goes back to page 1 when the page size changes', () => {
    const { result } = renderHook(() => usePaging(50));
    act(() => result.current.setPage(4));
    act(() => result.current.setPerPage(100));
    expect(result.current.page).toBe(1);
    expect(result.current.perPage).toBe(100);
  });

  it('goes back to page 1 when the filters change', () => {
    const { result } = renderHook(() => usePaging(50));
    act(() => result.current.setPage(2));
    act(() => result.current.toFirst());
    expect(result.current.page).toBe(1);
    expect(result.current.perPage).toBe(50);
  });

  it('keeps its state object when already on page 1, so nothing refetches', () => {
    const state = { page: 1, perPage: 50 };
    expect(nextPage(state, { type: 'first' })).toBe(state);
  });
});

describe('PagedTable', () => {
  const paging: Paging = { page: 1, perPage: 25, setPage: () => {}, setPerPage: () => {}, toFirst: () => {} };
  // As a page writes <TableCard minWidth={640} verticalSpacing="xs" highlightOnHover data-testid="users-table">.
  const tableProps = { minWidth: 640, verticalSpacing: 'xs', highlightOnHover: true, 'data-testid': 'users-table' };
  const rows = createElement(Table.Tbody, null, createElement(Table.Tr, null, createElement(Table.Td, null, 'alice')));
  const show = (query: ListQuery, keepRowsOnError = false) =>
    render(
      createElement(
        MantineProvider,
        null,
        createElement(PagedTable, {
          paging,
          total: 1,
          query,
          keepRowsOnError,
          children: createElement(TableCard, tableProps, rows),
        }),
      ),
    );

  it('shows the table in a bordered card that scrolls sideways, and the footer', () => {
    show({ isError: false, error: null, data: { total: 1 }, refetch: () => {} });
    const table = screen.getByTestId('users-table');
    expect(table.tagName).toBe('TABLE');
    expect(table.textContent).toBe('alice');
    expect(table.closest('.mantine-Card-root')).toBeTruthy();
    const scroller = table.closest<HTMLElement>('.mantine-TableScrollContainer-scrollContainer');
    expect(scroller?.style.getPropertyValue('--table-min-width')).toBe('calc(40rem * var(--mantine-scale))');
    expect(table.querySelector('tr')?.getAttribute('data-hover')).toBe('true');
    expect(screen.queryByTestId('query-error')).toBeNull();
    expect(screen.getByText('1–1 of 1')).toBeTruthy();
  });

  it('shows the error with a retry instead of the table once the query has failed', () => {
    const refetch = vi.fn();
    show({ isError: true, error: new Error('Database is locked'), data: { total: 1 }, refetch });
    expect(screen.getByTestId('query-error').textContent).toContain('Database is locked');
    expect(screen.queryByTestId('users-table')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(refetch).toHaveBeenCalledTimes(1);
  });

  it('keeps the rows already loaded on a failed refetch when asked, but not when nothing has loaded', () => {
    show({ isError: true, error: new Error('Database is locked'), data: { total: 1 }, refetch: () => {} }, true);
    expect(screen.getByTestId('users-table')).toBeTruthy();
    expect(screen.queryByTestId('query-error')).toBeNull();
    cleanup();
    show({ isError: true, error: new Error('Database is locked'), data: undefined, refetch: () => {} }, true);
    expect(screen.getByTestId('query-error')).toBeTruthy();
    expect(screen.queryByTestId('users-table')).toBeNull();
  });
});
