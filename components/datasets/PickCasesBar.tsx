'use client';
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { pickCasesForDatasetAction } from '@/lib/actions/datasets';
import type { UnapprovedCaseDto } from '@/lib/server/datasets/pick';
import { Options } from '@/components/ui/Options';

type Outcome = { kind: 'done'; text: string } | { kind: 'error'; text: string } | { kind: 'confirm'; unapproved: UnapprovedCaseDto[] };

/**
 * "Add the ticked cases to a dataset", for the case list and the review queue. The row checkboxes belong to this
 * form through their `form` attribute (the table stays server-rendered). Cases without an approved label come back
 * as a warning that the ML engineer must confirm; nothing is added until then.
 */
export function PickCasesBar({
  formId,
  datasets,
  defaultDatasetId,
}: {
  formId: string;
  datasets: { id: string; name: string }[];
  defaultDatasetId?: string;
}) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, startTransition] = useTransition();
  const [picked, setPicked] = useState<{ datasetId: string; caseIds: string[] } | null>(null);

  const send = (datasetId: string, caseIds: string[], confirmUnapproved: boolean) =>
    startTransition(async () => {
      const r = await pickCasesForDatasetAction({ datasetId, caseIds, confirmUnapproved });
      if (!r.ok) return setOutcome({ kind: 'error', text: r.error.fieldErrors?.caseIds?.join(', ') ?? r.error.message });
      if (r.data.status === 'needs-confirmation') return setOutcome({ kind: 'confirm', unapproved: r.data.unapproved });
      setOutcome({
        kind: 'done',
        text: `Added ${r.data.added} case(s)${r.data.alreadyMembers ? `; ${r.data.alreadyMembers} already in the dataset` : ''}.`,
      });
      setPicked(null);
      for (const box of document.querySelectorAll<HTMLInputElement>(`input[form="${formId}"][name="caseId"]`)) box.checked = false;
      router.refresh();
    });

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = { datasetId: String(data.get('datasetId')), caseIds: data.getAll('caseId').map(String) };
    setPicked(next);
    send(next.datasetId, next.caseIds, false);
  }

  if (datasets.length === 0) return null;
  return (
    <form
      id={formId}
      onSubmit={onSubmit}
      aria-label="Add picked cases to a dataset"
      className="mb-4 rounded border border-slate-200 bg-slate-50 p-3 text-sm"
    >
      <div className="flex flex-wrap items-end gap-3">
        <span className="text-slate-600">Tick cases below, then add them to</span>
        <select
          name="datasetId"
          defaultValue={defaultDatasetId}
          aria-label="Dataset"
          className="rounded border border-slate-300 bg-white px-2 py-1"
        >
          <Options items={datasets.map((d) => ({ value: d.id, label: d.name }))} />
        </select>
        <button type="submit" disabled={pending} className="rounded bg-blue-700 px-3 py-1 text-white disabled:opacity-50">
          Add to dataset
        </button>
      </div>
      {outcome?.kind === 'confirm' && picked && (
        <div role="alert" className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">
          <p>
            {outcome.unapproved.length} of the {picked.caseIds.length} picked case(s) have no approved label. They cannot be trained on or
            scored until a radiologist approves one; snapshots and evaluations skip them until then.
          </p>
          <ul className="my-2 list-inside list-disc">
            {outcome.unapproved.slice(0, 10).map((u) => (
              <li key={u.caseId}>
                {u.externalId}: {u.labelStatus ? u.labelStatus.toLowerCase().replace('_', ' ') : 'never labelled'}
              </li>
            ))}
            {outcome.unapproved.length > 10 && <li>and {outcome.unapproved.length - 10} more</li>}
          </ul>
          <button
            type="button"
            disabled={pending}
            onClick={() => send(picked.datasetId, picked.caseIds, true)}
            className="rounded bg-amber-700 px-3 py-1 text-white disabled:opacity-50"
          >
            Add anyway
          </button>
        </div>
      )}
      {outcome?.kind === 'done' && (
        <p role="status" className="mt-2 text-emerald-700">
          {outcome.text}
        </p>
      )}
      {outcome?.kind === 'error' && (
        <p role="alert" className="mt-2 text-red-700">
          {outcome.text}
        </p>
      )}
    </form>
  );
}
