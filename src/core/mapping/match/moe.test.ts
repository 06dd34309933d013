import { describe, expect, it } from 'vitest';
import { run, templateOf, tensor } from '../mapping.test-util';

/** A mixture-of-experts checkpoint in the safetensors layout of bench/llm-checkpoint.ts (`moeLayout`), small. */
function moe(layers: number, experts: number, rename: (n: string) => string = (n) => n) {
  const H = 8;
  const out = [tensor(rename('model.embed_tokens.weight'), [64, H], { dtype: 'bfloat16' })];
  const t = (name: string, shape: number[]) => out.push(tensor(rename(name), shape, { dtype: 'bfloat16' }));
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    t(`${p}input_layernorm.weight`, [H]);
    t(`${p}self_attn.q_proj.weight`, [12, H]);
    t(`${p}self_attn.o_proj.weight`, [H, 12]);
    t(`${p}mlp.gate.weight`, [experts, H]);
    for (let e = 0; e < experts; e++) {
      t(`${p}mlp.experts.${e}.up_proj.weight`, [2, H]);
      t(`${p}mlp.experts.${e}.down_proj.weight`, [H, 2]);
    }
  }
  t('model.norm.weight', [H]);
  t('lm_head.weight', [64, H]);
  return out;
}

const port = (n: string) => (n === 'lm_head.weight' ? 'output.weight' : n === 'model.norm.weight' ? 'model.final_norm.weight' : n.replace('.self_attn.o_proj.', '.self_attn.out_proj.'));

describe('a large mixture-of-experts checkpoint (the 50k bench pair, scaled down)', () => {
  it('links every same-named variable exactly, finds the o_proj → out_proj rename, and only proposes the two renamed ends', () => {
    const old = moe(6, 40);
    const { plan, links } = run(old, templateOf(moe(6, 40, port)));
    expect(old.length).toBeGreaterThan(500);
    expect(plan.summary).toMatchObject({ total: old.length, exact: old.length - 2, initialised: 2, pending: 2, incompatible: 0 });
    const renamed = links.filter((l) => l.to.includes('.out_proj.'));
    expect(renamed).toHaveLength(6);
    expect(renamed.every((l) => l.accepted && l.from[0] === l.to.replace('.out_proj.', '.o_proj.'))).toBe(true);
    const proposals = links.filter((l) => !l.accepted).map((l) => `${l.from[0]} → ${l.to} (${l.confidence})`).sort();
    expect(proposals).toEqual(['lm_head.weight → output.weight (guess)', 'model.norm.weight → model.final_norm.weight (guess)']);
  });
});
