import 'server-only';
import { z } from 'zod';
import { DEFAULT_DATABASE_URL } from './db/provider';

/**
 * The only reader of process.env. Every setting has a default that works on a fresh machine (SQLite file, local
 * blobs, in-process worker), so `npm run demo` needs no configuration; production overrides through the environment.
 */
export const DEV_SECRET = 'tumorwatch-development-secret-do-not-use-in-production';

/**
 * The secret signs every session: in production it must be long and random (the development default, a short word
 * or a repeated character would let anyone forge a session). Null when acceptable.
 */
export function productionSecretProblem(secret: string | undefined): string | null {
  const fix = 'set it to at least 32 random characters, e.g. `openssl rand -hex 32`';
  if (!secret) return `NEXTAUTH_SECRET is not set: ${fix}`;
  if (secret === DEV_SECRET) return `NEXTAUTH_SECRET is the built-in development secret, refused in production: ${fix}`;
  if (secret.length < 32) return `NEXTAUTH_SECRET has ${secret.length} characters: ${fix}`;
  if (new Set(secret).size < 12) return `NEXTAUTH_SECRET is too repetitive to be random: ${fix}`;
  return null;
}

/** For the server's start-up: the reason the environment is unusable, or null (instrumentation.ts exits on it). */
export function environmentProblem(): string | null {
  try {
    env();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A JSON array of strings with at least a program name: the COMMAND runner's argv template. */
function isArgv(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'string') && v[0] !== '';
  } catch {
    return false;
  }
}

const bool = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z.string().default(DEFAULT_DATABASE_URL),
    NEXTAUTH_URL: z.string().url().default('http://localhost:3000'),
    NEXTAUTH_SECRET: z.string().min(16).default(DEV_SECRET),
    BLOB_DRIVER: z.enum(['local', 's3']).default('local'),
    BLOB_ROOT: z.string().default('data/blobs'),
    S3_ENDPOINT: z.string().optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_BUCKET: z.string().default('tumorwatch'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_FORCE_PATH_STYLE: bool.default(true),
    /** `inline`: the web server process runs the job worker too (SQLite default); `external`: `npm run worker`. */
    WORKER_MODE: z.enum(['inline', 'external']).default('inline'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    /** Failed sign-ins before an account is locked (then locks double: 1 min, 2, 4 ... 1 h; an admin can clear). */
    LOGIN_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(5),
    /**
     * Failed sign-ins from one client address (any accounts) before it is locked the same way. A hospital's users may
     * share one NAT address: set it to what a busy morning's typos could reach.
     */
    LOGIN_ADDRESS_FAILURES: z.coerce.number().int().min(1).default(50),
    QUEUE_LIMIT: z.coerce.number().int().min(1).default(200),
    INGEST_MAX_FILE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(200 * 1024 * 1024),
    INGEST_MAX_INFLATED_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(512 * 1024 * 1024),
    /**
     * Upload bodies are counted as they arrive and refused (413) at these limits, Content-Length or not. A request
     * limit left unset follows its file limit (lib/server/http/limits.ts): a case is up to five files.
     */
    INGEST_MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).optional(),
    /**
     * DICOM privacy (lib/server/dicom/privacy.ts): PSEUDONYM_KEY keys the HMAC pseudonyms of patients, studies and
     * sites; DICOM_REFS_KEY (64 hex characters, AES-256-GCM) encrypts the source references that DICOM SEG export
     * needs. Their public defaults are refused in production when DICOM is used (privacy.ts); scripts/serve.sh
     * generates them for the demo like NEXTAUTH_SECRET.
     */
    PSEUDONYM_KEY: z.string().min(16).default('tumorwatch-development-pseudonym-key'),
    DICOM_REFS_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`')
      .default('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'),
    /** The dcm2niix executable (the pinned PyPI wheel in the project's Python environment). */
    DCM2NIIX: z.string().default('.venv/bin/dcm2niix'),
    /** DICOM instances one STOW-RS request, upload or retrieval may carry, and the bytes of one instance. */
    DICOM_MAX_INSTANCES: z.coerce.number().int().min(1).default(5000),
    DICOM_MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).optional(),
    /**
     * The PACS TumorWatch pulls studies from and stores DICOM SEG results to (lib/server/dicom/pacs): its DICOMweb root
     * (QIDO-RS, WADO-RS and STOW-RS under it, e.g. http://pacs:8042/dicom-web), with HTTP basic credentials or a
     * bearer token. Unset: no PACS (no pull page, no schedule, no "Send to PACS").
     */
    PACS_DICOMWEB_URL: z.string().url().optional(),
    /**
     * An MLflow tracking server (lib/server/mlflow) that training runs, evaluations and registry stages are mirrored
     * to through an outbox and the mlflow.mirror job. Unset: nothing is mirrored and nothing is enqueued.
     */
    MLFLOW_TRACKING_URI: z.string().url().optional(),
    PACS_USERNAME: z.string().optional(),
    PACS_PASSWORD: z.string().optional(),
    PACS_BEARER_TOKEN: z.string().optional(),
    /** Minutes between scheduled polls for new MR studies (0: on demand only). */
    PACS_POLL_MINUTES: z.coerce.number().min(0).default(0),
    /** The first poll looks this many days back; later ones from the previous poll's date. */
    PACS_POLL_LOOKBACK_DAYS: z.coerce.number().int().min(0).default(1),
    /** Studies one poll retrieves at most (the rest wait for the next poll). */
    PACS_POLL_MAX_STUDIES: z.coerce.number().int().min(1).default(20),
    /** A saved or imported label mask (gzipped NIfTI); a uint8 512^3 grid is 128 MiB raw, tens of kB gzipped. */
    LABEL_MAX_FILE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
    LABEL_MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).optional(),
    /** Each artefact a remote runner uploads (model.onnx, checkpoint.pt, train.log, ...). */
    RUN_ARTEFACT_MAX_FILE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024 * 1024),
    RUN_ARTEFACT_MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).optional(),
    PYTHON: z.string().default('.venv/bin/python'),
    MODELS_DIR: z.string().default('models'),
    ORT_INTRA_OP_THREADS: z.coerce.number().int().min(1).max(64).default(2),
    /**
     * main: the network runs on the thread that calls it; thread: in its own worker thread, and a worker serves two
     * cases at a time (issue #27). main is the default: on 2 shared, saturated cores the thread measured slower per
     * case and no faster per worker (bench/results/inference.json, docs/inference-speed.md).
     */
    INFERENCE_NETWORK: z.enum(['thread', 'main']).default('main'),
    /**
     * CPU threads of a LOCAL training run (the trainer's --threads). Unset: the trainer config's 1, safe beside busy
     * inference workers (two OpenMP threads spinning against other processes ran 5-10x slower). Set it where the
     * training host's cores are otherwise idle: two threads train about twice as fast on an idle 2-core machine.
     */
    TRAINER_THREADS: z.coerce.number().int().min(1).max(64).optional(),
    GITHUB_API_URL: z.string().url().default('https://api.github.com'),
    GITHUB_REPOSITORY: z.string().optional(),
    GITHUB_TOKEN: z.string().optional(),
    GITHUB_WORKFLOW_FILE: z.string().default('retrain.yml'),
    GITHUB_REF: z.string().default('main'),
    /** Working folders of training runs (materialised snapshot, trainer output); removed when a run ends. */
    RUNS_DIR: z.string().default('data/runs'),
    /** Lifetime of a run's one-time artefact upload token (GitHub Actions runner). */
    RUN_TOKEN_TTL_MINUTES: z.coerce.number().int().min(1).default(720),
    /** How often a GitHub Actions run's status is polled. */
    GITHUB_POLL_MS: z.coerce.number().int().min(10).default(15_000),
    /**
     * The COMMAND runner (lib/server/workflows/runners/command.ts): a JSON array, the argv of the hospital's own
     * training command with placeholders ({snapshot} {format} {out} {parent} {name} {version} ...), spawned without a
     * shell. Unset: the runner is not offered.
     */
    TRAINING_COMMAND: z
      .string()
      .optional()
      .refine(
        (v) => v === undefined || v.trim() === '' || isArgv(v),
        'must be a JSON array of strings, e.g. ["python3","train.py","{snapshot}"]',
      ),
    /** The command's working directory (relative to the app's). */
    TRAINING_COMMAND_CWD: z.string().default('.'),
    /** The snapshot format the command reads: a MONAI datalist or an nnU-Net v2 raw dataset (lib/server/datasets/export.ts). */
    TRAINING_COMMAND_FORMAT: z.enum(['monai-datalist', 'nnunet']).default('monai-datalist'),
    /** A command still running after this long is stopped and its run fails. */
    TRAINING_COMMAND_TIMEOUT_MIN: z.coerce.number().min(0.01).default(720),
    /**
     * The skull-stripping step (lib/server/imaging/skull-strip.ts): a JSON argv with {in} and {out} (NIfTI paths),
     * spawned without a shell on every sequence before it is stored, e.g. ["hd-bet","-i","{in}","-o","{out}"].
     * Unset: volumes are stored as received, and the case page says so (loudly when the model's card requires it).
     */
    SKULL_STRIP_COMMAND: z
      .string()
      .optional()
      .refine(
        (v) => v === undefined || v.trim() === '' || (isArgv(v) && v.includes('{in}') && v.includes('{out}')),
        'must be a JSON array of strings with {in} and {out}, e.g. ["hd-bet","-i","{in}","-o","{out}"]',
      ),
    /** A skull-stripping run still going after this long is stopped and the upload refused. */
    SKULL_STRIP_TIMEOUT_S: z.coerce.number().min(1).default(600),
  })
  .superRefine((e, ctx) => {
    const secretProblem = e.NODE_ENV === 'production' ? productionSecretProblem(e.NEXTAUTH_SECRET) : null;
    if (secretProblem) ctx.addIssue({ code: 'custom', path: ['NEXTAUTH_SECRET'], message: secretProblem });
    if (e.BLOB_DRIVER === 's3' && !e.S3_ENDPOINT) {
      ctx.addIssue({ code: 'custom', path: ['S3_ENDPOINT'], message: 'S3_ENDPOINT is required when BLOB_DRIVER=s3' });
    }
  });

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

/** Parsed once, lazily, so that `next build` does not need runtime configuration. */
export function env(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${lines}`);
  }
  return result.data;
}

/** For tests that change settings between cases. */
export function resetEnvCache() {
  cached = undefined;
}

/** The environment for a child process (the Python trainer): this process's own, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
