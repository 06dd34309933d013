/**
 * Read buffers for the engine, handed back once the tensor read into them is written. In Node every fresh large
 * buffer costs a page fault per 4 KiB the first time it is filled (seconds of system time per GB); a reused one is
 * already mapped. Readers take a buffer only as a hint (`Checkpoint.read(name, into)`): one that ignores it (a
 * Blob in the page) leaves it untouched, which costs no memory beyond its address range.
 */
export class BufferPool {
  private readonly idle: ArrayBuffer[] = [];
  private idleBytes = 0;

  /**
   * @param minSize smaller reads are not pooled: fresh small buffers are cheap.
   * @param keepBytes idle buffers kept, in bytes (the most recently given back); older ones are left to the garbage
   *   collector. Enough for what a read-ahead holds, so that an export's reads reuse buffers instead of faulting
   *   fresh ones in (a count of 3 let ~400 MB of fresh buffers through for a 1.3 GB checkpoint).
   */
  constructor(
    private readonly minSize = 256 * 1024,
    private readonly keepBytes = 128 * 1024 * 1024,
  ) {}

  /** A buffer of `size` bytes (contents undefined), or undefined for a size not worth pooling. */
  take(size: number): Uint8Array | undefined {
    if (size < this.minSize) return undefined;
    // The smallest idle buffer that fits, unless it is more than twice the size (kept for larger reads).
    let best = -1;
    this.idle.forEach((b, i) => {
      if (b.byteLength >= size && b.byteLength <= 2 * size && (best < 0 || b.byteLength < this.idle[best]!.byteLength)) best = i;
    });
    if (best < 0) return new Uint8Array(size);
    const buffer = this.idle.splice(best, 1)[0]!;
    this.idleBytes -= buffer.byteLength;
    return new Uint8Array(buffer, 0, size);
  }

  /** Gives back buffers from `take`; the caller must hold no view of them any more. */
  give(buffers: readonly (Uint8Array | undefined)[]): void {
    for (const b of buffers) {
      if (!b) continue;
      this.idle.push(b.buffer as ArrayBuffer);
      this.idleBytes += b.buffer.byteLength;
      while (this.idleBytes > this.keepBytes) this.idleBytes -= this.idle.shift()!.byteLength;
    }
  }
}

/**
 * For reads one after another where each result is used before the next read: one buffer, grown to the largest size
 * asked for, instead of a fresh one per read (same page-fault cost as above). Sizes under `minSize` get undefined.
 */
export function reusedBuffer(minSize = 0): (size: number) => Uint8Array | undefined {
  let buffer = new Uint8Array(0);
  return (size) => {
    if (size < minSize) return undefined;
    if (buffer.byteLength < size) buffer = new Uint8Array(size);
    return buffer;
  };
}
