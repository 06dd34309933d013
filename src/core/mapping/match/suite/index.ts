/** The whole suite, and one scenario run through the matcher and scored. */
import { autoMatch, type MatchResult } from '../index';
import { emptyRecipe } from '../../recipe';
import { REAL_SCENARIOS } from './real';
import { KERAS_SCENARIOS } from './scenarios-keras';
import { MORE_SCENARIOS } from './scenarios-more';
import { TORCH_SCENARIOS } from './scenarios-torch';
import { TRANSFORMER_SCENARIOS } from './scenarios-transformer';
import { UNRELATED_SCENARIOS } from './scenarios-unrelated';
import { score, type Scenario, type Score } from './types';

export { score, type Scenario, type Score } from './types';

export const SCENARIOS: Scenario[] = [...KERAS_SCENARIOS, ...TRANSFORMER_SCENARIOS, ...TORCH_SCENARIOS, ...UNRELATED_SCENARIOS, ...MORE_SCENARIOS, ...REAL_SCENARIOS];

export function runScenario(s: Scenario): { score: Score; result: MatchResult } {
  const result = autoMatch({ tensors: s.old }, s.target, emptyRecipe({ rules: s.rules ?? [] }));
  return { score: score(s, result.links), result };
}

/** Totals over scenarios: links made by default, wrong ones, and recall over all truth links. */
export function totals(rows: readonly Score[], truths: readonly number[]): { made: number; wrong: number; right: number; truth: number; precision: number; recall: number } {
  const made = rows.reduce((n, r) => n + r.made, 0);
  const wrong = rows.reduce((n, r) => n + r.wrong.length, 0);
  const right = rows.reduce((n, r) => n + r.right, 0);
  const truth = truths.reduce((n, t) => n + t, 0);
  return { made, wrong, right, truth, precision: made ? (made - wrong) / made : 1, recall: truth ? right / truth : 1 };
}
