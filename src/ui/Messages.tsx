import { useGraft } from '../state/store';

/** Page-level news: a drop being sorted, and files that fit in neither slot. Slot errors live in their slot card. */
export function Messages() {
  const error = useGraft((s) => s.dropError);
  const routing = useGraft((s) => s.routing);
  const dismiss = useGraft((s) => s.dismissError);
  if (!error && !routing) return null;
  return (
    <div className="messages">
      {routing && (
        <span className="busy" data-testid="routing">
          Looking at the dropped files…
        </span>
      )}
      {error && (
        <div className="message error" role="alert" data-testid="drop-error">
          <strong>These files fit in neither slot. </strong>
          <span data-testid="error-message">{error.message}</span>
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={() => dismiss('drop')}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
