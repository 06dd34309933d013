/**
 * A TF data file laid out over a copy of the input's: unchanged tensors stay where they are (their index entries keep
 * the old offsets; TF's BundleReader reads each tensor at its entry's offset, whatever the order), a changed tensor is
 * written over its source's old bytes where those are no longer needed and large enough, and the rest is appended.
 * Worth it only while the bytes no entry points at stay few.
 */
import type { ByteSource } from '../../io/byte-source';
import type { PlannedTensor, StoredRange } from '../../io/output';

/** The most of the output's bytes that may be dead (old tensors nothing points at any more). */
export const MAX_DEAD_FRACTION = 0.1;

export interface OverlayLayout {
  /** The input data file the output starts as a copy of, all `size` bytes of it. */
  base: ByteSource;
  size: number;
  /** Tensors that stay where the copy has them: their offset in it. */
  kept: ReadonlyMap<string, number>;
  /** Changed tensors written over old bytes: their offset. The others are appended after `size`. */
  inPlace: ReadonlyMap<string, number>;
  /** Bytes of the output no entry points at, and where: the writer zeroes them, so no dropped weights stay in the file. */
  dead: number;
  deadRanges: readonly { offset: number; length: number }[];
  appended: number;
}

/** Where each planned tensor goes over a copy of the input data file, or undefined where that would leave too many dead bytes. */
export function overlayLayout(planned: readonly PlannedTensor[], maxDead = MAX_DEAD_FRACTION): OverlayLayout | undefined {
  const base = planned.find((t) => t.stored)?.stored?.source;
  if (!base) return undefined;
  const inBase = (r: StoredRange | undefined): r is StoredRange => r !== undefined && r.source === base;
  // Unchanged tensors first, each next to the one before from the start, then only changed ones: written in order the
  // output is the copy, cut where it parts, then what follows (byte for byte what TF wrote, for an identity).
  let prefix = 0;
  for (let next = 0; prefix < planned.length; prefix++) {
    const r = planned[prefix]!.stored;
    if (!inBase(r) || r.offset !== next) break;
    next += r.byteLength;
  }
  if (!planned.slice(prefix).some((t) => inBase(t.stored))) return undefined;
  if (overlapping(planned.flatMap((t) => [t.stored, ...t.sources]).filter(inBase))) return undefined;
  const kept = new Map<string, number>();
  const claimed = new Set<number>();
  const liveRanges: { offset: number; length: number }[] = [];
  let live = 0;
  for (const t of planned) {
    if (!inBase(t.stored)) continue;
    kept.set(t.name, t.stored.offset);
    if (t.stored.byteLength === 0 || claimed.has(t.stored.offset)) continue;
    live += t.stored.byteLength;
    claimed.add(t.stored.offset);
    liveRanges.push({ offset: t.stored.offset, length: t.stored.byteLength });
  }
  const inPlace = new Map<string, number>();
  let appended = 0;
  for (const t of planned) {
    if (kept.has(t.name)) continue;
    const size = t.byteLength;
    const slot = size === undefined ? undefined : t.sources.find((r) => inBase(r) && !claimed.has(r.offset) && r.byteLength >= size);
    if (slot && size !== undefined) {
      inPlace.set(t.name, slot.offset);
      claimed.add(slot.offset);
      live += size;
      liveRanges.push({ offset: slot.offset, length: size });
    } else {
      appended += size ?? 0;
    }
  }
  const dead = base.size - live;
  if (dead > maxDead * (base.size + appended)) return undefined;
  return { base, size: base.size, kept, inPlace, dead, deadRanges: gaps(liveRanges, base.size), appended };
}

/** The parts of [0, size) no range covers (the ranges do not overlap). */
function gaps(ranges: { offset: number; length: number }[], size: number): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  let at = 0;
  for (const r of [...ranges].sort((a, b) => a.offset - b.offset)) {
    if (r.offset > at) out.push({ offset: at, length: r.offset - at });
    at = Math.max(at, r.offset + r.length);
  }
  if (at < size) out.push({ offset: at, length: size - at });
  return out;
}

/** Whether two of the ranges share bytes without being the same range (only a damaged or hand-made index has that). */
function overlapping(ranges: readonly StoredRange[]): boolean {
  const sorted = [...ranges].sort((a, b) => a.offset - b.offset || a.byteLength - b.byteLength);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.offset < a.offset + a.byteLength && !(b.offset === a.offset && b.byteLength === a.byteLength)) return true;
  }
  return false;
}
