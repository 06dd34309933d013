import { STATUS_COLOR, STATUS_LABEL } from './status';
import { TreeLegend } from './TreeLegend';

const EDGES = ['exact', 'transformed', 'pending', 'incompatible'] as const;

/** What every mark on the canvas means: edge colours, an unlinked row, a layer row's counts; confidence badges once. */
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
      <span className="legend-item" data-testid="legend-group-counts">
        layer row: <span className="group-count">12</span> variables in it ·
        <span className="group-status" style={{ background: STATUS_COLOR.exact }}>8</span>
        <span className="group-status" style={{ background: STATUS_COLOR.pending }}>4</span>
        how many of them each colour
      </span>
      <TreeLegend />
      <span className="legend-item muted">badges: how sure auto-matching is (sure · likely · guess)</span>
      {/* React Flow's own attribution is hidden on the canvas (proOptions); its authors ask for it to be shown, so here. */}
      <span className="legend-item muted react-flow__attribution legend-attribution" data-testid="legend-attribution">
        canvas drawn with{' '}
        <a href="https://reactflow.dev" target="_blank" rel="noopener noreferrer">
          React Flow
        </a>
      </span>
    </div>
  );
}
