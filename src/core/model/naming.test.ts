import { describe, expect, it } from 'vitest';
import { classifyVariable } from './naming';

describe('classifyVariable', () => {
  const cases: [string, { path?: string; optimizer?: boolean }, string, string][] = [
    ['Variable_3', {}, 'weight', ''],
    ['Variable_3/Adam', {}, 'optimizer', 'optimizer'],
    ['Variable_3/Adam_1', {}, 'optimizer', 'optimizer'],
    ['dense/kernel/Momentum', {}, 'optimizer', 'optimizer'],
    ['dense/kernel/RMSProp_1', {}, 'optimizer', 'optimizer'],
    ['beta1_power', {}, 'optimizer', 'optimizer'],
    ['training/Adam/Variable_3', {}, 'optimizer', 'optimizer'],
    ['global_step', {}, 'bookkeeping', 'bookkeeping'],
    ['save_counter/.ATTRIBUTES/VARIABLE_VALUE', {}, 'bookkeeping', 'bookkeeping'],
    ['keras_api/metrics/0/total/.ATTRIBUTES/VARIABLE_VALUE', {}, 'bookkeeping', 'bookkeeping'],
    ['_CHECKPOINTABLE_OBJECT_GRAPH', {}, 'bookkeeping', 'bookkeeping'],
    ['/.ATTRIBUTES/OBJECT_CONFIG_JSON', {}, 'bookkeeping', 'bookkeeping'],
    ['optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE', {}, 'optimizer', 'optimizer'],
    ['optimizer/iterations/.ATTRIBUTES/VARIABLE_VALUE', {}, 'optimizer', 'optimizer'],
    ['layer-1/bias/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE', {}, 'optimizer', 'optimizer'],
    ['model/_opt/m/.ATTRIBUTES/VARIABLE_VALUE', { optimizer: true }, 'optimizer', 'optimizer'],
    ['model/optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE', {}, 'optimizer', 'optimizer'],
    ['model/optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE', {}, 'optimizer', 'optimizer'],
    ['optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE', {}, 'weight', 'optimizer/_trainable_variables'],
    ['optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE', { path: 'model/_functional/_operations/1/_kernel' }, 'weight', 'model/_functional/_operations/1'],
    ['model/optimizer/_trainable_variables/1/.ATTRIBUTES/VARIABLE_VALUE', {}, 'weight', 'model/optimizer/_trainable_variables'],
    ['encoder/optimizer', {}, 'weight', 'encoder'],
    ['layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE', { path: 'layer_with_weights-0/kernel' }, 'weight', 'layer_with_weights-0'],
    ['layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE', {}, 'weight', 'layer_with_weights-0'],
    ['rnn/basic_lstm_cell/weights', {}, 'weight', 'rnn/basic_lstm_cell'],
    ['inference/weight1', {}, 'weight', 'inference'],
    ['Adam', {}, 'weight', ''],
  ];
  for (const [key, hints, kind, group] of cases) {
    it(`${key} → ${kind} / ${group || '""'}`, () => expect(classifyVariable(key, hints)).toEqual({ kind, group }));
  }
});

describe('classifyVariable for Keras and TF.js names', () => {
  const cases: [string, { layer?: string; optimizer?: boolean }, string, string][] = [
    ['layers/dense/vars/0', { layer: 'dense' }, 'weight', 'dense'],
    ['layers/functional/layers/dense_1/vars/1', { layer: 'dense_1' }, 'weight', 'dense_1'],
    ['optimizer/vars/0', {}, 'optimizer', 'optimizer'],
    ['model_weights/dense_1/dense_1/kernel:0', { layer: 'dense_1' }, 'weight', 'dense_1'],
    ['optimizer_weights/training/Adadelta/Variable_3:0', {}, 'optimizer', 'optimizer'],
    ['dense_1/dense_1_W', { layer: 'dense_1' }, 'weight', 'dense_1'],
    ['dense/kernel', {}, 'weight', 'dense'],
    ['dense/kernel/m', { optimizer: true }, 'optimizer', 'optimizer'],
  ];
  for (const [key, hints, kind, group] of cases) {
    it(`${key} → ${kind} / ${group}`, () => expect(classifyVariable(key, hints)).toEqual({ kind, group }));
  }
});

describe('classifyVariable for keys without scopes (PyTorch, safetensors)', () => {
  const cases: [string, { layer?: string }, string, string][] = [
    ['encoder.fc1.weight', {}, 'weight', ''],
    ['model.layers.0.mlp.experts.3.gate_proj.weight', {}, 'weight', ''],
    ['fc.weight', { layer: 'fc' }, 'weight', 'fc'],
    ['', {}, 'weight', ''],
    ['optimizer', {}, 'optimizer', 'optimizer'],
    ['optimizer_weights', {}, 'optimizer', 'optimizer'],
    ['beta2_power', {}, 'optimizer', 'optimizer'],
    ['x.OPTIMIZER_SLOT.m', {}, 'optimizer', 'optimizer'],
    ['training', {}, 'weight', ''],
    ['Adam_1', {}, 'weight', ''],
    ['metrics', {}, 'bookkeeping', 'bookkeeping'],
    ['keras_api', {}, 'bookkeeping', 'bookkeeping'],
    ['step', {}, 'bookkeeping', 'bookkeeping'],
    ['iterations', { layer: 'x' }, 'bookkeeping', 'bookkeeping'],
    ['epoch.count', {}, 'weight', ''],
    ['_CHECKPOINTABLE_OBJECT_GRAPH', {}, 'bookkeeping', 'bookkeeping'],
  ];
  for (const [key, hints, kind, group] of cases) {
    it(`${key || '""'} → ${kind} / ${group || '""'}`, () => expect(classifyVariable(key, hints)).toEqual({ kind, group }));
  }
});
