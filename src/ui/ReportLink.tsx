/** The missing / unexpected / mismatched report (`graft match --report`'s Markdown) as a download, built on click. */
import { useGraft } from '../state/store';
import { reportMarkdown } from '../state/triage';

export function ReportLink() {
  const ready = useGraft((s) => s.recipe !== null);
  return (
    <a
      className="button small"
      data-testid="export-report"
      download="graft-report.md"
      href="#"
      aria-disabled={!ready}
      title="The report load_state_dict(strict=False) gives: findings, missing, unexpected and mismatched variables, as Markdown"
      onClick={(e) => {
        const text = reportMarkdown(useGraft.getState());
        if (!text) return e.preventDefault();
        const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
        e.currentTarget.href = url;
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }}
    >
      Report (Markdown)
    </a>
  );
}
