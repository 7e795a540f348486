import 'server-only';
import { evidenceDocument } from './document';
import type { Block, EvidenceData } from './types';

/** A self-contained HTML document (inline styles, no scripts, no external resources): it opens anywhere, offline. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function block(b: Block): string {
  switch (b.kind) {
    case 'kv':
      return `<table class="kv">${b.rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
    case 'table':
      if (b.rows.length === 0) return `<p class="empty">${esc(b.empty ?? 'None.')}</p>`;
      return `<table class="grid"><thead><tr>${b.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map(
          (r) =>
            `<tr>${r.map((c) => `<td class="${/^(PASS|FAIL|NOT EVALUATED)/.test(c) ? c.split(' ')[0].toLowerCase() : ''}">${esc(c)}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table>`;
    case 'p':
      return `<p>${esc(b.text)}</p>`;
    case 'pre':
      return `<pre>${esc(b.text)}</pre>`;
  }
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#0f172a;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #cbd5e1;padding-bottom:.25rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{text-align:left;padding:.25rem .5rem;border:1px solid #e2e8f0;vertical-align:top}
.kv th{width:18rem;background:#f8fafc;font-weight:600}.grid thead th{background:#f1f5f9}pre{background:#f8fafc;padding:.5rem;overflow:auto;font-size:12px;max-height:30rem}
td.pass{color:#047857;font-weight:600}td.fail{color:#b91c1c;font-weight:600}td.not{color:#92400e}.empty{color:#64748b}
@media print{pre{max-height:none}}`;

export function renderEvidenceHtml(data: EvidenceData): string {
  const doc = evidenceDocument(data);
  const sections = doc.sections
    .map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.blocks.map(block).join('\n')}</section>`)
    .join('\n');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.title)}</title><style>${STYLE}</style></head>` +
    `<body><h1>${esc(doc.title)}</h1><p>TumorWatch model change evidence, generated ${esc(data.generatedAt)}.</p>\n${sections}\n</body></html>\n`
  );
}
