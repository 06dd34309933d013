/**
 * The Keras 3 `.keras` archive: a zip of `config.json` (the model), `metadata.json` and `model.weights.h5`.
 * The weights member is usually stored uncompressed: it is then read by range inside the zip, never copied;
 * a deflated one is inflated once into memory.
 */
import { GraftError } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { listSome } from '../../io/untrusted';
import { checkMethod, entryDataOffset, readEntry, readZipDirectory, type ZipEntry } from '../../io/zip';
import { openKerasH5, type KerasH5Checkpoint } from './read';

export const KERAS_WEIGHTS_MEMBER = 'model.weights.h5';
const MAX_CONFIG_BYTES = 64 << 20;

/** A ByteSource over `length` bytes of `parent` from `start`. */
export function subSource(parent: ByteSource, path: string, start: number, length: number): ByteSource {
  const check = (offset: number, n: number) => {
    if (offset < 0 || n < 0 || offset + n > length) {
      throw new GraftError('truncated', path, `expected ${n} bytes at offset ${offset} but the member is only ${length} bytes long`);
    }
  };
  const source: ByteSource = {
    path,
    size: length,
    read(offset, n) {
      check(offset, n);
      return parent.read(start + offset, n);
    },
  };
  if (parent.readSync) {
    const readSync = parent.readSync.bind(parent);
    source.readSync = (offset, n) => {
      check(offset, n);
      return readSync(start + offset, n);
    };
  }
  return source;
}

export async function kerasZipMembers(source: ByteSource): Promise<ZipEntry[]> {
  return readZipDirectory(source);
}

export async function openKerasZip(source: ByteSource): Promise<KerasH5Checkpoint> {
  const entries = await readZipDirectory(source);
  const weights = entries.find((e) => e.name === KERAS_WEIGHTS_MEMBER);
  if (!weights) {
    const npz = entries.some((e) => e.name === 'model.weights.npz');
    throw new GraftError(
      npz ? 'unsupported' : 'corrupt',
      source.path,
      npz ? 'this .keras archive keeps its weights in model.weights.npz; Graft reads .keras archives with model.weights.h5' : `a .keras archive holds ${KERAS_WEIGHTS_MEMBER}, this one holds ${listSome(entries.map((e) => e.name)) || 'nothing'}`,
    );
  }
  const memberPath = `${source.path}/${KERAS_WEIGHTS_MEMBER}`;
  let h5: ByteSource;
  checkMethod(source, weights);
  if (weights.method === 0) h5 = subSource(source, memberPath, await entryDataOffset(source, weights), weights.size);
  else h5 = memorySource(memberPath, await readEntry(source, weights));
  const checkpoint = await openKerasH5(h5, source.path);
  checkpoint.format = 'keras';
  checkpoint.files = [source.path];
  const config = entries.find((e) => e.name === 'config.json');
  if (config && config.size <= MAX_CONFIG_BYTES) checkpoint.modelConfig = new TextDecoder().decode(await readEntry(source, config));
  return checkpoint;
}
