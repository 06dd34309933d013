/** PyTorch state dicts: wrapper prefixes people meet daily, blocks removed, heads changed, layouts converted. */
import { tensor, templateOf } from '../../mapping.test-util';
import { byName, decoder, resnet, torchState } from './build';
import type { Scenario } from './types';

const net = resnet([16, 32], [2, 2], 10);
const strip = (prefix: string) => (n: string) => `${prefix}${n}`;
const dropPrefix = (prefix: string) => (n: string) => (n.startsWith(prefix) ? n.slice(prefix.length) : n);

function torch(name: string, note: string, old: ReturnType<typeof torchState>, fresh: ReturnType<typeof torchState>, rename?: (n: string) => string, extra: Partial<Scenario> = {}): Scenario {
  return { name, note, old, target: templateOf(fresh), truth: byName(old, fresh, rename), ...extra };
}

export const TORCH_SCENARIOS: Scenario[] = [
  torch('torch-dataparallel-module-prefix', 'saved from nn.DataParallel (every key under module.) into the bare model',
    torchState('module.', net), torchState('', net), strip('module.')),
  torch('torch-compile-orig-mod-prefix', 'saved from a torch.compile\'d model (_orig_mod.) into the bare model',
    torchState('_orig_mod.', net), torchState('', net), strip('_orig_mod.')),
  torch('torch-model-prefix-added', 'a decoder saved bare (layers.N...) into a model that wraps it (model.layers.N...) and adds lm_head',
    decoder('', 4, 32, 64, 500), [...decoder('model.', 4, 32, 64, 500), tensor('lm_head.weight', [500, 32])], dropPrefix('model.')),
  torch('torch-block-removed-head-changed', 'the last block of stage 2 removed and the head cut 10 → 6 classes (a slice keeping most of it)',
    torchState('', net), torchState('', resnet([16, 32], [2, 1], 6)), undefined),
  torch('torch-stage-widened-module-prefix', 'DataParallel keys, and the stem widened 16 → 20 channels (its batch norm and the first block follow)',
    torchState('module.', resnet([16, 32], [1, 1], 10)), torchState('', resnet([20, 32], [1, 1], 10)), strip('module.'), {
      // PyTorch kernels are [out, in, h, w]: new output channels at the end of axis 0, new inputs zero on axis 1.
      chains: {
        'conv1.weight': 'pad axis 0 +0/+4 (initializer)', 'bn1.running_mean': 'pad axis 0 +0/+4 (initializer)',
        'layer1.0.conv1.weight': 'pad axis 0 +0/+4 (initializer) → pad axis 1 +0/+4 (zeros)', 'layer2.0.downsample.0.weight': 'pad axis 1 +0/+4 (zeros)',
      },
    }),
  torch('torch-to-tf-layout', 'a PyTorch MLP (fc.weight [out,in]) into a TF model (fc/kernel [in,out]): transposed', [], [], undefined, {
    old: [tensor('fc1.weight', [64, 20]), tensor('fc1.bias', [64]), tensor('fc2.weight', [10, 64]), tensor('fc2.bias', [10])],
    target: templateOf([tensor('fc1/kernel', [20, 64]), tensor('fc1/bias', [64]), tensor('fc2/kernel', [64, 10]), tensor('fc2/bias', [10])]),
    truth: { 'fc1/kernel': 'fc1.weight', 'fc1/bias': 'fc1.bias', 'fc2/kernel': 'fc2.weight', 'fc2/bias': 'fc2.bias' },
    chains: { 'fc1/kernel': 'transpose [1,0]', 'fc1/bias': '' },
  }),
  torch('torch-decoder-2-layers-appended', 'a decoder grown 4 → 6 layers (Llama-style names); the two new layers start fresh',
    decoder('', 4, 32, 64, 500), decoder('', 6, 32, 64, 500)),
];
