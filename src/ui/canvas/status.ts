/** Status colours and words, shared by the canvas, its legend, the summary bar and the inspector. */
import type { EdgeStatus, NodeStatus } from './layout';

export const STATUS_COLOR: Record<NodeStatus | EdgeStatus, string> = {
  exact: '#16a34a',
  transformed: '#2563eb',
  pending: '#d97706',
  incompatible: '#dc2626',
  initialised: '#94a3b8',
  used: '#7c3aed',
  unused: '#9ca3af',
  excluded: '#cbd5e1',
};

export const STATUS_LABEL: Record<NodeStatus | EdgeStatus, string> = {
  exact: 'exact copy',
  transformed: 'transformed',
  pending: 'proposed — accept?',
  incompatible: 'does not fit',
  initialised: 'initialised (no link)',
  used: 'used',
  unused: 'unused',
  excluded: 'left out (optimizer / bookkeeping)',
};
