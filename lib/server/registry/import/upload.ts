import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../errors';
import type { Actor } from '../../auth/actor';
import type { ReceivedForm } from '../../http/multipart';
import { importModel, IMPORT_FORMATS, type ImportedModel, type ImportFormat } from '.';

/**
 * The import page's upload (POST /api/models/import): `format`, optional `name` and `version` fields, and either an
 * `archive` (a zipped MONAI bundle, nnU-Net export or ONNX model folder) or, for onnx, the `onnx` file(s) (an
 * ensemble's members, matched to the card by file name) with the `card` JSON (file or text). Always a CANDIDATE:
 * production is reached through shadow, canary and a signed promotion.
 */
export async function importUpload(actor: Actor, form: ReceivedForm): Promise<ImportedModel> {
  const format = form.field('format') as ImportFormat | null;
  if (!format || !IMPORT_FORMATS.includes(format))
    throw new AppError('INVALID_INPUT', `format: one of ${IMPORT_FORMATS.join(', ')}.`, { fieldErrors: { format: ['choose a format'] } });
  const unknown = form.files.find((f) => !['archive', 'onnx', 'card'].includes(f.field));
  if (unknown) throw new AppError('INVALID_INPUT', `Unexpected file field "${unknown.field}".`);
  const base = { format, name: form.field('name')?.trim() || undefined, version: form.field('version')?.trim() || undefined };
  const archive = form.file('archive');
  const onnx = form.files.filter((f) => f.field === 'onnx');
  const cardText = await form.text('card');
  if (archive) {
    if (onnx.length || (cardText !== null && format !== 'onnx'))
      throw new AppError('INVALID_INPUT', 'Send either an archive or ONNX files with a card, not both.');
    const card = cardText === null ? undefined : parseCard(cardText);
    return importModel(actor, { ...base, source: archive.path, card, label: archive.filename, via: 'upload' });
  }
  if (format !== 'onnx')
    throw new AppError('INVALID_INPUT', `A ${format} model is uploaded as a zip archive.`, { fieldErrors: { archive: ['required'] } });
  if (!onnx.length) throw new AppError('INVALID_INPUT', 'Choose the ONNX file(s) of the model.', { fieldErrors: { onnx: ['required'] } });
  if (cardText === null)
    throw new AppError('INVALID_INPUT', 'Add the model card (card.json) that describes the ONNX file.', {
      fieldErrors: { card: ['required'] },
    });
  const card = parseCard(cardText);
  // the members go into a folder under their own names: the card refers to them by name
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-import-upload-'));
  try {
    for (const f of onnx) {
      const name = path.basename(f.filename || '');
      if (!/^[\w.-]+\.onnx$/.test(name))
        throw new AppError('INVALID_INPUT', `"${f.filename}" is not an .onnx file name.`, { fieldErrors: { onnx: ['not an .onnx file'] } });
      await fs.copyFile(f.path, path.join(dir, name), fs.constants.COPYFILE_EXCL).catch(() => {
        throw new AppError('INVALID_INPUT', `${name} was sent twice.`);
      });
    }
    return await importModel(actor, { ...base, source: dir, card, label: onnx[0].filename, via: 'upload' });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function parseCard(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('INVALID_INPUT', `card: not valid JSON (${(e as Error).message}).`, { fieldErrors: { card: ['not valid JSON'] } });
  }
}
