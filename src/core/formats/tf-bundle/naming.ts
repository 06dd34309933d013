/** File names of a bundle (tensorflow/core/util/tensor_bundle/naming.cc). */

export function indexFileName(prefix: string): string {
  return `${prefix}.index`;
}

/** `PREFIX.data-%05d-of-%05d` */
export function dataFileName(prefix: string, shardId: number, numShards: number): string {
  return `${prefix}.data-${String(shardId).padStart(5, '0')}-of-${String(numShards).padStart(5, '0')}`;
}

const DATA_RE = /^(.*)\.data-(\d{5,})-of-(\d{5,})$/;

export function parseDataFileName(path: string): { prefix: string; shardId: number; numShards: number } | null {
  const m = DATA_RE.exec(path);
  if (!m) return null;
  return { prefix: m[1]!, shardId: Number(m[2]), numShards: Number(m[3]) };
}
