/**
 * Layer table: Dense, Embedding and the convolutions, ConvLSTM1D/2D/3D included (keras/src/layers/core,
 * convolutional, rnn/conv_lstm.py), with Keras' output-size arithmetic (keras/src/ops/operation_utils.py).
 */
import type { Config, Shape } from './keras-config';
import { type LayerBuilder, type LayerWeights, bool, dim, first, ints, num } from './keras-layers-base';

/** Keras `compute_conv_output_shape` for one spatial axis. */
function convLength(len: number | null, k: number, stride: number, padding: unknown, dilation: number): number | null {
  if (len === null) return null;
  const span = dilation * (k - 1) + 1;
  return padding === 'valid' ? Math.floor((len - span) / stride) + 1 : Math.ceil(len / stride);
}

/** Keras `compute_conv_transpose_output_shape` for one spatial axis. */
function transposeLength(len: number | null, k: number, stride: number, padding: unknown, dilation: number, outPad: number | null): number | null {
  if (len === null) return null;
  const span = k + (k - 1) * (dilation - 1);
  if (outPad === null) return padding === 'valid' ? len * stride + Math.max(span - stride, 0) : len * stride;
  const pad = padding === 'same' ? Math.floor(span / 2) : 0;
  return (len - 1) * stride + span - 2 * pad + outPad;
}

interface ConvGeometry {
  rank: number;
  channelsFirst: boolean;
  kernel: number[];
  strides: number[];
  dilation: number[];
}

function geometry(c: Config, rank: number): ConvGeometry {
  return {
    rank,
    channelsFirst: c.data_format === 'channels_first',
    kernel: ints(c.kernel_size, rank, 1),
    strides: ints(c.strides, rank, 1),
    dilation: ints(c.dilation_rate, rank, 1),
  };
}

/** The spatial sizes and channels of a convolution input `s` (batch first). */
function split(s: Shape, g: ConvGeometry): { spatial: (number | null)[]; channels: number } {
  const spatial = g.channelsFirst ? s.slice(2) : s.slice(1, -1);
  return { spatial, channels: dim(s, g.channelsFirst ? 1 : -1) };
}

function outShape(s: Shape, g: ConvGeometry, spatial: (number | null)[], channels: number): Shape {
  return g.channelsFirst ? [s[0]!, channels, ...spatial] : [s[0]!, ...spatial, channels];
}

function conv(rank: number): LayerBuilder {
  return (w, c, inputs) => {
    const s = first(inputs);
    const g = geometry(c, rank);
    const { spatial, channels } = split(s, g);
    const filters = num(c.filters, NaN);
    const groups = num(c.groups, 1);
    w.add('kernel', [...g.kernel, channels / groups, filters], { init: 'kernel_initializer', attribute: '_kernel' });
    if (bool(c.use_bias, true)) w.add('bias', [filters], { init: 'bias_initializer' });
    const out = spatial.map((len, i) => convLength(len, g.kernel[i]!, g.strides[i]!, c.padding, g.dilation[i]!));
    return [outShape(s, g, out, filters)];
  };
}

function convTranspose(rank: number): LayerBuilder {
  return (w, c, inputs) => {
    const s = first(inputs);
    const g = geometry(c, rank);
    const { spatial, channels } = split(s, g);
    const filters = num(c.filters, NaN);
    w.add('kernel', [...g.kernel, filters, channels], { init: 'kernel_initializer' });
    if (bool(c.use_bias, true)) w.add('bias', [filters], { init: 'bias_initializer' });
    const outPad = c.output_padding === null || c.output_padding === undefined ? null : ints(c.output_padding, rank, 0);
    const out = spatial.map((len, i) => transposeLength(len, g.kernel[i]!, g.strides[i]!, c.padding, g.dilation[i]!, outPad ? outPad[i]! : null));
    return [outShape(s, g, out, filters)];
  };
}

function depthwise(rank: number): LayerBuilder {
  return (w, c, inputs) => {
    const s = first(inputs);
    const g = geometry(c, rank);
    const { spatial, channels } = split(s, g);
    const m = num(c.depth_multiplier, 1);
    w.add('kernel', [...g.kernel, channels, m], { init: 'depthwise_initializer' });
    if (bool(c.use_bias, true)) w.add('bias', [channels * m], { init: 'bias_initializer' });
    const out = spatial.map((len, i) => convLength(len, g.kernel[i]!, g.strides[i]!, c.padding, g.dilation[i]!));
    return [outShape(s, g, out, channels * m)];
  };
}

function separable(rank: number): LayerBuilder {
  return (w, c, inputs) => {
    const s = first(inputs);
    const g = geometry(c, rank);
    const { spatial, channels } = split(s, g);
    const m = num(c.depth_multiplier, 1);
    const filters = num(c.filters, NaN);
    w.add('depthwise_kernel', [...g.kernel, channels, m], { init: 'depthwise_initializer' });
    w.add('pointwise_kernel', [...Array(rank).fill(1), channels * m, filters], { init: 'pointwise_initializer' });
    if (bool(c.use_bias, true)) w.add('bias', [filters], { init: 'bias_initializer' });
    const out = spatial.map((len, i) => convLength(len, g.kernel[i]!, g.strides[i]!, c.padding, g.dilation[i]!));
    return [outShape(s, g, out, filters)];
  };
}

/** An RNN's bias initializer: LSTM's unit_forget_bias concatenates [init, ones, init, init]. */
function lstmBias(w: LayerWeights, c: Config, units: number, shape: number[]): void {
  const inner = c.bias_initializer ?? { class_name: 'Zeros', config: {} };
  const forget = bool(c.unit_forget_bias, true);
  w.add('bias', shape, { init: 'bias_initializer', ...(forget && { initializer: { kind: 'keras', className: 'UnitForgetBias', config: { units, bias_initializer: inner } } }) });
}

function convLstm(rank: number): LayerBuilder {
  return (w, c, inputs) => {
    const s = first(inputs);
    const g = geometry(c, rank);
    // [batch, time, ...spatial, channels] (channels_last) or [batch, time, channels, ...spatial]
    const step: Shape = [s[0]!, ...s.slice(2)];
    const { spatial, channels } = split(step, g);
    const filters = num(c.filters, NaN);
    const cell = w.sub('conv_lstm_cell', 'cell', 'cell');
    cell.add('kernel', [...g.kernel, channels, 4 * filters], { init: 'kernel_initializer' });
    cell.add('recurrent_kernel', [...g.kernel, filters, 4 * filters], { init: 'recurrent_initializer' });
    if (bool(c.use_bias, true)) lstmBias(cell, c, filters, [4 * filters]);
    const out = spatial.map((len, i) => convLength(len, g.kernel[i]!, g.strides[i]!, c.padding, g.dilation[i]!));
    const frame = outShape(step, g, out, filters);
    const seq: Shape = c.return_sequences === true ? [frame[0]!, s[1] ?? null, ...frame.slice(1)] : frame;
    return c.return_state === true ? [seq, frame, frame] : [seq];
  };
}

export const CONVOLUTIONS: Record<string, LayerBuilder> = {
  Dense(w, c, inputs) {
    const s = first(inputs);
    const units = num(c.units, NaN);
    w.add('kernel', [dim(s, -1), units], { init: 'kernel_initializer', attribute: '_kernel' });
    if (bool(c.use_bias, true)) w.add('bias', [units], { init: 'bias_initializer' });
    return [[...s.slice(0, -1), units]];
  },
  Embedding(w, c, inputs) {
    const s = first(inputs);
    const outDim = num(c.output_dim, NaN);
    w.add('embeddings', [num(c.input_dim, NaN), outDim], { init: 'embeddings_initializer', attribute: '_embeddings' });
    return [[...s, outDim]];
  },
  Conv1D: conv(1),
  Conv2D: conv(2),
  Conv3D: conv(3),
  Conv1DTranspose: convTranspose(1),
  Conv2DTranspose: convTranspose(2),
  Conv3DTranspose: convTranspose(3),
  DepthwiseConv1D: depthwise(1),
  DepthwiseConv2D: depthwise(2),
  SeparableConv1D: separable(1),
  SeparableConv2D: separable(2),
  ConvLSTM1D: convLstm(1),
  ConvLSTM2D: convLstm(2),
  ConvLSTM3D: convLstm(3),
};
