import { stat, readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { GraftError } from '../core/errors';
import type { ByteSource } from '../core/io/byte-source';
import { fileSource, folderSources } from './node-source';

export interface ResolvedInput {
  sources: ByteSource[];
  /** The file or prefix the person named, relative to the sources' base, when they named one. */
  wanted?: string;
}

/**
 * Turns what a person types (a folder, a file, or a TF prefix like `model.ckpt`) into the files a drop would
 * give: a folder's tree, or a file with its siblings (shards, state file) from the same folder.
 */
export async function resolveInput(arg: string): Promise<ResolvedInput> {
  const abs = resolve(arg);
  const info = await stat(abs).catch(() => null);
  if (info?.isDirectory()) return { sources: await folderSources(abs) };
  const dir = dirname(abs);
  const name = basename(abs);
  const siblings = await readdir(dir).catch(() => null);
  if (!siblings) throw new GraftError('missing-file', arg, 'no such file or folder');
  const prefixExists = !info && siblings.includes(`${name}.index`);
  if (!info && !prefixExists) {
    throw new GraftError('missing-file', arg, `no such file or folder, and no ${name}.index beside it to read it as a checkpoint prefix`);
  }
  const sources: ByteSource[] = [];
  for (const sibling of siblings) {
    const s = await stat(resolve(dir, sibling));
    if (s.isFile()) sources.push(await fileSource(resolve(dir, sibling), sibling));
  }
  return { sources, wanted: name };
}
