import 'server-only';
import { layoutChart } from './chart';
import { evidenceDocument } from './document';
import type { BarChart, Block, EvidenceData } from './types';

/** A self-contained HTML document (inline styles and SVG, no scripts, no external resources): it opens anywhere, offline. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const verdictClass = (c: string) => (/^(PASS|FAIL|NOT EVALUATED)/.test(c) ? ` class="${c.split(' ')[0].toLowerCase()}"` : '');

function svgChart(c: BarChart): string {
  const l = layoutChart(c, 760);
  const parts = [
    ...l.legend.map(
      (e) =>
        `<rect x="${e.x}" y="${e.y}" width="10" height="10" fill="${e.colour}"/><text x="${e.x + 14}" y="${e.y + 9}">${esc(e.label)}</text>`,
    ),
    ...l.rows.map((r) => `<text x="${l.plot.x0 - 6}" y="${r.y + 3}" text-anchor="end">${esc(r.label)}</text>`),
    ...l.ticks.map(
      (t) =>
        `<line x1="${t.x}" x2="${t.x}" y1="${l.plot.y0}" y2="${l.plot.y1}" stroke="#e2e8f0"/><text x="${t.x}" y="${l.plot.y1 + 12}" text-anchor="middle">${t.label}</text>`,
    ),
    ...l.bars.map(
      (b) =>
        `<rect x="${b.x}" y="${b.y}" width="${b.w.toFixed(1)}" height="${b.h}" fill="${b.colour}"><title>${b.valueText}</title></rect>` +
        (b.whisker
          ? `<line x1="${b.whisker.x1.toFixed(1)}" x2="${b.whisker.x2.toFixed(1)}" y1="${b.whisker.y}" y2="${b.whisker.y}" stroke="#0f172a"/>`
          : '') +
        `<text x="${b.textX.toFixed(1)}" y="${b.y + b.h - 1}" class="v">${b.valueText}</text>`,
    ),
  ];
  return (
    `<figure><figcaption>${esc(c.title)}</figcaption><svg role="img" aria-label="${esc(c.title)}" viewBox="0 0 ${l.width} ${l.height}" ` +
    `width="${l.width}" height="${l.height}">${parts.join('')}</svg></figure>`
  );
}

function table(b: Extract<Block, { kind: 'table' }>): string {
  const caption = b.caption ? `<caption>${esc(b.caption)}</caption>` : '';
  if (b.rows.length === 0) return `${b.caption ? `<h3>${esc(b.caption)}</h3>` : ''}<p class="empty">${esc(b.empty ?? 'None.')}</p>`;
  const head = `<thead><tr>${b.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = b.rows.map((r) => `<tr>${r.map((c) => `<td${verdictClass(c)}>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="grid">${caption}${head}<tbody>${body}</tbody></table>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'kv':
      return `<table class="kv">${b.rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td${verdictClass(v)}>${esc(v)}</td></tr>`).join('')}</table>`;
    case 'table':
      return table(b);
    case 'p':
      return `<p>${esc(b.text)}</p>`;
    case 'chart':
      return svgChart(b.chart);
  }
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#0f172a;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #cbd5e1;padding-bottom:.25rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}th,td{text-align:left;padding:.25rem .5rem;border:1px solid #e2e8f0;vertical-align:top}
caption{text-align:left;font-weight:600;padding:.25rem 0}td{overflow-wrap:anywhere}
.kv th{width:18rem;background:#f8fafc;font-weight:600}.grid thead th{background:#f1f5f9}
td.pass{color:#047857;font-weight:600}td.fail{color:#b91c1c;font-weight:600}td.not{color:#92400e}.empty{color:#64748b}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.25rem}svg{max-width:100%;height:auto;font-size:10px;fill:#0f172a}svg .v{font-size:8px}
@media print{section{break-inside:auto}table,figure{break-inside:avoid}}`;

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
