/**
 * The generated script's writers, one per output format, each writing what the matching Graft writer writes.
 * Python source held as text (String.raw: backslashes stay as written).
 */

export const PY_WRITE_COMMON = String.raw`# ---- writing the merged checkpoint in the format Graft wrote ----

def replace_file(tmp, path):
    os.replace(tmp, path)
    return path
`;

export const PY_WRITE_TF_NAMES = String.raw`def write_tf_names(values, prefix):
    """A name-based TF checkpoint (tf.compat.v1.train.Saver): every value under its key exactly."""
    import tensorflow as tf
    values = dict(values)
    with tf.Graph().as_default():
        variables, feeds = {}, {}
        for i, (key, value) in enumerate(values.items()):
            placeholder = tf.compat.v1.placeholder(tf.dtypes.as_dtype(value.dtype), value.shape)
            variables[key] = tf.compat.v1.Variable(placeholder, name="graft_%d" % i)
            feeds[placeholder] = value
        saver = tf.compat.v1.train.Saver(var_list=variables)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer(), feed_dict=feeds)
            saver.save(session, prefix, write_meta_graph=False, write_state=False)
    return prefix + ".index"
`;

export const PY_WRITE_TF_OBJECTS = String.raw`def write_tf_objects(values, prefix):
    """An object-based TF checkpoint, as tf.train.Checkpoint(model=m).write gives it for the Keras model: a tree of
    trackable objects following each variable's path in the model's object graph (TRACKABLE_PATHS)."""
    import tensorflow as tf
    # A plain AutoTrackable, not tf.Module: Module's own properties (name, variables, ...) would clash with path segments.
    node_type = getattr(getattr(tf, "__internal__", None), "tracking", None)
    node_type = node_type.AutoTrackable if node_type is not None else tf.Module
    root = node_type()
    for name, value in values:
        node = root
        segments = TRACKABLE_PATHS[name].split("/")
        for segment in segments[:-1]:
            child = node.__dict__.get(segment)
            if child is None:
                child = node_type()
                setattr(node, segment, child)
            node = child
        setattr(node, segments[-1], tf.Variable(value, name=segments[-1]))
    checkpoint = tf.train.Checkpoint(model=root)
    # As after one Checkpoint.save: restore(...).assert_existing_objects_matched() needs a save_counter value.
    checkpoint.save_counter.assign(1)
    checkpoint.write(prefix)
    return prefix + ".index"
`;

export const PY_WRITE_SAFETENSORS = String.raw`def write_safetensors(values, path):
    from safetensors.numpy import save_file
    tmp = path + ".partial"
    save_file({name: np.require(value, requirements="C") for name, value in values}, tmp)
    return replace_file(tmp, path)
`;

export const PY_WRITE_KERAS = String.raw`def write_keras(values, path):
    """Keras weights in HDF5 as Graft's writer lays them out (KERAS_LAYOUT): attributes first, then one dataset per
    variable; bfloat16 as h5py and Keras store it (opaque, "dtype" attribute) or widened to float32 (legacy files,
    whose loader cannot read it), other dtypes HDF5 lacks as unsigned integers of their size named in "dtype"."""
    import h5py
    tmp = path + ".partial"
    with h5py.File(tmp, "w") as f:
        for key, value in KERAS_LAYOUT["root_attrs"]:
            f.attrs[key] = np.array(value, dtype="S") if isinstance(value, list) else value
        for group, key, value in KERAS_LAYOUT["group_attrs"]:
            g = f.require_group(group)
            g.attrs[key] = np.array(value, dtype="S") if isinstance(value, list) else value
        for name, value in values:
            dataset, storage, declared = KERAS_LAYOUT["datasets"][name]
            if storage == "float32":
                value = value.astype(np.float32)
            elif storage == "unsigned":
                value = value.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[value.dtype.itemsize])
            ds = f.create_dataset(dataset, data=value)
            if declared is not None:
                ds.attrs["dtype"] = declared
    return replace_file(tmp, path)
`;

export const PY_WRITE_TFJS = String.raw`def tfjs_bytes(name, value):
    """A weight's bytes as TF.js stores them (TFJS_WEIGHTS): float16 as float16-quantized float32, other dtypes
    TF.js lacks converted as tensorflowjs_converter does (floats to float32, integers to int32 where all fit)."""
    dtype, quantized = TFJS_WEIGHTS[name]
    if dtype == "string":
        out = bytearray()
        for s in value.ravel():
            s = s.encode("utf-8") if isinstance(s, str) else bytes(s)
            out += struct.pack("<I", len(s)) + s
        return bytes(out)
    if quantized:
        return np.ascontiguousarray(value, dtype="<f2").tobytes()
    if dtype == "int32" and value.dtype != np.int32 and value.size and (value.min() < -2**31 or value.max() > 2**31 - 1):
        fail("%s holds values outside int32, which TF.js stores %s as" % (name, dtype_name(value)))
    return np.ascontiguousarray(value).astype(np_dtype(dtype).newbyteorder("<")).tobytes()


def write_tfjs(values, folder):
    """A TF.js model: the weights back to back in manifest order, cut into group1-shardIofN.bin files of 4 MiB, and
    model.json as Graft wrote it (TFJS_MODEL_JSON) with the shard names put in."""
    tmp = os.path.join(folder, ".weights.partial")
    with open(tmp, "wb") as f:
        for name, value in values:
            if TFJS_WEIGHTS[name] is not None:
                f.write(tfjs_bytes(name, value))
    total = os.path.getsize(tmp)
    n = -(-total // TFJS_SHARD_BYTES)
    paths = ["group1-shard%dof%d.bin" % (i + 1, n) for i in range(n)]
    with open(tmp, "rb") as f:
        for p in paths:
            with open(os.path.join(folder, p), "wb") as out:
                out.write(f.read(TFJS_SHARD_BYTES))
    os.remove(tmp)
    marker = '"weightsManifest":[{"paths":[]'
    at = TFJS_MODEL_JSON.rfind(marker)
    text = TFJS_MODEL_JSON[:at] + '"weightsManifest":[{"paths":' + json.dumps(paths, separators=(",", ":")) + TFJS_MODEL_JSON[at + len(marker):]
    with open(os.path.join(folder, "model.json"), "w", encoding="utf-8") as f:
        f.write(text)
    return os.path.join(folder, "model.json")
`;

export const PY_WRITE_PYTORCH = String.raw`def numpy_to_torch(x):
    import torch
    name = dtype_name(x)
    x = np.require(x, requirements="C")
    if name in TORCH_VIEWS:
        return torch.from_numpy(x.view(TORCH_VIEWS[name])).view(getattr(torch, name))
    return torch.from_numpy(x)


def write_pytorch(values, path):
    """A state dict as torch.save writes it: an OrderedDict of the tensors in Graft's order. Read back with
    torch.load(weights_only=True), it must hold exactly the new model's keys, shapes and dtypes: what
    model.load_state_dict(state, strict=True) checks (no missing key, no unexpected key, no size mismatch)."""
    import collections
    import torch
    folder = path + ".partial.d"
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, os.path.basename(path))
    state = collections.OrderedDict((name, numpy_to_torch(value)) for name, value in values)
    torch.save(state, tmp)
    back = torch.load(tmp, weights_only=True)
    missing = [k for k in state if k not in back]
    unexpected = [k for k in back if k not in state]
    mismatched = [k for k in state if k in back and (back[k].shape != state[k].shape or back[k].dtype != state[k].dtype)]
    if missing or unexpected or mismatched:
        sys.exit("%s: load_state_dict(strict=True) would refuse it: missing %s, unexpected %s, size mismatch for %s" % (path, missing[:3], unexpected[:3], mismatched[:3]))
    os.replace(tmp, path)
    os.rmdir(folder)
    return path
`;
