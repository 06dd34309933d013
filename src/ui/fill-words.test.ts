import { describe, expect, it } from 'vitest';
import type { SlotData, VariableData } from '../worker/client';
import { breakdownText, fillBreakdown, fillPolicyWords, fillWords, initializerName, initializerWords } from './fill-words';

const v = (name: string, initializer: VariableData['initializer']): VariableData => ({ name, dtype: 'float32', shape: [2], byteLength: 8, kind: 'weight', group: '', ...(initializer && { initializer }) });
const slot = (kind: SlotData['kind'], variables: VariableData[], extra: Partial<SlotData> = {}): SlotData =>
  ({ role: 'new', kind, format: kind, formatName: kind, label: 'new', files: [], variables, warnings: [], ...extra });
const glorot = { kind: 'keras', className: 'GlorotUniform', config: { seed: null } } as const;

describe('fill words', () => {
  it('reads initializer class names as words, people’s names kept', () => {
    expect(initializerName('GlorotUniform')).toBe('Glorot uniform');
    expect(initializerName('LecunNormal')).toBe('LeCun normal');
    expect(initializerName('RandomNormal')).toBe('random normal');
    expect(initializerName('unit_forget_bias')).toBe('unit forget bias');
  });
  it('says where an initializer comes from, and what a template or a plain list writes', () => {
    const json = slot('keras-json', []);
    expect(initializerWords(glorot, json)).toBe('Glorot uniform from the model JSON');
    expect(initializerWords({ kind: 'keras', className: 'RandomNormal', config: { mean: 0, stddev: 0.05 } }, json)).toBe('random normal (mean 0, stddev 0.05) from the model JSON');
    expect(initializerWords({ kind: 'keras', className: 'Zeros', config: {} }, json)).toBe('zeros');
    expect(initializerWords(glorot, slot('keras-json', [], { modelConfig: 'built' }))).toBe('Glorot uniform from the model config in the file');
    expect(initializerWords(glorot, slot('tf-graph', []))).toBe('Glorot uniform from the TF graph');
    expect(initializerWords({ kind: 'template' }, slot('template', []))).toBe('the template’s values');
    expect(initializerWords({ kind: 'zeros' }, slot('list', []))).toBe('zeros');
  });
  it('follows the plan’s fill: the zeros policy writes zeros whatever the initializer', () => {
    const json = slot('keras-json', []);
    expect(fillWords({ fill: 'zeros' }, v('a', glorot), json)).toBe('zeros');
    expect(fillWords({ fill: 'initializer' }, v('a', glorot), json)).toBe('Glorot uniform from the model JSON');
    expect(fillWords({ fill: 'template' }, v('a', { kind: 'template' }), slot('template', []))).toBe('the template’s values');
  });
  it('breaks a set of entries down by what they get, most common first', () => {
    const data = slot('keras-json', [v('k1', glorot), v('k2', glorot), v('b1', { kind: 'keras', className: 'Zeros', config: {} }), v('k3', glorot)]);
    const parts = fillBreakdown(['k1', 'b1', 'k2', 'k3'].map((to) => ({ to, fill: 'initializer' as const })), data);
    expect(parts).toEqual([{ words: 'Glorot uniform from the model JSON', n: 3 }, { words: 'zeros', n: 1 }]);
    expect(breakdownText(parts)).toBe('Glorot uniform from the model JSON (3), zeros (1)');
    expect(breakdownText(parts.slice(1))).toBe('zeros');
  });
  it('names the fill policy’s options by what they write for this model', () => {
    expect(fillPolicyWords('initializer', slot('keras-json', [v('k', glorot)]))).toBe('initializers from the model JSON');
    expect(fillPolicyWords('initializer', slot('list', [v('k', { kind: 'zeros' })]))).toBe('zeros (the model names no initializers)');
    expect(fillPolicyWords('initializer', slot('template', [v('k', { kind: 'template' })]))).toBe('the template’s values');
  });
});
