/**
 * Read buffers for the engine, handed back once the tensor read into them is written. In Node every fresh large
 * buffer costs a page fault per 4 KiB the first time it is filled (seconds of system time per GB); a reused one is
 * already mapped. Readers take a buffer only as a hint (`Checkpoint.read(name, into)`): one that ignores it (a
 * Blob in the page) leaves it untouched, which costs no memory beyond its address range.
 */
export class BufferPool {
  private readonly idle: ArrayBuffer[] = [];

  /**
   * @param minSize smaller reads are not pooled: fresh small buffers are cheap.
   * @param keep idle buffers kept (the most recently given back); more are left to the garbage collector.
   */
  constructor(
    private readonly minSize = 256 * 1024,
    private readonly keep = 3,
  ) {}

  /** A buffer of `size` bytes (contents undefined), or undefined for a size not worth pooling. */
  take(size: number): Uint8Array | undefined {
    if (size < this.minSize) return undefined;
    // The smallest idle buffer that fits, unless it is more than twice the size (kept for larger reads).
    let best = -1;
    this.idle.forEach((b, i) => {
      if (b.byteLength >= size && b.byteLength <= 2 * size && (best < 0 || b.byteLength < this.idle[best]!.byteLength)) best = i;
    });
    const buffer = best >= 0 ? this.idle.splice(best, 1)[0]! : new ArrayBuffer(size);
    return new Uint8Array(buffer, 0, size);
  }

  /** Gives back buffers from `take`; the caller must hold no view of them any more. */
  give(buffers: readonly (Uint8Array | undefined)[]): void {
    for (const b of buffers) {
      if (!b) continue;
      this.idle.push(b.buffer as ArrayBuffer);
      if (this.idle.length > this.keep) this.idle.shift();
    }
  }
}
