/** The canvas's custom nodes: one variable, and a group of variables (a scope or layer) that collapses. */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { formatShape } from '../../core/display';
import { useGraft } from '../../state/store';
import { type GroupNodeData, type NodeStatus, type VariableNodeData, groupId } from './layout';
import { STATUS_COLOR, STATUS_LABEL } from './status';

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

const short = (name: string, group: string) => (group && name.startsWith(`${group}/`) ? name.slice(group.length + 1) : name);

export const VariableNodeView = memo(function VariableNodeView({ data }: NodeProps<VariableNode>) {
  const { side, name, status } = data;
  return (
    <div
      className={`var-node side-${side} st-${status}${data.selected ? ' is-selected' : ''}`}
      data-testid={`node-${side}-${name}`}
      data-status={status}
      title={`${name}\n${data.dtype} ${formatShape(data.shape)}\n${STATUS_LABEL[status]}`}
      style={{ borderLeftColor: STATUS_COLOR[status] }}
    >
      <span className="var-name mono">{name.slice(name.lastIndexOf('/') + 1)}</span>
      <span className="var-shape mono">{formatShape(data.shape)}</span>
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

export const GroupNodeView = memo(function GroupNodeView({ data }: NodeProps<GroupNode>) {
  const { side, group, collapsed } = data;
  return (
    <div className={`group-node side-${side}${collapsed ? ' is-collapsed' : ''}`} data-testid={`node-${side}group-${group}`}>
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
      <span className="group-name mono" title={group}>
        {short(group, '') || '(top level)'}
      </span>
      <span className="group-count">{data.count}</span>
      <Aggregate statuses={data.statuses} />
      <Handles side={side} testId={`handle-${side}group-${group}`} />
    </div>
  );
});
