/** The canvas's custom nodes: one variable, and a group of variables (a scope or layer) that collapses. */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { formatShape, middleEllipsis } from '../../core/display';
import { useGraft } from '../../state/store';
import type { Diff } from './diff';
import { type GroupNodeData, type NodeStatus, type VariableNodeData, groupId } from './layout';
import { STATUS_COLOR, STATUS_LABEL } from './status';
import './tree.css';

export type VariableNode = Node<VariableNodeData, 'variable'>;
export type GroupNode = Node<GroupNodeData, 'vargroup'>;

/** Old variables are dragged from their handle on the right; a new variable takes the drop anywhere on it. */
function Handles({ side, testId }: { side: 'old' | 'new'; testId: string }) {
  return side === 'old' ? (
    <Handle type="source" position={Position.Right} id="out" className="handle-out" data-testid={testId} />
  ) : (
    <Handle type="target" position={Position.Left} id="in" className="handle-in" isConnectableStart={false} data-testid={testId} />
  );
}

/** Characters a label gets in a row of `width` px (≈7 px a character beside the shape and diff columns). */
const fits = (width: number, reserved: number) => Math.max(8, Math.floor((width - reserved) / 7));

/** The diff column: what happened to the variable or layer between old and new. */
function DiffMark({ diff, testId }: { diff: Diff | undefined; testId: string }) {
  if (!diff) return null;
  return (
    <span className={`diff-mark diff-${diff.kind}${diff.proposed ? ' is-proposed' : ''}`} title={diff.title} data-testid={testId} data-diff={diff.kind}>
      {diff.text}
    </span>
  );
}

export const VariableNodeView = memo(function VariableNodeView({ data, width: w }: NodeProps<VariableNode>) {
  const { side, name, status } = data;
  const shape = formatShape(data.shape);
  const width = w ?? 300;
  return (
    <div
      className={`var-node side-${side} st-${status}${data.selected ? ' is-selected' : ''}${data.cursor ? ' is-cursor' : ''}${data.linking ? ' is-linking' : ''}`}
      data-testid={`node-${side}-${name}`}
      data-status={status}
      data-cursor={data.cursor || undefined}
      title={`${data.full}${data.full !== name ? `\nstored as ${name}` : ''}\n${data.dtype} ${shape}\n${STATUS_LABEL[status]}${data.diff ? `\n${data.diff.title}` : ''}`}
      style={{ borderLeftColor: STATUS_COLOR[status] }}
    >
      <span className="var-name mono" data-testid={`label-${side}-${name}`}>{middleEllipsis(data.label, fits(width, 60 + shape.length * 7))}</span>
      <span className="var-shape mono">{shape}</span>
      <DiffMark diff={data.diff} testId={`diff-${side}-${name}`} />
      {data.dtype !== 'float32' && <span className="var-dtype mono">{data.dtype}</span>}
      <Handles side={side} testId={`handle-${side}-${name}`} />
    </div>
  );
});

const ORDER: NodeStatus[] = ['incompatible', 'pending', 'initialised', 'unused', 'transformed', 'exact', 'used', 'excluded'];

function Aggregate({ statuses }: { statuses: GroupNodeData['statuses'] }) {
  return (
    <span className="group-statuses">
      {ORDER.filter((s) => statuses[s]).map((s) => (
        <span key={s} className="group-status" title={`${statuses[s]} ${STATUS_LABEL[s]}`} style={{ background: STATUS_COLOR[s] }}>
          {statuses[s]}
        </span>
      ))}
    </span>
  );
}

export const GroupNodeView = memo(function GroupNodeView({ data, width: w }: NodeProps<GroupNode>) {
  const { side, group, collapsed } = data;
  const width = w ?? 300;
  return (
    <div
      className={`group-node side-${side}${collapsed ? ' is-collapsed' : ''}${data.cursor ? ' is-cursor' : ''}`}
      data-testid={`node-${side}group-${group}`}
      data-depth={data.depth}
      data-cursor={data.cursor || undefined}
    >
      <button
        type="button"
        className="group-toggle nodrag"
        aria-expanded={!collapsed}
        data-testid={`toggle-${side}group-${group}`}
        onClick={(e) => {
          e.stopPropagation();
          useGraft.getState().toggleNodeGroup(groupId(side, group));
        }}
      >
        {collapsed ? '▸' : '▾'}
      </button>
      <span className="group-name mono" title={`${group || '(top level)'} — ${data.count} variable${data.count > 1 ? 's' : ''}`} data-testid={`label-${side}group-${group}`}>
        {middleEllipsis(data.label || '(top level)', fits(width, 150))}
      </span>
      <span className="group-count" title={`${data.count} variables under it`}>{data.count}</span>
      <DiffMark diff={data.diff} testId={`diff-${side}group-${group}`} />
      <Aggregate statuses={data.statuses} />
      <Handles side={side} testId={`handle-${side}group-${group}`} />
    </div>
  );
});
