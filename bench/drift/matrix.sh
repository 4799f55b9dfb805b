#!/usr/bin/env bash
# The drift benchmark runs of the README: MNIST class-split with plasticity control on and off (rehearsal on) and
# with rehearsal off (plasticity on), and MNIST -> Fashion-MNIST with both on. bench-drift is seeded and measures in
# images, so the numbers do not depend on the machine's load; only the wall times do.
#   bench/drift/matrix.sh [DATA_ROOT] [OUT]      (defaults: ../shared/datasets, runs/drift)
set -euo pipefail
root="${1:-../shared/datasets}"
out="${2:-runs/drift}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run() {
  local name="$1"
  shift
  "$here/vitsom" bench-drift --data "$root/mnist" --seed 0 --out "$out/$name" "$@"
}
run class-split-plasticity-on-rehearsal-on --scenario class-split --plasticity on --rehearsal on
run class-split-plasticity-off-rehearsal-on --scenario class-split --plasticity off --rehearsal on
run class-split-plasticity-on-rehearsal-off --scenario class-split --plasticity on --rehearsal off
run dataset-switch-plasticity-on-rehearsal-on --scenario dataset-switch --to "$root/fashion-mnist" --plasticity on \
  --rehearsal on
