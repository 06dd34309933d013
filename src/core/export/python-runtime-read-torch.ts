/**
 * The generated script's PyTorch reader: torch.load(weights_only=True), then the containers walked and named as
 * Graft's pytorch/flatten.ts names them (keys joined with ".", Python numbers and number lists as values).
 * Python source held as text (String.raw: backslashes stay as written).
 */

export const PY_READ_TORCH = String.raw`# ---- reading PyTorch checkpoints (src/core/formats/pytorch: flatten.ts names) ----

TORCH_VIEWS = {"bfloat16": "int16", "float8_e5m2": "uint8", "float8_e4m3fn": "uint8", "float8_e4m3fnuz": "uint8", "float8_e5m2fnuz": "uint8"}
TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"


def torch_to_numpy(t):
    import torch
    t = t.detach().cpu().contiguous()
    name = str(t.dtype).replace("torch.", "")
    if name in TORCH_VIEWS:
        return t.view(getattr(torch, TORCH_VIEWS[name])).numpy().view(np_dtype(name))
    return t.numpy()


def torch_numbers(items):
    """A list of Python numbers as one vector, as Graft lists it: all bool, all int (64-bit), or all float."""
    if not items:
        return None
    if all(isinstance(x, bool) for x in items):
        return np.array(items, dtype=np.bool_)
    if all(isinstance(x, int) and not isinstance(x, bool) and -2**63 <= x < 2**63 for x in items):
        return np.array(items, dtype=np.int64)
    if all(isinstance(x, float) for x in items):
        return np.array(items, dtype=np.float64)
    return None


def torch_segment(k):
    if isinstance(k, bool):
        return "True" if k else "False"
    if k is None:
        return "None"
    if isinstance(k, tuple):
        return ",".join(torch_segment(x) for x in k)
    return str(k)


class TorchCheckpoint:
    """A torch.save'd file (.pt, .pth, .bin; zip or legacy) or a sharded one (*.bin.index.json), read with
    torch.load(weights_only=True). Names as Graft flattens them: container keys joined with ".", Python numbers and
    lists of numbers as bookkeeping values."""

    def __init__(self, path):
        import torch
        self.label = path
        self.values = {}
        files = [path]
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                weight_map = json.load(f).get("weight_map") or {}
            files = [os.path.join(os.path.dirname(path), s) for s in dict.fromkeys(weight_map.values())]
        for file in files:
            try:
                content = torch.load(file, map_location="cpu", weights_only=True)
            except Exception as e:
                fail("%s: torch.load(weights_only=True) cannot read it (%s): this script reads state dicts and containers of tensors, "
                     "not pickled models or objects whose code must run" % (file, str(e).splitlines()[0] if str(e) else type(e).__name__))
            self.walk(content, [])

    def emit(self, path, value):
        self.values.setdefault(".".join(path), value)

    def walk(self, v, path):
        import torch
        if torch.is_tensor(v):
            self.emit(path or ["tensor"], torch_to_numpy(v))
        elif isinstance(v, (bool, int, float)):
            n = torch_numbers([v])
            if path and n is not None:
                self.emit(path, n.reshape(()))
        elif isinstance(v, dict):
            for k, item in v.items():
                self.walk(item, path + [torch_segment(k)])
        elif isinstance(v, (list, tuple)):
            n = torch_numbers(list(v))
            if n is not None and path:
                self.emit(path, n)
            else:
                for i, item in enumerate(v):
                    self.walk(item, path + [str(i)])

    def get(self, name):
        if name not in self.values:
            fail("%s has no tensor named %s" % (self.label, name))
        return self.values[name]
`;
