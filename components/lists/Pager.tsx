import Link from 'next/link';
import { listHref, PAGE_SIZES } from '@/lib/lists';
import type { ListView } from './ListTable';

const link = 'rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-50';
const off = 'rounded border border-slate-200 px-2 py-0.5 text-slate-300';

/** "26–50 of 10,000", first/previous/next/last links and the page size: plain links, so the back button works. */
export function Pager({
  view,
  page,
  pageCount,
  pageSize,
  total,
  noun,
}: {
  view: ListView;
  page: number;
  pageCount: number;
  pageSize: number;
  total: number;
  noun: string;
}) {
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const pageHref = (p: number) => listHref(view.pathname, view.state, { page: p > 1 ? String(p) : undefined });
  const step = (label: string, p: number, enabled: boolean) =>
    enabled ? (
      <Link className={link} href={pageHref(p)} aria-label={`${label} page`}>
        {label}
      </Link>
    ) : (
      <span className={off} aria-disabled="true">
        {label}
      </span>
    );
  return (
    <nav aria-label={`${noun} pages`} className="mt-3 flex flex-wrap items-center gap-2 text-sm text-slate-600">
      <span role="status">
        {from.toLocaleString('en')}–{to.toLocaleString('en')} of {total.toLocaleString('en')} {noun}
      </span>
      <span className="ml-2 flex gap-1">
        {step('First', 1, page > 1)}
        {step('Previous', page - 1, page > 1)}
        <span className="px-1">
          page {page} of {pageCount}
        </span>
        {step('Next', page + 1, page < pageCount)}
        {step('Last', pageCount, page < pageCount)}
      </span>
      <span className="ml-auto flex items-center gap-1">
        per page
        {PAGE_SIZES.map((n) =>
          n === pageSize ? (
            <span key={n} className="px-1 font-semibold text-slate-900" aria-current="true">
              {n}
            </span>
          ) : (
            <Link key={n} className="px-1 text-blue-700 underline" href={listHref(view.pathname, view.state, { size: String(n) })}>
              {n}
            </Link>
          ),
        )}
      </span>
    </nav>
  );
}
