/** The canvas's viewport: its first view, kept when the second side joins unless the person moved it; reveal; fit. */
import { type RefObject, useCallback, useLayoutEffect, useRef } from 'react';
import type { ReactFlowInstance } from '@xyflow/react';
import { COLUMN_GAP, NODE_WIDTH } from './layout';

/** At most this many results a side are fitted into view. */
const FIT_MOST = 12;

/** Both columns in view, across the canvas's width, from the top. */
function startView(rf: ReactFlowInstance): void {
  const el = document.querySelector('.canvas-flow');
  const width = el?.clientWidth ?? 1000;
  const total = NODE_WIDTH * 2 + COLUMN_GAP;
  const zoom = Math.min(1, Math.max(0.3, (width - 60) / total));
  void rf.setViewport({ x: (width - total * zoom) / 2, y: 16, zoom });
}

interface Placed {
  position: { x: number; y: number };
  width: number;
  height: number;
}

/** `joins`: how many times a side has joined the side drawn first (flow-key.ts). */
export function useCanvasView(placedAt: ReadonlyMap<string, Placed>, joins: number, wrapRef: RefObject<HTMLDivElement | null>) {
  const rfRef = useRef<ReactFlowInstance | null>(null);
  /** Pans (at the same zoom) so the keyboard cursor's row is in view. */
  const reveal = useCallback(
    (id: string) => {
      const rf = rfRef.current;
      const p = placedAt.get(id);
      const el = wrapRef.current?.querySelector('.canvas-flow');
      if (!rf || !p || !el) return;
      const { x, y, zoom } = rf.getViewport();
      const sx = p.position.x * zoom + x;
      const sy = p.position.y * zoom + y;
      if (sx >= 0 && sy >= 0 && sx + p.width * zoom <= el.clientWidth && sy + p.height * zoom <= el.clientHeight) return;
      void rf.setCenter(p.position.x + p.width / 2, p.position.y + p.height / 2, { zoom: Math.max(zoom, 0.5) });
    },
    [placedAt],
  );
  // Set once the person pans or zooms (a programmatic move has no event): their view is then kept.
  const movedRef = useRef(false);
  const onMoveStart = useCallback((event: unknown) => {
    if (event) movedRef.current = true;
  }, []);
  const onInit = useCallback((rf: ReactFlowInstance) => {
    rfRef.current = rf;
    movedRef.current = false;
    startView(rf);
  }, []);
  // The side that joins comes with the work bar and the inspector's column, which narrow the canvas: its first view
  // is fitted again to the width the pair is drawn at, unless the person has moved it meanwhile.
  useLayoutEffect(() => {
    if (joins > 0 && rfRef.current && !movedRef.current) startView(rfRef.current);
  }, [joins]);

  // Fits the first results (top down, each side): thousands fitted at once would be too small to read (and to draw).
  const fitTo = useCallback(
    (ids: string[]) => {
      const rf = rfRef.current;
      const y = (id: string) => placedAt.get(id)?.position.y ?? Infinity;
      const first = (side: string) => ids.filter((id) => id.startsWith(side)).sort((a, b) => y(a) - y(b)).slice(0, FIT_MOST);
      const nodes = [...first('old'), ...first('new')].map((id) => ({ id }));
      if (rf && nodes.length > 0) void rf.fitView({ nodes, padding: 0.15, maxZoom: 1, duration: 0 });
    },
    [placedAt],
  );
  return { onInit, onMoveStart, reveal, fitTo };
}
