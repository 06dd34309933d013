/** The legend's part for the tree: the diff column's marks and the keyboard keys. */
export function TreeLegend() {
  return (
    <>
      <span className="legend-item" data-testid="legend-diff">
        diff:
        <span className="diff-mark diff-same">same</span>
        <span className="diff-mark diff-renamed">renamed</span>
        <span className="diff-mark diff-widened">16→32</span>
        <span className="diff-mark diff-inserted">new</span>
        <span className="diff-mark diff-removed">removed</span>
        <span className="diff-mark diff-incompatible">does not fit</span>
        <span className="muted">(dashed: proposed)</span>
      </span>
      <details className="legend-item legend-keys" data-testid="legend-keys">
        <summary>⌨ keys</summary>
        <span>
          click the canvas or Tab to it, then <kbd>↑</kbd>
          <kbd>↓</kbd> move · <kbd>←</kbd>
          <kbd>→</kbd> fold · <kbd>Tab</kbd> other side · <kbd>Enter</kbd> open / link · <kbd>L</kbd> link from old · <kbd>A</kbd> accept · <kbd>Del</kbd> unlink ·{' '}
          <kbd>Esc</kbd> cancel
        </span>
      </details>
    </>
  );
}
