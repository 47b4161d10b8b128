// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { nextPage, usePaging } from './use-paging';

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
