/**
 * A transform chain may not pass through a tensor far larger than the tensors it joins: a recipe that pads
 * [768] to 10^12 values and slices back would have the engine allocate (or fill with a mean) the giant
 * intermediate before failing. Every step's output is checked against a cap derived from the sources and the
 * variable, when the plan is compiled, before anything is read or allocated.
 */
import { clip } from '../io/untrusted';
import { ELEMENT_SIZE, elementCount, type DType } from '../model/dtypes';
import { describeTransform, fmt, type Operand, type StepOutput, type Transform } from './transforms';

/** How many times the largest of the sources and the variable one intermediate may hold. */
export const CHAIN_GROWTH_FACTOR = 4;
/** Small tensors may pass through intermediates up to this many values whatever their own size. */
export const CHAIN_FLOOR_ELEMENTS = 2 ** 20;
/** No intermediate over this many bytes, whatever the tensors involved. */
export const CHAIN_MAX_BYTES = 2 ** 33;
/** TensorFlow stops at 254 axes and TF.js ops at 6; no real chain passes through more than a handful. */
export const CHAIN_MAX_RANK = 64;

const bytes = (n: number, dtype: DType) => n * Math.max(ELEMENT_SIZE[dtype], 1);

function human(n: number): string {
  if (n < 1e6) return String(n);
  const e = Math.floor(Math.log10(n));
  return `${(n / 10 ** e).toFixed(1).replace(/\.0$/, '')}e${e}`;
}

/**
 * Why the chain making `target` from `sources` passes through a tensor too large for them, naming the step
 * and the variable; undefined when every step's output fits the cap.
 */
export function chainSizeProblem(
  target: { name: string } & Operand,
  sources: readonly Operand[],
  transforms: readonly Transform[],
  steps: readonly StepOutput[],
): string | undefined {
  const involved = [...sources.map((s) => elementCount(s.shape)), elementCount(target.shape)];
  const cap = Math.max(Math.max(...involved) * CHAIN_GROWTH_FACTOR, CHAIN_FLOOR_ELEMENTS);
  for (let i = 0; i < steps.length; i++) {
    const { shape, dtype } = steps[i]!;
    const n = elementCount(shape);
    const over = shape.length > CHAIN_MAX_RANK ? `more than ${CHAIN_MAX_RANK} axes` : n > cap ? `more than ${CHAIN_GROWTH_FACTOR}× the largest of its sources and ${clip(target.name)} (${human(cap)} values at most)` : bytes(n, dtype) > CHAIN_MAX_BYTES ? `more than ${CHAIN_MAX_BYTES / 2 ** 30} GiB` : '';
    if (!over) continue;
    const what = transforms[i] ? describeTransform(transforms[i]!) : steps[i]!.op;
    const shown = shape.length > 8 ? `a rank-${shape.length} tensor` : fmt(shape);
    return `step ${i + 1} (${what}) of the chain to ${clip(target.name)} makes ${shown}, ${human(n)} values, ${over}; Graft refuses chains that pass through a tensor this large`;
  }
  return undefined;
}
