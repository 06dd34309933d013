/** Tests only: small in-memory checkpoints, targets and writers for the engine's tests. */
import { memorySource } from '../io/byte-source';
import { openCheckpoint } from '../formats/registry';
import { dataFileName, writeTfBundle, type WriteTensor } from '../formats/tf-bundle';
import type { Checkpoint } from '../model/checkpoint';
import { ELEMENT_SIZE, elementCount, type DType } from '../model/dtypes';
import type { InitializerSpec, TargetModel, TargetVariable } from '../model/target-model';
import type { CheckpointWriter, OutputTensor } from '../io/output';

export async function memoryCheckpoint(tensors: WriteTensor[], opts: { littleEndian?: boolean } = {}): Promise<Checkpoint> {
  const { index, shards } = writeTfBundle(tensors, opts);
  return openCheckpoint([memorySource('old/ck.index', index), ...shards.map((s, i) => memorySource(`old/${dataFileName('ck', i, shards.length)}`, s))]);
}

export async function readBack(files: Map<string, Uint8Array>, prefix: string): Promise<Checkpoint> {
  return openCheckpoint([...files].filter(([p]) => p.startsWith(prefix)).map(([p, b]) => memorySource(`out/${p}`, b)));
}

/** A new model given as a list: each variable's default is `defaults[name]` or zeros. */
export function listTarget(vars: { name: string; dtype: DType; shape: number[]; initializer?: InitializerSpec }[], defaults: Record<string, Uint8Array> = {}): TargetModel {
  const variables: TargetVariable[] = vars.map((v) => ({
    name: v.name, dtype: v.dtype, shape: v.shape, byteLength: elementCount(v.shape) * ELEMENT_SIZE[v.dtype], kind: 'weight', group: '',
    initializer: v.initializer ?? { kind: 'zeros' },
  }));
  return {
    source: 'list',
    label: 'new.json',
    variables,
    warnings: [],
    async defaultValue(name) {
      const v = variables.find((x) => x.name === name)!;
      return defaults[name] ?? new Uint8Array(v.byteLength);
    },
  };
}

/** A writer that keeps copies of what it is given, and whether `finish` ran. */
export function collectingWriter(): CheckpointWriter & { tensors: OutputTensor[]; finished: boolean } {
  const w = {
    tensors: [] as OutputTensor[],
    finished: false,
    async add(t: OutputTensor) {
      w.tensors.push({ ...t, bytes: t.bytes.slice() });
    },
    async finish() {
      w.finished = true;
    },
  };
  return w;
}

/** Deterministic pseudo-random bytes. */
export function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

export function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const bytes = randomBytes(n * 4, seed);
  for (let i = 0; i < n; i++) out[i] = ((bytes[i * 4]! | (bytes[i * 4 + 1]! << 8)) / 65536 - 0.5) * 4;
  return out;
}
