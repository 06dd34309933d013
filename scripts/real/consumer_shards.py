"""The `shards` consumer of `npm run test:real` (scenarios_shards.py): Graft's output written with --max-shard-size,
loaded as the real libraries' users load sharded checkpoints.

tf: several `PREFIX.data-0000N-of-0000M` files; `tf.train.latest_checkpoint(folder)` must name the prefix (the
`checkpoint` file), then `tf.train.Checkpoint(model=m).restore(it).assert_existing_objects_matched()`.
safetensors: `NAME.safetensors.index.json` as save_pretrained writes it (metadata.total_size, weight_map), the shards
it names (`NAME-0000N-of-0000M.safetensors`), each read with `safetensors.torch.load_file`; the model loaded as
transformers' `load_sharded_checkpoint` does (transformers is not installed here, so by hand: the index's keys
against the model's, missing or unexpected ones an error, then every shard into the model).
Both: the split follows the rule (a shard over the limit holds one tensor) and every expected value is right.
"""
import json
import os

import safetensors.torch
import tensorflow as tf

from check import differences


def check(checker, s, d, fmt, path, expected):
    if fmt == 'tf':
        return tf_sharded(checker, s, d, path, expected)
    if fmt == 'safetensors':
        return safetensors_sharded(checker, s, d, path, expected)
    raise ValueError(f'the shards consumer does not read {fmt}')


def tf_sharded(checker, s, d, prefix, expected):
    folder = os.path.dirname(prefix)
    data = sorted(f for f in os.listdir(folder) if f.startswith(os.path.basename(prefix) + '.data-'))
    n = len(data)
    if n < 2 or data != [f'{os.path.basename(prefix)}.data-{i:05d}-of-{n:05d}' for i in range(n)]:
        raise AssertionError(f'expected several data files 0..M-1 of M, found {data}')
    latest = tf.train.latest_checkpoint(folder)
    if latest != prefix:
        raise AssertionError(f'tf.train.latest_checkpoint({folder!r}) gave {latest!r}, not {prefix!r}')
    sizes = {f: os.path.getsize(os.path.join(folder, f)) for f in data}
    reader = tf.train.load_checkpoint(latest)
    per_shard = shard_members_tf(reader, prefix, n)
    over_limit(s, {data[i]: (sizes[data[i]], names) for i, names in per_shard.items()}, ignore={'_CHECKPOINTABLE_OBJECT_GRAPH', 'save_counter/.ATTRIBUTES/VARIABLE_VALUE'})
    model = checker.keras_model(d)
    tf.train.Checkpoint(model=model).restore(latest).assert_existing_objects_matched()
    detail = checker.check_model_values(s, d, expected, model)
    return f'{n} data files, latest_checkpoint → Checkpoint(model=m).restore().assert_existing_objects_matched(): {detail}'


def shard_members_tf(reader, prefix, n):
    """Shard id → tensor keys: TF's API gives no entry's shard, so the .index table is walked here and each entry
    decoded with TF's own BundleHeaderProto / BundleEntryProto."""
    from tensorflow.core.protobuf import tensor_bundle_pb2
    out = {i: [] for i in range(n)}
    with open(prefix + '.index', 'rb') as f:
        raw = f.read()
    for key, value in iterate_table(raw):
        if key == b'':
            header = tensor_bundle_pb2.BundleHeaderProto.FromString(value)
            if header.num_shards != n:
                raise AssertionError(f'the index header says num_shards={header.num_shards}, {n} data files were written')
            continue
        entry = tensor_bundle_pb2.BundleEntryProto.FromString(value)
        out[entry.shard_id].append(key.decode())
    for names in out.values():
        for name in names:
            reader.get_tensor(name)  # every entry readable through TF from its shard (CRC checked)
    return out


def iterate_table(raw):
    """The key/value pairs of an uncompressed LevelDB-format table (TF's .index): footer → index block → data blocks."""
    def varint(b, i):
        shift = result = 0
        while True:
            c = b[i]
            i += 1
            result |= (c & 0x7f) << shift
            if c < 0x80:
                return result, i
            shift += 7

    def block(offset, size):
        data = raw[offset:offset + size]
        if raw[offset + size] != 0:
            raise AssertionError('compressed index block; Graft writes none')
        restarts = int.from_bytes(data[-4:], 'little')
        end = len(data) - 4 - 4 * restarts
        i, key = 0, b''
        while i < end:
            shared, i = varint(data, i)
            unshared, i = varint(data, i)
            vlen, i = varint(data, i)
            key = key[:shared] + data[i:i + unshared]
            i += unshared
            yield key, data[i:i + vlen]
            i += vlen

    footer = raw[-48:]
    _, i = varint(footer, 0)
    _, i = varint(footer, i)
    io, i = varint(footer, i)
    isz, i = varint(footer, i)
    for _, handle in block(io, isz):
        off, j = varint(handle, 0)
        size, _ = varint(handle, j)
        yield from block(off, size)


def over_limit(s, shards, ignore=frozenset()):
    """shards: file → (bytes, tensor names). A shard over the limit must hold a single tensor (HF's rule)."""
    limit = s['shard_limit']
    for f, (size, names) in shards.items():
        real = [n for n in names if n not in ignore]
        if size > limit and len(real) > 1:
            raise AssertionError(f'{f} is {size} bytes, over the {limit}-byte limit, yet holds {len(real)} tensors')


def safetensors_sharded(checker, s, d, path, expected):
    index_path = path + '.index.json'
    if os.path.exists(path):
        raise AssertionError(f'{os.path.basename(path)} was written whole; expected shards and {os.path.basename(index_path)}')
    with open(index_path) as f:
        text = f.read()
    index = json.loads(text)
    # save_pretrained: json.dumps(index, indent=2, sort_keys=True) + "\n"
    if text != json.dumps(index, indent=2, sort_keys=True) + '\n' or sorted(index) != ['metadata', 'weight_map']:
        raise AssertionError('the index is not written as transformers writes it')
    files = sorted(set(index['weight_map'].values()))
    base = os.path.basename(path)[:-len('.safetensors')]
    n = len(files)
    if n < 2 or files != [f'{base}-{i:05d}-of-{n:05d}.safetensors' for i in range(1, n + 1)]:
        raise AssertionError(f'expected shards {base}-0000N-of-0000M.safetensors, found {files}')
    folder = os.path.dirname(path)
    state, total, members = {}, 0, {}
    for shard in files:
        tensors = safetensors.torch.load_file(os.path.join(folder, shard))
        members[shard] = (sum(t.numel() * t.element_size() for t in tensors.values()), list(tensors))
        for k, t in tensors.items():
            if index['weight_map'].get(k) != shard:
                raise AssertionError(f'{k} is in {shard} but the index places it in {index["weight_map"].get(k)}')
            total += t.numel() * t.element_size()
        state.update(tensors)
    if set(state) != set(index['weight_map']):
        raise AssertionError(f'the index lists {len(index["weight_map"])} tensors, the shards hold {len(state)}')
    if index['metadata'].get('total_size') != total:
        raise AssertionError(f'metadata.total_size is {index["metadata"].get("total_size")}, the tensors hold {total} bytes')
    over_limit(s, members)
    how = f'{n} shards + index.json (total_size {total}), safetensors.torch.load_file each'
    if 'torch_model' in s:
        return how + ', ' + load_sharded_torch(s, folder, index, files, expected)
    model = checker.keras_model(d)
    checker.assign_by_name(model, {k: v.numpy() for k, v in state.items()}, 'the shards')
    return f'{how}, assigned by name: {checker.check_model_values(s, d, expected, model)}'


def load_sharded_torch(s, folder, index, files, expected):
    """transformers.modeling_utils.load_sharded_checkpoint(model, folder, strict=True), by hand."""
    from torch_models import MODELS
    model = MODELS[s['torch_model']]()
    keys = set(index['weight_map'])
    wanted = set(model.state_dict())
    missing, unexpected = sorted(wanted - keys), sorted(keys - wanted)
    if missing or unexpected:
        raise AssertionError(f'missing keys {missing[:4]}, unexpected keys {unexpected[:4]}')
    for shard in files:
        model.load_state_dict(safetensors.torch.load_file(os.path.join(folder, shard)), strict=False)
    values = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    bad = differences(s, expected, values)
    if bad:
        raise AssertionError('; '.join(bad[:4]))
    return f'load_sharded_checkpoint(model, strict=True) by hand: {len(s["expect"])} values right'

