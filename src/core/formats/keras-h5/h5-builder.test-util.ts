import h5wasm from 'h5wasm';

/** Writes an HDF5 file with h5wasm's writer (into its in-memory FS) and returns its bytes. */
export async function h5(build: (f: InstanceType<typeof h5wasm.File>) => void): Promise<Uint8Array> {
  const { FS } = (await h5wasm.ready) as unknown as { FS: { readFile(p: string): Uint8Array; unlink(p: string): void } };
  const name = `/build-${Math.random().toString(36).slice(2)}.h5`;
  const f = new h5wasm.File(name, 'w');
  build(f);
  f.close();
  const bytes = FS.readFile(name);
  FS.unlink(name);
  return bytes;
}
