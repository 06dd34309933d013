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

/** The `checkpoint` state file beside `prefix` (checkpoint_management.py: `CheckpointState` in text format). */
export function checkpointStateFileName(prefix: string): string {
  return `${prefix.slice(0, prefix.lastIndexOf('/') + 1)}checkpoint`;
}

const C_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', "'": "\\'", '\\': '\\\\' };

/**
 * What `tf.train.Checkpoint.save` writes into it for one checkpoint: the prefix relative to the file's folder, as
 * model_checkpoint_path and as the only all_model_checkpoint_paths, so `tf.train.latest_checkpoint(folder)` finds
 * it. Strings are escaped as protobuf's text format writes them (UTF-8 kept, other control bytes in octal).
 */
export function checkpointStateText(prefix: string): string {
  const name = prefix.slice(prefix.lastIndexOf('/') + 1);
  // eslint-disable-next-line no-control-regex
  const quoted = `"${name.replace(/[\n\r\t"'\\]|[\x00-\x1f\x7f]/g, (c) => C_ESCAPES[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`;
  return `model_checkpoint_path: ${quoted}\nall_model_checkpoint_paths: ${quoted}\n`;
}
