/** Evidence reports of each promotion step the model took (frozen then), and a live preview. */
export function EvidenceLinks({ modelVersionId, steps }: { modelVersionId: string; steps: ('shadow' | 'canary' | 'production')[] }) {
  const href = (step: string, format: 'html' | 'pdf') => `/api/models/${modelVersionId}/evidence?step=${step}&format=${format}`;
  const items = [...steps.map((s) => ({ step: s, label: `${s} promotion` })), { step: 'preview', label: 'live preview (not frozen)' }];
  return (
    <ul className="space-y-1 text-sm" aria-label="Evidence reports">
      {items.map((i) => (
        <li key={i.step}>
          <span className="inline-block w-56">Evidence: {i.label}</span>
          <a className="text-blue-700 underline" href={href(i.step, 'html')} target="_blank" rel="noreferrer" data-evidence={`${i.step}-html`}>HTML</a>
          {' · '}
          <a className="text-blue-700 underline" href={href(i.step, 'pdf')} data-evidence={`${i.step}-pdf`}>PDF</a>
        </li>
      ))}
    </ul>
  );
}
