import 'server-only';
import crypto from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { AppError } from '../../errors';
import type { ModelCard } from '@/lib/schemas/model-card';

/**
 * The card checked against the ONNX graphs it describes, before anything is stored: every member's sha256, the
 * input and output tensor names, the input channel count, the logits channel count, the feature tensor's width, fixed
 * spatial dimensions against the card's patch, and one I/O signature across an ensemble's members.
 *
 * Shapes come from onnxruntime-node's session metadata (`inputMetadata` / `outputMetadata`, 1.20+): the runtime that
 * will serve the model reads the graph, so what is checked is what will run, and no ONNX protobuf parser or Python
 * round trip is needed. A dimension the graph leaves symbolic ("batch", "x") cannot be checked and is accepted: the
 * exporters make batch and spatial axes dynamic and keep channel axes fixed, which is what is checked.
 */

/** Refuses with the card field named, in the message and as a field error (the upload form shows both). */
export function refuse(field: string, message: string): never {
  throw new AppError('INVALID_INPUT', `model card field ${field}: ${message}`, { fieldErrors: { [field]: [message] } });
}

type Dim = number | string;
interface TensorSig {
  name: string;
  shape: readonly Dim[];
}
interface GraphSig {
  inputs: TensorSig[];
  outputs: TensorSig[];
}

export const sha256Hex = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** Checks every member (card order) against the card; throws an AppError naming the card field on the first mismatch. */
export async function checkGraphsAgainstCard(card: ModelCard, members: Uint8Array[]): Promise<void> {
  const files = card.onnx.files;
  if (members.length !== files.length)
    refuse('onnx.files', `the card names ${files.length} ONNX file(s) (${files.map((f) => f.file).join(', ')}); ${members.length} given`);
  members.forEach((bytes, i) => {
    const sha = sha256Hex(bytes);
    if (sha !== files[i].sha256)
      refuse(`onnx.files.${i}.sha256`, `${files[i].file} has sha256 ${sha.slice(0, 12)}…, the card says ${files[i].sha256.slice(0, 12)}…`);
  });
  const sigs: GraphSig[] = [];
  for (let i = 0; i < members.length; i++) sigs.push(await readSignature(members[i], files[i].file, i));
  checkSignature(card, sigs[0], files[0].file);
  for (let i = 1; i < sigs.length; i++) {
    const diff = signatureDifference(sigs[0], sigs[i]);
    if (diff) refuse(`onnx.files.${i}`, `ensemble member ${files[i].file} differs from ${files[0].file}: ${diff}`);
  }
}

async function readSignature(bytes: Uint8Array, file: string, i: number): Promise<GraphSig> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  } catch (e) {
    refuse(`onnx.files.${i}.file`, `${file} does not load in onnxruntime: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  }
  try {
    const sig = (m: readonly ort.InferenceSession.ValueMetadata[]) => m.map((v) => ({ name: v.name, shape: v.isTensor ? v.shape : [] }));
    return { inputs: sig(session.inputMetadata), outputs: sig(session.outputMetadata) };
  } finally {
    await session.release();
  }
}

const fmt = (shape: readonly Dim[]) => `(${shape.join(', ')})`;
const fixed = (d: Dim | undefined): d is number => typeof d === 'number' && d > 0;

function tensor(list: TensorSig[], name: string, field: string, kind: string, file: string): TensorSig {
  const t = list.find((x) => x.name === name);
  if (!t) refuse(field, `${file} has no ${kind} "${name}" (it has ${list.map((x) => x.name).join(', ') || 'none'})`);
  return t;
}

function checkSignature(card: ModelCard, sig: GraphSig, file: string): void {
  const { inputName, logitsName, featuresName, featureDim, classes } = card.output;
  const input = tensor(sig.inputs, inputName, 'output.inputName', 'input', file);
  if (input.shape.length !== 5) refuse('output.inputName', `input "${inputName}" has shape ${fmt(input.shape)}; expected (N, C, X, Y, Z)`);
  const C = card.preprocessing.channels.length;
  if (fixed(input.shape[1]) && input.shape[1] !== C)
    refuse(
      'preprocessing.channels',
      `${C} channel(s) (${card.preprocessing.channels.join(', ')}), but input "${inputName}" takes ${input.shape[1]}`,
    );
  const patch = card.inference.patchSize;
  input.shape.slice(2).forEach((d, axis) => {
    if (fixed(d) && d !== patch[axis])
      refuse('inference.patchSize', `${patch.join('x')}, but input "${inputName}" has fixed spatial shape ${fmt(input.shape.slice(2))}`);
  });
  const logits = tensor(sig.outputs, logitsName, 'output.logitsName', 'output', file);
  if (logits.shape.length !== 5)
    refuse('output.logitsName', `output "${logitsName}" has shape ${fmt(logits.shape)}; expected (N, K, X, Y, Z)`);
  if (fixed(logits.shape[1]) && logits.shape[1] !== classes.length)
    refuse(
      'output.classes',
      `${classes.length} class(es) (${classes.map((c) => c.name).join(', ')}), but output "${logitsName}" has ${logits.shape[1]} channels`,
    );
  if (!featuresName) return;
  const features = tensor(sig.outputs, featuresName, 'output.featuresName', 'output', file);
  if (features.shape.length !== 2)
    refuse('output.featuresName', `output "${featuresName}" has shape ${fmt(features.shape)}; expected (N, D)`);
  if (fixed(features.shape[1]) && features.shape[1] !== featureDim)
    refuse('output.featureDim', `${featureDim}, but output "${featuresName}" has ${features.shape[1]} features`);
}

/**
 * What makes two members interchangeable for the pipeline: the same tensors with the same fixed dimensions (symbolic
 * ones, named by each export, compare as "?").
 */
function signatureDifference(a: GraphSig, b: GraphSig): string | null {
  for (const [kind, x, y] of [
    ['inputs', a.inputs, b.inputs],
    ['outputs', a.outputs, b.outputs],
  ] as const) {
    const key = (l: TensorSig[]) =>
      l
        .map((t) => `${t.name}${fmt(t.shape.map((d) => (fixed(d) ? d : '?')))}`)
        .sort()
        .join(' ');
    if (key(x) !== key(y)) return `${kind} ${key(y) || 'none'} instead of ${key(x) || 'none'}`;
  }
  return null;
}
