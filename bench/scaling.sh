#!/usr/bin/env bash
# Step time and peak memory of a training step against input size and batch, for the student and
# the teacher: one `bin/distill4j bench --only train_<model>` process per point, so that each peak
# resident memory (VmHWM) belongs to that point alone. Prints a Markdown table on stdout and keeps
# every point's JSON under --out.
#
# Usage: bench/scaling.sh [--sizes 64,128,256,512] [--batches 1,2,4,8] [--models student,teacher]
#                         [--warmup 1] [--steps 3] [--out DIR]
# Env:   DISTILL4J (default bin/distill4j), passed the bench flags; the teacher and student configs
#        are bench's defaults (configs/cpu) unless BENCH_ARGS adds --teacher_config/--student_config.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=64,128,256,512 batches=1,2,4,8 models=student,teacher warmup=1 steps=3
out="$root/target/scaling"
while (( $# > 0 )); do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "scaling.sh: unknown option '$1' (use --sizes, --batches, --models, --warmup, --steps, --out)" >&2
       exit 2 ;;
  esac
done
for m in ${models//,/ }; do
  if [[ "$m" != student && "$m" != teacher ]]; then
    echo "scaling.sh: --models: unknown model '$m' (use student, teacher)" >&2
    exit 2
  fi
done
cmd="${DISTILL4J:-$root/bin/distill4j}"
mkdir -p "$out"

for m in ${models//,/ }; do
  for s in ${sizes//,/ }; do
    for b in ${batches//,/ }; do
      echo "scaling: $m ${s}x${s} batch $b ..." >&2
      # shellcheck disable=SC2086
      "$cmd" bench ${BENCH_ARGS:-} --only "train_$m" --size "$s" --batch_size "$b" --warmup "$warmup" \
        --steps "$steps" --num_workers 0 --json >"$out/$m-$s-$b.json" 2>"$out/$m-$s-$b.log" \
        || { echo "scaling.sh: $m ${s}x${s} batch $b failed; see $out/$m-$s-$b.log" >&2; exit 1; }
    done
  done
done

# The table: per point the median step, the time per image, and the cost per pixel relative to the
# model's cheapest-per-pixel point (1.00 = as efficient as it gets; 2.00 = each pixel costs twice as
# much), which shows where the cost grows faster than the pixels.
python3 - "$out" "$models" "$sizes" "$batches" <<'EOF'
import json, os, sys
out, models, sizes, batches = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(","), sys.argv[4].split(",")
print("| model | input | batch | step ms (median) | ms per image | cost per pixel (x best) | peak RSS MiB |")
print("|---|---|---:|---:|---:|---:|---:|")
for m in models:
    rows = []
    for s in sizes:
        for b in batches:
            d = json.load(open(os.path.join(out, f"{m}-{s}-{b}.json")))
            r = d["results"]
            ms = r[f"train step ms, {m}"]["median"]
            rows.append((int(s), int(b), ms, ms / (int(b) * int(s) ** 2), r["peak RSS MiB"]))
    best = min(r[3] for r in rows)
    for s, b, ms, per_px, rss in rows:
        print(f"| {m} | {s}x{s} | {b} | {ms:.1f} | {ms / b:.1f} | {per_px / best:.2f} | {rss:.0f} |")
EOF
