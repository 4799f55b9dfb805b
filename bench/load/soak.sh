#!/usr/bin/env bash
# A replay soak of the whole pipeline (`./vitsom run`) at a fixed rate: every minute it samples the process's RSS,
# the services' counters, and the end-to-end latency of 200 assignments read live from som.assignments with kcat
# (Debian package `kcat`): the time a line arrives here minus the image's event time (the assignment record's own
# timestamp is the input's, so it cannot be used). Measures; asserts nothing. Writes soak.json and soak.md. The clock
# starts when serving has a model, latency counts from 30 s after that (images held before the first model drain
# first), RSS growth from the first sample after 5 minutes (heap growth while the JVMs warm up is not a leak).
#   bench/load/soak.sh [MINUTES] [RATE] [OUT]      defaults: 30 minutes, 100 images/s, runs/soak
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes="${1:-30}"
rate="${2:-100}"
out="${3:-runs/soak}"
command -v kcat >/dev/null || { echo "soak: kcat is needed (apt-get install kcat)" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"
out="$(cd "$out" && pwd)"
"$home/vitsom" run --rate "$rate" --work-dir "$out/work" > "$out/run.log" 2>&1 &
pid=$!
until grep -q "everything is up" "$out/run.log"; do
  kill -0 "$pid" 2>/dev/null || { echo "soak: run exited early; see $out/run.log" >&2; exit 1; }
  sleep 1
done
serving=$(grep -o 'serving *http://[^ ]*' "$out/run.log" | head -1 | awk '{print $2}')
bootstrap=$(grep -o 'kafka *[0-9.]*:[0-9]*' "$out/run.log" | head -1 | awk '{print $2}')
echo "soak: $minutes min at $rate images/s, pid $pid, serving $serving, $(nproc) cores; samples in $out/samples.tsv"
metric() { curl -fsS "$serving/metrics" 2>/dev/null | awk -v m="$1" '$1 ~ "^"m {s += $2} END {printf "%.0f", s}'; }
printf 'seconds\trss_kib\tserving_images\tlearner_images\tvalidation_rejected\tlearner_lag\n' > "$out/samples.tsv"
# The clock starts once serving has a model (images replayed before it are held until then, by design).
until curl -fsS "$serving/health" >/dev/null 2>&1; do sleep 1; done
start=$(date +%s)
end=$(( start + minutes * 60 ))
while [ "$(date +%s)" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(( $(date +%s) - start ))" "$rss" "$(metric vitsom_serving_images_total)" \
    "$(metric vitsom_learner_images_total)" \
    "$(curl -fsS "$serving/metrics" 2>/dev/null | awk '/^vitsom_ingest_records_total/ && /source="validation"/ && /outcome="rejected"/ {s += $2} END {printf "%.0f", s}')" \
    "$(metric vitsom_learner_consumer_lag)" >> "$out/samples.tsv"
  # 200 assignments as they arrive, each stamped with this machine's clock (ms) on arrival.
  timeout 30 kcat -b "$bootstrap" -C -t som.assignments -o end -c 200 -q -u -f '%s\n' 2>/dev/null \
    | while IFS= read -r line; do echo "$(date +%s%3N) $line"; done >> "$out/latency.txt" || true
  sleep 30
done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || true
python3 - "$out" "$minutes" "$rate" "$start" <<'PY'
import json, sys
out, minutes, rate, start = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
lat = []
for line in open(f"{out}/latency.txt"):
    arrived, _, value = line.partition(" ")
    try:
        if int(arrived) >= (start + 30) * 1000:
            lat.append(int(arrived) - json.loads(value)["event_time"])
    except (ValueError, KeyError):
        pass
rows = [l.rstrip("\n").split("\t") for l in open(f"{out}/samples.tsv")][1:]
rss = [int(r[1]) for r in rows if r[1] != "0" and int(r[0]) >= 300] or [int(r[1]) for r in rows if r[1] != "0"]
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else None
result = {
    "minutes": minutes, "rate": rate, "latency_samples": len(lat),
    "serving_images": int(rows[-1][2]) if rows else None,
    "throughput_per_s": (int(rows[-1][2]) - int(rows[0][2])) / max(1, int(rows[-1][0]) - int(rows[0][0])) if rows else None,
    "latency_ms": {"p50": pct(50), "p99": pct(99), "max": lat[-1] if lat else None},
    "rss_kib_start": rss[0] if rss else None, "rss_kib_end": rss[-1] if rss else None,
    "rss_growth": (rss[-1] / rss[0] - 1) if len(rss) > 1 else None,
    "validation_rejected": int(rows[-1][4]) if rows else None,
    "learner_lag_end": int(rows[-1][5]) if rows else None,
    "samples": len(rows),
}
json.dump(result, open(f"{out}/soak.json", "w"), indent=2)
with open(f"{out}/soak.md", "w") as md:
    md.write("| minutes | rate | images assigned | assigned/s | e2e p50 ms | e2e p99 ms | RSS at 5 min MiB | RSS end MiB | "
             "rejected | learner lag at end |\n|---|---|---|---|---|---|---|---|---|---|\n")
    md.write(f"| {minutes:g} | {rate:g} | {result['serving_images']} | {result['throughput_per_s']:.1f} | {pct(50)} | {pct(99)} | "
             f"{(rss[0] >> 10) if rss else '-'} | {(rss[-1] >> 10) if rss else '-'} | {result['validation_rejected']} | "
             f"{result['learner_lag_end']} |\n")
print(json.dumps(result, indent=2))
PY
