"""What check_reference.py and check_url_som.py share: their command line and the folders they exchange with the
Java side (`check-reference` writes IN_DIR, the script writes OUT_DIR; each script's docstring lists the files).

Plain numpy + torch; the arrays are .npy files, float32 unless a file says otherwise.
"""

import argparse
import json
import os

import numpy as np
import torch


def parse_args(doc):
    """`--in IN_DIR --out OUT_DIR [--threads N]` (the input folder as `args.inp`); applies `--threads`."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    return args


def read_json(folder, name):
    with open(os.path.join(folder, name)) as f:
        return json.load(f)


def write_json(folder, name, value):
    with open(os.path.join(folder, name), "w") as f:
        json.dump(value, f, indent=2)


def load_params(model, params_dir):
    """Strict: missing, unexpected, mis-shaped or non-float32 files are an error that lists them all."""
    state = model.state_dict()
    expected = {k: tuple(v.shape) for k, v in state.items()}
    if not os.path.isdir(params_dir):
        raise SystemExit(f"error: missing parameter folder {params_dir}")
    found = {fn[:-4]: os.path.join(params_dir, fn) for fn in sorted(os.listdir(params_dir)) if fn.endswith(".npy")}
    problems = []
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if extra:
        problems.append("unexpected: " + ", ".join(extra))
    arrays = {}
    for k in sorted(set(expected) & set(found)):
        a = np.load(found[k], allow_pickle=False)
        if tuple(a.shape) != expected[k]:
            problems.append(f"shape of {k}: got {list(a.shape)}, expected {list(expected[k])}")
        elif a.dtype != np.float32:
            problems.append(f"dtype of {k}: got {a.dtype}, expected float32")
        else:
            arrays[k] = torch.from_numpy(np.ascontiguousarray(a))
    if problems:
        raise SystemExit("error: parameters do not match the model:\n  " + "\n  ".join(problems))
    model.load_state_dict(arrays, strict=True)


def load_images(path):
    """A float32 [B, C, H, W] batch as a tensor."""
    x = np.load(path, allow_pickle=False)
    if x.dtype != np.float32 or x.ndim != 4:
        raise SystemExit(f"error: {path} must be float32 [B,C,H,W], got {x.dtype} {list(x.shape)}")
    return torch.from_numpy(np.ascontiguousarray(x))


def save(folder, name, tensor, dtype=np.float32):
    """`tensor` as `folder/name.npy` in `dtype`."""
    np.save(os.path.join(folder, name + ".npy"), tensor.numpy().astype(dtype))


def save_all(folder, tensors):
    """Every tensor of the {name: tensor} dict as `folder/<name>.npy` (float32), creating the folder."""
    os.makedirs(folder, exist_ok=True)
    for name, t in tensors.items():
        save(folder, name, t)
