// The matcher against its ground-truth suite (src/core/mapping/match/suite): per scenario the links made by
// default, how many are wrong (the target is 0) and the recall (the target is ≥ 95%), then the totals; and the
// 5,000 × 5,000 match time (BERT layout, 311 → 312 layers, the top scope renamed, four feed-forwards widened),
// warm, as wall time and as this process's CPU time (the machine may be shared). Prints; never asserts.
import { autoMatch, emptyRecipe, parseRuleArg } from '../src/core/mapping';
import { SCENARIOS, runScenario, totals } from '../src/core/mapping/match/suite';
import { bert } from '../src/core/mapping/match/suite/build';
import { templateOf } from '../src/core/mapping/mapping.test-util';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(`${SCENARIOS.length} scenarios (${SCENARIOS.filter((s) => s.unrelated).length} unrelated pairs, ${SCENARIOS.filter((s) => s.note.includes('real Keras')).length} made with the real Keras 3)`);
console.log('| scenario | truth links | made by default | right | wrong | recall | says |');
console.log('|---|---|---|---|---|---|---|');
const scores = [];
for (const s of SCENARIOS) {
  const { score, result } = runScenario(s);
  scores.push(score);
  const says = result.overlap.related ? (result.detected.length ? `rule ${result.detected.map((d) => `${d.rule.from}→${d.rule.to}`).join(', ')}` : '') : 'shares little';
  console.log(`| ${s.name} | ${Object.keys(s.truth).length} | ${score.made} | ${score.right} | ${score.wrong.length} | ${pct(score.recall)} | ${says} |`);
  for (const w of score.wrong) console.log(`|   wrong: ${w} | | | | | | |`);
}
const t = totals(scores, SCENARIOS.map((s) => Object.keys(s.truth).length));
console.log(`\nprecision ${pct(t.precision)} (${t.wrong} wrong of ${t.made} links made by default), recall ${pct(t.recall)} (${t.right} of ${t.truth} truth links)`);

const H = 768;
const old = bert({ layers: 311, hidden: H, ff: 3072, vocab: 5981 });
const fresh = bert({ scope: 'model', layers: 312, hidden: H, ff: 3072, vocab: 5981, widen: { 10: 4096, 20: 4096, 30: 4096, 200: 4096 } });
const target = templateOf(fresh);
console.log(`\n5,000 × 5,000: old ${old.length}, new ${fresh.length} variables`);
console.log('| rules | warm wall ms (min of 5) | warm CPU ms (min of 5) | made | sure/likely/guess |');
console.log('|---|---|---|---|---|');
for (const rules of [['bert/=model/'], []]) {
  const recipe = emptyRecipe({ rules: rules.map(parseRuleArg) });
  autoMatch({ tensors: old }, target, recipe);
  let wall = Infinity;
  let cpu = Infinity;
  let links = autoMatch({ tensors: old }, target, recipe).links;
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    links = autoMatch({ tensors: old }, target, recipe).links;
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  const conf = ['sure', 'likely', 'guess'].map((c) => links.filter((l) => l.confidence === c).length).join('/');
  console.log(`| ${rules.join(' ') || 'none (detected)'} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} | ${links.filter((l) => l.accepted).length} | ${conf} |`);
}
