import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../../auth/actor';
import { authorize } from '../../auth/authorize';
import { AUDIT, recordAudit } from '../../audit';
import { db } from '../../db';
import { isAppError } from '../../errors';
import { storeInstances } from '../pacs/client';
import { requirePacs } from '../pacs/config';
import { readSegExport, toDto, type SegExportDto } from './queries';

/**
 * STOW-RS of one SEG export to the configured PACS. The SEG is its own new series, so storing it never replaces an
 * earlier one (sending the same export again stores the same instance: the PACS keeps one copy). The outcome, stored
 * or refused with the PACS's reason, is kept on the export (pacsError) and audited.
 */
export async function sendSegToPacs(actor: Actor, caseId: string, exportId: string): Promise<SegExportDto> {
  await authorize(actor, 'seg:export', { via: 'domain' });
  const pacs = requirePacs();
  const { bytes } = await readSegExport(actor, caseId, exportId);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-seg-send-'));
  let error: string | null = null;
  try {
    const file = path.join(dir, 'seg.dcm');
    await fs.writeFile(file, bytes, { mode: 0o600 });
    const result = await storeInstances(pacs, [file]);
    if (result.failed.length || result.stored.length !== 1)
      error = `the PACS did not store the SEG${result.failed[0]?.reason ? ` (failure reason ${result.failed[0].reason})` : ''}`;
  } catch (e) {
    if (!isAppError(e)) throw e;
    error = e.userMessage;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  const row = await db().$transaction(async (tx) => {
    const updated = await tx.segExport.update({
      where: { id: exportId },
      data: error ? { pacsError: error } : { sentAt: new Date(), pacsError: null },
    });
    await recordAudit(tx, { actor, action: AUDIT.segSend, entityId: exportId, data: { caseId, stored: !error, error } });
    return updated;
  });
  return toDto(row);
}
