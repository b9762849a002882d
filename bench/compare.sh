#!/usr/bin/env bash
# Runs `bin/distill4j bench` and bench/pytorch_reference.py back to back at each size and prints
# the ratios (distill4j / PyTorch). A benchmark, not a test: run it on an otherwise idle machine.
#   bench/compare.sh [SIZE...]        default sizes: 128 256
# Environment: PYTHON (default /usr/bin/python3, which has Debian's python3-torch), STEPS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-/usr/bin/python3}"
steps="${STEPS:-20}"
out="$(mktemp -d)"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(128 256)
for size in "${sizes[@]}"; do
  echo "== ${size}x${size}, batch 4, ${steps} steps" >&2
  bin/distill4j bench --size "$size" --steps "$steps" --json > "$out/java_$size.json" 2> "$out/java_$size.log"
  "$python" bench/pytorch_reference.py --size "$size" --steps "$steps" > "$out/python_$size.json"
done
"$python" - "$out" "${sizes[@]}" <<'PY'
import json, sys
out, sizes = sys.argv[1], sys.argv[2:]
print(f"{'size':>5} {'measurement':<34} {'distill4j ms':>12} {'PyTorch ms':>11} {'ratio':>6}")
for size in sizes:
    j = json.load(open(f"{out}/java_{size}.json"))["results"]
    p = json.load(open(f"{out}/python_{size}.json"))["results"]
    for key in ("train step ms, student", "train step ms, teacher", "distill step ms, KL",
                "teacher inference forward ms"):
        a, b = j[key]["median"], p[key]["median"]
        print(f"{size:>5} {key:<34} {a:12.1f} {b:11.1f} {a / b:6.2f}")
    for name, r in (("distill4j", j), ("PyTorch", p)):
        parts = r["train step ms, student"]["median"] + r["teacher inference forward ms"]["median"]
        print(f"{size:>5} {name}: distill step / (student step + teacher forward) = "
              f"{r['distill step ms, KL']['median'] / parts:.2f}")
PY
echo "raw output in $out" >&2
