import { z } from 'zod';

/**
 * Server-side lists (cases, review queue, audit log, dataset members): the view lives in URL search params (`page`,
 * `size`, `q`, `sort`, `dir`, plus each list's filters), so a link or the back button restores it. Anything malformed
 * in the URL falls back to the default instead of failing the page.
 */
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;

export type SortDir = 'asc' | 'desc';
export type SearchParams = Record<string, string | string[] | undefined>;

export interface ListParams<S extends string> {
  page: number;
  pageSize: number;
  q: string;
  sort: S;
  dir: SortDir;
}

export interface ListPage<T> {
  rows: T[];
  total: number;
  /** the page actually shown: a page past the end is clamped to the last one */
  page: number;
  pageSize: number;
  pageCount: number;
}

/** The first value of a search param (a repeated param keeps its first). */
export function param(raw: SearchParams, key: string): string | undefined {
  const v = raw[key];
  return Array.isArray(v) ? v[0] : v;
}

export function parseListParams<S extends string>(
  raw: SearchParams,
  sorts: readonly [S, ...S[]],
  defaults: { sort: S; dir: SortDir },
): ListParams<S> {
  const schema = z.object({
    page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
    size: z.coerce
      .number()
      .int()
      .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
      .catch(DEFAULT_PAGE_SIZE),
    q: z.string().trim().max(100).catch(''),
    sort: z.enum(sorts).catch(defaults.sort),
    dir: z.enum(['asc', 'desc']).catch(defaults.dir),
  });
  const p = schema.parse({
    page: param(raw, 'page') ?? 1,
    size: param(raw, 'size') ?? DEFAULT_PAGE_SIZE,
    q: param(raw, 'q') ?? '',
    sort: param(raw, 'sort') ?? defaults.sort,
    dir: param(raw, 'dir') ?? defaults.dir,
  });
  return { page: p.page, pageSize: p.size, q: p.q, sort: p.sort as S, dir: p.dir };
}

/** Clamps the requested page to the pages that exist and gives the rows to skip. */
export function pageWindow(total: number, page: number, pageSize: number): { page: number; pageCount: number; skip: number } {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const shown = Math.min(Math.max(1, page), pageCount);
  return { page: shown, pageCount, skip: (shown - 1) * pageSize };
}

/**
 * A link to the same list with some params changed; `undefined` or '' removes a param. Changing anything but the
 * page sends the reader back to page 1 (page 7 of another ordering is meaningless).
 */
export function listHref(
  pathname: string,
  current: Record<string, string | undefined>,
  change: Record<string, string | undefined>,
): string {
  const next: Record<string, string | undefined> = { ...current, ...change };
  if (!('page' in change)) delete next.page;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) if (v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return s ? `${pathname}?${s}` : pathname;
}

/** The list params as strings, for links that change one of them. */
export function listState<S extends string>(
  p: ListParams<S>,
  filters: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    ...filters,
    q: p.q || undefined,
    sort: p.sort,
    dir: p.dir,
    size: p.pageSize === DEFAULT_PAGE_SIZE ? undefined : String(p.pageSize),
    page: p.page > 1 ? String(p.page) : undefined,
  };
}
