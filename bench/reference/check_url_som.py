#!/usr/bin/python3
"""Runs the plain-PyTorch URL-SOM (url_som_ref.py) on parameters and inputs written by the Java side.

Usage: /usr/bin/python3 check_url_som.py --in IN_DIR --out OUT_DIR [--threads N]

IN_DIR:
  spec.json              the model spec of url_som_ref.py (in_channels, input_size, widths, ..., gamma, lr)
  state.json             {"lr": float, "gamma": float}: the learning rate and similarity weight of the step
  params/<name>.npy      float32, one per name of the Java model's namedParameters() (= a checkpoint's
                         params/), batch-norm running statistics included
  batch_x.npy            float32 [B, C, H, W]: the inference-mode forward pass
  view_a.npy, view_b.npy float32 [B, C, H, W]: the two augmented views of the training step (optional)
OUT_DIR:
  logits.npy             float32 [B, units]: inference-mode logits of batch_x (after the fixed kernel, before
                         the softmax), before the step
  result.json            total_loss, wta, collapse, similarity, lr, gamma, torch_version (the step's; null
                         without views)
  bmu.npy                int64 [B]: the step's BMUs (argmax of the pair's mean probabilities)
  grads/<name>.npy       float32: the gradient of every trained parameter (without the L2 decay)
  params_after/<name>.npy float32: every named tensor after ONE Adam step of a fresh optimizer (running
                         statistics after the training-mode pass)
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import url_som_ref  # noqa: E402


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
    x = np.load(path, allow_pickle=False)
    if x.dtype != np.float32 or x.ndim != 4:
        raise SystemExit(f"error: {path} must be float32 [B,C,H,W], got {x.dtype} {list(x.shape)}")
    return torch.from_numpy(np.ascontiguousarray(x))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    with open(os.path.join(args.inp, "spec.json")) as f:
        spec = json.load(f)
    with open(os.path.join(args.inp, "state.json")) as f:
        state = json.load(f)

    torch.manual_seed(0)
    model = url_som_ref.UrlSom(spec)
    load_params(model, os.path.join(args.inp, "params"))
    os.makedirs(args.out, exist_ok=True)

    # Inference mode (running statistics), before the step.
    model.eval()
    with torch.no_grad():
        logits = model.logits(load_images(os.path.join(args.inp, "batch_x.npy")))
    np.save(os.path.join(args.out, "logits.npy"), logits.numpy().astype(np.float32))

    result = {"total_loss": None, "wta": None, "collapse": None, "similarity": None, "lr": state["lr"],
              "gamma": state["gamma"], "torch_version": torch.__version__}
    view_a_path = os.path.join(args.inp, "view_a.npy")
    if os.path.exists(view_a_path):
        view_a = load_images(view_a_path)
        view_b = load_images(os.path.join(args.inp, "view_b.npy"))
        optimizer = url_som_ref.make_optimizer(model, lr=float(state["lr"]))
        grads = {}
        hooks = [p.register_hook(lambda g, n=n: grads.__setitem__(n, g.detach().clone()))
                 for n, p in model.named_parameters()]
        r = url_som_ref.train_step(model, optimizer, view_a, view_b, gamma=float(state["gamma"]))
        for h in hooks:
            h.remove()
        os.makedirs(os.path.join(args.out, "grads"), exist_ok=True)
        os.makedirs(os.path.join(args.out, "params_after"), exist_ok=True)
        for name, g in grads.items():
            np.save(os.path.join(args.out, "grads", name + ".npy"), g.numpy().astype(np.float32))
        for name, t in model.state_dict().items():
            np.save(os.path.join(args.out, "params_after", name + ".npy"), t.numpy().astype(np.float32))
        np.save(os.path.join(args.out, "bmu.npy"), r["bmu"].numpy().astype(np.int64))
        for k in ("total_loss", "wta", "collapse", "similarity"):
            result[k] = r[k]
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(f"check_url_som: torch {torch.__version__} batch {logits.shape[0]} units {logits.shape[1]} "
          f"loss {result['total_loss']} -> {args.out}")


if __name__ == "__main__":
    main()
