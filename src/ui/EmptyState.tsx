import { useGraft } from '../state/store';

export function EmptyState() {
  const status = useGraft((s) => s.status);
  return (
    <main className="empty" data-testid="drop-zone">
      <div className="empty-box">
        <h2>{status === 'opening' ? 'Opening…' : 'Drop a TensorFlow checkpoint here'}</h2>
        <p>
          The <code>.index</code> file together with its <code>.data-00000-of-0000N</code> shards, or the whole folder — a
          training folder with a <code>checkpoint</code> file, or a SavedModel’s <code>variables/</code>.
        </p>
        <p className="muted">Files are read in this tab, by byte range; nothing is uploaded.</p>
      </div>
    </main>
  );
}
