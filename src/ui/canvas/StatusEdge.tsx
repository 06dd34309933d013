/** An edge coloured by its plan status; an auto-made one carries its confidence, a merged one its count. */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { EdgeData } from './layout';
import { STATUS_COLOR } from './status';

export type StatusEdgeType = Edge<EdgeData, 'status'>;

/**
 * Taller than this, a proposal's edge is drawn solid: the rasterizer dashes a path along its whole length, in view
 * or not, and one dashed edge across a 50,000-row column took seconds per tile while panning.
 */
const DASH_SPAN = 20_000;

export const StatusEdge = memo(function StatusEdge(props: EdgeProps<StatusEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  if (!data) return null;
  const color = STATUS_COLOR[data.status];
  const style = {
    stroke: color,
    strokeWidth: data.selected ? 3.5 : data.count > 1 ? Math.min(6, 1.5 + Math.log2(data.count)) : 1.8,
    strokeDasharray: data.status === 'pending' && Math.abs(targetY - sourceY) <= DASH_SPAN ? '6 4' : undefined,
    opacity: data.selected ? 1 : 0.85,
  };
  const badge = data.count > 1 ? String(data.count) : data.confidence;
  // Near the new side, where the eye lands when reading what fills a variable.
  const bx = sourceX + (targetX - sourceX) * 0.78;
  const by = sourceY + (targetY - sourceY) * 0.9;
  return (
    <>
      <BaseEdge path={path} style={style} interactionWidth={14} />
      {badge && (
        <EdgeLabelRenderer>
          <div
            className={`edge-badge conf-${data.count > 1 ? 'count' : data.confidence}`}
            style={{ transform: `translate(-50%, -50%) translate(${bx}px, ${by}px)`, borderColor: color }}
            data-testid={data.to ? `badge-${data.to}` : undefined}
          >
            {badge}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
