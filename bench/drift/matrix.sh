#!/usr/bin/env bash
# The drift benchmark matrix of the README: MNIST class-split and MNIST -> Fashion-MNIST, plasticity control and
# rehearsal each on and off, plus a stationary MNIST stream of 50,000 images for false alarms. bench-drift is seeded
# and measures in images, so the numbers do not depend on the machine's load; only the wall times do.
#   bench/drift/matrix.sh [DATA_ROOT] [OUT]      (defaults: ../shared/datasets, runs/drift)
set -euo pipefail
root="${1:-../shared/datasets}"
out="${2:-runs/drift}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
for scenario in class-split dataset-switch; do
  to=()
  [ "$scenario" = dataset-switch ] && to=(--to "$root/fashion-mnist")
  for plasticity in on off; do
    for rehearsal in on off; do
      "$here/vitsom" bench-drift --data "$root/mnist" --scenario "$scenario" "${to[@]}" \
        --plasticity "$plasticity" --rehearsal "$rehearsal" --seed 0 \
        --out "$out/$scenario-plasticity-$plasticity-rehearsal-$rehearsal"
    done
  done
done
# Stationary: 50,000 MNIST images before a switch at the very end; false_alarms_before_switch is the number to read.
"$here/vitsom" bench-drift --data "$root/mnist" --scenario dataset-switch --to "$root/mnist" --images 51000 \
  --switch-at 50000 --rehearsal off --eval-every 5000 --seed 0 --out "$out/stationary-50000"
