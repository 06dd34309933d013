/** The pairs made with the real Keras (testdata/make-real-pairs.py → dump-real-pairs.ts → real-pairs.json). */
import type { TensorInfo } from '../../../model/checkpoint';
import type { TargetModel, TargetVariable } from '../../../model/target-model';
import data from './testdata/real-pairs.json';
import { targetOf, type Scenario } from './types';

export interface RealPair {
  name: string;
  note: string;
  unrelated: boolean;
  /** The old checkpoint's format id. */
  format: string;
  old: TensorInfo[];
  source: TargetModel['source'];
  variables: TargetVariable[];
  truth: Record<string, string>;
  optional: Record<string, string>;
}

export const REAL_SCENARIOS: Scenario[] = (data as unknown as RealPair[]).map((p) => ({
  name: p.name,
  note: `${p.note} (real Keras 3, ${p.format})`,
  old: p.old,
  target: targetOf(p.variables, p.source),
  truth: p.truth,
  optional: p.optional,
  ...(p.unrelated ? { unrelated: true } : {}),
}));
