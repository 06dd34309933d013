/**
 * The export's self-check: every tensor is hashed as the engine hands it to the writer (`TensorTap`), then the
 * written files are opened again with Graft's own reader and each plan entry's stored bytes hashed and compared
 * (`selfCheck`). xxHash128, not sha256: it runs at memory speed, so the check costs about one read of the output,
 * and it is made to catch accidental damage (a wrong offset, a truncated or swapped tensor), which is what it is for.
 */
import { createXXHash128, type IHasher } from 'hash-wasm';
import { reusedBuffer } from '../core/engine/buffer-pool';
import { toErrorData } from '../core/errors';
import { openCheckpoint } from '../core/formats/registry';
import type { ByteSource } from '../core/io/byte-source';
import type { OutputTensor } from '../core/io/output';
import type { Plan } from '../core/mapping';
import type { Checkpoint, TensorInfo } from '../core/model/checkpoint';
import type { DType } from '../core/model/dtypes';
import { decodeNumbers, isDecodable } from '../core/model/numbers';

/** What the self-check found: `verified` of `total` variables read back with the bytes written; the others named. */
export interface SelfCheck {
  verified: number;
  total: number;
  /** One sentence per variable that did not read back as written (at most 20; `failed` counts all). */
  problems: string[];
  failed: number;
  seconds: number;
}

interface Written {
  dtype: DType;
  shape: number[];
  byteLength: number;
  hash: string;
  /** The numbers' hash, for a dtype the format may store as another (TF.js keeps int64 as int32). */
  values?: string;
}

/** Smaller tensors are read into fresh buffers: cheap, and most of a checkpoint's count. */
const SCRATCH_FROM = 256 << 10;

/** The dtypes every writer stores as they are; others may be converted, and are then compared by value. */
const KEPT = new Set<DType>(['float32', 'int32', 'uint8', 'string']);

function digest(h: IHasher, bytes: Uint8Array): string {
  h.init();
  h.update(bytes);
  return h.digest('hex');
}

const numbersHash = (h: IHasher, bytes: Uint8Array, dtype: DType) => {
  const n = decodeNumbers(bytes, dtype);
  return digest(h, new Uint8Array(n.buffer, n.byteOffset, n.byteLength));
};

/** Hashes every tensor as written; `onTensor` goes to `exportCheckpoint`. */
export class TensorTap {
  readonly written = new Map<string, Written>();
  private constructor(readonly hasher: IHasher) {}

  static async create(): Promise<TensorTap> {
    return new TensorTap(await createXXHash128());
  }

  readonly onTensor = (t: OutputTensor): void => {
    const w: Written = { dtype: t.dtype, shape: [...t.shape], byteLength: t.bytes.byteLength, hash: digest(this.hasher, t.bytes) };
    if (!KEPT.has(t.dtype) && isDecodable(t.dtype)) w.values = numbersHash(this.hasher, t.bytes, t.dtype);
    this.written.set(t.name, w);
  };
}

/** The stored tensor's hash, in the form `w` can be compared with (by value when the format changed the dtype). */
async function storedHash(back: Checkpoint, t: TensorInfo, w: Written, h: IHasher, into?: Uint8Array): Promise<{ same: boolean; why: string }> {
  const { bytes } = await back.readValue(t.name, into);
  if (t.dtype === w.dtype) {
    if (bytes.byteLength !== w.byteLength) return { same: false, why: `${bytes.byteLength} bytes stored, ${w.byteLength} written` };
    return digest(h, bytes) === w.hash ? { same: true, why: '' } : { same: false, why: 'its stored bytes differ from those written' };
  }
  if (w.values && isDecodable(t.dtype)) {
    return numbersHash(h, bytes, t.dtype) === w.values ? { same: true, why: '' } : { same: false, why: `its values differ (written as ${w.dtype}, stored as ${t.dtype})` };
  }
  return { same: false, why: `stored as ${t.dtype} where ${w.dtype} was written` };
}

/**
 * Opens `files` (the export just written) with Graft's reader and checks every plan entry's tensor against what the
 * tap saw written: found under the key the writer says it stored it under (`storedKeys`), same shape, same bytes (or the same values where the
 * format stores another dtype). Never throws: a failure to read the output is a problem of every variable.
 */
export async function selfCheck(files: readonly ByteSource[], plan: Plan, storedKeys: ReadonlyMap<string, string>, tap: TensorTap): Promise<SelfCheck> {
  const started = performance.now();
  const total = plan.entries.length;
  const problems: string[] = [];
  let failed = 0;
  const fail = (sentence: string) => {
    failed++;
    if (problems.length < 20) problems.push(sentence);
  };
  let back: Checkpoint | null = null;
  // Tensors are read into one reused buffer: a fresh one per tensor cost a page fault per 4 KiB, the larger part of
  // the check's time in the page (see core/io/blob-stream.ts).
  const scratch = reusedBuffer(SCRATCH_FROM);
  const into = (t: TensorInfo) => (t.dtype === 'string' ? undefined : scratch(t.byteLength));
  try {
    back = await openCheckpoint(files);
    const stored = new Map(back.tensors.map((t) => [t.name, t]));
    for (const entry of plan.entries) {
      const w = tap.written.get(entry.to);
      const key = storedKeys.get(entry.to);
      const t = key !== undefined ? stored.get(key) : undefined;
      if (!w) fail(`${entry.to}: the export did not write it`);
      else if (key === undefined) fail(`${entry.to}: the writer stored it under no key`);
      else if (!t) fail(`${entry.to}: not found in the written files (stored as ${key})`);
      else if (t.shape.join() !== w.shape.join()) fail(`${entry.to}: stored with shape [${t.shape.join(', ')}], written as [${w.shape.join(', ')}]`);
      else {
        const r = await storedHash(back, t, w, tap.hasher, into(t)).catch((e: unknown) => ({ same: false, why: toErrorData(e).message }));
        if (!r.same) fail(`${entry.to}: ${r.why}`);
      }
    }
  } catch (e) {
    const why = toErrorData(e).message;
    failed = total;
    problems.splice(0, problems.length, `the written files could not be read back: ${why}`);
  } finally {
    back?.close?.();
  }
  return { verified: total - failed, total, problems, failed, seconds: (performance.now() - started) / 1000 };
}
