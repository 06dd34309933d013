/**
 * The last stage: each pair becomes a recipe link with its transform chain. A chain that makes up or throws
 * away most of the tensor is only ever a `guess`; between models that share little, only pairs the names stand
 * behind with an unchanged shape stay above `guess`. A link is accepted (applied) at or above `accept`.
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetVariable } from '../../model/target-model';
import { proposeTransforms } from '../propose';
import { CONFIDENCES, type Confidence, type Link } from '../recipe';
import type { Transform } from '../transforms';
import { coverage, lossNote } from './coverage';
import type { Overlap } from './overlap';
import { sameShape, type Pair } from './place';

// LSTM / GRU weights pack their gates along one axis (Keras: the last; PyTorch `weight_ih_l0`...: the first).
const RECURRENT = /lstm|gru/i;
const TORCH_GATES = /(^|\.)(weight|bias)_(ih|hh)_l\d+(_reverse)?$/;

/** A pad or slice along a packed gate axis would put every gate but the first in the wrong place. */
function gateNote(v: TargetVariable, transforms: readonly Transform[]): string | null {
  if (transforms.length === 0) return null;
  const torch = TORCH_GATES.test(v.name);
  if (!torch && !RECURRENT.test(`${v.layerClass ?? ''} ${v.name}`)) return null;
  const axis = torch ? 0 : v.shape.length - 1;
  const cut = transforms.some((t) => (t.op === 'pad' || t.op === 'slice') && t.axis === axis);
  return cut ? `the gates are packed along axis ${axis}: padding or cutting its end would misplace them` : null;
}

export function toLinks(olds: readonly TensorInfo[], news: readonly TargetVariable[], pairs: readonly Pair[], overlap: Overlap, accept: Confidence): Link[] {
  const links: Link[] = [];
  // By the new variable's index in an array, not a Map of tens of thousands (a later pair for it wins, as in a Map).
  const byNew = new Array<Pair | undefined>(news.length).fill(undefined);
  for (let k = 0; k < pairs.length; k++) if (pairs[k]!.new < news.length) byNew[pairs[k]!.new] = pairs[k];
  const accepted = CONFIDENCES.indexOf(accept);
  for (let i = 0; i < news.length; i++) {
    const v = news[i]!;
    const p = byNew[i];
    if (!p) continue;
    const src = olds[p.old]!;
    const same = src.dtype === v.dtype && sameShape(src.shape, v.shape);
    const proposal = same ? { transforms: [], summary: '' } : proposeTransforms([src], { shape: v.shape, dtype: v.dtype, name: v.name });
    if (!proposal) continue;
    let confidence = p.confidence;
    let reason = proposal.summary ? `${p.reason}; ${proposal.summary}` : p.reason;
    // An empty chain neither makes up nor drops anything.
    const loss = proposal.transforms.length ? lossNote(coverage(src.shape, proposal.transforms)) ?? gateNote(v, proposal.transforms) : null;
    if (loss) {
      confidence = 'guess';
      reason += `; ${loss}`;
    }
    if (!overlap.related && confidence !== 'guess' && !(p.byName && sameShape(src.shape, v.shape))) {
      confidence = 'guess';
      reason += '; the two models share little';
    }
    links.push({ from: [src.name], to: v.name, transforms: proposal.transforms, confidence, reason, accepted: CONFIDENCES.indexOf(confidence) <= accepted });
  }
  return links;
}
