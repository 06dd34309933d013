import { useGraft } from '../state/store';

/** The last failure (as its GraftError sentence) and the loaded checkpoint's warnings. */
export function Messages() {
  const error = useGraft((s) => s.error);
  const warnings = useGraft((s) => s.checkpoint?.warnings);
  const dismiss = useGraft((s) => s.dismissError);
  if (!error && !warnings?.length) return null;
  return (
    <div className="messages">
      {error && (
        <div className="message error" role="alert" data-testid="error">
          {error.file && <strong>Could not open these files. </strong>}
          <span data-testid="error-message">{error.message}</span>
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </div>
      )}
      {warnings?.map((w) => (
        <div key={w} className="message warning" data-testid="warning">
          {w}
        </div>
      ))}
    </div>
  );
}
