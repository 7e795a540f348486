/**
 * The text runs of an uncompressed pdfkit PDF (renderEvidencePdf(..., { compress: false })), one per text-showing
 * operator, in drawing order. pdfkit writes standard-font text as hex strings of WinAnsi codes inside `[...] TJ`
 * arrays, split where it kerns; the pieces of one array are one run. No PDF parser is a dependency of the project and
 * pdftotext is not installed here, so the tests read the content streams this way.
 */
export function pdfTextRuns(pdf: Uint8Array): string[] {
  const source = Buffer.from(pdf).toString('latin1');
  if (/\/FlateDecode/.test(source)) throw new Error('the PDF has compressed streams: render it with compress: false');
  const decoder = new TextDecoder('windows-1252');
  const runs: string[] = [];
  for (const m of source.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)) {
    const hex = [...m[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
    runs.push(decoder.decode(Buffer.from(hex, 'hex')));
  }
  return runs;
}
