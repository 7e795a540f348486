export interface Column<T> {
  header: string;
  cell: (row: T) => React.ReactNode;
  className?: string;
}

/** What a column's header shows, and how the column orders the rows when it does (aria-sort). */
export interface HeaderCell {
  content: React.ReactNode;
  sort?: 'ascending' | 'descending';
}

/**
 * A plain, accessible table for server-rendered lists; `empty` (an EmptyState) stands in for a table of no rows.
 * `header` renders a column's heading (the paged lists make it a sort link, ListTable); by default, its text.
 */
export interface DataTableProps<T, C extends Column<T> = Column<T>> {
  rows: T[];
  columns: C[];
  rowKey: (row: T) => string;
  label: string;
  empty?: React.ReactNode;
}

export function DataTable<T, C extends Column<T> = Column<T>>({
  rows,
  columns,
  rowKey,
  label,
  empty,
  header = (c) => ({ content: c.header }),
}: DataTableProps<T, C> & { header?: (column: C) => HeaderCell }) {
  if (rows.length === 0 && empty) return empty;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            {columns.map((c) => {
              const h = header(c);
              return (
                <th key={c.header} scope="col" aria-sort={h.sort} className={`px-3 py-2 font-medium ${c.className ?? ''}`}>
                  {h.content}
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
