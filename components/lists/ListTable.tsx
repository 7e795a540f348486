import Link from 'next/link';
import { listHref, type SortDir } from '@/lib/lists';

export interface ListColumn<T> {
  header: string;
  cell: (row: T) => React.ReactNode;
  /** the `sort` param this column orders by; absent for columns the server cannot sort */
  sortKey?: string;
  className?: string;
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
export function ListTable<T>({
  rows,
  columns,
  rowKey,
  label,
  view,
  empty,
}: {
  rows: T[];
  columns: ListColumn<T>[];
  rowKey: (row: T) => string;
  label: string;
  view: ListView;
  empty?: React.ReactNode;
}) {
  if (rows.length === 0 && empty) return empty;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            {columns.map((c) => {
              const sorted = c.sortKey && view.sort === c.sortKey;
              return (
                <th
                  key={c.header}
                  scope="col"
                  aria-sort={sorted ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  className={`px-3 py-2 font-medium ${c.className ?? ''}`}
                >
                  {c.sortKey ? <SortHeader header={c.header} sortKey={c.sortKey} view={view} /> : c.header}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className="border-b border-slate-100 align-top last:border-0">
              {columns.map((c) => (
                <td key={c.header} className={`px-3 py-2 ${c.className ?? ''}`}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
