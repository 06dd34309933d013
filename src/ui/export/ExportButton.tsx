/** The Export button of the work bar, and the export dialog it opens. */
import { useGraft } from '../../state/store';
import { ExportPanel } from './ExportPanel';

export function ExportButton() {
  const open = useGraft((s) => s.exporting.open);
  const setOpen = useGraft((s) => s.setExportOpen);
  const ready = useGraft((s) => s.recipe !== null && s.slots.old.data !== null && s.slots.new.data !== null);
  return (
    <>
      <button
        type="button"
        className="button small primary export-open"
        data-testid="export-open"
        disabled={!ready}
        title="Write the merged checkpoint (TF, TF.js, Keras or safetensors) in your browser"
        onClick={() => setOpen(true)}
      >
        Export…
      </button>
      {open && <ExportPanel />}
    </>
  );
}
