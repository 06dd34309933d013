import { useEffect, useRef } from 'react';
import type { Heatmap as HeatmapData, KernelView } from '../core/analysis/stats';
import { useGraft } from '../state/store';
import { NAN_COLOR, cssGradient, diverging } from './colors';
import { formatValue } from '../core/display';

const NOMINAL_W = 520;
const MAX_H = 260;

function KernelViewPicker({ shape }: { shape: number[] }) {
  const kernel = useGraft((s) => s.view.kernel);
  const setKernelView = useGraft((s) => s.setKernelView);
  const [H, W, I, O] = shape as [number, number, number, number];
  const index = (label: string, value: number, size: number, change: (v: number) => void) => (
    <label className="index">
      {label}
      <input type="number" min={0} max={size - 1} value={value} data-testid={`view-${label}`} onChange={(e) => change(Number(e.currentTarget.value))} />
      <span className="muted">/ {size}</span>
    </label>
  );
  return (
    <div className="kernel-view">
      <select
        data-testid="view-mode"
        value={kernel.mode}
        onChange={(e) => {
          const mode = e.currentTarget.value as KernelView['mode'];
          setKernelView(mode === 'hw' ? { mode, h: 0, w: 0 } : mode === 'io' ? { mode, i: 0, o: 0 } : { mode: 'flat' });
        }}
      >
        <option value="flat">All filters: (H·W·I) × O</option>
        <option value="hw">One position (h, w): I × O</option>
        <option value="io">One filter (in i, out o): H × W</option>
      </select>
      {kernel.mode === 'hw' && (
        <>
          {index('h', kernel.h, H, (h) => setKernelView({ ...kernel, h }))}
          {index('w', kernel.w, W, (w) => setKernelView({ ...kernel, w }))}
        </>
      )}
      {kernel.mode === 'io' && (
        <>
          {index('i', kernel.i, I, (i) => setKernelView({ ...kernel, i }))}
          {index('o', kernel.o, O, (o) => setKernelView({ ...kernel, o }))}
        </>
      )}
    </div>
  );
}

export function Heatmap({ data, shape }: { data: HeatmapData; shape: number[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scale = Math.max(Math.abs(data.min), Math.abs(data.max)) || 1;
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(data.cols, data.rows);
    for (let i = 0; i < data.values.length; i++) {
      const v = data.values[i]!;
      const [r, g, b] = Number.isNaN(v) ? NAN_COLOR : diverging(v / scale);
      img.data.set([r, g, b, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }, [data, scale]);

  // Cells stretch to the panel's width; the height follows the grid's shape within bounds, a 1-row strip stays visible.
  const height = Math.round(Math.min(MAX_H, Math.max(data.rows === 1 ? 28 : 64, (data.rows / data.cols) * NOMINAL_W)));
  const averaged = data.blockRows > 1 || data.blockCols > 1;
  return (
    <figure className="heatmap">
      {shape.length === 4 && <KernelViewPicker shape={shape} />}
      <div className="heatmap-frame">
        {data.rowLabel && <span className="axis-label rows">{data.rowLabel} ({data.viewRows}) ↓</span>}
        <canvas
          ref={canvas}
          data-testid="heatmap"
          width={data.cols}
          height={data.rows}
          style={{ height }}
          aria-label={`Heatmap of ${data.viewRows} × ${data.viewCols} values`}
        />
      </div>
      <figcaption>
        <div className="legend">
          <span>{formatValue(-scale)}</span>
          <span className="ramp" style={{ background: cssGradient() }} />
          <span>{formatValue(scale)}</span>
        </div>
        <div className="muted small">
          {data.colLabel} ({data.viewCols}) →{averaged ? ` · each cell averages ${data.blockRows} × ${data.blockCols} values` : ''} · white is 0
          {data.values.some(Number.isNaN) ? ' · magenta: no finite value' : ''}
        </div>
      </figcaption>
    </figure>
  );
}
