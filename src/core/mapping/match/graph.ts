/**
 * Stage 4b, for TF graphs on both sides: the op that computes with a variable (`TensorInfo.consumerOp`, read from a
 * `.meta`) says what it is where names cannot — auto-numbered `Variable_N` that shift when a layer is removed, a
 * bias that now sits where a batch-norm offset was. Among the weights no name or structure placed firmly, a kind of
 * op, dtype and shape found exactly once on each side is a `likely` pair; a position-only pair whose two variables
 * feed different kinds of op is demoted to a guess.
 */
import type { TensorInfo } from '../../model/checkpoint';
import { fmt } from '../transforms';
import type { VarView, ViewsByIndex } from './names';
import { Claims, type Pair } from './place';

/** Ops that use a variable the same way, whatever the code that built them (`x @ w + b` or `tf.nn.bias_add`). */
function opKind(op: string | undefined): string | undefined {
  if (!op) return undefined;
  if (/^(Conv[123]D|DepthwiseConv2dNative|Conv2DBackpropInput|_FusedConv2D)$/.test(op)) return 'conv';
  if (/^(MatMul|BatchMatMul(V2|V3)?|_FusedMatMul)$/.test(op)) return 'matmul';
  if (/^(BiasAdd|Add|AddV2)$/.test(op)) return 'add';
  if (/^FusedBatchNorm/.test(op)) return 'batchnorm';
  if (/Gather|EmbeddingLookup/.test(op)) return 'gather';
  return op;
}

interface Sides {
  olds: VarView[];
  news: VarView[];
  old: ViewsByIndex;
  new: ViewsByIndex;
}

/** `claims` with the graph's word on the pairs: a new Claims (firm pairs, then graph pairs, then the other guesses). */
export function placeByGraph(claims: Claims, s: Sides, oldTensors: readonly TensorInfo[], newVars: readonly TensorInfo[]): Claims {
  const oldOp = (i: number) => opKind(oldTensors[i]?.consumerOp);
  const newOp = (i: number) => opKind(newVars[i]?.consumerOp);
  if (!s.olds.some((v) => oldOp(v.index)) || !s.news.some((v) => newOp(v.index))) return claims;

  const conflicting = (p: Pair) => {
    const a = oldOp(p.old);
    const b = newOp(p.new);
    const positional = s.old.get(p.old)!.weak.size > 0 && s.new.get(p.new)!.weak.size > 0 && s.old.get(p.old)!.name === s.new.get(p.new)!.name;
    return positional && a !== undefined && b !== undefined && a !== b;
  };
  const firm = claims.pairs.filter((p) => p.confidence !== 'guess' && !conflicting(p));
  const firmOld = new Set(firm.map((p) => p.old));
  const firmNew = new Set(firm.map((p) => p.new));
  const signature = (v: VarView, op: string | undefined) => (op ? `${op} ${v.dtype} ${fmt(v.shape)}` : undefined);
  const group = (views: VarView[], taken: Set<number>, op: (i: number) => string | undefined) => {
    const by = new Map<string, VarView[]>();
    for (const v of views) {
      const sig = v.kind === 'weight' && !taken.has(v.index) ? signature(v, op(v.index)) : undefined;
      const list = sig ? by.get(sig) : undefined;
      if (list) list.push(v);
      else if (sig) by.set(sig, [v]);
    }
    return by;
  };
  const olds = group(s.olds, firmOld, oldOp);
  const news = group(s.news, firmNew, newOp);
  const placed: Pair[] = [];
  for (const [sig, ns] of news) {
    const os = olds.get(sig);
    if (ns.length !== 1 || os?.length !== 1) continue;
    const [o, n] = [os[0]!, ns[0]!];
    placed.push({ old: o.index, new: n.index, confidence: 'likely', reason: `the only unlinked ${fmt(n.shape)} variable feeding a ${newVars[n.index]!.consumerOp} on both sides` });
  }
  const out = new Claims();
  for (const p of firm) out.claim(p);
  for (const p of placed) out.claim(p);
  for (const p of claims.pairs) out.claim(p.confidence === 'guess' || !conflicting(p) ? p : { ...p, confidence: 'guess', reason: `${p.reason}; but their graphs use them differently (${oldTensors[p.old]!.consumerOp} and ${newVars[p.new]!.consumerOp})` });
  return out;
}
