/** Encoders of repeated identical blocks (BERT-style `layer_N`), changed at several depths. TF1 names unless said. */
import { tensor, templateOf } from '../../mapping.test-util';
import { bert, byName } from './build';
import type { Scenario } from './types';

function pair(name: string, note: string, old: ReturnType<typeof bert>, fresh: ReturnType<typeof bert>, rename?: (n: string) => string, extra: Partial<Scenario> = {}): Scenario {
  return { name, note, old, target: templateOf(fresh), truth: byName(old, fresh, rename), ...extra };
}

const scope = (from: string, to: string) => (n: string) => (n.startsWith(`${to}/`) ? `${from}/${n.slice(to.length + 1)}` : n);

export const TRANSFORMER_SCENARIOS: Scenario[] = [
  pair('bert-12-to-13-ffn-widened', 'the issue\'s case: 12 → 13 layers and layer 5\'s feed-forward widened 128 → 160; every same-name pair stays put',
    bert({ layers: 12 }), bert({ layers: 13, widen: { 5: 160 } }), undefined, {
      chains: {
        'bert/encoder/layer_5/intermediate/dense/kernel': 'pad axis 1 +0/+32 (initializer)', 'bert/encoder/layer_5/output/dense/kernel': 'pad axis 0 +0/+32 (zeros)',
        'bert/encoder/layer_6/intermediate/dense/kernel': '',
      },
    }),
  pair('bert-12-to-11', 'the last encoder layer removed', bert({ layers: 12 }), bert({ layers: 11 })),
  pair('bert-6-to-8-appended', 'two layers appended, the first layer\'s feed-forward narrowed 128 → 96 (a slice keeping most of it)',
    bert({ layers: 6 }), bert({ layers: 8, widen: { 0: 96 } })),
  pair('bert-top-scope-renamed', 'the top scope renamed (bert/ → model/), no rule given', bert({ layers: 4 }), bert({ scope: 'model', layers: 4 }), scope('bert', 'model')),
  pair('bert-scope-renamed-and-appended', 'the top scope renamed (bert/ → encoder_model/) and one layer appended',
    bert({ layers: 4 }), bert({ scope: 'encoder_model', layers: 5 }), scope('bert', 'encoder_model')),
  pair('bert-vocab-grown', 'the vocabulary grows 1000 → 1100 tokens (word embeddings and output bias padded)',
    bert({ layers: 2 }), bert({ layers: 2, vocab: 1100 }), undefined, { chains: { 'bert/embeddings/word_embeddings': 'pad axis 0 +0/+100 (mean)' } }),
  pair('bert-hf-tf-head-swapped', 'HF TF names (tf_bert_model/bert/encoder/layer_._N/...:0) into a classifier: top scope changed, MLM head gone, a classifier added',
    bert({ scope: 'tf_bert_model/bert', layers: 3, layerName: (i) => `layer_._${i}`, suffix: ':0', head: false }),
    [...bert({ scope: 'tf_bert_for_sequence_classification/bert', layers: 3, layerName: (i) => `layer_._${i}`, suffix: ':0', head: false }),
      tensor('tf_bert_for_sequence_classification/classifier/kernel:0', [32, 2]), tensor('tf_bert_for_sequence_classification/classifier/bias:0', [2])],
    scope('tf_bert_model/bert', 'tf_bert_for_sequence_classification/bert')),
  pair('bert-subscope-renamed-in-every-layer', 'attention/self renamed attention/self_attn inside every layer',
    bert({ layers: 4 }), bert({ layers: 4 }).map((t) => ({ ...t, name: t.name.replace('/attention/self/', '/attention/self_attn/') })),
    (n) => n.replace('/attention/self_attn/', '/attention/self/')),
  pair('bert-adapters-at-every-depth', 'an adapter (down/up projections) inserted inside every encoder layer',
    bert({ layers: 4 }), [...bert({ layers: 4 }), ...[0, 1, 2, 3].flatMap((i) => [
      tensor(`bert/encoder/layer_${i}/adapter/down/kernel`, [32, 8]), tensor(`bert/encoder/layer_${i}/adapter/down/bias`, [8]),
      tensor(`bert/encoder/layer_${i}/adapter/up/kernel`, [8, 32]), tensor(`bert/encoder/layer_${i}/adapter/up/bias`, [32]),
    ])]),
  pair('bert-pooler-and-head-removed', 'pooler and MLM head removed: an encoder-only export', bert({ layers: 3 }),
    bert({ layers: 3, head: false }).filter((t) => !t.name.includes('/pooler/'))),
  pair('bert-wrong-variant', 'a 32-wide checkpoint into a 48-wide model of the same depth: every layer differs by the same ratio',
    bert({ layers: 3 }), bert({ layers: 3, hidden: 48 }), undefined, { truth: {} }),
];

// The wrong variant carries nothing for sure; whatever it pads is allowed, not required.
TRANSFORMER_SCENARIOS[TRANSFORMER_SCENARIOS.length - 1]!.optional = byName(bert({ layers: 3 }), bert({ layers: 3, hidden: 48 }));
