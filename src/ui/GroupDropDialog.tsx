/** An old group dropped on a new group: the links core proposes, shown before they are made (one undo step). */
import { useGraft } from '../state/store';

export function GroupDropDialog() {
  const drop = useGraft((s) => s.groupDrop);
  const commit = useGraft((s) => s.commitGroupDrop);
  const cancel = useGraft((s) => s.cancelGroupDrop);
  if (!drop) return null;
  return (
    <div className="dialog-backdrop" role="presentation" onClick={cancel}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label="Link two groups" data-testid="group-drop" onClick={(e) => e.stopPropagation()}>
        <h2>
          Link <span className="mono">{drop.oldGroup || '(top level)'}</span> → <span className="mono">{drop.newGroup || '(top level)'}</span>
        </h2>
        {drop.links.length === 0 ? (
          <p className="muted">No variables of these groups can be paired: their names and shapes do not fit.</p>
        ) : (
          <ul className="group-links" data-testid="group-drop-links">
            {drop.links.map((l) => (
              <li key={l.to}>
                <span className="mono">{l.from.join(' + ')}</span> → <span className="mono">{l.to}</span>
                <span className="muted small"> {l.transforms.length ? l.transforms.map((t) => t.op).join(' → ') : 'exact'} · {l.reason}</span>
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button type="button" className="button" onClick={cancel}>
            Cancel
          </button>
          <button type="button" className="button primary" data-testid="group-drop-commit" disabled={drop.links.length === 0} onClick={commit}>
            Make {drop.links.length} link{drop.links.length === 1 ? '' : 's'}
          </button>
        </div>
      </div>
    </div>
  );
}

