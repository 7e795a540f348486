import 'server-only';
import { env } from '../env';
import type { MultipartLimits } from './multipart';

const KiB = 1024;
const MiB = 1024 * KiB;

export type UploadRoute = 'case' | 'label' | 'artefacts' | 'model';

/**
 * What each upload route accepts. Byte limits come from the environment; a request limit left unset follows the file
 * limit: the most files of that size a valid upload holds, plus room for its fields and part headers. Counts leave
 * room above a valid upload so that the domain code, not the parser, explains a duplicated or unknown part.
 */
export function uploadLimits(route: UploadRoute): MultipartLimits {
  const e = env();
  switch (route) {
    case 'case': // t1n, t1c, t2w, t2f, mask + the metadata JSON
      return {
        maxFileBytes: e.INGEST_MAX_FILE_BYTES,
        maxRequestBytes: e.INGEST_MAX_REQUEST_BYTES ?? 5 * e.INGEST_MAX_FILE_BYTES + MiB,
        maxFiles: 8,
        maxFields: 8,
        maxFieldBytes: 64 * KiB,
      };
    case 'label': // mask + a few short fields
      return {
        maxFileBytes: e.LABEL_MAX_FILE_BYTES,
        maxRequestBytes: e.LABEL_MAX_REQUEST_BYTES ?? e.LABEL_MAX_FILE_BYTES + MiB,
        maxFiles: 2,
        maxFields: 8,
        maxFieldBytes: 64 * KiB,
      };
    case 'artefacts': // model.onnx and checkpoint.pt can be large; model-card.json, metrics.json, train.log beside them
      return {
        maxFileBytes: e.RUN_ARTEFACT_MAX_FILE_BYTES,
        maxRequestBytes: e.RUN_ARTEFACT_MAX_REQUEST_BYTES ?? 3 * e.RUN_ARTEFACT_MAX_FILE_BYTES,
        maxFiles: 8,
        maxFields: 8,
        // curl -F 'model-card.json=<file' sends the card as a text field, held in memory
        maxFieldBytes: 4 * MiB,
      };
    case 'model': // an imported model (the import page): a zip, or ONNX files (an ensemble's members) + the card
      return {
        maxFileBytes: e.RUN_ARTEFACT_MAX_FILE_BYTES,
        maxRequestBytes: e.RUN_ARTEFACT_MAX_REQUEST_BYTES ?? 3 * e.RUN_ARTEFACT_MAX_FILE_BYTES,
        maxFiles: 16,
        maxFields: 8,
        maxFieldBytes: 4 * MiB,
      };
  }
}
