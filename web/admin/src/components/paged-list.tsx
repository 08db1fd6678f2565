/**
 * A paged list from the API (GET …?limit&offset answering { items, total }): the page's offset
 * belongs to the filters it was reached with, so a changed filter starts again at the first page
 * without a second request for the stale offset. PagedTable shows it: error line, table, pager.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { get, query, type Page } from '../api';
import { DataTable } from './data-table';
import { ErrorLine, Pager, useLoad } from './ui';

type Params = Record<string, string | number | boolean | undefined>;

export interface PagedList<T> {
  data: Page<T> | null;
  error: unknown;
  reload: () => void;
  limit: number;
  offset: number;
  setOffset: (offset: number) => void;
}

export function usePagedList<T>(
  path: string,
  limit: number,
  /** Changing one of these goes back to the first page. */
  filters: Params = {},
  /** Changing one of these (a sort order) keeps the page. */
  options: Params = {},
): PagedList<T> {
  const key = `${path}?${JSON.stringify(filters)}`;
  const [at, setAt] = useState({ key, offset: 0 });
  const offset = at.key === key ? at.offset : 0;
  const url = `${path}${query({ ...filters, ...options, limit, offset })}`;
  const list = useLoad(() => get<Page<T>>(url), [url]);
  return { data: list.data, error: list.error, reload: list.reload, limit, offset, setOffset: (o) => setAt({ key, offset: o }) };
}

export function PagerFor({ list }: { list: PagedList<unknown> }) {
  return list.data && <Pager total={list.data.total} limit={list.limit} offset={list.offset} onOffset={list.setOffset} />;
}

/** The list's error line, then its page as a table captioned "Caption (total)", then the pager. */
export function PagedTable<T>({
  list,
  caption,
  countInCaption = true,
  ...table
}: {
  list: PagedList<T>;
  caption: string;
  countInCaption?: boolean;
  columns: string[];
  actions?: boolean;
  row: (item: T, index: number) => JSX.Element;
  class?: string;
  children?: ComponentChildren;
}) {
  return (
    <>
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <DataTable caption={countInCaption ? `${caption} (${list.data.total})` : caption} rows={list.data.items} {...table} />
          <PagerFor list={list as PagedList<unknown>} />
        </>
      )}
    </>
  );
}
