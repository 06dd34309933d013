import type { Histogram as HistogramData } from '../core/analysis/stats';
import { formatValue } from '../core/display';

const W = 420;
const H = 100;

/** Bars of the finite values’ distribution; a square-root height scale keeps small bins visible (the caption says so in words). */
export function Histogram({ data }: { data: HistogramData }) {
  const { lo, hi, counts } = data;
  if (counts.length === 0) {
    return (
      <div className="histogram empty-chart" data-testid="histogram">
        No finite values to plot.
      </div>
    );
  }
  const peak = Math.max(...counts);
  const bw = W / counts.length;
  const zeroX = lo < 0 && hi > 0 ? ((0 - lo) / (hi - lo)) * W : null;
  const binWidth = (hi - lo) / counts.length;
  return (
    <figure className="histogram" data-testid="histogram">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Histogram of values from ${formatValue(lo)} to ${formatValue(hi)}`}>
        {counts.map((c, i) => {
          const h = c === 0 ? 0 : Math.max(1.5, Math.sqrt(c / peak) * (H - 4));
          return (
            <rect key={i} x={i * bw + 0.5} y={H - h} width={Math.max(1, bw - 1)} height={h} className="bar">
              <title>
                {counts.length === 1 ? `all ${c} values = ${formatValue(lo)}` : `${formatValue(lo + i * binWidth)} … ${formatValue(lo + (i + 1) * binWidth)}: ${c}`}
              </title>
            </rect>
          );
        })}
        {zeroX !== null && <line x1={zeroX} x2={zeroX} y1={0} y2={H} className="zero" />}
      </svg>
      <figcaption>
        <div className="axis">
          <span>{formatValue(lo)}</span>
          <span className="muted">values →</span>
          <span>{formatValue(hi)}</span>
        </div>
        <div className="muted small" data-testid="histogram-key">
          Bar height: how many values (square-root scale){zeroX !== null ? ' · dashed line: zero' : ''}
        </div>
      </figcaption>
    </figure>
  );
}
