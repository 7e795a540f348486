/**
 * A GET form for a list's search box and filters: submitting it rewrites the URL (page 1, same ordering), so the
 * view works without JavaScript and the back button returns to the previous one. `keep` carries the params the form
 * does not show (sort, direction, page size, the other filters).
 */
export function SearchForm({
  label,
  q,
  placeholder,
  keep,
  children,
}: {
  label: string;
  q: string;
  placeholder: string;
  keep: Record<string, string | undefined>;
  children?: React.ReactNode;
}) {
  return (
    <form method="get" role="search" aria-label={label} className="mb-4 flex flex-wrap items-end gap-3 text-sm">
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <label>
        <span className="block text-xs text-slate-500">Search</span>
        <input
          type="search"
          name="q"
          defaultValue={q}
          placeholder={placeholder}
          maxLength={100}
          className="w-64 rounded border border-slate-300 px-2 py-1"
        />
      </label>
      {children}
      <button type="submit" className="rounded bg-slate-800 px-3 py-1 text-white">
        Apply
      </button>
    </form>
  );
}
