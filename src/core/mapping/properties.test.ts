import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../model/checkpoint';
import { autoMatch } from './match';
import { compile } from './plan';
import { emptyRecipe } from './recipe';
import { chainShapes } from './transforms';
import { tensor, templateOf } from './mapping.test-util';

const SCOPES = ['dense', 'conv2d', 'encoder/layer_0/attention', 'block', 'Variable', 'head', 'layer_with_weights-0'];

/** A random model: layers of kernel (+ bias / norm), some auto-numbered, some scoped. */
const modelArb = fc
  .array(
    fc.record({
      scope: fc.constantFrom(...SCOPES),
      rank: fc.integer({ min: 1, max: 4 }),
      dims: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 4, maxLength: 4 }),
      bias: fc.boolean(),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((layers) => {
    const out: TensorInfo[] = [];
    const seen = new Map<string, number>();
    for (const l of layers) {
      const n = seen.get(l.scope) ?? 0;
      seen.set(l.scope, n + 1);
      const name = l.scope === 'Variable' ? (n ? `Variable_${2 * n}` : 'Variable') : n ? `${l.scope}_${n}` : l.scope;
      const shape = l.dims.slice(0, l.rank);
      if (l.scope === 'Variable') {
        out.push(tensor(name, shape));
        if (l.bias) out.push(tensor(`Variable_${2 * n + 1}`, [shape[shape.length - 1]!]));
      } else {
        out.push(tensor(`${name}/kernel`, shape));
        if (l.bias) out.push(tensor(`${name}/bias`, [shape[shape.length - 1]!]));
      }
    }
    return out;
  });

/** An edit of a model: drop, duplicate, or resize some variables. */
function edit(model: TensorInfo[], ops: number[]): TensorInfo[] {
  const out: TensorInfo[] = [];
  model.forEach((t, i) => {
    const op = ops[i % ops.length]!;
    if (op === 1) return;
    if (op === 2) out.push(tensor(`${t.name}_extra`, t.shape));
    if (op === 3) out.push(tensor(t.name, t.shape.map((d, k) => (k === 0 ? d + 1 : d))));
    else if (op === 4) out.push(tensor(t.name, [...t.shape].reverse()));
    else out.push(t);
  });
  return out;
}

describe('matcher and plan properties', () => {
  it('a checkpoint matched against itself: every variable exact and sure', () => {
    fc.assert(fc.property(modelArb, (m) => {
      const { recipe, links } = autoMatch({ tensors: m }, templateOf(m));
      expect(links.length).toBe(m.length);
      for (const l of links) {
        expect(l.confidence).toBe('sure');
        expect(l.from).toEqual([l.to]);
      }
      const plan = compile(recipe, { tensors: m }, templateOf(m));
      expect(plan.summary).toMatchObject({ exact: m.length, unused: 0 });
    }));
  });

  it('every non-incompatible entry of a compiled plan has the new model’s shape, and no sure link is wrong', () => {
    fc.assert(fc.property(modelArb, fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }), (m, ops) => {
      const next = edit(m, ops);
      const target = templateOf(next);
      const { recipe } = autoMatch({ tensors: m }, target, emptyRecipe(), { accept: 'guess' });
      const plan = compile(recipe, { tensors: m }, target);
      // Edits keep every surviving variable's name, so a sure link is right only onto the same name.
      for (const l of recipe.links) if (l.confidence === 'sure') expect(l.from).toEqual([l.to]);
      const olds = new Map(m.map((t) => [t.name, t]));
      for (const e of plan.entries) {
        if (e.status === 'incompatible' || e.status === 'initialised') continue;
        const r = chainShapes(e.transforms, e.from.map((n) => olds.get(n)!));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.out.shape).toEqual(e.shape);
        expect(e.steps.length ? e.steps[e.steps.length - 1]!.shape : olds.get(e.from[0]!)!.shape).toEqual(e.shape);
      }
      // The matcher only proposes chains that fit: nothing it made is incompatible.
      expect(plan.summary.incompatible).toBe(0);
    }), { numRuns: 200 });
  });

  it('matching is deterministic', () => {
    fc.assert(fc.property(modelArb, fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }), (m, ops) => {
      const next = templateOf(edit(m, ops));
      expect(autoMatch({ tensors: m }, next).links).toEqual(autoMatch({ tensors: m }, next).links);
    }), { numRuns: 50 });
  });
});
