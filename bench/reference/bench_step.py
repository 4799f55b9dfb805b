#!/usr/bin/python3
"""Times a plain-PyTorch reference (eager mode, CPU) on synthetic data: ViT-SOM (vitsom_ref.py, the default)
or URL-SOM (url_som_ref.py, --model url_som).

Usage: /usr/bin/python3 bench_step.py --config FILE.json [--model vit_som|url_som] [--batch 128] [--steps 20]
                                      [--warmup 3] [--infer-batch 256] [--infer-steps 10] [--threads 2]

ViT-SOM (--config: the config as JSON, nested like the YAML): training step = forward, loss, backward, AdamW
step, zero_grad. Inference = encoder + SOM distances + argmin under torch.no_grad.

URL-SOM (--config: the model spec of url_som_ref.py as JSON): training step = forward of BOTH augmented views
(2 x --batch images, made before the timed loop: the views are pre-augmented, no augmentation is timed), loss,
backward, Adam step, zero_grad, the BMUs. Inference = forward of one view + softmax + top-2 under torch.no_grad, batch
norm in eval mode.

Both: median wall time over --steps after --warmup untimed steps; images/s = --batch / median step (source
images: a URL-SOM step sees 2 x --batch views); inference images/s from the median batch time; peak_rss_mb is
this process's peak resident set. Prints ONE JSON line.
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import url_som_ref  # noqa: E402
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
    ap.add_argument("--config", required=True,
                    help="vit_som: the config as JSON, nested like the YAML; url_som: the model spec as JSON")
    ap.add_argument("--model", choices=("vit_som", "url_som"), default="vit_som")
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
    if args.model == "url_som":
        print(json.dumps(bench_url_som(args, config)))
        return
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
        "peak_rss_mb": peak_rss_mb(),
    }))


def peak_rss_mb():
    """Peak resident set of this process in MiB: VmHWM of /proc/self/status (ru_maxrss would report the Java
    parent's resident set when that was larger: Linux carries it over fork and exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def timed(fn, warmup, steps):
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        if i >= warmup:
            times.append(dt)
    return times


def bench_url_som(args, spec):
    """URL-SOM: a training step on two pre-augmented views of --batch images, and inference on one view."""
    model = url_som_ref.UrlSom(spec)
    optimizer = url_som_ref.make_optimizer(model)
    c, hw = int(model.spec["in_channels"]), int(model.spec["input_size"])
    view_a = torch.rand(args.batch, c, hw, hw)
    view_b = torch.rand(args.batch, c, hw, hw)
    times = timed(lambda: url_som_ref.train_step(model, optimizer, view_a, view_b), args.warmup, args.steps)
    train_median = statistics.median(times)

    model.eval()
    xi = torch.rand(args.infer_batch, c, hw, hw)
    infer_steps = args.infer_steps if args.infer_steps > 0 else args.steps
    itimes = timed(lambda: model.assign(xi), args.warmup, infer_steps)
    infer_median = statistics.median(itimes)
    counts = url_som_ref.count_parameters(model)
    return {
        "engine": "pytorch-eager",
        "torch_version": torch.__version__,
        "model": "url_som",
        "spec": model.spec,
        "trainable_parameters": counts["total"],
        "parameter_counts": counts,
        "batch": args.batch,
        "steps": args.steps,
        "warmup": args.warmup,
        "infer_batch": args.infer_batch,
        "infer_steps": infer_steps,
        "train_step_includes": "forward of 2 x batch pre-augmented views, loss, backward, Adam step, zero_grad, BMUs",
        "train_step_median_s": train_median,
        "train_step_min_s": min(times),
        "train_images_per_second": args.batch / train_median,
        "infer_batch_median_s": infer_median,
        "infer_images_per_second": args.infer_batch / infer_median,
        "threads": torch.get_num_threads(),
        "blas": blas_libraries(),
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    main()
