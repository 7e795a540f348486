'use client';
import { useState } from 'react';
import type { ComparisonRowDto } from '@/lib/server/evaluation/compare';
import { PerCaseTable } from './PerCaseTable';
import { MetricPlots } from './MetricPlots';
import { CompareViewer } from './CompareViewer';

type Region = 'WT' | 'TC' | 'ET';

/** The interactive half of the comparison page: region choice, plots, the per-case table and the viewer it opens. */
export function ComparisonWorkbench({ evaluationId, rows }: { evaluationId: string; rows: ComparisonRowDto[] }) {
  const [region, setRegion] = useState<Region>('WT');
  const [selected, setSelected] = useState<ComparisonRowDto | null>(null);
  return (
    <div className="space-y-4">
      <fieldset className="flex items-center gap-3 text-sm">
        <legend className="sr-only">Region</legend>
        <span className="font-medium">Region</span>
        {(['WT', 'TC', 'ET'] as const).map((g) => (
          <label key={g} className="flex items-center gap-1">
            <input type="radio" name="region" value={g} checked={region === g} onChange={() => setRegion(g)} /> {g}
          </label>
        ))}
      </fieldset>
      <MetricPlots rows={rows} region={region} />
      <PerCaseTable rows={rows} region={region} selected={selected?.key ?? null} onSelect={setSelected} />
      {selected ? (
        <CompareViewer key={selected.key} evaluationId={evaluationId} caseId={selected.caseId} />
      ) : (
        <p className="text-sm text-slate-500">Click a case to open it in the side-by-side viewer.</p>
      )}
    </div>
  );
}
