/**
 * A safetensors output split by size, as huggingface_hub's `save_torch_state_dict` and transformers'
 * `save_pretrained(max_shard_size=...)` write it: `model-0000N-of-0000M.safetensors` (1-based) and
 * `model.safetensors.index.json` = `{"metadata": {"total_size": ...}, "weight_map": {tensor: shard file}}`, dumped
 * as transformers does (`json.dumps(index, indent=2, sort_keys=True) + "\n"`). Everything fits in one shard: one
 * plain file and no index, as they do. Shards are written one after another, each streamed by its own
 * SafetensorsWriter and closed as soon as its last tensor is in.
 */
import { GraftError } from '../../errors';
import type { OutputFolder, OutputTensor } from '../../io/output';
import { ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import { planShards } from '../shard-plan';
import { createSafetensorsWriter, planSafetensors, type SafetensorsWriter, type TensorSpec } from './write';

/** `model.safetensors` → `model-00002-of-00005.safetensors` (`shard` 0-based). */
export function shardFileName(path: string, shard: number, count: number): string {
  const base = path.endsWith('.safetensors') ? path.slice(0, -'.safetensors'.length) : path;
  return `${base}-${String(shard + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.safetensors`;
}

/** `model.safetensors` → `model.safetensors.index.json` (`filename_pattern.format(suffix="") + ".index.json"`). */
export function indexFileName(path: string): string {
  return `${path}.index.json`;
}

/** Python's str ordering: by code point (JS compares UTF-16 units, which differs past U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
  return x.length - y.length;
}

const PY_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string as Python's `json.dumps` writes it (ensure_ascii: everything outside ' '..'~' escaped, per UTF-16 unit). */
function pyString(s: string): string {
  return `"${s.replace(/[^ -~]|["\\]/g, (c) => PY_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** The index file's text, byte for byte as transformers writes it. */
export function shardIndexText(totalSize: number, weightMap: ReadonlyMap<string, string>): string {
  const entries = [...weightMap].sort((a, b) => compareCodePoints(a[0], b[0]));
  const map = entries.map(([k, v]) => `    ${pyString(k)}: ${pyString(v)}`).join(',\n');
  return `{\n  "metadata": {\n    "total_size": ${totalSize}\n  },\n  "weight_map": {${entries.length ? `\n${map}\n  ` : ''}}\n}\n`;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * Like createSafetensorsWriter, split into shards of at most `maxShardBytes` (a bigger tensor alone in its own).
 * `path` is the name the single file would have; `names` as there.
 */
export async function createShardedSafetensorsWriter(
  out: OutputFolder,
  path: string,
  specs: readonly TensorSpec[],
  maxShardBytes: number,
  names?: ReadonlyMap<string, string>,
): Promise<SafetensorsWriter> {
  const plan = planShards(specs.map((s) => ({ name: s.name, bytes: elementCount(s.shape) * ELEMENT_SIZE[s.dtype] })), maxShardBytes);
  if (plan.count === 1) return createSafetensorsWriter(out, path, specs, undefined, names);
  const stored = (name: string) => names?.get(name) ?? name;
  const groups: TensorSpec[][] = Array.from({ length: plan.count }, () => []);
  for (const s of specs) groups[plan.shardOf.get(s.name)!]!.push(s);
  // Each shard's own streaming order (planSafetensors also refuses what safetensors cannot store, before any file).
  const order = groups.flatMap((g) => {
    const variableOf = new Map(g.map((s) => [stored(s.name), s.name]));
    return planSafetensors(g.map((s) => ({ ...s, name: stored(s.name) })), undefined, path).tensors.map((t) => variableOf.get(t.name)!);
  });
  const files = groups.map((_, i) => shardFileName(path, i, plan.count));
  const writers: SafetensorsWriter[] = [];
  const remaining = groups.map((g) => g.length);
  const finished = new Set<number>();
  const storedKeys = new Map<string, string>();
  const writer = async (shard: number) => {
    while (writers.length <= shard) writers.push(await createSafetensorsWriter(out, files[writers.length]!, groups[writers.length]!, undefined, names));
    return writers[shard]!;
  };
  const end = async (shard: number) => {
    finished.add(shard);
    await (await writer(shard)).finish();
  };
  return {
    order,
    storedKeys,
    async add(t: OutputTensor) {
      const shard = plan.shardOf.get(t.name);
      if (shard === undefined) throw new GraftError('not-found', path, `tensor ${t.name} is not a variable of the new model`);
      if (finished.has(shard)) throw new GraftError('corrupt', files[shard]!, `tensor ${t.name} is added twice`);
      const w = await writer(shard);
      await w.add(t);
      storedKeys.set(t.name, w.storedKeys.get(t.name)!);
      if (--remaining[shard]! === 0) await end(shard);
    },
    async finish() {
      for (let i = 0; i < plan.count; i++) if (!finished.has(i)) await end(i);
      const weightMap = new Map(specs.map((s) => [stored(s.name), basename(files[plan.shardOf.get(s.name)!]!)]));
      const index = await out.create(indexFileName(path));
      await index.write(new TextEncoder().encode(shardIndexText(plan.totalBytes, weightMap)));
      await index.close();
    },
  };
}
