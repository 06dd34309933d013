import { memo, useMemo, useRef, useState, useLayoutEffect } from 'react';
import type { TensorInfo } from '../core/model/checkpoint';
import { useGraft } from '../state/store';
import { formatShape, humanBytes, humanCount } from '../core/format';
import { KIND_LABEL, KINDS, type TableItem, tableItems, totals } from './table-model';

const ROW_HEIGHT = 36;
/** Below this many rows everything is rendered; above it only the rows in view (5,000 variables stay smooth). */
const WINDOW_FROM = 400;
const OVERSCAN = 12;

function Totals({ tensors, filter }: { tensors: TensorInfo[]; filter: string }) {
  const t = useMemo(() => totals(tensors, filter), [tensors, filter]);
  return (
    <div className="totals" data-testid="totals">
      <span>
        <b>{t.variables.toLocaleString('en-US')}</b> variables · <b>{humanCount(t.parameters)}</b> values · <b>{humanBytes(t.bytes)}</b>
      </span>
      {KINDS.filter((k) => t.byKind[k].variables > 0).map((k) => (
        <span key={k} className={`kind-total kind-${k}`} data-testid={`totals-${k}`}>
          {KIND_LABEL[k]}: {t.byKind[k].variables} · {humanCount(t.byKind[k].parameters)} {t.byKind[k].parameters === 1 ? 'value' : 'values'} · {humanBytes(t.byKind[k].bytes)}
        </span>
      ))}
      {filter.trim() && <span className="muted" data-testid="shown">{t.shown} match the filter</span>}
    </div>
  );
}

const VariableRow = memo(function VariableRow({ tensor, selected, group }: { tensor: TensorInfo; selected: boolean; group: string }) {
  const select = useGraft((s) => s.select);
  const readable = [tensor.path, tensor.originalName].filter((s, i, all): s is string => !!s && s !== tensor.name && all.indexOf(s) === i);
  const prefix = group && tensor.name.startsWith(`${group}/`) ? `${group}/` : '';
  return (
    <div
      className={`row variable${selected ? ' selected' : ''}`}
      role="row"
      aria-selected={selected}
      tabIndex={0}
      data-testid="variable-row"
      data-name={tensor.name}
      onClick={() => select(tensor.name)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          select(tensor.name);
        }
      }}
    >
      <div className="cell name" title={tensor.name}>
        <span className="mono">
          {prefix && <span className="prefix">{prefix}</span>}
          {tensor.name.slice(prefix.length)}
        </span>
        {readable.length > 0 && <span className="readable">{readable.join(' · ')}</span>}
      </div>
      <div className="cell dtype mono">{tensor.dtype}</div>
      <div className="cell shape mono">{formatShape(tensor.shape)}</div>
      <div className="cell size">{humanBytes(tensor.byteLength)}</div>
    </div>
  );
});

function Item({ item, selected }: { item: TableItem; selected: string | null }) {
  const toggleGroup = useGraft((s) => s.toggleGroup);
  if (item.type === 'section') {
    return (
      <div className={`row section kind-${item.kind}`} data-testid={`section-${item.kind}`}>
        <span>{KIND_LABEL[item.kind]}</span>
        <span className="muted">
          {item.count} · {humanBytes(item.bytes)}
        </span>
      </div>
    );
  }
  if (item.type === 'group') {
    return (
      <button
        type="button"
        className="row group"
        data-testid={`group-${item.group}`}
        data-kind={item.kind}
        aria-expanded={!item.collapsed}
        onClick={() => toggleGroup(item.key)}
      >
        <span className="chevron">{item.collapsed ? '▸' : '▾'}</span>
        <span className="mono">{item.group || '(top level)'}</span>
        <span className="muted">
          {item.count} · {humanBytes(item.bytes)}
        </span>
      </button>
    );
  }
  return <VariableRow tensor={item.tensor} selected={item.tensor.name === selected} group={item.tensor.group} />;
}

function useScrollWindow(count: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState({ top: 0, height: 800 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setRange({ top: el.scrollTop, height: el.clientHeight });
    update();
    el.addEventListener('scroll', update, { passive: true });
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      ro.disconnect();
    };
  }, []);
  if (count <= WINDOW_FROM) return { ref, start: 0, end: count };
  const start = Math.max(0, Math.floor(range.top / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(count, Math.ceil((range.top + range.height) / ROW_HEIGHT) + OVERSCAN);
  return { ref, start, end };
}

export function VariableTable() {
  const tensors = useGraft((s) => s.checkpoint?.tensors);
  const filter = useGraft((s) => s.filter);
  const setFilter = useGraft((s) => s.setFilter);
  const collapsed = useGraft((s) => s.collapsed);
  const selected = useGraft((s) => s.selected);
  const list = tensors ?? [];
  const items = useMemo(() => tableItems(list, filter, collapsed), [list, filter, collapsed]);
  const { ref, start, end } = useScrollWindow(items.length);
  const windowed = items.length > WINDOW_FROM;

  return (
    <section className="variables" aria-label="Variables">
      <div className="variables-top">
        <input
          type="search"
          className="filter"
          data-testid="filter"
          placeholder="Filter by name, path or original name"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
        />
        <Totals tensors={list} filter={filter} />
      </div>
      <div className="row head" role="row">
        <div className="cell name">Name</div>
        <div className="cell dtype">dtype</div>
        <div className="cell shape">shape</div>
        <div className="cell size">size</div>
      </div>
      <div className="rows" ref={ref} role="grid" data-testid="variable-list">
        {items.length === 0 && <div className="no-match">No variable matches “{filter}”.</div>}
        {windowed && <div style={{ height: start * ROW_HEIGHT }} />}
        {items.slice(start, end).map((item) => (
          <Item key={item.type === 'variable' ? `v:${item.tensor.name}` : item.type === 'group' ? `g:${item.key}` : `s:${item.kind}`} item={item} selected={selected} />
        ))}
        {windowed && <div style={{ height: (items.length - end) * ROW_HEIGHT }} />}
      </div>
    </section>
  );
}
