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

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_io  # noqa: E402
import vitsom_ref  # noqa: E402


def main():
    args = check_io.parse_args(__doc__)
    config = check_io.read_json(args.inp, "config.json")
    state = check_io.read_json(args.inp, "state.json")
    iteration = int(state["iteration"])
    total_iterations = float(state["total_iterations"])
    ramp = int(state["ramp_up_end_step"])
    epoch = int(state.get("epoch", 0))

    torch.manual_seed(0)
    model = vitsom_ref.ViTSOM(config)
    check_io.load_params(model, os.path.join(args.inp, "params"))

    x = check_io.load_images(os.path.join(args.inp, "batch_x.npy"))
    y = np.load(os.path.join(args.inp, "batch_y.npy"), allow_pickle=False)
    if y.dtype != np.int64 or y.shape != (x.shape[0],):
        raise SystemExit(f"error: batch_y.npy must be int64 [{x.shape[0]}], got {y.dtype} {list(y.shape)}")
    y = torch.from_numpy(np.ascontiguousarray(y))

    optimizer = vitsom_ref.make_optimizer(model, config, epoch)
    lr = optimizer.param_groups[0]["lr"]
    grads = {}
    r = vitsom_ref.train_step(model, optimizer, x, y, iteration, total_iterations, ramp, grads_out=grads)
    out = r.pop("outputs")

    check_io.save_all(os.path.join(args.out, "grads"), grads)
    check_io.save(args.out, "bmu", out["bmu"], np.int64)
    check_io.save(args.out, "distances", out["distances"])
    check_io.save(args.out, "recon", out["recon"])
    check_io.save_all(os.path.join(args.out, "params_after"),
                      {name: p.detach() for name, p in model.named_parameters() if p.requires_grad})
    result = {"recon_loss": r["recon_loss"], "cls_loss": r["cls_loss"], "som_loss": r["som_loss"],
              "total_loss": r["total_loss"], "temperature": r["temperature"], "gamma": r["gamma"],
              "lr": lr, "torch_version": torch.__version__}
    check_io.write_json(args.out, "result.json", result)
    task = "cls" if model.num_classes > 0 else "recon"
    main_loss = r["cls_loss"] if model.num_classes > 0 else r["recon_loss"]
    print(f"check-reference: torch {torch.__version__} batch {x.shape[0]} {task}_loss {main_loss:.8g} "
          f"som_loss {r['som_loss']:.8g} total {r['total_loss']:.8g} T {r['temperature']:.6g} "
          f"gamma {r['gamma']:.6g} lr {lr:.6g} -> {args.out}")


if __name__ == "__main__":
    main()
