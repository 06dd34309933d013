/** What the worker computes when a variable is selected: its value (checksum-verified), decoded by chunks, summarised. */
import { GraftError } from '../core/errors';
import type { Checkpoint, TensorInfo } from '../core/model/checkpoint';
import { ELEMENT_SIZE, elementCount } from '../core/model/dtypes';
import { decodeNumbers, isDecodable } from '../core/model/numbers';
import { heatmapAccumulator, histogramAccumulator, planView, summaryAccumulator } from '../core/analysis/stats';
import { decodeStringTensor } from '../core/formats/tf-bundle/strings';
import type { InspectResult, ViewOptions } from './protocol';

/** Elements decoded to float64 at a time: bounds memory to ~8 MB beyond the tensor's own bytes. */
const CHUNK = 1 << 20;
const STRINGS_SHOWN = 20;
const STRING_CHARS = 300;

export async function inspectTensor(checkpoint: Checkpoint, name: string, view: ViewOptions): Promise<InspectResult> {
  const info = checkpoint.tensors.find((t) => t.name === name);
  if (!info) throw new GraftError('not-found', checkpoint.label, `has no variable named "${name}"`);
  if (info.dtype === 'string') {
    const { bytes } = await checkpoint.readValue(name);
    const count = elementCount(info.shape);
    const elements = decodeStringTensor(bytes, count, checkpoint.label, name);
    return { kind: 'strings', name, count, strings: elements.slice(0, STRINGS_SHOWN).map(showString) };
  }
  if (!isDecodable(info.dtype)) {
    return { kind: 'opaque', name, reason: `Graft cannot show the values of a ${info.dtype} tensor; it can still copy it as is.` };
  }
  const { bytes } = await checkpoint.readValue(name);
  return summariseNumbers(info, bytes, view, checkpoint.label);
}

/** Statistics of a value (`Checkpoint.readValue`'s little-endian bytes). */
export function summariseNumbers(info: TensorInfo, bytes: Uint8Array, view: ViewOptions, file = ''): InspectResult {
  const size = ELEMENT_SIZE[info.dtype];
  const count = elementCount(info.shape);
  if (bytes.byteLength !== count * size) {
    throw new GraftError(
      'corrupt',
      file,
      `variable "${info.name}" has ${bytes.byteLength} bytes but its shape [${info.shape.join(', ')}] of ${info.dtype} needs ${count * size}`,
    );
  }
  const chunks = function* (): Generator<[Float64Array, number]> {
    for (let start = 0; start < count; start += CHUNK) {
      const end = Math.min(count, start + CHUNK);
      const part = bytes.subarray(start * size, end * size);
      yield [decodeNumbers(part, info.dtype, { shape: [end - start], realParts: true, file, name: info.name }), start];
    }
  };
  const plan = planView(info.shape, view.kernel);
  const summaryAcc = summaryAccumulator();
  const heatAcc = plan ? heatmapAccumulator(plan) : null;
  for (const [values, start] of chunks()) {
    summaryAcc.add(values);
    heatAcc?.add(values, start);
  }
  const summary = summaryAcc.result();
  const histAcc = histogramAccumulator(summary.min, summary.max);
  if (count <= CHUNK) histAcc.add(decodeNumbers(bytes, info.dtype, { shape: [count], realParts: true, file, name: info.name }));
  else for (const [values] of chunks()) histAcc.add(values);
  return { kind: 'numbers', name: info.name, summary, histogram: histAcc.result(), heatmap: heatAcc?.result() ?? null };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text when it is text, otherwise a hex preview (e.g. the serialized object graph). */
export function showString(bytes: Uint8Array): string {
  let text: string | null = null;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = null;
  }
  // eslint-disable-next-line no-control-regex
  if (text !== null && !/[\x00-\x08\x0e-\x1f]/.test(text)) {
    return text.length > STRING_CHARS ? `${text.slice(0, STRING_CHARS)}… (${bytes.byteLength} bytes)` : text;
  }
  const hex = Array.from(bytes.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `binary, ${bytes.byteLength} bytes: ${hex}${bytes.byteLength > 48 ? ' …' : ''}`;
}
