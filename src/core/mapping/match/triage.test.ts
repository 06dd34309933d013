import { describe, expect, it } from 'vitest';
import { compile } from '../plan';
import { emptyRecipe } from '../recipe';
import { autoMatch } from './index';
import { parseRuleArg } from './rules';
import { strictReport } from './report';
import { SCENARIOS, runScenario } from './suite';
import { triage, type Finding } from './triage';

function findings(name: string): Finding[] {
  const s = SCENARIOS.find((x) => x.name === name)!;
  const { result } = runScenario(s);
  return triage({ plan: compile(result.recipe, { tensors: s.old }, s.target), result, old: s.old, variables: s.target.variables });
}
const said = (name: string) => findings(name).map((f) => `${f.kind}: ${f.sentence}`);

describe('triage, in words', () => {
  it('the issue\'s BERT case: one feed-forward widened, one layer appended (where)', () => {
    expect(said('bert-12-to-13-ffn-widened')).toEqual([
      'resized: 2 layers changed size (`bert/encoder/layer_5/intermediate/dense`, `bert/encoder/layer_5/output/dense`: 128 → 160)',
      'inserted: a layer has no old weights: `bert/encoder/layer_12` between `bert/encoder/layer_11/output/LayerNorm` and `bert/pooler/dense`',
    ]);
    expect(said('bert-12-to-11')).toEqual(['removed: an old layer nothing uses: `bert/encoder/layer_11`']);
    expect(said('keras-named-insert-at-two-depths')).toEqual(['inserted: 2 layers have no old weights: `stem_bn` between `stem` and `block`; `fc_extra` between `fc` and `head`']);
  });

  it('only the head\'s class count changed; only the vocabulary changed', () => {
    const head = findings('keras-head-10-to-2');
    expect(head.map((f) => f.kind)).toEqual(['head']);
    expect(head[0]!.sentence).toBe('only the head changed: 10 → 2 outputs in `head`; everything else carries');
    expect(head[0]!.action).toMatch(/accept its proposals \(graft match --accept guess\)/);
    expect(said('torch-block-removed-head-changed')[0]).toBe('head: only the head changed: 10 → 6 outputs in `fc`; everything else carries');
    expect(said('bert-vocab-grown')).toEqual(['vocabulary: only the vocabulary changed: 1000 → 1100 tokens (`bert/embeddings/word_embeddings`, `cls/predictions/output_bias`)']);
  });

  it('every layer differs by the same ratio: another variant or config', () => {
    const [f] = findings('bert-wrong-variant');
    expect(f!.kind).toBe('variant');
    expect(f!.sentence).toMatch(/differ by the same ratio \(×1\.5: 32 → 48, 128 → 192\): the checkpoint is of another variant or config/);
    // One conv widened with its batch norm and the next conv following is not a variant.
    expect(findings('k3-h5-conv-widened').map((x) => x.kind)).toEqual(['resized']);
  });

  it('the same values in another shape or layout', () => {
    expect(said('keras-reshape-heads')).toEqual(['reshape: a variable holds the same number of values in another shape (`query/kernel`: [32,32] → [32,4,8])']);
    expect(findings('torch-to-tf-layout').map((f) => f.kind)).toEqual(['transposed']);
  });

  it('a renamed scope or a wrapper prefix: the rule that fixes it, which makes the links sure', () => {
    for (const [name, arg] of [['torch-dataparallel-module-prefix', 'module.='], ['bert-top-scope-renamed', 'bert/=model/'], ['torch-model-prefix-added', 're:^=model.']] as const) {
      const f = findings(name).find((x) => x.kind === 'renamed-scope')!;
      expect(f.action).toBe(`add the rule to make these links sure: --rule '${arg}'`);
      const s = SCENARIOS.find((x) => x.name === name)!;
      const links = autoMatch({ tensors: s.old }, s.target, emptyRecipe({ rules: [parseRuleArg(arg)] })).links;
      expect(links.filter((l) => s.truth[l.to] === l.from[0]).every((l) => l.confidence === 'sure')).toBe(true);
      expect(links.filter((l) => l.accepted).length).toBe(Object.keys(s.truth).length);
    }
  });

  it('models that share little: said once, nothing else', () => {
    for (const s of SCENARIOS.filter((x) => x.unrelated)) expect(findings(s.name).map((f) => f.kind)).toEqual(['share-little']);
  });
});

describe('strictReport: missing / unexpected / mismatched, as Markdown', () => {
  it('a head cut from 10 to 3 classes (real Keras 3 .weights.h5)', () => {
    const s = SCENARIOS.find((x) => x.name === 'k3-h5-head-classes')!;
    const { result } = runScenario(s);
    const plan = compile(result.recipe, { tensors: s.old }, s.target);
    const md = strictReport({ plan, old: s.old, oldLabel: 'old.weights.h5', newLabel: 'new.json', findings: triage({ plan, result, old: s.old, variables: s.target.variables }) });
    expect(md.split('\n').slice(0, 3)).toEqual(['# Graft match: old.weights.h5 → new.json', '', '10 new variables: 8 exact, 0 transformed, 2 initialised, 0 incompatible; 2 old variables unused; 2 proposals to review.']);
    expect(md).toContain('- only the head changed: 10 → 3 outputs in `logits`; everything else carries. **Action:** it starts fresh');
    expect(md).toContain('## Missing (2): new variables no old value fills\n\n| new variable | shape | filled with | proposal |\n|---|---|---|---|\n| `logits/kernel` | [16,3] | initializer | guess ← `layers/dense/vars/0`: same name');
    expect(md).toContain('## Unexpected (2): old variables nothing uses\n\n| old variable | shape |\n|---|---|\n| `layers/dense/vars/0` | [16,10] |\n| `layers/dense/vars/1` | [10] |');
    expect(md).toContain('## Mismatched (0): linked through a shape or dtype change\n\nnone');
  });

  it('mismatched rows name the transform', () => {
    const s = SCENARIOS.find((x) => x.name === 'keras-widened-two')!;
    const { result } = runScenario(s);
    const plan = compile(result.recipe, { tensors: s.old }, s.target);
    const md = strictReport({ plan, old: s.old, oldLabel: 'a', newLabel: 'b', findings: [] });
    expect(md).toContain('| `mid/kernel` | [96,32] | `mid/kernel` | [64,32] | pad axis 0 +0/+32 (zeros) | likely |');
  });
});
