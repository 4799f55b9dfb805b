#!/usr/bin/python3
"""Runs ONE ViT-SOM training step in plain PyTorch on parameters and a batch written by the Java side.

Usage: /usr/bin/python3 check_reference.py --in IN_DIR --out OUT_DIR [--threads N]

IN_DIR:
  config.json            the config, nested like the reference YAML (hyperparameters.*, data.*)
  state.json             {"iteration": int, "total_iterations": float, "ramp_up_end_step": int, "epoch": int}
  params/<key>.npy       float32, one per state_dict key (incl. vit.pos_embed, vit.decoder_pos_embed)
  batch_x.npy            float32 [B, C, H, W]
  batch_y.npy            int64 [B]
OUT_DIR:
  result.json            recon_loss (null for classification), cls_loss (null for clustering), som_loss,
                         total_loss, temperature, gamma, lr, torch_version
  bmu.npy                int64 [B]            (before the step)
  distances.npy          float32 [B, units]   (before the step)
  recon.npy              float32 [B, C, H, W] (before the step)
  params_after/<key>.npy float32, every trainable parameter after one AdamW step
  grads/<key>.npy        float32, the gradient of every parameter that received one, before the step
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vitsom_ref  # noqa: E402


def load_params(model, params_dir):
    state = model.state_dict()
    expected = {k: tuple(v.shape) for k, v in state.items()}
    found = {}
    if not os.path.isdir(params_dir):
        raise SystemExit(f"error: missing parameter folder {params_dir}")
    for fn in sorted(os.listdir(params_dir)):
        if fn.endswith(".npy"):
            found[fn[:-4]] = os.path.join(params_dir, fn)
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    problems = []
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    with open(os.path.join(args.inp, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(args.inp, "state.json")) as f:
        state = json.load(f)
    iteration = int(state["iteration"])
    total_iterations = float(state["total_iterations"])
    ramp = int(state["ramp_up_end_step"])
    epoch = int(state.get("epoch", 0))

    torch.manual_seed(0)
    model = vitsom_ref.ViTSOM(config)
    load_params(model, os.path.join(args.inp, "params"))

    x = np.load(os.path.join(args.inp, "batch_x.npy"), allow_pickle=False)
    y = np.load(os.path.join(args.inp, "batch_y.npy"), allow_pickle=False)
    if x.dtype != np.float32 or x.ndim != 4:
        raise SystemExit(f"error: batch_x.npy must be float32 [B,C,H,W], got {x.dtype} {list(x.shape)}")
    if y.dtype != np.int64 or y.shape != (x.shape[0],):
        raise SystemExit(f"error: batch_y.npy must be int64 [{x.shape[0]}], got {y.dtype} {list(y.shape)}")
    x = torch.from_numpy(np.ascontiguousarray(x))
    y = torch.from_numpy(np.ascontiguousarray(y))

    optimizer = vitsom_ref.make_optimizer(model, config, epoch)
    lr = optimizer.param_groups[0]["lr"]
    grads = {}
    r = vitsom_ref.train_step(model, optimizer, x, y, iteration, total_iterations, ramp, grads_out=grads)
    out = r.pop("outputs")

    os.makedirs(os.path.join(args.out, "params_after"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "grads"), exist_ok=True)
    for name, g in grads.items():
        np.save(os.path.join(args.out, "grads", name + ".npy"), g.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "bmu.npy"), out["bmu"].numpy().astype(np.int64))
    np.save(os.path.join(args.out, "distances.npy"), out["distances"].numpy().astype(np.float32))
    np.save(os.path.join(args.out, "recon.npy"), out["recon"].numpy().astype(np.float32))
    for name, p in model.named_parameters():
        if p.requires_grad:
            np.save(os.path.join(args.out, "params_after", name + ".npy"), p.detach().numpy().astype(np.float32))
    result = {"recon_loss": r["recon_loss"], "cls_loss": r["cls_loss"], "som_loss": r["som_loss"],
              "total_loss": r["total_loss"], "temperature": r["temperature"], "gamma": r["gamma"],
              "lr": lr, "torch_version": torch.__version__}
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump(result, f, indent=2)
    task = "cls" if model.num_classes > 0 else "recon"
    main_loss = r["cls_loss"] if model.num_classes > 0 else r["recon_loss"]
    print(f"check-reference: torch {torch.__version__} batch {x.shape[0]} {task}_loss {main_loss:.8g} "
          f"som_loss {r['som_loss']:.8g} total {r['total_loss']:.8g} T {r['temperature']:.6g} "
          f"gamma {r['gamma']:.6g} lr {lr:.6g} -> {args.out}")


if __name__ == "__main__":
    main()
