// A generated LLM-sized checkpoint for the scale bench: the Llama-2 layout (embed_tokens, per layer q/k/v/o_proj,
// gate/up/down_proj and two RMSNorms, the final norm, lm_head) in bfloat16, 24 layers of hidden 4096 (~9.5 GiB),
// split into 8 shards in model order as `save_pretrained` does: HF sharded safetensors (model-0000N-of-00008 +
// model.safetensors.index.json) and, when asked for, the same tensors as a TF bundle with 8 data shards.
// Written streaming (one tensor in memory at a time) and cached under bench/.cache; rebuilt only when missing.
// Values are finite bf16 noise: one random block, XOR-mixed per tensor and per chunk in sign and mantissa bits
// only, so every tensor (and every chunk of one) differs without generating 10 GB of random numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { planSafetensors } from '../src/core/formats/safetensors/write';
import { TfBundleWriter } from '../src/core/formats/tf-bundle';

export interface LlmShape {
  layers: number;
  hidden: number;
  intermediate: number;
  vocab: number;
  shards: number;
}

/** Llama-2-7B's widths with 24 of its 32 layers: 10.2 GB (9.5 GiB) of bfloat16. */
export const LLM_10GB: LlmShape = { layers: 24, hidden: 4096, intermediate: 11008, vocab: 32000, shards: 8 };

export interface LlmTensor {
  name: string;
  shape: number[];
  bytes: number;
}

export interface LlmCheckpoint {
  dir: string;
  /** Every tensor in model order, with the shard (0-based) it is stored in. */
  tensors: (LlmTensor & { shard: number })[];
  bytes: number;
  largestTensor: number;
  safetensors: { index: string; files: string[] };
  /** Only when `tf` was asked for. */
  tf?: { prefix: string; files: string[] };
}

/** Hugging Face's names and shapes ([out, in] matrices) for a Llama model, in model order. */
export function llmLayout(s: LlmShape): LlmTensor[] {
  const t = (name: string, shape: number[]) => ({ name, shape, bytes: shape.reduce((a, b) => a * b, 2) });
  const out = [t('model.embed_tokens.weight', [s.vocab, s.hidden])];
  for (let l = 0; l < s.layers; l++) {
    const p = `model.layers.${l}.`;
    out.push(t(`${p}input_layernorm.weight`, [s.hidden]));
    for (const m of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) out.push(t(`${p}self_attn.${m}.weight`, [s.hidden, s.hidden]));
    out.push(t(`${p}post_attention_layernorm.weight`, [s.hidden]));
    out.push(t(`${p}mlp.gate_proj.weight`, [s.intermediate, s.hidden]), t(`${p}mlp.up_proj.weight`, [s.intermediate, s.hidden]));
    out.push(t(`${p}mlp.down_proj.weight`, [s.hidden, s.intermediate]));
  }
  out.push(t('model.norm.weight', [s.hidden]), t('lm_head.weight', [s.vocab, s.hidden]));
  return out;
}

/** Splits tensors in order into `n` runs of about equal bytes (each run at least one tensor). */
function shardOf(tensors: LlmTensor[], n: number): number[] {
  const total = tensors.reduce((a, t) => a + t.bytes, 0);
  let before = 0;
  return tensors.map((t) => {
    const shard = Math.min(n - 1, Math.floor(((before + t.bytes / 2) / total) * n));
    before += t.bytes;
    return shard;
  });
}

const CHUNK = 4 << 20;

/** 4 MiB of bf16 values drawn from ±0.03 (a float32's upper half), from an LCG. */
function baseBlock(): Uint32Array {
  const f = new Float32Array(CHUNK / 2);
  let s = 12345;
  for (let i = 0; i < f.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f[i] = ((s >>> 8) / 16777216 - 0.5) * 0.06;
  }
  const u = new Uint32Array(f.buffer);
  const bf = new Uint16Array(CHUNK / 2);
  for (let i = 0; i < u.length; i++) bf[i] = u[i]! >>> 16;
  return new Uint32Array(bf.buffer);
}

/** A 32-bit mix of two integers (murmur3's finaliser). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fills `out` (a multiple of 4 bytes) with tensor `id`'s bytes; exponents stay those of the base block. */
function fillTensor(out: Uint8Array, id: number, base: Uint32Array): void {
  const words = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >>> 2);
  for (let at = 0, chunk = 0; at < words.length; at += base.length, chunk++) {
    // Sign and the low 7 mantissa bits of both bf16 halves: values change, none becomes Inf or NaN.
    const m = mix(id, chunk) & 0x807f807f;
    const n = Math.min(base.length, words.length - at);
    for (let i = 0; i < n; i++) words[at + i] = base[i]! ^ m;
  }
}

function freeBytes(dir: string): number {
  const r = spawnSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' });
  return Number(r.stdout.trim().split('\n').pop());
}

const pad = (n: number) => String(n).padStart(5, '0');

/**
 * The checkpoint under `bench/.cache/<name>`, written when its `complete.json` is missing or names another layout.
 * `tf`: also write (or keep) the TF bundle copy. Refuses, before writing, when the disk would keep < 15 GB free.
 */
export async function ensureLlmCheckpoint(shape: LlmShape = LLM_10GB, opts: { tf?: boolean; name?: string } = {}): Promise<LlmCheckpoint> {
  const dir = resolve('bench/.cache', opts.name ?? `llm-${shape.layers}x${shape.hidden}-bf16`);
  const layout = llmLayout(shape);
  const shards = shardOf(layout, shape.shards);
  const tensors = layout.map((t, i) => ({ ...t, shard: shards[i]! }));
  const bytes = tensors.reduce((a, t) => a + t.bytes, 0);
  const largestTensor = Math.max(...tensors.map((t) => t.bytes));
  const stName = (k: number) => `model-${pad(k + 1)}-of-${pad(shape.shards)}.safetensors`;
  const safetensors = { index: join(dir, 'model.safetensors.index.json'), files: [join(dir, 'model.safetensors.index.json'), ...Array.from({ length: shape.shards }, (_, k) => join(dir, stName(k)))] };
  const tfDir = join(dir, 'tf');
  const prefix = join(tfDir, 'model.ckpt');
  const tf = { prefix, files: [`${prefix}.index`, ...Array.from({ length: shape.shards }, (_, k) => `${prefix}.data-${pad(k)}-of-${pad(shape.shards)}`)] };
  const result: LlmCheckpoint = { dir, tensors, bytes, largestTensor, safetensors, ...(opts.tf ? { tf } : {}) };

  const marker = join(dir, 'complete.json');
  const want = JSON.stringify({ shape, tf: !!opts.tf, version: 1 });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return result;
  // A cache with the safetensors but without the TF copy is rebuilt whole: both are written in one pass.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(tfDir, { recursive: true });
  const need = bytes * (opts.tf ? 2 : 1);
  const free = freeBytes(dir);
  if (free - need < 15e9) throw new Error(`not enough disk for the ${(need / 1e9).toFixed(1)} GB checkpoint: ${(free / 1e9).toFixed(1)} GB free, 15 GB must stay free`);

  const base = baseBlock();
  const tfWriter = opts.tf ? new TfBundleWriter({ numShards: shape.shards }) : null;
  const weightMap: Record<string, string> = {};
  let buffer = new Uint8Array(0);
  try {
    for (let k = 0; k < shape.shards; k++) {
      const mine = tensors.filter((t) => t.shard === k);
      // The reference writer's order inside a file (dtype, then name); the TF shard gets the same order.
      const plan = planSafetensors(mine.map((t) => ({ name: t.name, dtype: 'bfloat16' as const, shape: t.shape })), { format: 'pt' }, stName(k));
      const st = await open(join(dir, stName(k)), 'w');
      const data: FileHandle | null = tfWriter ? await open(tf.files[k + 1]!, 'w') : null;
      try {
        await st.write(plan.header);
        for (const p of plan.tensors) {
          const n = p.end - p.begin;
          if (buffer.byteLength < n) buffer = new Uint8Array(n);
          const view = buffer.subarray(0, n);
          fillTensor(view, tensors.findIndex((t) => t.name === p.name), base);
          await st.write(view);
          if (tfWriter && data) for (const piece of tfWriter.add({ name: p.name, dtype: 'bfloat16', shape: p.shape, bytes: view, shard: k })) await data.write(piece.bytes);
          weightMap[p.name] = stName(k);
        }
      } finally {
        await st.close();
        await data?.close();
      }
    }
    if (tfWriter) writeFileSync(tf.files[0]!, tfWriter.index());
    writeFileSync(safetensors.index, JSON.stringify({ metadata: { total_size: bytes }, weight_map: weightMap }, null, 2));
    writeFileSync(marker, want);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  if (!opts.tf) rmSync(tfDir, { recursive: true, force: true });
  return result;
}

/**
 * A mixture-of-experts layout with tiny shapes (names and structure are what listing, matching and the canvas
 * care about): DeepSeek-like, 64 layers × (256 experts × 3 + 14 others) + 3 = 50,051 variables.
 */
export function moeLayout(layers = 64, experts = 256): LlmTensor[] {
  const H = 8;
  const t = (name: string, shape: number[]) => ({ name, shape, bytes: shape.reduce((a, b) => a * b, 2) });
  const out = [t('model.embed_tokens.weight', [64, H])];
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    out.push(t(`${p}input_layernorm.weight`, [H]), t(`${p}post_attention_layernorm.weight`, [H]));
    out.push(t(`${p}self_attn.q_a_proj.weight`, [6, H]), t(`${p}self_attn.q_a_layernorm.weight`, [6]), t(`${p}self_attn.q_b_proj.weight`, [12, 6]));
    out.push(t(`${p}self_attn.kv_a_proj_with_mqa.weight`, [5, H]), t(`${p}self_attn.kv_a_layernorm.weight`, [5]), t(`${p}self_attn.kv_b_proj.weight`, [14, 5]));
    out.push(t(`${p}self_attn.o_proj.weight`, [H, 12]));
    out.push(t(`${p}mlp.gate.weight`, [experts, H]), t(`${p}mlp.gate.e_score_correction_bias`, [experts]));
    for (const m of ['gate_proj', 'up_proj']) out.push(t(`${p}mlp.shared_experts.${m}.weight`, [3, H]));
    out.push(t(`${p}mlp.shared_experts.down_proj.weight`, [H, 3]));
    for (let e = 0; e < experts; e++) {
      for (const m of ['gate_proj', 'up_proj']) out.push(t(`${p}mlp.experts.${e}.${m}.weight`, [2, H]));
      out.push(t(`${p}mlp.experts.${e}.down_proj.weight`, [H, 2]));
    }
  }
  out.push(t('model.norm.weight', [H]), t('lm_head.weight', [64, H]));
  return out;
}

/** The new model's name for an old variable: the final norm, lm_head and every o_proj renamed, as a port might. */
export function renamed(name: string): string {
  if (name === 'lm_head.weight') return 'output.weight';
  if (name === 'model.norm.weight') return 'model.final_norm.weight';
  return name.replace(/\.self_attn\.o_proj\./, '.self_attn.out_proj.');
}
