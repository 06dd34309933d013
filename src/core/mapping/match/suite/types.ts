/**
 * The matcher's ground-truth suite: old/new pairs with the links a careful person would make by default, and how
 * a match result is scored against them. Wrong = a link made by default (accepted) that the truth does not have;
 * recall = the truth's links made by default, over all of them.
 */
import type { TensorInfo } from '../../../model/checkpoint';
import type { TargetModel, TargetVariable } from '../../../model/target-model';
import type { Link, RenameRule } from '../../recipe';
import { describeTransform } from '../../transforms';

export interface Scenario {
  name: string;
  /** What changed, in words. */
  note: string;
  old: TensorInfo[];
  target: TargetModel;
  /** New variable → the old variable it must carry by default. */
  truth: Record<string, string>;
  /** Right links that are not required: making them is not wrong, leaving them out is not a miss. */
  optional?: Record<string, string>;
  /** The transform chain some links must have (`describeTransform` of each step, joined by ` → `). */
  chains?: Record<string, string>;
  rules?: RenameRule[];
  /** Two different models: Graft must say they share little. */
  unrelated?: boolean;
}

export interface Score {
  /** Links made by default (accepted). */
  made: number;
  right: number;
  wrong: string[];
  missed: string[];
  /** right / truth links (1 when the truth is empty). */
  recall: number;
}

export function score(s: Scenario, links: readonly Link[]): Score {
  const made = links.filter((l) => l.accepted !== false);
  const wrong: string[] = [];
  let right = 0;
  const got = new Map<string, string>();
  for (const l of made) {
    const from = l.from.join('+');
    got.set(l.to, from);
    const chain = l.transforms.map(describeTransform).join(' → ');
    if (s.chains?.[l.to] !== undefined && s.chains[l.to] !== chain) wrong.push(`${l.to} ← ${from} {${chain}}`);
    else if (s.truth[l.to] === from) right++;
    else if (s.optional?.[l.to] !== from) wrong.push(`${l.to} ← ${from}`);
  }
  const missed = Object.entries(s.truth).filter(([to, from]) => got.get(to) !== from).map(([to, from]) => `${to} ← ${from}`);
  const total = Object.keys(s.truth).length;
  return { made: made.length, right, wrong, missed, recall: total ? right / total : 1 };
}

export function targetOf(variables: TargetVariable[], source: TargetModel['source']): TargetModel {
  return { source, label: 'new', variables, warnings: [], defaultValue: () => Promise.reject(new Error('not in the suite')) };
}
