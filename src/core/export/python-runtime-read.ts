/**
 * The generated script's readers: every checkpoint format Graft reads that Python can, each tensor named
 * exactly as Graft names it (TF keys as stored, HDF5 dataset paths without the leading /, safetensors keys, .npz
 * member names without .npy, TF.js manifest names).
 * Python source held as text (String.raw: backslashes stay as written).
 */

export const PY_READ = String.raw`# ---- reading checkpoints: every format Graft reads that Python can, named exactly as Graft names them ----

def fail(message):
    sys.stderr.write("error: " + message + "\n")
    sys.exit(1)


def np_dtype(name):
    """Graft's dtype name as a NumPy dtype (ml_dtypes for bfloat16 and float8)."""
    if name == "string":
        return np.dtype(object)
    if name == "bfloat16" or name.startswith("float8") or name in ("int4", "uint4", "int2", "uint2"):
        import ml_dtypes
        return np.dtype(getattr(ml_dtypes, name))
    return np.dtype(name)


def native(x):
    """Values in native byte order (HDF5 and .npy may store big-endian); strings as an object array of bytes."""
    x = np.asarray(x)
    if x.dtype.kind in "SU":
        return np.array([s.encode("utf-8") if isinstance(s, str) else s for s in x.ravel().tolist()], dtype=object).reshape(x.shape)
    return x.astype(x.dtype.newbyteorder("=")) if x.dtype.byteorder == ">" else x


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def hdf5_offset(path):
    """Where the HDF5 superblock starts (0, or 512, 1024, ... after a user block), or None."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        at = 0
        while at + 8 <= size and at <= (1 << 26):
            f.seek(at)
            if f.read(8) == HDF5_SIGNATURE:
                return at
            at = 512 if at == 0 else at * 2
    return None


class TfBundle:
    def __init__(self, prefix):
        import tensorflow as tf
        self.label = prefix
        self.reader = tf.train.load_checkpoint(prefix)

    def get(self, name):
        if not self.reader.has_tensor(name):
            fail("%s has no tensor named %s" % (self.label, name))
        return native(self.reader.get_tensor(name))


class H5Weights:
    """Keras HDF5 (.h5 Keras 1/2/3 legacy, .weights.h5): a tensor's name is its dataset path without the leading /."""

    def __init__(self, path, fileobj=None):
        import h5py
        self.label = path
        self.file = h5py.File(fileobj if fileobj is not None else path, "r")

    def get(self, name):
        ds = self.file.get(name)
        if ds is None or not hasattr(ds, "shape"):
            fail("%s has no dataset named %s" % (self.label, name))
        x = native(ds[()])
        declared = ds.attrs.get("dtype")
        if isinstance(declared, bytes):
            declared = declared.decode()
        # Keras stores dtypes NumPy lacks (bfloat16, float8) as same-sized integers or opaque types named in "dtype".
        if isinstance(declared, str) and declared != str(x.dtype) and x.dtype.kind in "iuV":
            try:
                wanted = np_dtype(declared)
            except (AttributeError, TypeError):
                wanted = None
            if wanted is not None and wanted.itemsize == x.dtype.itemsize:
                x = x.view(wanted)
        return x


def keras_archive(path):
    """A .keras zip: its model.weights.h5, read in place when stored, in memory when compressed."""
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    if "model.weights.h5" not in names:
        fail("%s is a zip but not a Keras archive with model.weights.h5 (it holds %s)" % (path, ", ".join(names[:5]) or "nothing"))
    member = archive.open("model.weights.h5")
    if archive.getinfo("model.weights.h5").compress_type != zipfile.ZIP_STORED:
        member = io.BytesIO(member.read())
    return H5Weights(path, member)


SAFETENSORS_DTYPES = {
    "BOOL": "bool", "U8": "uint8", "I8": "int8", "I16": "int16", "U16": "uint16", "F16": "float16", "BF16": "bfloat16",
    "I32": "int32", "U32": "uint32", "F32": "float32", "F64": "float64", "I64": "int64", "U64": "uint64",
    "C64": "complex64", "F8_E5M2": "float8_e5m2", "F8_E4M3": "float8_e4m3fn",
}


class Safetensors:
    """One .safetensors file, or a sharded model (*.safetensors.index.json with its weight_map)."""

    def __init__(self, path):
        self.label = path
        self.where = {}
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                weight_map = json.load(f).get("weight_map") or {}
            folder = os.path.dirname(path)
            headers = {}
            for name, shard in weight_map.items():
                if shard not in headers:
                    headers[shard] = self.header(os.path.join(folder, shard))
                self.where[name] = (os.path.join(folder, shard),) + headers[shard][name]
        else:
            for name, entry in self.header(path).items():
                self.where[name] = (path,) + entry

    @staticmethod
    def header(path):
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            head = json.loads(f.read(n))
        out = {}
        for name, e in head.items():
            if name == "__metadata__":
                continue
            if e["dtype"] not in SAFETENSORS_DTYPES:
                fail("%s: tensor %s has safetensors dtype %s, which this script does not read" % (path, name, e["dtype"]))
            out[name] = (8 + n + e["data_offsets"][0], e["data_offsets"][1] - e["data_offsets"][0], SAFETENSORS_DTYPES[e["dtype"]], tuple(e["shape"]))
        return out

    def get(self, name):
        if name not in self.where:
            fail("%s has no tensor named %s" % (self.label, name))
        path, start, length, dtype, shape = self.where[name]
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(length)
        return np.frombuffer(data, dtype=np_dtype(dtype).newbyteorder("<")).reshape(shape).copy()


class NumpyArrays:
    """A .npz (names: member names without .npy), one .npy, or a folder of .npy files (names: file names without .npy)."""

    def __init__(self, path, files=None):
        self.label = path
        self.arrays = {}
        if files is None:
            self.npz = np.load(path, allow_pickle=False)
        else:
            self.npz = None
            for f in files:
                base = os.path.basename(f)
                self.arrays.setdefault(base[:-4] if base.endswith(".npy") else base, f)

    def get(self, name):
        if self.npz is not None:
            if name not in self.npz.files:
                fail("%s has no array named %s" % (self.label, name))
            return native(self.npz[name])
        if name not in self.arrays:
            fail("%s has no array named %s" % (self.label, name))
        return native(np.load(self.arrays[name], allow_pickle=False))


class TfjsModel:
    """A TF.js model.json and its weight files; quantized weights are dequantized as tfjs-core does."""

    def __init__(self, path):
        self.label = path
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)["weightsManifest"]
        folder = os.path.dirname(path)
        self.where = {}
        for group in manifest:
            files = [os.path.join(folder, p) for p in group["paths"]]
            offset = 0
            for w in group["weights"]:
                count = int(np.prod(w["shape"], dtype=np.int64))
                q = w.get("quantization")
                if w["dtype"] == "string" and not q:
                    size = self.string_bytes(files, offset, count)
                else:
                    size = count * ({"uint8": 1, "uint16": 2, "float16": 2}[q["dtype"]] if q else np_dtype(w["dtype"]).itemsize)
                self.where.setdefault(w["name"], (files, offset, size, w))
                offset += size

    @staticmethod
    def read(files, offset, size):
        """Bytes offset..offset+size of a weight group's files laid end to end."""
        out, start = bytearray(), 0
        for f in files:
            n = os.path.getsize(f)
            lo, hi = max(offset, start), min(offset + size, start + n)
            if lo < hi:
                with open(f, "rb") as h:
                    h.seek(lo - start)
                    out += h.read(hi - lo)
            start += n
        if len(out) != size:
            fail("%s: the weight files hold %d bytes, fewer than the manifest needs" % (files[0] if files else "model.json", start))
        return bytes(out)

    def string_bytes(self, files, offset, count):
        at = offset
        for _ in range(count):
            (n,) = struct.unpack("<I", self.read(files, at, 4))
            at += 4 + n
        return at - offset

    def get(self, name):
        if name not in self.where:
            fail("%s has no weight named %s" % (self.label, name))
        files, offset, size, w = self.where[name]
        raw = self.read(files, offset, size)
        shape = tuple(w["shape"])
        q = w.get("quantization")
        if w["dtype"] == "string":
            out, at = [], 0
            while at < len(raw):
                (n,) = struct.unpack_from("<I", raw, at)
                out.append(raw[at + 4:at + 4 + n])
                at += 4 + n
            return np.array(out, dtype=object).reshape(shape)
        if not q:
            return np.frombuffer(raw, dtype=np_dtype(w["dtype"]).newbyteorder("<")).reshape(shape).copy()
        if q["dtype"] == "float16":
            return np.frombuffer(raw, dtype="<f2").astype(np.float32).reshape(shape)
        stored = np.frombuffer(raw, dtype="<u1" if q["dtype"] == "uint8" else "<u2").astype(np.float64)
        value = stored * q["scale"] + q["min"]
        if w["dtype"] == "int32":
            return np.floor(value + 0.5).astype(np.int64).astype(np.int32).reshape(shape)
        return value.astype(np.float32).reshape(shape)


def tf_prefix(path):
    """A TF checkpoint prefix from a prefix, its .index, .data or .meta file, or None."""
    m = re.match(r"^(.*)\.(index|meta|data-\d{5}-of-\d{5})$", path)
    if m and os.path.isfile(path) and os.path.isfile(m.group(1) + ".index"):
        return m.group(1)
    if os.path.isfile(path + ".index"):
        return path
    return None


def open_folder(path, role):
    entries = sorted(os.listdir(path))
    saved_model = os.path.join(path, "variables", "variables")
    if os.path.isfile(saved_model + ".index"):
        return TfBundle(saved_model)
    indexes = [e[:-6] for e in entries if e.endswith(".index")]
    if len(indexes) == 1:
        return TfBundle(os.path.join(path, indexes[0]))
    if os.path.isfile(os.path.join(path, "checkpoint")) and indexes:
        import tensorflow as tf
        latest = tf.train.latest_checkpoint(path)
        if latest and os.path.isfile(latest + ".index"):
            return TfBundle(latest)
    if len(indexes) > 1:
        fail("%s %s holds several TF checkpoints (%s): name the prefix" % (role, path, ", ".join(indexes)))
    if "model.json" in entries:
        return TfjsModel(os.path.join(path, "model.json"))
    torch_index = [e for e in entries if re.search(r"\.(bin|pt|pth)\.index\.json$", e)]
    if len(torch_index) == 1:
        return TorchCheckpoint(os.path.join(path, torch_index[0]))
    torch_files = [e for e in entries if re.search(r"\.(pt|pth|bin)$", e)]
    if len(torch_files) == 1:
        return open_checkpoint(os.path.join(path, torch_files[0]), role)
    shard_index = [e for e in entries if e.endswith(".safetensors.index.json")]
    if len(shard_index) == 1:
        return Safetensors(os.path.join(path, shard_index[0]))
    single = [e for e in entries if e.endswith(".safetensors")]
    if len(single) == 1:
        return Safetensors(os.path.join(path, single[0]))
    npy = [os.path.join(path, e) for e in entries if e.endswith(".npy")]
    if npy:
        return NumpyArrays(path, npy)
    fail("%s %s is a folder without a checkpoint this script reads" % (role, path))


def open_checkpoint(path, role):
    """The checkpoint at "path", its format found from its content as Graft finds it."""
    if os.path.isdir(path):
        return open_folder(path, role)
    prefix = tf_prefix(path)
    if prefix is not None:
        return TfBundle(prefix)
    if not os.path.isfile(path):
        fail("%s %s: no such file or folder, and no %s.index beside it to read it as a checkpoint prefix" % (role, path, path))
    with open(path, "rb") as f:
        head = f.read(16)
    if hdf5_offset(path) is not None:
        return H5Weights(path)
    if head.startswith(TORCH_LEGACY_MAGIC):
        return TorchCheckpoint(path)
    if head[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
        if "model.weights.h5" in names:
            return keras_archive(path)
        if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
            return TorchCheckpoint(path)
        if names and all(n.endswith(".npy") for n in names):
            return NumpyArrays(path)
        fail("%s %s is a zip but neither a Keras archive (model.weights.h5) nor a .npz" % (role, path))
    if head[:6] == b"\x93NUMPY":
        return NumpyArrays(path, [path])
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if isinstance(doc, dict) and "weightsManifest" in doc:
            return TfjsModel(path)
        if isinstance(doc, dict) and isinstance(doc.get("weight_map"), dict):
            shards = set(doc["weight_map"].values())
            if shards and all(re.search(r"\.(bin|pt|pth)$", s) for s in shards):
                return TorchCheckpoint(path)
            return Safetensors(path)
    if len(head) >= 9:
        (n,) = struct.unpack("<Q", head[:8])
        if head[8:9] == b"{" and 8 + n <= os.path.getsize(path):
            return Safetensors(path)
    fail("%s %s is not a checkpoint this script reads: expected a TF checkpoint (prefix, .index, or folder), "
         "Keras weights (.h5, .weights.h5, .keras), safetensors, PyTorch (.pt, .pth, .bin), .npz/.npy, or a TF.js model.json" % (role, path))
`;
