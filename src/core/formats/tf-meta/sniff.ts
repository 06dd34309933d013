/**
 * Whether a file is a TF MetaGraph (`model.ckpt.meta`, `tf.train.export_meta_graph`) or a SavedModel
 * (`saved_model.pb`), by content: protobuf has no magic number, so the top-level fields are walked (tags and
 * lengths only, a few small reads) and must be exactly a MetaGraphDef's or a SavedModel's. Never throws.
 */
import type { ByteSource } from '../../io/byte-source';

export type MetaGraphKind = 'meta-graph' | 'saved-model';

/** A MetaGraph is read whole into memory; beyond this it is refused (a graph with huge embedded constants). */
export const MAX_META_BYTES = 512 << 20;

const WINDOW = 16 << 10;
const MAX_FIELDS = 4096;

interface Field {
  number: number;
  wire: number;
  /** Absolute offset and length of a length-delimited field's payload. */
  at: number;
  length: number;
}

/** The top-level fields of `source` between `start` and `end`, or null when they are not a well-formed message. */
async function fields(source: ByteSource, start: number, end: number): Promise<Field[] | null> {
  const out: Field[] = [];
  let windowAt = start;
  let window = await source.read(start, Math.min(WINDOW, end - start));
  let pos = start;
  const byte = async (): Promise<number> => {
    if (pos >= end) throw new RangeError('past the end');
    if (pos < windowAt || pos >= windowAt + window.byteLength) {
      windowAt = pos;
      window = await source.read(pos, Math.min(WINDOW, end - pos));
    }
    return window[pos++ - windowAt]!;
  };
  const varint = async (): Promise<number> => {
    let result = 0;
    for (let i = 0, scale = 1; i < 10; i++, scale *= 128) {
      const b = await byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
    }
    throw new RangeError('varint too long');
  };
  while (pos < end) {
    if (out.length >= MAX_FIELDS) return null;
    const tag = await varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    if (number < 1) return null;
    if (wire === 0) {
      await varint();
      out.push({ number, wire, at: pos, length: 0 });
    } else if (wire === 2) {
      const length = await varint();
      if (pos + length > end) return null;
      out.push({ number, wire, at: pos, length });
      pos += length;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > end) return null;
      out.push({ number, wire, at: pos, length: 0 });
    } else {
      return null;
    }
  }
  return out;
}

async function isMetaGraphDef(source: ByteSource, start: number, end: number): Promise<boolean> {
  const list = await fields(source, start, end);
  if (!list) return false;
  const count = (n: number) => list.filter((f) => f.number === n).length;
  if (list.some((f) => f.wire !== 2 || f.number > 9)) return false;
  if ([1, 2, 3, 7].some((n) => count(n) > 1)) return false;
  const graph = list.find((f) => f.number === 2);
  if (!graph || graph.length === 0) return false;
  // A GraphDef starts with a node (1), its library (2), or its versions (3 varint, 4 message).
  const [first] = await source.read(graph.at, 1);
  return first === 0x0a || first === 0x12 || first === 0x18 || first === 0x22;
}

/** What `source` is: a MetaGraphDef, a SavedModel, or neither (null). Never throws. */
export async function sniffMetaGraph(source: ByteSource): Promise<MetaGraphKind | null> {
  try {
    if (source.size < 4 || source.size > MAX_META_BYTES) return null;
    const [first] = await source.read(0, 1);
    // TF always writes saved_model_schema_version (field 1, a varint) first; a MetaGraphDef has no varint fields.
    if (first === 0x08) {
      const list = await fields(source, 0, source.size);
      if (!list || list.some((f) => !((f.number === 1 && f.wire === 0) || (f.number === 2 && f.wire === 2)))) return null;
      const graph = list.find((f) => f.number === 2);
      return graph && (await isMetaGraphDef(source, graph.at, graph.at + graph.length)) ? 'saved-model' : null;
    }
    return (await isMetaGraphDef(source, 0, source.size)) ? 'meta-graph' : null;
  } catch {
    return null;
  }
}
