import Link from 'next/link';
import { listHref, type SortDir } from '@/lib/lists';
import { DataTable, type Column, type DataTableProps } from '@/components/ui/DataTable';

export interface ListColumn<T> extends Column<T> {
  /** the `sort` param this column orders by; absent for columns the server cannot sort */
  sortKey?: string;
}

export interface ListView {
  pathname: string;
  /** the list's current params (listState), kept by every header and pager link */
  state: Record<string, string | undefined>;
  sort: string;
  dir: SortDir;
}

function SortHeader({ header, sortKey, view }: { header: string; sortKey: string; view: ListView }) {
  const active = view.sort === sortKey;
  // A second click on the active column reverses it; a new column starts in its natural direction.
  const dir: SortDir = active ? (view.dir === 'asc' ? 'desc' : 'asc') : 'asc';
  return (
    <Link
      className="inline-flex items-center gap-1 hover:text-slate-900"
      href={listHref(view.pathname, view.state, { sort: sortKey, dir })}
    >
      {header}
      <span aria-hidden="true">{active ? (view.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
    </Link>
  );
}

/** A server-rendered table whose sortable headers are links: the ordering lives in the URL. */
export function ListTable<T>({ view, ...table }: DataTableProps<T, ListColumn<T>> & { view: ListView }) {
  return (
    <DataTable<T, ListColumn<T>>
      {...table}
      header={(c) => ({
        content: c.sortKey ? <SortHeader header={c.header} sortKey={c.sortKey} view={view} /> : c.header,
        sort: c.sortKey && view.sort === c.sortKey ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined,
      })}
    />
  );
}
