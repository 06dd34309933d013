/**
 * Layer table: recurrent layers and cells (keras/src/layers/rnn), stacked cells and Bidirectional with a backward
 * layer of its own. A recurrent layer keeps its cell's variables under `cell/` in a `.weights.h5`; stacked cells go
 * under `cell/cells/<snake_case class>[_n]/` and are not tracked for TF checkpoints.
 */
import type { Config, Shape } from './keras-config';
import { kerasSnakeCase } from './keras-config';
import { type LayerBuilder, type LayerWeights, bool, dim, first, innerLayer, num } from './keras-layers-base';

/** Gate count per cell class, and the readable name Keras gives the cell a layer creates. */
const CELLS: Record<string, { gates: number; layerCell: string }> = {
  SimpleRNNCell: { gates: 1, layerCell: 'simple_rnn_cell' },
  LSTMCell: { gates: 4, layerCell: 'lstm_cell' },
  GRUCell: { gates: 3, layerCell: 'gru_cell' },
};

/** A cell's variables for `input` features; returns its units. */
function cell(w: LayerWeights, cls: string, c: Config, input: number): number {
  const spec = CELLS[cls];
  if (!spec) throw new Error(`its cell is a ${cls}, which Graft cannot build (SimpleRNNCell, LSTMCell and GRUCell can be)`);
  const units = num(c.units, NaN);
  w.add('kernel', [input, spec.gates * units], { init: 'kernel_initializer' });
  w.add('recurrent_kernel', [units, spec.gates * units], { init: 'recurrent_initializer' });
  if (bool(c.use_bias, true)) {
    const shape = cls === 'GRUCell' && bool(c.reset_after, true) ? [2, 3 * units] : [spec.gates * units];
    const forget = cls === 'LSTMCell' && bool(c.unit_forget_bias, true);
    const inner = c.bias_initializer ?? { class_name: 'Zeros', config: {} };
    w.add('bias', shape, { init: 'bias_initializer', ...(forget && { initializer: { kind: 'keras', className: 'UnitForgetBias', config: { units, bias_initializer: inner } } }) });
  }
  return units;
}

function sequenceOutputs(c: Config, s: Shape, units: number, states: number): Shape[] {
  const out: Shape = c.return_sequences === true ? [s[0] ?? null, s[1] ?? null, units] : [s[0] ?? null, units];
  const state: Shape = [s[0] ?? null, units];
  return c.return_state === true ? [out, ...Array<Shape>(states).fill(state)] : [out];
}

const nameOf = (c: Config, fallback: string): string => (typeof c.name === 'string' ? c.name : fallback);

function recurrentLayer(cellClass: string): LayerBuilder {
  return (w, c, inputs) => {
    const s = first(inputs);
    const units = cell(w.sub(CELLS[cellClass]!.layerCell, 'cell', 'cell'), cellClass, c, dim(s, -1));
    return sequenceOutputs(c, s, units, cellClass === 'LSTMCell' ? 2 : 1);
  };
}

/** RNN(cell=...): one cell under `cell/`, or StackedRNNCells under `cell/cells/<class>[_n]/`. */
const RNN: LayerBuilder = (w, c, inputs) => {
  const s = first(inputs);
  const inner = Array.isArray(c.cell) ? { className: 'StackedRNNCells', config: { cells: c.cell } as Config } : innerLayer(c.cell);
  if (!inner) throw new Error('its config has no cell');
  if (inner.className !== 'StackedRNNCells') {
    const units = cell(w.sub(nameOf(inner.config, kerasSnakeCase(inner.className)), 'cell', 'cell', inner.config), inner.className, inner.config, dim(s, -1));
    return sequenceOutputs(c, s, units, inner.className === 'LSTMCell' ? 2 : 1);
  }
  const cells = Array.isArray(inner.config.cells) ? inner.config.cells.map(innerLayer) : [];
  const stacked = nameOf(inner.config, 'stacked_rnn_cells');
  const used = new Map<string, number>();
  let features = dim(s, -1);
  for (const one of cells) {
    if (!one) throw new Error('one of its stacked cells has no class');
    const slot = kerasSnakeCase(one.className);
    const n = used.get(slot);
    used.set(slot, n === undefined ? 0 : n + 1);
    const key = `cell/cells/${n === undefined ? slot : `${slot}_${n + 1}`}`;
    const sub = w.sub(`${stacked}/${nameOf(one.config, slot)}`, key, null, one.config);
    features = cell(sub, one.className, one.config, features);
  }
  return sequenceOutputs(c, s, features, 1);
};

/** The config of a Bidirectional's layer without what may differ between its two halves. */
function sideless(v: unknown): string {
  const l = innerLayer(v);
  if (!l) return '';
  const { name: _n, go_backwards: _g, ...rest } = l.config;
  return JSON.stringify([l.className, rest]);
}

/** Whether a Bidirectional's backward layer differs from its forward one (TensorFlow.js would mirror the forward). */
export function asymmetricBidirectional(c: Config): boolean {
  return c.backward_layer !== undefined && c.backward_layer !== null && sideless(c.backward_layer) !== sideless(c.layer);
}

const Bidirectional: LayerBuilder = (w, c, inputs) => {
  const forward = innerLayer(c.layer);
  if (!forward) throw new Error('its config has no layer');
  const backward = innerLayer(c.backward_layer) ?? { className: forward.className, config: { ...forward.config, name: `backward_${nameOf(forward.config, 'layer').replace(/^forward_/, '')}` } };
  const outs: Shape[][] = [];
  for (const [side, l] of [['forward_layer', forward], ['backward_layer', backward]] as const) {
    const build = RECURRENT[l.className];
    if (!build) throw new Error(`its ${side} is a ${l.className}, which Graft cannot build here`);
    outs.push(build(w.sub(nameOf(l.config, side), side, side, l.config), l.config, inputs));
  }
  // Keras' compute_output_shape doubles the forward layer's last axis for concat, whatever the backward layer's units.
  const f = outs[0]![0]!;
  if (c.merge_mode === null) return [f, f];
  const last = f[f.length - 1] ?? null;
  return [[...f.slice(0, -1), c.merge_mode === 'concat' || c.merge_mode === undefined ? (last === null ? null : 2 * last) : last]];
};

export const RECURRENT: Record<string, LayerBuilder> = {
  SimpleRNN: recurrentLayer('SimpleRNNCell'),
  LSTM: recurrentLayer('LSTMCell'),
  GRU: recurrentLayer('GRUCell'),
  RNN,
  Bidirectional,
};
