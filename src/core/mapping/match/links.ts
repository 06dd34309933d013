/**
 * The last stage: each pair becomes a recipe link with its transform chain. A chain that makes up or throws
 * away most of the tensor is only ever a `guess`; between models that share little, only pairs the names stand
 * behind with an unchanged shape stay above `guess`. A link is accepted (applied) at or above `accept`.
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetVariable } from '../../model/target-model';
import { proposeTransforms } from '../propose';
import { CONFIDENCES, type Confidence, type Link } from '../recipe';
import { coverage, lossNote } from './coverage';
import type { Overlap } from './overlap';
import { sameShape, type Pair } from './place';

export function toLinks(olds: readonly TensorInfo[], news: readonly TargetVariable[], pairs: readonly Pair[], overlap: Overlap, accept: Confidence): Link[] {
  const links: Link[] = [];
  const byNew = new Map(pairs.map((p) => [p.new, p]));
  news.forEach((v, i) => {
    const p = byNew.get(i);
    if (!p) return;
    const src = olds[p.old]!;
    const same = src.dtype === v.dtype && sameShape(src.shape, v.shape);
    const proposal = same ? { transforms: [], summary: '' } : proposeTransforms([src], { shape: v.shape, dtype: v.dtype, name: v.name });
    if (!proposal) return;
    let confidence = p.confidence;
    const notes = [proposal.summary];
    const loss = lossNote(coverage(src.shape, proposal.transforms));
    if (loss) {
      confidence = 'guess';
      notes.push(loss);
    }
    if (!overlap.related && confidence !== 'guess' && !(p.byName && sameShape(src.shape, v.shape))) {
      confidence = 'guess';
      notes.push('the two models share little');
    }
    const reason = [p.reason, ...notes.filter(Boolean)].join('; ');
    links.push({ from: [src.name], to: v.name, transforms: proposal.transforms, confidence, reason, accepted: CONFIDENCES.indexOf(confidence) <= CONFIDENCES.indexOf(accept) });
  });
  return links;
}
