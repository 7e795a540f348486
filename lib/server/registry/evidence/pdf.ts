import 'server-only';
import { AppError } from '../../errors';
import { evidenceDocument } from './document';
import type { Block, EvidenceData } from './types';

/**
 * PDF rendering of the evidence document with pdfkit (pdfkit@0.20.2, MIT; not yet a dependency of the project).
 * Loaded by a runtime import so the app builds and serves HTML evidence without it; until it is installed the PDF
 * download answers 503 with a message saying so. Renders the same sections as the HTML, from the frozen data.
 */
interface PdfDoc {
  font(name: string): PdfDoc;
  fontSize(size: number): PdfDoc;
  fillColor(color: string): PdfDoc;
  text(text: string, options?: { continued?: boolean; width?: number }): PdfDoc;
  moveDown(lines?: number): PdfDoc;
  on(event: 'data' | 'end' | 'error', cb: (arg: never) => void): void;
  end(): void;
}
type PdfCtor = new (options: { size: string; margin: number; info: Record<string, string | Date>; compress?: boolean }) => PdfDoc;

const PDFKIT = 'pdfkit';

async function loadPdfKit(): Promise<PdfCtor> {
  try {
    const mod = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ PDFKIT)) as { default?: PdfCtor };
    if (mod.default) return mod.default;
  } catch {
    // fall through: the package is not installed
  }
  throw new AppError('UNAVAILABLE', 'PDF export needs the pdfkit package, which is not installed; download the HTML report instead.');
}

function writeBlock(doc: PdfDoc, b: Block) {
  switch (b.kind) {
    case 'kv':
      for (const [k, v] of b.rows) doc.font('Helvetica-Bold').fontSize(9).text(`${k}: `, { continued: true }).font('Helvetica').text(v);
      break;
    case 'table':
      if (b.rows.length === 0) {
        doc
          .font('Helvetica-Oblique')
          .fontSize(9)
          .text(b.empty ?? 'None.');
        break;
      }
      doc.font('Helvetica-Bold').fontSize(8).text(b.head.join(' | '));
      for (const r of b.rows) doc.font('Helvetica').fontSize(8).text(r.join(' | '));
      break;
    case 'p':
      doc.font('Helvetica').fontSize(9).text(b.text);
      break;
    case 'pre':
      doc.font('Courier').fontSize(7).text(b.text);
      break;
  }
  doc.moveDown(0.5);
}

export async function renderEvidencePdf(data: EvidenceData): Promise<Uint8Array> {
  const Pdf = await loadPdfKit();
  const { title, sections } = evidenceDocument(data);
  const doc = new Pdf({ size: 'A4', margin: 48, info: { Title: title, Producer: 'TumorWatch', CreationDate: new Date(data.generatedAt) } });
  const chunks: Uint8Array[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (c: Uint8Array) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(title).moveDown(0.3);
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#475569')
    .text(`TumorWatch model change evidence, generated ${data.generatedAt}.`)
    .fillColor('#000000')
    .moveDown();
  for (const s of sections) {
    doc.font('Helvetica-Bold').fontSize(12).text(s.title).moveDown(0.3);
    for (const b of s.blocks) writeBlock(doc, b);
    doc.moveDown(0.5);
  }
  doc.end();
  return done;
}
