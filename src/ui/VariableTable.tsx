import { useMemo, useRef, useState, useLayoutEffect } from 'react';
import type { SlotId, VariableData } from '../worker/client';
import { useGraft } from '../state/store';
import { groupDigits, humanBytes, humanCount } from '../core/display';
import { KIND_LABEL, KINDS, type TableItemOf, tableItems, totals } from './table-model';
import { VariableRow } from './VariableRow';

const ROW_HEIGHT = 36;
/** Below this many rows everything is rendered; above it only the rows in view (5,000 variables stay smooth). */
const WINDOW_FROM = 400;
const OVERSCAN = 12;
const NO_VARIABLES: VariableData[] = [];

function Totals({ variables, filter }: { variables: VariableData[]; filter: string }) {
  const t = useMemo(() => totals(variables, filter), [variables, filter]);
  return (
    <div className="totals" data-testid="totals">
      <span>
        <b>{groupDigits(t.variables)}</b> variables · <b>{humanCount(t.parameters)}</b> values · <b>{humanBytes(t.bytes)}</b>
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

function Item({ slot, item, selected }: { slot: SlotId; item: TableItemOf<VariableData>; selected: string | null }) {
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
        onClick={() => toggleGroup(slot, item.key)}
      >
        <span className="chevron">{item.collapsed ? '▸' : '▾'}</span>
        <span className="mono">{item.group || '(top level)'}</span>
        <span className="muted">
          {item.count} · {humanBytes(item.bytes)}
        </span>
      </button>
    );
  }
  return <VariableRow slot={slot} variable={item.tensor} selected={item.tensor.name === selected} />;
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

const itemKey = (item: TableItemOf<VariableData>) =>
  item.type === 'variable' ? `v:${item.tensor.name}` : item.type === 'group' ? `g:${item.key}` : `s:${item.kind}`;

/** One slot's variables: sections by kind, groups by scope, a filter and totals. */
export function VariableTable({ slot }: { slot: SlotId }) {
  const variables = useGraft((s) => s.slots[slot].data?.variables) ?? NO_VARIABLES;
  const { filter, collapsed } = useGraft((s) => s.lists[slot]);
  const setFilter = useGraft((s) => s.setFilter);
  const selected = useGraft((s) => (s.selected?.slot === slot ? s.selected.name : null));
  const format = useGraft((s) => (s.slots[slot].data?.kind === 'checkpoint' || s.slots[slot].data?.kind === 'template' ? s.slots[slot].data?.format : s.slots[slot].data?.kind)) ?? '';
  const items = useMemo(() => tableItems(variables, filter, collapsed, format), [variables, filter, collapsed, format]);
  const { ref, start, end } = useScrollWindow(items.length);
  const windowed = items.length > WINDOW_FROM;

  return (
    <section className={`variables list-${slot}`} aria-label={slot === 'old' ? 'Old checkpoint variables' : 'New model variables'} data-testid={`list-${slot}`}>
      <div className="variables-top">
        <input
          type="search"
          className="filter"
          data-testid="filter"
          placeholder={slot === 'new' ? 'Filter by name, layer class or Keras key' : 'Filter by name, path or original name'}
          value={filter}
          onChange={(e) => setFilter(slot, e.currentTarget.value)}
        />
        <Totals variables={variables} filter={filter} />
      </div>
      <div className="row head" role="row">
        <div className="cell name">{slot === 'new' ? 'Name · layer class · initializer' : 'Name'}</div>
        <div className="cell dtype">dtype</div>
        <div className="cell shape">shape</div>
        <div className="cell size">size</div>
      </div>
      <div className="rows" ref={ref} role="grid" data-testid="variable-list">
        {items.length === 0 && <div className="no-match">No variable matches “{filter}”.</div>}
        {windowed && <div style={{ height: start * ROW_HEIGHT }} />}
        {items.slice(start, end).map((item) => (
          <Item key={itemKey(item)} slot={slot} item={item} selected={selected} />
        ))}
        {windowed && <div style={{ height: (items.length - end) * ROW_HEIGHT }} />}
      </div>
    </section>
  );
}
