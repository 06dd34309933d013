/** While a link is dragged: what dropping here would do, or why it is refused (core's canLink says). */
import { useConnection } from '@xyflow/react';
import { canLink } from '../../core/mapping';
import type { DType } from '../../core/model/dtypes';
import type { VariableNodeData } from './layout';

export function connectionVerdict(from: unknown, to: unknown): { ok: true } | { ok: false; reason: string } {
  const f = from as Partial<VariableNodeData> & { dropGroup?: string; group?: string };
  const t = to as Partial<VariableNodeData> & { dropGroup?: string; group?: string };
  if (f.side !== 'old' || t.side !== 'new') return { ok: false, reason: 'links go from an old variable (left) to a new one (right)' };
  const fg = f.name === undefined;
  const tg = t.name === undefined;
  if (fg !== tg) return { ok: false, reason: 'drop a variable on a variable, or a group on a group' };
  if (fg) return f.dropGroup !== undefined && t.dropGroup !== undefined ? { ok: true } : { ok: false, reason: 'this scope spans several layers: drop one layer on another' };
  return canLink({ name: f.name!, dtype: f.dtype as DType }, { name: t.name!, dtype: t.dtype as DType });
}

export function ConnectionHint() {
  const c = useConnection();
  if (!c.inProgress) return null;
  const fromGroup = (c.fromNode.data as { name?: string }).name === undefined;
  let text = fromGroup ? 'Drop on a new group: Graft pairs their variables and shows you the links first.' : 'Drop on a new variable to link it.';
  let refused = false;
  if (c.toNode && c.isValid === false) {
    const v = connectionVerdict(c.fromNode.data, c.toNode.data);
    if (!v.ok) {
      text = `Cannot link: ${v.reason}`;
      refused = true;
    }
  } else if (c.toNode && c.isValid) text = 'Release to link.';
  return (
    <div className={`connection-hint${refused ? ' refused' : ''}`} data-testid="connection-hint" role="status">
      {text}
    </div>
  );
}
