import { describe, expect, it } from 'vitest';
import { model, run, tensor, templateOf, variable } from '../mapping.test-util';
import { emptyRecipe } from '../recipe';
import { describeTransform } from '../transforms';
import { ecosystemOf, linksAcrossEcosystems } from './ecosystem';

/** A Keras model's variables as a Keras 3 `.weights.h5` lists them (layer names in alphabetical order). */
const kerasOld = [
  tensor('layers/batch_normalization/vars/0', [4]), tensor('layers/batch_normalization/vars/1', [4]),
  tensor('layers/batch_normalization/vars/2', [4]), tensor('layers/batch_normalization/vars/3', [4]),
  tensor('layers/conv2d/vars/0', [3, 3, 3, 4]), tensor('layers/conv2d/vars/1', [4]),
  tensor('layers/dense/vars/0', [7, 5]), tensor('layers/dense/vars/1', [5]),
  tensor('layers/depthwise_conv2d/vars/0', [3, 3, 4, 2]), tensor('layers/depthwise_conv2d/vars/1', [8]),
  tensor('layers/embedding/vars/0', [20, 6]),
  tensor('layers/gru/cell/vars/0', [7, 15]), tensor('layers/gru/cell/vars/1', [5, 15]), tensor('layers/gru/cell/vars/2', [2, 15]),
  tensor('layers/lstm/cell/vars/0', [6, 28]), tensor('layers/lstm/cell/vars/1', [7, 28]), tensor('layers/lstm/cell/vars/2', [28]),
];

/** Its torch twin's state dict, in module order. */
const torchNew = [
  tensor('conv.weight', [4, 3, 3, 3]), tensor('conv.bias', [4]),
  tensor('bn.weight', [4]), tensor('bn.bias', [4]), tensor('bn.running_mean', [4]), tensor('bn.running_var', [4]),
  tensor('bn.num_batches_tracked', [], { dtype: 'int64', kind: 'bookkeeping' }),
  tensor('depthwise.weight', [8, 1, 3, 3]), tensor('depthwise.bias', [8]),
  tensor('embed.weight', [20, 6]),
  tensor('lstm.weight_ih_l0', [28, 6]), tensor('lstm.weight_hh_l0', [28, 7]), tensor('lstm.bias_ih_l0', [28]), tensor('lstm.bias_hh_l0', [28]),
  tensor('gru.weight_ih_l0', [15, 7]), tensor('gru.weight_hh_l0', [15, 5]), tensor('gru.bias_ih_l0', [15]), tensor('gru.bias_hh_l0', [15]),
  tensor('fc.weight', [5, 7]), tensor('fc.bias', [5]),
];

const chains = (links: ReturnType<typeof run>['links']) =>
  Object.fromEntries(links.map((l) => [l.to, `${l.from.join(' + ')}${l.transforms.length ? ` | ${l.transforms.map(describeTransform).join(' → ')}` : ''}`]));

describe('ecosystemOf', () => {
  it('tells PyTorch names from TF/Keras names, and says nothing for a mix', () => {
    expect(ecosystemOf(kerasOld)).toBe('keras');
    expect(ecosystemOf(torchNew)).toBe('torch');
    expect(ecosystemOf([tensor('dense/kernel', [2, 2]), tensor('dense/bias', [2])])).toBe('keras');
    expect(ecosystemOf([tensor('fc.weight', [2, 2]), tensor('dense/kernel', [2, 2])])).toBeUndefined();
  });
});

describe('Keras ↔ PyTorch by layer kind and layout', () => {
  it('maps every Keras layer onto its torch twin with the layout conversion', () => {
    const { links, plan } = run(kerasOld, templateOf(torchNew));
    expect(chains(links)).toEqual({
      'conv.weight': 'layers/conv2d/vars/0 | transpose [3,2,0,1]',
      'conv.bias': 'layers/conv2d/vars/1',
      'bn.weight': 'layers/batch_normalization/vars/0', 'bn.bias': 'layers/batch_normalization/vars/1',
      'bn.running_mean': 'layers/batch_normalization/vars/2', 'bn.running_var': 'layers/batch_normalization/vars/3',
      'depthwise.weight': 'layers/depthwise_conv2d/vars/0 | reshape [3,3,8,1] → transpose [2,3,0,1]',
      'depthwise.bias': 'layers/depthwise_conv2d/vars/1',
      'embed.weight': 'layers/embedding/vars/0',
      'lstm.weight_ih_l0': 'layers/lstm/cell/vars/0 | transpose [1,0]',
      'lstm.weight_hh_l0': 'layers/lstm/cell/vars/1 | transpose [1,0]',
      'lstm.bias_ih_l0': 'layers/lstm/cell/vars/2',
      'lstm.bias_hh_l0': 'layers/lstm/cell/vars/2 | slice axis 0 0..0 → pad axis 0 +0/+28 (zeros)',
      'gru.weight_ih_l0': 'layers/gru/cell/vars/0 | transpose [1,0] → reorder axis 0 blocks [1,0,2]',
      'gru.weight_hh_l0': 'layers/gru/cell/vars/1 | transpose [1,0] → reorder axis 0 blocks [1,0,2]',
      'gru.bias_ih_l0': 'layers/gru/cell/vars/2 | split axis 0 [1,1] #0 → squeeze axis 0 → reorder axis 0 blocks [1,0,2]',
      'gru.bias_hh_l0': 'layers/gru/cell/vars/2 | split axis 0 [1,1] #1 → squeeze axis 0 → reorder axis 0 blocks [1,0,2]',
      'fc.weight': 'layers/dense/vars/0 | transpose [1,0]',
      'fc.bias': 'layers/dense/vars/1',
    });
    // Only `lstm` has the same name on both sides: its plain copy is sure, as the name stage would rate it.
    expect(links.every((l) => l.confidence === (l.to === 'lstm.bias_ih_l0' ? 'sure' : 'likely') && l.accepted)).toBe(true);
    expect(plan.summary).toMatchObject({ incompatible: 0, unused: 0, initialised: 1 });
    expect(plan.entries.find((e) => e.to === 'bn.num_batches_tracked')?.status).toBe('initialised');
  });

  it('maps the torch twin back onto the Keras model JSON, summing and stacking the two biases', () => {
    const kerasNew = model(kerasOld.map((t, i) => {
      const name = t.name.replace(/^layers\/(\w+)\/(cell\/)?vars\/(\d)$/, (_, layer: string, _cell, i: string) => {
        const slots: Record<string, string[]> = {
          batch_normalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'], embedding: ['embeddings'],
          depthwise_conv2d: ['depthwise_kernel', 'bias'], lstm: ['kernel', 'recurrent_kernel', 'bias'], gru: ['kernel', 'recurrent_kernel', 'bias'],
        };
        return `${layer}/${(slots[layer] ?? ['kernel', 'bias'])[Number(i)]}`;
      });
      return variable(name, t.shape, { layer: name.split('/')[0]!, weightIndex: i });
    }));
    const { links, plan } = run(torchNew, kerasNew);
    const c = chains(links);
    expect(c['conv2d/kernel']).toBe('conv.weight | transpose [2,3,1,0]');
    expect(c['depthwise_conv2d/depthwise_kernel']).toBe('depthwise.weight | transpose [2,3,0,1] → reshape [3,3,4,2]');
    expect(c['dense/kernel']).toBe('fc.weight | transpose [1,0]');
    expect(c['batch_normalization/moving_variance']).toBe('bn.running_var');
    expect(c['lstm/bias']).toBe('lstm.bias_ih_l0 + lstm.bias_hh_l0 | sum');
    expect(c['gru/kernel']).toBe('gru.weight_ih_l0 | transpose [1,0] → reorder axis 1 blocks [1,0,2]');
    expect(c['gru/bias']).toBe('gru.bias_ih_l0 + gru.bias_hh_l0 | stack axis 0 → reorder axis 1 blocks [1,0,2]');
    expect(plan.summary).toMatchObject({ incompatible: 0, unused: 0, initialised: 0, total: kerasOld.length });
  });

  it('pairs layers of one kind and shape in model order, and a `module.` prefix changes nothing', () => {
    const old = [tensor('dense/kernel', [8, 8]), tensor('dense/bias', [8]), tensor('dense_1/kernel', [8, 8]), tensor('dense_1/bias', [8]), tensor('dense_2/kernel', [8, 3]), tensor('dense_2/bias', [3])];
    const neu = ['fc1', 'fc2'].flatMap((m) => [tensor(`module.${m}.weight`, [8, 8]), tensor(`module.${m}.bias`, [8])]).concat([tensor('module.out.weight', [3, 8]), tensor('module.out.bias', [3])]);
    const { links } = run(old, templateOf(neu));
    expect(Object.fromEntries(links.map((l) => [l.to, l.from[0]]))).toEqual({
      'module.fc1.weight': 'dense/kernel', 'module.fc1.bias': 'dense/bias', 'module.fc2.weight': 'dense_1/kernel', 'module.fc2.bias': 'dense_1/bias',
      'module.out.weight': 'dense_2/kernel', 'module.out.bias': 'dense_2/bias',
    });
    expect(links.find((l) => l.to === 'module.fc2.weight')?.reason).toContain('in model order');
  });

  it('pairs a Bidirectional LSTM\'s halves by direction, whatever the name order, and stacked torch layers in order', () => {
    const lstm = (scope: string, input: number) => [tensor(`${scope}/kernel`, [input, 8]), tensor(`${scope}/recurrent_kernel`, [2, 8]), tensor(`${scope}/bias`, [8])];
    const old = [...lstm('bidirectional/backward_lstm', 3), ...lstm('bidirectional/forward_lstm', 3), ...lstm('lstm_2', 4)];
    const torchLstm = (suffix: string, input: number) => [tensor(`rnn.weight_ih_${suffix}`, [8, input]), tensor(`rnn.weight_hh_${suffix}`, [8, 2]), tensor(`rnn.bias_ih_${suffix}`, [8]), tensor(`rnn.bias_hh_${suffix}`, [8])];
    const neu = [...torchLstm('l0', 3), ...torchLstm('l0_reverse', 3), ...torchLstm('l1', 4)];
    const { links } = run(old, templateOf(neu));
    const from = Object.fromEntries(links.map((l) => [l.to, l.from.join('+')]));
    expect(from['rnn.weight_ih_l0']).toBe('bidirectional/forward_lstm/kernel');
    expect(from['rnn.weight_ih_l0_reverse']).toBe('bidirectional/backward_lstm/kernel');
    expect(from['rnn.weight_hh_l1']).toBe('lstm_2/recurrent_kernel');
    expect(links).toHaveLength(12);
  });

  it('fuses a Keras MultiHeadAttention\'s query/key/value into nn.MultiheadAttention\'s in_proj and splits it back', () => {
    const parts = ['query', 'key', 'value'];
    const keras3 = [...parts, 'output'].flatMap((p) => [
      tensor(`layers/multi_head_attention/${p}_dense/vars/0`, p === 'output' ? [2, 4, 8] : [8, 2, 4]), tensor(`layers/multi_head_attention/${p}_dense/vars/1`, p === 'output' ? [8] : [2, 4]),
    ]);
    const torchMha = [tensor('attn.in_proj_weight', [24, 8]), tensor('attn.in_proj_bias', [24]), tensor('attn.out_proj.weight', [8, 8]), tensor('attn.out_proj.bias', [8])];
    const there = chains(run(keras3, templateOf(torchMha)).links);
    expect(there['attn.in_proj_weight']).toBe(`${parts.map((p) => `layers/multi_head_attention/${p}_dense/vars/0`).join(' + ')} | concat axis 1 → reshape [8,24] → transpose [1,0]`);
    expect(there['attn.in_proj_bias']).toBe(`${parts.map((p) => `layers/multi_head_attention/${p}_dense/vars/1`).join(' + ')} | concat axis 0 → reshape [24]`);
    expect(there['attn.out_proj.weight']).toBe('layers/multi_head_attention/output_dense/vars/0 | reshape [8,8] → transpose [1,0]');
    const json = ['query', 'key', 'value', 'attention_output'].flatMap((p, i) => [
      variable(`mha/${p}/kernel`, i === 3 ? [2, 4, 8] : [8, 2, 4], { layer: 'mha', weightIndex: 2 * i }), variable(`mha/${p}/bias`, i === 3 ? [8] : [2, 4], { layer: 'mha', weightIndex: 2 * i + 1 }),
    ]);
    const back = run(torchMha, model(json));
    expect(chains(back.links)['mha/key/kernel']).toBe('attn.in_proj_weight | split axis 0 [8,8,8] #1 → transpose [1,0] → reshape [8,2,4]');
    expect(chains(back.links)['mha/value/bias']).toBe('attn.in_proj_bias | split axis 0 [8,8,8] #2 → reshape [2,4]');
    expect(back.plan.summary).toMatchObject({ transformed: 7, exact: 1, unused: 0 });
  });

  it('leaves a Keras GRU with reset_after=False unlinked (torch has no such GRU), and a bias-less Linear off a Dense with bias', () => {
    const old = [tensor('gru/kernel', [3, 15]), tensor('gru/recurrent_kernel', [5, 15]), tensor('gru/bias', [15]), tensor('dense/kernel', [5, 2]), tensor('dense/bias', [2])];
    const neu = [tensor('gru.weight_ih_l0', [15, 3]), tensor('gru.weight_hh_l0', [15, 5]), tensor('gru.bias_ih_l0', [15]), tensor('gru.bias_hh_l0', [15]), tensor('head.weight', [2, 5])];
    expect(linksAcrossEcosystems(old, templateOf(neu).variables, emptyRecipe(), 'likely', false)).toEqual([]);
  });

  it('does nothing when both sides are spelled alike, and leaves what the person linked to them', () => {
    expect(linksAcrossEcosystems(kerasOld, templateOf(kerasOld).variables, emptyRecipe(), 'likely', false)).toEqual([]);
    const mine = emptyRecipe({ links: [{ from: ['layers/dense/vars/1'], to: 'fc.bias', transforms: [] }] });
    const links = linksAcrossEcosystems(kerasOld, templateOf(torchNew).variables, mine, 'likely', false);
    expect(links.some((l) => l.to === 'fc.bias')).toBe(false);
    expect(links.find((l) => l.to === 'fc.weight')?.from).toEqual(['layers/dense/vars/0']);
    expect(links.length).toBe(18);
  });
});
