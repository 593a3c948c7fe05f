"""Ground truth from real PyTorch for the checkpoint tests.

describe FILE...   torch.load each file and print its tensors.json-style description plus
                   container types and which tensors share a storage. (weights_only=True is not
                   usable here: torch 1.13's restricted unpickler lacks BINFLOAT, so it rejects
                   torch's own checkpoints that hold a float such as the optimizer's lr.)
safetensors FILE   parse a .safetensors file independently (struct + json + torch.frombuffer)
                   and describe its tensors.
casts              float32 values (edge cases + random) and torch's float16/bfloat16 bits of them.
generate DIR SEED  torch.save random content (every dtype, non-contiguous views, shared storages,
                   offsets, nested containers, zip and legacy formats) into DIR and print the
                   description of each file as torch sees it.
"""
import collections
import hashlib
import json
import os
import sys

import torch

DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64,
          torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool]


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def describe(value):
    out = {"tensors": {}, "values": {}, "types": {}, "storages": {}}

    def join(path, key):
        return str(key) if path == "" else f"{path}/{key}"

    def walk(v, path):
        if isinstance(v, torch.Tensor):
            out["tensors"][path] = {
                "dtype": str(v.dtype).replace("torch.", ""),
                "shape": list(v.shape),
                "sha256": hashlib.sha256(tensor_bytes(v)).hexdigest(),
            }
            out["storages"][path] = [v.storage().data_ptr(), v.storage_offset()]
            return
        out["types"][path] = type(v).__name__
        if isinstance(v, dict):
            if not v:
                out["values"][path] = {}
            for k, x in v.items():
                walk(x, join(path, k))
        elif isinstance(v, (list, tuple)):
            if not v:
                out["values"][path] = []
            for i, x in enumerate(v):
                walk(x, join(path, i))
        else:
            out["values"][path] = v

    walk(value, "")
    # storage identity as groups of paths (pointers differ between processes)
    groups = collections.defaultdict(list)
    for p, (ptr, _off) in out["storages"].items():
        groups[ptr].append(p)
    out["storages"] = sorted(sorted(g) for g in groups.values() if len(g) > 1)
    return out


def random_tensor(g, dtype, shape):
    if dtype == torch.bool:
        return torch.randint(0, 2, shape, generator=g).bool()
    if dtype.is_floating_point:
        return (torch.randn(shape, generator=g, dtype=torch.float64) * 100).to(dtype)
    info = torch.iinfo(dtype)
    lo, hi = max(info.min, -(2**62)), min(info.max, 2**62)
    return torch.randint(lo, hi, shape, generator=g, dtype=torch.int64).to(dtype)


def generate(out_dir, seed):
    g = torch.Generator().manual_seed(seed)
    base = random_tensor(g, torch.float32, (6, 10))
    shared = random_tensor(g, torch.int64, (24,))
    value = {
        "epoch": seed,
        "arch": "resnet18",
        "per_dtype": collections.OrderedDict(
            (str(d).replace("torch.", ""), random_tensor(g, d, (3, 4, 5))) for d in DTYPES
        ),
        "scalar": torch.tensor(50.0),
        "empty": torch.zeros(0, 3),
        "views": {
            "transposed": base.t(),
            "sliced": base[2:5, 1:9:2],
            "row": base[3],
            "expanded": torch.arange(4.0).view(4, 1).expand(4, 3),
            "half_t": random_tensor(g, torch.float16, (5, 7)).t(),
        },
        "shared": [shared, shared[4:12].view(2, 4), shared.view(4, 6)[1:3]],
        "nested": {"list": [1, 2.5, None, True, "x", [], {}], "tuple": (1, (2, 3), "four"), 7: -3},
        "big_int": 2**40,
        "neg_int": -(2**33),
    }
    results = []
    for name, zipped, protocol in [("random.pth.tar", True, 2), ("random_legacy.pth", False, 2),
                                   ("random_p4.pth", True, 4), ("random_legacy_p4.pth", False, 4)]:
        path = os.path.join(out_dir, name)
        torch.save(value, path, _use_new_zipfile_serialization=zipped, pickle_protocol=protocol)
        results.append({"file": name, **describe(torch.load(path))})
    return results


def read_safetensors(path):
    import struct
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    codes = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16,
             "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32, "I16": torch.int16,
             "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
    data = bytearray(raw[8 + n:])
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        t = torch.frombuffer(data[b:e], dtype=codes[info["dtype"]]) if e > b else torch.empty(0, dtype=codes[info["dtype"]])
        tensors[name] = t.reshape(info["shape"])
    return {"metadata": meta, **describe(tensors)}


def casts():
    g = torch.Generator().manual_seed(0)
    edge = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 65520.0, 1e5, 6e-8, 3e-8, 2.98e-8, 1e-45,
                         6.1e-5, 5.96e-8, 1.00048828125, 1.0009765625, 3.0e38, float("inf"),
                         -float("inf"), float("nan")], dtype=torch.float32)
    x = torch.cat([edge, torch.randn(2000, generator=g) * torch.exp(torch.randn(2000, generator=g) * 8)])
    return {
        "float32_bits": x.view(torch.int32).tolist(),
        "float16_bits": x.half().view(torch.int16).tolist(),
        "bfloat16_bits": x.bfloat16().view(torch.int16).tolist(),
    }


def main():
    cmd = sys.argv[1]
    if cmd == "describe":
        result = [{"file": f, **describe(torch.load(f))} for f in sys.argv[2:]]
    elif cmd == "safetensors":
        result = read_safetensors(sys.argv[2])
    elif cmd == "casts":
        result = casts()
    elif cmd == "generate":
        result = generate(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown command {cmd}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
