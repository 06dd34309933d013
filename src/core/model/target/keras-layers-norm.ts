/** Layer table: normalization layers (BatchNormalization too), ReversibleEmbedding and STFTSpectrogram (keras/src/layers/normalization, core, preprocessing). */
import type { Config, Shape } from './keras-config';
import { type LayerBuilder, axes, bool, dim, first, num } from './keras-layers-base';

function normalizedAxes(c: Config, shape: Shape, fallback: number[]): number[] {
  return axes(c.axis, fallback).map((a) => (a < 0 ? a + shape.length : a)).sort((a, b) => a - b);
}

export const NORMALIZATION: Record<string, LayerBuilder> = {
  BatchNormalization(w, c, inputs) {
    const s = first(inputs);
    // tf.keras (Keras 2) writes the axis as a one-element list.
    const shape = [dim(s, Array.isArray(c.axis) ? num(c.axis[0], -1) : num(c.axis, -1))];
    if (bool(c.scale, true)) w.add('gamma', shape, { init: 'gamma_initializer' });
    if (bool(c.center, true)) w.add('beta', shape, { init: 'beta_initializer' });
    w.add('moving_mean', shape, { init: 'moving_mean_initializer', trainable: false });
    w.add('moving_variance', shape, { init: 'moving_variance_initializer', trainable: false });
    return [s];
  },
  LayerNormalization(w, c, inputs) {
    const s = first(inputs);
    const shape = normalizedAxes(c, s, [-1]).map((a) => dim(s, a));
    const rms = c.rms_scaling === true;
    if (bool(c.scale, true) || rms) w.add('gamma', shape, { init: 'gamma_initializer' });
    if (bool(c.center, true) && !rms) w.add('beta', shape, { init: 'beta_initializer' });
    return [s];
  },
  RMSNormalization(w, c, inputs) {
    const s = first(inputs);
    w.add('scale', normalizedAxes(c, s, [-1]).map((a) => dim(s, a)), { fixed: 'Ones' });
    return [s];
  },
  GroupNormalization(w, c, inputs) {
    const s = first(inputs);
    const d = dim(s, num(c.axis, -1));
    const groups = num(c.groups, 32) === -1 ? d : num(c.groups, 32);
    if (d < groups || d % groups !== 0) throw new Error(`its ${d} channels do not split into ${groups} groups`);
    if (bool(c.scale, true)) w.add('gamma', [d], { init: 'gamma_initializer' });
    if (bool(c.center, true)) w.add('beta', [d], { init: 'beta_initializer' });
    return [s];
  },
  Normalization(w, c, inputs) {
    const s = first(inputs);
    if (c.mean !== null && c.mean !== undefined) return [s]; // given mean and variance are constants, not variables
    const keep = c.axis === null ? [] : normalizedAxes(c, s, [-1]);
    const shape = keep.map((a) => dim(s, a));
    w.add('mean', shape, { fixed: 'Zeros', trainable: false, attribute: 'adapt_mean' });
    w.add('variance', shape, { fixed: 'Ones', trainable: false, attribute: 'adapt_variance' });
    w.add('count', [], { fixed: 'Zeros', trainable: false, dtype: 'int64' });
    return [s];
  },
  UnitNormalization: (_w, _c, inputs) => [first(inputs)],
};

export const EMBEDDING: Record<string, LayerBuilder> = {
  ReversibleEmbedding(w, c, inputs) {
    const s = first(inputs);
    const inDim = num(c.input_dim, NaN);
    const outDim = num(c.output_dim, NaN);
    w.add('embeddings', [inDim, outDim], { init: 'embeddings_initializer', attribute: '_embeddings' });
    if (!bool(c.tie_weights, true)) w.add('reverse_embeddings', [outDim, inDim], { init: 'embeddings_initializer' });
    return [[...s, outDim]];
  },
  STFTSpectrogram(w, c, inputs) {
    const s = first(inputs);
    const frame = num(c.frame_length, NaN);
    const step = num(c.frame_step, Math.floor(frame / 2));
    const fft = num(c.fft_length, 2 ** Math.ceil(Math.log2(frame)));
    const mode = typeof c.mode === 'string' ? c.mode : 'log';
    const shape = [frame, 1, Math.floor(fft / 2) + 1];
    if (mode !== 'imag') w.add('real_kernel', shape, { fixed: 'STFT' });
    if (mode !== 'real') w.add('imag_kernel', shape, { fixed: 'STFT' });
    const t = s[1] ?? null;
    const frames = t === null ? null : c.padding === 'same' ? Math.ceil(t / step) : Math.floor((t - frame) / step) + 1;
    const freq = shape[2]! * (mode === 'stft' ? 2 : 1);
    const out: Shape = c.data_format === 'channels_first' ? [s[0]!, freq, frames] : [s[0]!, frames, freq];
    return [c.expand_dims === true ? [...out, 1] : out];
  },
};

