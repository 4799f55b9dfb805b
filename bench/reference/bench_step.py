#!/usr/bin/python3
"""Times the plain-PyTorch ViT-SOM reference (eager mode, CPU) on synthetic data.

Usage: /usr/bin/python3 bench_step.py --config FILE.json [--batch 128] [--steps 20] [--warmup 3]
                                      [--infer-batch 256] [--infer-steps 10] [--threads 2]

Training step = forward, loss, backward, AdamW step, zero_grad (median wall time over --steps after
--warmup untimed steps). Inference = encoder + SOM distances + argmin under torch.no_grad at
--infer-batch (images/s from the median batch time). Prints ONE JSON line.
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vitsom_ref  # noqa: E402


def blas_libraries():
    """Shared BLAS/LAPACK libraries mapped into this process (Debian's torch uses the libblas.so.3
    alternative, which is netlib's unoptimised reference BLAS unless OpenBLAS/BLIS is installed)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path).lower()
                if any(k in base for k in ("blas", "blis", "mkl", "lapack")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True, help="config as JSON, nested like the reference YAML")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--infer-batch", type=int, default=256)
    ap.add_argument("--infer-steps", type=int, default=0, help="timed inference batches (0: same as --steps)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.steps < 1:
        raise SystemExit("--steps must be >= 1")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(args.config) as f:
        config = json.load(f)
    data = config["data"]
    c, hw = int(data["num_channels"]), int(data["input_size"])
    num_classes = int(data.get("num_classes", 0) or 0)

    model = vitsom_ref.ViTSOM(config)
    optimizer = vitsom_ref.make_optimizer(model, config, epoch=0)
    x = torch.rand(args.batch, c, hw, hw)
    y = torch.randint(0, max(1, num_classes), (args.batch,), dtype=torch.int64)
    total_iterations = 1000.0
    ramp = 500

    times = []
    for i in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        vitsom_ref.train_step(model, optimizer, x, y, i, total_iterations, ramp)
        dt = time.perf_counter() - t0
        if i >= args.warmup:
            times.append(dt)
    train_median = statistics.median(times)

    model.eval()
    xi = torch.rand(args.infer_batch, c, hw, hw)
    infer_steps = args.infer_steps if args.infer_steps > 0 else args.steps
    itimes = []
    with torch.no_grad():
        for i in range(args.warmup + infer_steps):
            t0 = time.perf_counter()
            model.infer_bmu(xi)
            dt = time.perf_counter() - t0
            if i >= args.warmup:
                itimes.append(dt)
    infer_median = statistics.median(itimes)

    counts = vitsom_ref.count_parameters(model)
    print(json.dumps({
        "engine": "pytorch-eager",
        "torch_version": torch.__version__,
        "config": os.path.basename(args.config),
        "task": "classification" if num_classes > 0 else "clustering",
        "trainable_parameters": counts["total"],
        "batch": args.batch,
        "steps": args.steps,
        "warmup": args.warmup,
        "infer_batch": args.infer_batch,
        "infer_steps": infer_steps,
        "train_step_median_s": train_median,
        "train_step_min_s": min(times),
        "train_images_per_second": args.batch / train_median,
        "infer_batch_median_s": infer_median,
        "infer_images_per_second": args.infer_batch / infer_median,
        "threads": torch.get_num_threads(),
        "blas": blas_libraries(),
    }))


if __name__ == "__main__":
    main()
