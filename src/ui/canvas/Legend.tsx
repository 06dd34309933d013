import { STATUS_COLOR, STATUS_LABEL } from './status';
import { TreeLegend } from './TreeLegend';

const EDGES = ['exact', 'transformed', 'pending', 'incompatible'] as const;

/** What the colours mean; confidence badges explained once. */
export function Legend() {
  return (
    <div className="canvas-legend" data-testid="legend">
      {EDGES.map((s) => (
        <span key={s} className="legend-item">
          <svg width="26" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="26" y2="4" stroke={STATUS_COLOR[s]} strokeWidth="3" strokeDasharray={s === 'pending' ? '5 3' : undefined} />
          </svg>
          {STATUS_LABEL[s]}
        </span>
      ))}
      <span className="legend-item">
        <span className="legend-box" style={{ borderLeftColor: STATUS_COLOR.initialised }} />
        no link: initialised
      </span>
      <TreeLegend />
      <span className="legend-item muted">badges: how sure auto-matching is (sure · likely · guess)</span>
    </div>
  );
}
