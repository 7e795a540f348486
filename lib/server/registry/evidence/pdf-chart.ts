import 'server-only';
import { layoutChart } from './chart';
import type { PdfDoc } from './pdf-doc';
import type { BarChart } from './types';

/** Draws the chart with vector paths at the current position (a new page first when it would not fit). */
export function drawPdfChart(doc: PdfDoc, c: BarChart) {
  const left = doc.page.margins.left;
  const l = layoutChart(c, doc.page.width - left - doc.page.margins.right);
  if (doc.y + l.height + 14 > doc.page.maxY()) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(9).fillColor('#000000').text(c.title, left, doc.y);
  const ox = left;
  const oy = doc.y + 2;
  doc.save().font('Helvetica').fontSize(7);
  for (const e of l.legend) {
    doc.rect(ox + e.x, oy + e.y, 8, 8).fill(e.colour);
    doc.fillColor('#000000').text(e.label, ox + e.x + 11, oy + e.y + 1, { lineBreak: false });
  }
  doc.lineWidth(0.4).strokeColor('#cbd5e1');
  for (const t of l.ticks) {
    doc
      .moveTo(ox + t.x, oy + l.plot.y0)
      .lineTo(ox + t.x, oy + l.plot.y1)
      .stroke();
    doc.fillColor('#000000').text(t.label, ox + t.x - 10, oy + l.plot.y1 + 4, { width: 20, align: 'center', lineBreak: false });
  }
  for (const r of l.rows)
    doc.fillColor('#000000').text(r.label, ox, oy + r.y - 3, { width: l.plot.x0 - 6, align: 'right', lineBreak: false });
  doc.lineWidth(0.7).strokeColor('#0f172a');
  for (const b of l.bars) {
    doc.rect(ox + b.x, oy + b.y, b.w, b.h).fill(b.colour);
    if (b.whisker)
      doc
        .moveTo(ox + b.whisker.x1, oy + b.whisker.y)
        .lineTo(ox + b.whisker.x2, oy + b.whisker.y)
        .stroke();
    doc
      .fillColor('#000000')
      .fontSize(5.5)
      .text(b.valueText, ox + b.textX, oy + b.y, { lineBreak: false })
      .fontSize(7);
  }
  doc.restore();
  doc.x = left;
  doc.y = oy + l.height + 6;
}
