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

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_io  # noqa: E402
import url_som_ref  # noqa: E402


def main():
    args = check_io.parse_args(__doc__)
    spec = check_io.read_json(args.inp, "spec.json")
    state = check_io.read_json(args.inp, "state.json")

    torch.manual_seed(0)
    model = url_som_ref.UrlSom(spec)
    check_io.load_params(model, os.path.join(args.inp, "params"))
    os.makedirs(args.out, exist_ok=True)

    # Inference mode (running statistics), before the step.
    model.eval()
    with torch.no_grad():
        logits = model.logits(check_io.load_images(os.path.join(args.inp, "batch_x.npy")))
    check_io.save(args.out, "logits", logits)

    result = {"total_loss": None, "wta": None, "collapse": None, "similarity": None, "lr": state["lr"],
              "gamma": state["gamma"], "torch_version": torch.__version__}
    view_a_path = os.path.join(args.inp, "view_a.npy")
    if os.path.exists(view_a_path):
        view_a = check_io.load_images(view_a_path)
        view_b = check_io.load_images(os.path.join(args.inp, "view_b.npy"))
        optimizer = url_som_ref.make_optimizer(model, lr=float(state["lr"]))
        grads = {}
        hooks = [p.register_hook(lambda g, n=n: grads.__setitem__(n, g.detach().clone()))
                 for n, p in model.named_parameters()]
        r = url_som_ref.train_step(model, optimizer, view_a, view_b, gamma=float(state["gamma"]))
        for h in hooks:
            h.remove()
        check_io.save_all(os.path.join(args.out, "grads"), grads)
        check_io.save_all(os.path.join(args.out, "params_after"), model.state_dict())
        check_io.save(args.out, "bmu", r["bmu"], np.int64)
        for k in ("total_loss", "wta", "collapse", "similarity"):
            result[k] = r[k]
    check_io.write_json(args.out, "result.json", result)
    print(f"check_url_som: torch {torch.__version__} batch {logits.shape[0]} units {logits.shape[1]} "
          f"loss {result['total_loss']} -> {args.out}")


if __name__ == "__main__":
    main()
