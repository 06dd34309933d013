/**
 * The worker's export calls, with the export code (writers, zip, TF.js backend choice) loaded on the first export:
 * the worker starts as small as before, and opening files never waits for export code.
 */
import type { ExportMethods } from './export';
import type { OpenedSlot } from './slots';
import type { SlotId } from './protocol';

export function lazyExportMethods(slots: () => Record<SlotId, OpenedSlot | null>): ExportMethods {
  let methods: Promise<ExportMethods> | null = null;
  const load = () => (methods ??= import('./export').then((m) => m.exportMethods(slots)));
  return {
    runExport: async (req, onProgress) => (await load()).runExport(req, onProgress),
    cancelExport: async () => (await load()).cancelExport(),
    checkExport: async () => (await load()).checkExport(),
  };
}
