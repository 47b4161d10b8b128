import { useMemo, useReducer } from 'react';

export interface PageState {
  page: number;
  perPage: number;
}

export type PagingAction = { type: 'page'; page: number } | { type: 'perPage'; perPage: number } | { type: 'first' };

/** The page to show next; a new page size or new filters start again from page 1. */
export function nextPage(state: PageState, action: PagingAction): PageState {
  switch (action.type) {
    case 'page':
      return { ...state, page: action.page };
    case 'perPage':
      return { page: 1, perPage: action.perPage };
    case 'first':
      return state.page === 1 ? state : { ...state, page: 1 };
  }
}

export interface Paging extends PageState {
  setPage: (page: number) => void;
  /** Changes the page size and goes back to page 1. */
  setPerPage: (perPage: number) => void;
  /** Back to page 1, for when the filters change. */
  toFirst: () => void;
}

/** Which page of a paged list is shown, and how many rows a page holds (see `<PagedTable>`). */
export function usePaging(perPage: number): Paging {
  const [state, dispatch] = useReducer(nextPage, { page: 1, perPage });
  return useMemo(
    () => ({
      ...state,
      setPage: (page: number) => dispatch({ type: 'page', page }),
      setPerPage: (n: number) => dispatch({ type: 'perPage', perPage: n }),
      toFirst: () => dispatch({ type: 'first' }),
    }),
    [state],
  );
}
