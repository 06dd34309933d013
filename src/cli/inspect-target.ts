import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GraftError } from '../core/errors';
import { sniffMetaGraph } from '../core/formats/tf-meta/sniff';
import { humanBytes } from '../core/display';
import type { InitializerSpec, TargetModel, TargetVariable } from '../core/model/target-model';
import { fileSource } from './node-source';

type Write = (line: string) => void;

/** Whether `path` is a file holding a TF MetaGraph or SavedModel (by content). */
export async function isMetaGraphFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return false;
  return (await sniffMetaGraph(await fileSource(resolve(path), path))) !== null;
}

async function notJson(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile() || info.size === 0) return false;
  const source = await fileSource(resolve(path), path);
  const head = new TextDecoder().decode(await source.read(0, Math.min(source.size, 256)));
  return !/^\uFEFF?\s*[[{]/.test(head);
}

export async function loadTarget(path: string): Promise<TargetModel> {
  if (await isMetaGraphFile(path)) return (await import('../core/formats/tf-meta/target')).openMetaGraphTarget(await fileSource(resolve(path), path));
  // Not JSON (a `.keras` archive, a full-model `.h5`, any checkpoint): the new model as match and apply open it.
  if (await notJson(path)) return (await import('./match')).openTargetAsIs(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const sentence = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder; expected a model JSON file' : `cannot be read (${code ?? 'unknown error'})`;
    throw new GraftError('missing-file', path, sentence, { cause: e });
  }
  // Loaded on demand: building a Keras model pulls in TF.js, which a run on checkpoints alone never needs.
  const { buildTarget } = await import('../core/model/target/build');
  return buildTarget({ text, fileName: path });
}

function nested(v: unknown): string {
  if (typeof v !== 'object' || v === null) return String(v);
  const o = v as { class_name?: unknown; config?: unknown };
  if (typeof o.class_name === 'string') return describeInitializer({ kind: 'keras', className: o.class_name, config: (o.config ?? {}) as Record<string, unknown> });
  return JSON.stringify(v);
}

/** `GlorotUniform`, `RandomUniform(minval=-0.05, maxval=0.05)`, `template`, `zeros`. */
export function describeInitializer(spec: InitializerSpec): string {
  if (spec.kind !== 'keras') return spec.kind;
  const args = Object.entries(spec.config)
    .filter(([k, v]) => v !== null && v !== undefined && k !== 'seed')
    .map(([k, v]) => `${k}=${nested(v)}`);
  return args.length ? `${spec.className}(${args.join(', ')})` : spec.className;
}

function jsonLine(v: TargetVariable): string {
  return JSON.stringify({
    name: v.name,
    dtype: v.dtype,
    shape: v.shape,
    byteLength: v.byteLength,
    kind: v.kind,
    trainable: v.trainable ?? null,
    ...(v.consumerOp !== undefined && { consumerOp: v.consumerOp }),
    layer: v.layer ?? null,
    layerClass: v.layerClass ?? null,
    initializer: v.initializer,
    ...(v.kerasPath !== undefined && { kerasPath: v.kerasPath }),
  });
}

/**
 * `graft inspect --target MODEL_JSON [--json]`: the new model's variables with shape, dtype, trainable, layer class
 * and initializer, then its warnings. With `json`, one object per variable per line, then one `{"warning"}` object
 * per warning.
 */
export async function inspectTarget(path: string, opts: { json: boolean }, out: Write): Promise<void> {
  const target = await loadTarget(path);
  if (opts.json) {
    for (const v of target.variables) out(jsonLine(v));
    for (const w of target.warnings) out(JSON.stringify({ warning: w }));
    return;
  }
  const values = target.variables.reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1), 0);
  const bytes = target.variables.reduce((n, v) => n + v.byteLength, 0);
  out(`${target.label} (new model, ${target.source}): ${target.variables.length} variables, ${values.toLocaleString('en')} values, ${humanBytes(bytes)}`);
  for (const w of target.warnings) out(`warning: ${w}`);
  if (target.variables.length === 0) return;
  out('');
  const width = Math.min(60, Math.max(...target.variables.map((v) => v.name.length)));
  const shapes = target.variables.map((v) => `[${v.shape.join(',')}]`);
  const shapeWidth = Math.min(20, Math.max(...shapes.map((s) => s.length)));
  const classWidth = Math.max(0, ...target.variables.map((v) => (v.layerClass ?? v.consumerOp ?? '').length));
  target.variables.forEach((v, i) => {
    const trainable = v.trainable === undefined ? '' : v.trainable ? 'trainable' : 'frozen';
    out(
      `  ${v.name.padEnd(width)}  ${v.dtype.padEnd(8)} ${shapes[i]!.padEnd(shapeWidth)}  ${trainable.padEnd(9)}  ${(v.layerClass ?? v.consumerOp ?? '').padEnd(classWidth)}  ${describeInitializer(v.initializer)}`.trimEnd(),
    );
  });
}
