/** A graph variable's kind and list group: from the graph where it tells, from the name where it cannot. */
import type { VariableKind } from '../../model/checkpoint';
import { BOOKKEEPING_GROUP, classifyVariable, OPTIMIZER_GROUP } from '../../model/naming';

export function graphClass(name: string, kind: VariableKind | undefined): { kind: VariableKind; group: string } {
  if (kind === 'optimizer') return { kind, group: OPTIMIZER_GROUP };
  if (kind === 'bookkeeping') return { kind, group: BOOKKEEPING_GROUP };
  if (kind === 'weight') return { kind, group: name.split('/').slice(0, -1).join('/') };
  return classifyVariable(name);
}
