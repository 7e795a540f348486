import Link from 'next/link';
import type { ModelDetailDto } from '@/lib/server/registry/queries';
import { formatDateTime } from '@/components/ui/format';
import { StageBadge } from './StageBadge';

type Card = {
  task?: string; createdAt?: string;
  architecture?: { family?: string; parameters?: number };
  training?: { cases?: { train?: number; val?: number }; config?: { name?: string; seed?: number }; learningRate?: number; weightInterpolation?: { alpha: number } | null; bestEpoch?: number; steps?: number; codeVersion?: { gitCommit?: string | null; sourceSha256?: string } };
  metrics?: { validation?: { n?: number; dice?: Record<string, { mean?: number }> } };
};

/** Identity, lineage and the model card's essentials. */
export function ModelOverview({ model }: { model: ModelDetailDto }) {
  const card = (model.card ?? {}) as Card;
  const val = card.metrics?.validation;
  const rows: [string, React.ReactNode][] = [
    ['Stage', <span key="s" data-testid="model-stage" data-stage={model.stage}><StageBadge stage={model.stage} /></span>],
    ['Stage since', formatDateTime(model.stageChangedAt)],
    ['Registered', formatDateTime(model.createdAt)],
    [model.files.length > 1 ? `ONNX files (ensemble of ${model.files.length})` : 'ONNX file', <ul key="h" data-testid="model-files">{model.files.map((f) => <li key={f.file}>{f.file} · <code className="text-xs">{f.sha256}</code></li>)}</ul>],
    ['Parent', model.parentId ? <Link key="p" className="text-blue-700 underline" href={`/models/${model.parentId}`}>{model.parent}</Link> : '—'],
    ['Training run', model.trainingRun ? <Link key="r" className="text-blue-700 underline" href={`/runs/${model.trainingRun.id}`}>{model.trainingRun.id} ({model.trainingRun.runner}, {model.trainingRun.status})</Link> : '—'],
    ['Training snapshot', model.snapshot ? <span key="n">{model.snapshot.name} · {model.snapshot.caseCount} cases · <code className="text-xs">{model.snapshot.sha256}</code></span> : '—'],
    ['Code version', model.codeVersion ?? '—'],
    ['Architecture', card.architecture ? `${card.architecture.family ?? '?'} · ${card.architecture.parameters?.toLocaleString() ?? '?'} parameters` : '—'],
    ['Training', card.training ? `config ${card.training.config?.name ?? '?'} (seed ${card.training.config?.seed ?? '?'}), ${card.training.cases?.train ?? '?'} train / ${card.training.cases?.val ?? '?'} val cases, lr ${card.training.learningRate ?? '?'}, best epoch ${card.training.bestEpoch ?? '?'}${card.training.weightInterpolation ? `, weights ${1 - card.training.weightInterpolation.alpha} × parent + ${card.training.weightInterpolation.alpha} × fine-tuned` : ''}` : '—'],
    ['Validation Dice (trainer)', val?.n ? ['WT', 'TC', 'ET'].map((g) => `${g} ${val.dice?.[g]?.mean?.toFixed(3) ?? '—'}`).join(' · ') + ` (n = ${val.n})` : '—'],
  ];
  return (
    <dl className="grid grid-cols-[12rem_1fr] gap-x-4 gap-y-1.5 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents"><dt className="text-slate-500">{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}
