/**
 * Large sequential reads of a dropped file served from large windows. Each Blob read is a round trip through the
 * browser process with a large fixed cost (measured in a worker on a 1.28 GB file: 4 MiB reads 19 MiB/s, 16 MiB
 * 40–45 MiB/s, 128 MiB 51–81 MiB/s, and two reads in flight faster than one), while an export reads ~400 tensors of
 * 4–16 MiB one after another. Once reads run on in file order, the file is read in windows of `windowBytes`, the
 * next window already being read while this one is served, and each tensor is handed a view of its window.
 *
 * A view is a view of the window's own buffer, which `blobOrigin` knows as that window's Blob range: an unchanged
 * tensor still goes to the output as a reference to the input file. A transform may use what it was handed as
 * scratch, so a range is handed out of a window at most once; asked again, it is read from the file. A range across
 * a window's edge is a copy from the two, marked as their two Blob ranges (`markBlobOrigin`).
 *
 * Not used by worker.ts: in the page it measured slower than one read per tensor (BERT-large zip download 29–30 s
 * vs 20–23 s, peak +457 vs +226 MiB above idle, on a machine at load 5–7), though Node read the file in 42 reads
 * instead of 305. Wire it again only with a measurement that shows otherwise.
 */
import { GraftError, isGraftError } from '../core/errors';
import { blobOrigin, checkRange, markBlobOrigin, type ByteSource } from '../core/io/byte-source';

export interface WindowOptions {
  /** Bytes per window (default 32 MiB). */
  windowBytes?: number;
  /** Reads smaller than this are copied from a window that holds them, else read from the file (default 256 KiB). */
  minReadBytes?: number;
  /** Windows kept by the reader at once, the one being served and those read ahead (default 2). */
  maxWindows?: number;
  /** Sequential reads (each starting where the last ended, or at most this far after it) before windows start (default 2). */
  streak?: number;
  /** Windows are let go after this long without a read (default 3 s). */
  idleMs?: number;
}

export const WINDOW_BYTES = 32 << 20;
/** Gaps this small between consecutive reads still count as reading on (alignment padding, a skipped small tensor). */
const GAP_BYTES = 1 << 20;

interface Window {
  start: number;
  end: number;
  bytes: Promise<Uint8Array>;
  /** Ranges already handed out, [start, end) in file offsets. */
  handed: [number, number][];
}

/** A failed read of the file, with its name, whatever the browser threw. */
function readFailed(path: string, e: unknown): GraftError {
  if (isGraftError(e)) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new GraftError('missing-file', path, `could not be read (${why}) — it may have been moved, changed or deleted since it was dropped; drop it again`, { cause: e });
}

/** `source` with its large sequential reads answered from windows read ahead; other reads go to it unchanged. */
export function windowedSource(source: ByteSource, options: WindowOptions = {}): ByteSource {
  const windowBytes = options.windowBytes ?? WINDOW_BYTES;
  const minRead = options.minReadBytes ?? 256 << 10;
  const maxWindows = Math.max(1, options.maxWindows ?? 2);
  const streakNeeded = options.streak ?? 2;
  const idleMs = options.idleMs ?? 3000;
  const windows: Window[] = [];
  let lastEnd = -1;
  let streak = 0;

  const direct = (offset: number, length: number, into?: Uint8Array) => source.read(offset, length, into).catch((e: unknown) => Promise.reject(readFailed(source.path, e)));

  const open = (start: number): Window => {
    const end = Math.min(source.size, start + windowBytes);
    const bytes = direct(start, end - start);
    const w: Window = { start, end, bytes, handed: [] };
    // Raised when a read is served from it; a failed window is dropped so that the next read tries the file again.
    bytes.catch(() => {
      const i = windows.indexOf(w);
      if (i >= 0) windows.splice(i, 1);
    });
    windows.push(w);
    while (windows.length > maxWindows) windows.shift();
    return w;
  };

  /** The window at `start`, and the one after it being read. */
  const windowAt = (start: number): Window => {
    const w = windows.find((x) => x.start === start) ?? open(start);
    // Windows wholly before this one are done with: reads run on.
    for (let i = windows.length - 1; i >= 0; i--) if (windows[i]!.end <= w.start) windows.splice(i, 1);
    if (w.end < source.size && !windows.some((x) => x.start === w.end)) open(w.end);
    return w;
  };

  const servable = (w: Window, offset: number, end: number) => w.start <= offset && end <= w.end && !w.handed.some(([s, e]) => s < end && offset < e);

  const loaded = async (w: Window): Promise<Uint8Array> => {
    const bytes = await w.bytes;
    if (bytes.byteLength !== w.end - w.start) throw new GraftError('truncated', source.path, `expected ${w.end - w.start} bytes at offset ${w.start} but read ${bytes.byteLength} — the file changed since it was dropped`);
    return bytes;
  };

  const serve = async (w: Window, offset: number, end: number): Promise<Uint8Array> => {
    w.handed.push([offset, end]);
    return (await loaded(w)).subarray(offset - w.start, end - w.start);
  };

  const across = async (first: Window, second: Window, offset: number, end: number): Promise<Uint8Array> => {
    windowAt(second.start);
    const [a, b] = [(await loaded(first)).subarray(offset - first.start), (await loaded(second)).subarray(0, end - second.start)];
    const bytes = new Uint8Array(end - offset);
    bytes.set(a);
    bytes.set(b, a.byteLength);
    const [fromA, fromB] = [blobOrigin(a), blobOrigin(b)];
    if (fromA && fromB) markBlobOrigin(bytes, new Blob([fromA, fromB]));
    return bytes;
  };

  // Windows go once reads stop (the export ended, or moved to another file): they would otherwise stay as long as
  // the checkpoint stays open.
  let idle: ReturnType<typeof setTimeout> | undefined;
  const touch = () => {
    if (idle !== undefined) clearTimeout(idle);
    idle = windows.length === 0 ? undefined : setTimeout(() => windows.splice(0), idleMs);
  };

  return {
    ...source,
    pieceBytes: Math.min(source.pieceBytes ?? windowBytes, windowBytes),
    async read(offset, length, into) {
      checkRange(source, offset, length);
      try {
        return await windowedRead(offset, length, into);
      } finally {
        touch();
      }
    },
  };

  async function windowedRead(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    const end = offset + length;
    if (length < minRead) {
      // Small reads (a bias, the read cache's block around it) between the large ones: a copy from a window that
      // holds them, which saves a round trip each and leaves the window's ranges to the large reads.
      const w = windows.find((x) => x.start <= offset && end <= x.end);
      return w ? (await loaded(w)).slice(offset - w.start, end - w.start) : direct(offset, length, into);
    }
    const onward = lastEnd >= 0 && offset >= lastEnd && offset - lastEnd <= GAP_BYTES;
    streak = onward ? streak + 1 : 0;
    lastEnd = end;
    if (length > windowBytes) return direct(offset, length, into);
    const held = windows.find((w) => servable(w, offset, end));
    if (held) return serve(windowAt(held.start), offset, end);
    // A range across a window's edge into the next one: copied from both (reading it again cost a third more
    // bytes read in all), its Blob origin the two windows' ranges, so that it still goes out as a reference.
    const first = windows.find((w) => w.start <= offset && offset < w.end && w.end < end && servable(w, offset, w.end));
    const second = first && windows.find((w) => w.start === first.end && servable(w, w.start, end));
    if (first && second) return across(first, second, offset, end);
    // Any other range crossing into a window held or being read is read on its own: starting a window there would
    // read the next one's bytes again.
    const crossing = windows.some((w) => w.start < end && offset < w.end);
    if (streak < streakNeeded || crossing) return direct(offset, length, into);
    return serve(windowAt(offset), offset, end);
  }
}
