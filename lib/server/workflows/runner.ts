import 'server-only';
import type { RunReporter } from './reporter';
import type { TrainingParams } from './params';

/**
 * The contract every runner honours. A runner gets a RUNNING run whose parameters are resolved (model name,
 * version, parent checkpoint) and returns how it ended; it never writes the run's final status itself, except
 * through the artefact upload endpoint (remote runners), which it reports as FINISHED.
 *
 * Adding a runner (e.g. a Kubernetes Job): one file implementing Runner, one line in runners/index.ts, and the
 * RunnerKind enum value in prisma/schema.prisma. A remote runner reuses what the GitHub runner uses: the one-time
 * run token (run-token.ts), GET /api/runs/[runId]/manifest, GET .../files/[sha256], POST .../artefacts.
 */
export interface RunnerContext {
  runId: string;
  snapshotId: string;
  params: TrainingParams & { resolved: NonNullable<TrainingParams['resolved']> };
  /** Working folder of this run (RUNS_DIR/<runId>), removed when the run ends. */
  runDir: string;
  reporter: RunReporter;
  /** Aborted when the worker stops or the job times out: stop local work (FAILED), or let go of remote work (DETACHED). */
  signal: AbortSignal;
  /** True when an earlier attempt of this job left the run RUNNING (the worker died): pick up or give up. */
  resumed: boolean;
  startedAt: Date;
}

export interface Artefacts {
  onnx: Uint8Array;
  /** an ensemble's other members, in the card's onnx.files order after the first */
  members?: Uint8Array[];
  card: unknown;
  metrics: unknown | null;
  checkpoint: Uint8Array | null;
}

export type RunnerOutcome =
  /** The runner holds the artefacts; the caller validates and registers them. */
  | { status: 'TRAINED'; artefacts: Artefacts }
  /** The outcome was already recorded by someone else (the artefact upload endpoint). */
  | { status: 'FINISHED' }
  | { status: 'FAILED'; error: string }
  | { status: 'CANCELLED' }
  /** The work goes on elsewhere (a remote run) but this worker must let go: the job is retried and resumes it. */
  | { status: 'DETACHED'; reason: string };

export interface Runner {
  readonly kind: string;
  /**
   * False when fine-tuning does not need the parent's training checkpoint (a foreign command may start from the ONNX
   * or from files of its own): a parent without one is then handed over without it instead of failing the run.
   */
  readonly needsCheckpoint?: boolean;
  execute(ctx: RunnerContext): Promise<RunnerOutcome>;
}
