// Matching + compiling ~5,000 × 5,000 variables with BERT's real names (the bert-index-only-johnny fixture's
// layout) scaled to 311 encoder layers. Prints times; never asserts them.
import { autoMatch, compile, emptyRecipe, parseRuleArg } from '../src/core/mapping';
import type { TensorInfo } from '../src/core/model/checkpoint';
import { classifyVariable } from '../src/core/model/naming';
import { targetFromCheckpoint } from '../src/core/model/target/from-checkpoint';

const H = 768;
const LAYER: [string, (ff: number) => number[]][] = [
  ['attention/output/LayerNorm/beta', () => [H]], ['attention/output/LayerNorm/gamma', () => [H]],
  ['attention/output/dense/bias', () => [H]], ['attention/output/dense/kernel', () => [H, H]],
  ['attention/self/key/bias', () => [H]], ['attention/self/key/kernel', () => [H, H]],
  ['attention/self/query/bias', () => [H]], ['attention/self/query/kernel', () => [H, H]],
  ['attention/self/value/bias', () => [H]], ['attention/self/value/kernel', () => [H, H]],
  ['intermediate/dense/bias', (ff) => [ff]], ['intermediate/dense/kernel', (ff) => [H, ff]],
  ['output/LayerNorm/beta', () => [H]], ['output/LayerNorm/gamma', () => [H]],
  ['output/dense/bias', () => [H]], ['output/dense/kernel', (ff) => [ff, H]],
];

function info(name: string, shape: number[]): TensorInfo {
  const c = classifyVariable(name);
  return { name, dtype: 'float32', shape, byteLength: shape.reduce((a, b) => a * b, 4), kind: c.kind, group: c.group };
}

function bert(scope: string, layers: number, opts: { insertAt?: number; widen?: Set<number> } = {}): TensorInfo[] {
  const out = [
    info(`${scope}/embeddings/LayerNorm/beta`, [H]), info(`${scope}/embeddings/LayerNorm/gamma`, [H]),
    info(`${scope}/embeddings/position_embeddings`, [512, H]), info(`${scope}/embeddings/token_type_embeddings`, [2, H]),
    info(`${scope}/embeddings/word_embeddings`, [5981, H]),
  ];
  for (let i = 0; i < layers; i++) {
    const ff = opts.widen?.has(i) ? 4096 : 3072;
    for (const [suffix, shape] of LAYER) out.push(info(`${scope}/encoder/layer_${i}/${suffix}`, shape(ff)));
  }
  out.push(info(`${scope}/pooler/dense/bias`, [H]), info(`${scope}/pooler/dense/kernel`, [H, H]));
  out.push(info('cls/predictions/output_bias', [5981]), info('cls/predictions/transform/LayerNorm/beta', [H]));
  out.push(info('cls/predictions/transform/LayerNorm/gamma', [H]), info('cls/predictions/transform/dense/bias', [H]), info('cls/predictions/transform/dense/kernel', [H, H]));
  return out;
}

const LAYERS = 311;
const old = bert('bert', LAYERS);
// The new model: the top scope renamed (bert/ → model/), one encoder layer inserted in the middle (a narrower
// feed-forward, 2048) so every later layer is renumbered, and the feed-forward of four layers widened to 4096.
const fresh = bert('model', LAYERS + 1, { widen: new Set([10, 20, 30, 200]) });
for (const v of fresh) {
  const m = /^model\/encoder\/layer_150\/(intermediate|output)\/dense\/(kernel|bias)$/.exec(v.name);
  if (m) v.shape = m[1] === 'intermediate' ? (m[2] === 'kernel' ? [H, 2048] : [2048]) : m[2] === 'kernel' ? [2048, H] : [H];
}
const target = targetFromCheckpoint({ format: 'synthetic', label: 'new', files: [], tensors: fresh, warnings: [], read: () => Promise.reject(new Error('no data')), readValue: () => Promise.reject(new Error('no data')) });

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

console.log(`old ${old.length} variables, new ${target.variables.length} variables`);
console.log('| run | rules | match ms | compile ms | total ms | exact | transformed | initialised | incompatible | unused | sure/likely/guess |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [label, rules] of [['cold', ['bert/=model/']], ['warm', ['bert/=model/']], ['warm', []]] as const) {
  const recipe = emptyRecipe({ rules: rules.map(parseRuleArg) });
  const [m, tm] = time(() => autoMatch({ tensors: old }, target, recipe));
  const [plan, tc] = time(() => compile(m.recipe, { tensors: old }, target));
  const s = plan.summary;
  const conf = ['sure', 'likely', 'guess'].map((c) => m.links.filter((l) => l.confidence === c).length).join('/');
  console.log(`| ${label} | ${rules.join(' ') || 'none'} | ${tm.toFixed(0)} | ${tc.toFixed(0)} | ${(tm + tc).toFixed(0)} | ${s.exact} | ${s.transformed} | ${s.initialised} | ${s.incompatible} | ${s.unused} | ${conf} |`);
}
