import { FLAG_REASONS, FLAG_REASON_LABELS } from '@/lib/flags';
import { SearchForm } from '@/components/lists/SearchForm';

export interface ReviewFilterValues {
  reason: string;
  site: string;
  assignment: string;
  q: string;
}

/** Queue search and filters as a plain GET form (the view lives in the URL and works without JavaScript). */
export function ReviewFilters({
  values,
  sites,
  keep,
}: {
  values: ReviewFilterValues;
  sites: string[];
  keep: Record<string, string | undefined>;
}) {
  const select = 'rounded border border-slate-300 bg-white px-2 py-1';
  return (
    <SearchForm label="Filter the review queue" q={values.q} placeholder="Case id or site" keep={keep}>
      <label>
        <span className="block text-xs text-slate-500">Reason</span>
        <select name="reason" defaultValue={values.reason} className={select}>
          <option value="">any</option>
          <option value="DRIFT">drifter</option>
          {FLAG_REASONS.map((r) => (
            <option key={r} value={r}>
              flag: {FLAG_REASON_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="block text-xs text-slate-500">Site</span>
        <select name="site" defaultValue={values.site} className={select}>
          <option value="">any</option>
          {sites.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="block text-xs text-slate-500">Assigned</span>
        <select name="assignment" defaultValue={values.assignment} className={select}>
          <option value="all">anyone or no one</option>
          <option value="mine">to me</option>
          <option value="unassigned">to no one</option>
        </select>
      </label>
    </SearchForm>
  );
}
