/**
 * The old side: a checkpoint with the MetaGraph TF saved beside it (`model.ckpt.meta` next to `model.ckpt.index`, a
 * SavedModel's `saved_model.pb`) takes each variable's trainable flag, kind and consuming op from the graph rather
 * than from name patterns. A `.meta` that cannot be read costs a warning, never the checkpoint.
 */
import { basename, type ByteSource } from '../../io/byte-source';
import type { Checkpoint, TensorInfo } from '../../model/checkpoint';
import { graphClass } from './classify';
import { type MetaGraph, readMetaGraph } from './read';
import { sniffMetaGraph } from './sniff';

/** The checkpoint with what `graph` says about its variables (matched by checkpoint key). */
export function annotateWithGraph<C extends Checkpoint>(checkpoint: C, graph: MetaGraph): C {
  const byKey = new Map(graph.variables.map((v) => [v.name, v]));
  let described = 0;
  const tensors = checkpoint.tensors.map((t): TensorInfo => {
    const v = byKey.get(t.name);
    if (!v) return t;
    described++;
    const cls = v.kind ? graphClass(t.name, v.kind) : { kind: t.kind, group: t.group };
    return { ...t, kind: cls.kind, group: cls.group, trainable: v.trainable, ...(v.consumerOp ? { consumerOp: v.consumerOp } : {}) };
  });
  const warnings = [...checkpoint.warnings, ...graph.warnings.map((w) => `${graph.file}: ${w}`)];
  if (described === 0 && graph.variables.length > 0 && !graph.objectBased) {
    warnings.push(`${graph.file} describes none of this checkpoint's variables: it belongs to another graph`);
  }
  return { ...checkpoint, tensors, warnings, files: [...checkpoint.files, graph.file] };
}

/**
 * `checkpoint` annotated from the MetaGraph in `meta`, or with a warning when that file cannot be read. A SavedModel's
 * `saved_model.pb` that is no graph at all (some tools leave an empty one) is passed over in silence.
 */
export async function withMetaGraph<C extends Checkpoint>(checkpoint: C, meta: ByteSource): Promise<C> {
  if (basename(meta.path) === 'saved_model.pb' && !(await sniffMetaGraph(meta))) return checkpoint;
  try {
    return annotateWithGraph(checkpoint, await readMetaGraph(meta));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ...checkpoint, warnings: [...checkpoint.warnings, `the graph beside it could not be read, so trainable flags come from names: ${why}`] };
  }
}
