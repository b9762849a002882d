#!/usr/bin/env bash
# Runs `bin/distill4j bench` and bench/pytorch_reference.py back to back at each size and prints
# the ratios (distill4j / PyTorch). A benchmark, not a test: run it on an otherwise idle machine.
#   bench/compare.sh [SIZE...]        default sizes: 128 256
# Environment: PYTHON (default /usr/bin/python3, which has Debian's python3-torch), STEPS (20),
# ROUNDS (1): with more rounds the two alternate (which goes first swaps every round) and each
# figure is the median over the rounds of the per-run medians, so a slow spell of a shared machine
# hits both sides alike; the last column gives the lowest and highest ratio of single rounds.
# MACHINE_PYTORCH_ENV=FILE (written by bin/use-machine-pytorch for $PYTHON's PyTorch) runs distill4j on
# that same libtorch binary, so that both sides use the same kernels.
# NUM_WORKERS (0): distill4j's loader threads during the timed steps. DISTILL4J (default
# bin/distill4j): the command that runs distill4j's bench.
# REFERENCE_ALLOCATOR: system (default: the reference as PyTorch users run it, glibc's malloc with its
# defaults) or launcher (the allocator bin/distill4j gives distill4j, bin/allocator.sh: jemalloc with
# freed memory kept, where installed). With glibc's defaults a PyTorch step page-faults its freed
# activations back in, which costs it up to a third of a training step at 256 (docs/performance.md,
# "The reference's allocator").
# AMP=bf16 runs distill4j with --amp bf16 and PyTorch twice, in float32 and under its own autocast
# (bfloat16), and prints distill4j's bf16 times against both. TEACHER_AMP (default: AMP) is
# distill4j's --teacher_amp, the distillation step's frozen teacher: autocast computes the
# reference's teacher in bfloat16 too, so by default both sides distil from a bf16 teacher.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-/usr/bin/python3}"
distill4j="${DISTILL4J:-bin/distill4j}"
steps="${STEPS:-20}"
rounds="${ROUNDS:-1}"
amp="${AMP:-none}"
teacher_amp="${TEACHER_AMP:-$amp}"
# The reference trains on tensors made once, with no loader; so by default distill4j's bench loads
# its batches in the training thread (--num_workers 0): the step times exclude the loading either
# way (batch_cost - reader_cost), but loader threads would run beside the step on the same cores.
workers="${NUM_WORKERS:-0}"
case "$amp" in none|bf16) ;; *) echo "AMP must be none or bf16, got '$amp'" >&2; exit 2 ;; esac
case "$teacher_amp" in none|bf16) ;; *) echo "TEACHER_AMP must be none or bf16, got '$teacher_amp'" >&2; exit 2 ;; esac
reference_allocator="${REFERENCE_ALLOCATOR:-system}"
case "$reference_allocator" in system|launcher) ;;
  *) echo "REFERENCE_ALLOCATOR must be system or launcher, got '$reference_allocator'" >&2; exit 2 ;; esac
out="$(mktemp -d)"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(128 256)
run_java() {
  ( if [[ -n "${MACHINE_PYTORCH_ENV:-}" ]]; then source "$MACHINE_PYTORCH_ENV"; fi
    "$distill4j" bench --only train_student,train_teacher,distill,inference --size "$1" --steps "$steps" --amp "$amp" \
      --teacher_amp "$teacher_amp" --num_workers "$workers" --json > "$out/java_$1_$2.json" 2> "$out/java_$1_$2.log" ); }
reference() {
  if [[ "$reference_allocator" == launcher ]]; then
    ( source bin/allocator.sh; choose_default_allocator; exec "$python" bench/pytorch_reference.py "$@" )
  else
    "$python" bench/pytorch_reference.py "$@"
  fi; }
run_python() {
  reference --size "$1" --steps "$steps" > "$out/python_$1_$2.json"
  if [[ "$amp" != none ]]; then
    reference --size "$1" --steps "$steps" --amp "$amp" > "$out/pythonamp_$1_$2.json"
  fi; }
for size in "${sizes[@]}"; do
  for ((r = 0; r < rounds; r++)); do
    echo "== ${size}x${size}, batch 4, ${steps} steps, round $((r + 1)) of ${rounds}" >&2
    if ((r % 2 == 0)); then run_java "$size" "$r"; run_python "$size" "$r"
    else run_python "$size" "$r"; run_java "$size" "$r"; fi
  done
done
"$python" - "$out" "$rounds" "$amp" "$workers" "$teacher_amp" "$reference_allocator" "${sizes[@]}" <<'PY'
import json, statistics, sys
out, rounds, amp, workers, teacher_amp = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
reference_allocator = sys.argv[6]
sizes = sys.argv[7:]
keys = ("train step ms, student", "train step ms, teacher", "distill step ms, KL",
        "teacher inference forward ms")
engines = [json.load(open(f"{out}/{side}_{sizes[0]}_0.json"))["context"]["engine"] for side in ("java", "python")]
print(f"distill4j on {engines[0]} ({workers} loader workers); the reference on {engines[1]}, with "
      + ("bin/distill4j's allocator" if reference_allocator == "launcher" else "the system's allocator"))
if amp != "none":
    print(f"distill4j with --amp {amp} --teacher_amp {teacher_amp}; PyTorch in float32 (fp32) and"
          f" under torch.autocast {amp} (amp)")
    print(f"{'size':>5} {'measurement':<30} {'distill4j ms':>12} {'fp32 ms':>8} {'amp ms':>8} "
          f"{'/fp32':>6} {'/amp':>6} {'rounds /fp32':>12}")
    for size in sizes:
        j = [json.load(open(f"{out}/java_{size}_{r}.json"))["results"] for r in range(rounds)]
        p = [json.load(open(f"{out}/python_{size}_{r}.json"))["results"] for r in range(rounds)]
        q = [json.load(open(f"{out}/pythonamp_{size}_{r}.json"))["results"] for r in range(rounds)]
        med = lambda runs, key: statistics.median(run[key]["median"] for run in runs)
        for key in keys:
            a, b, c = med(j, key), med(p, key), med(q, key)
            each = [x[key]["median"] / y[key]["median"] for x, y in zip(j, p)]
            print(f"{size:>5} {key:<30} {a:12.1f} {b:8.1f} {c:8.1f} {a / b:6.2f} {a / c:6.2f} "
                  f"{min(each):5.2f}-{max(each):4.2f}")
    sys.exit(0)
print(f"{'size':>5} {'measurement':<30} {'distill4j ms':>12} {'PyTorch ms':>11} {'ratio':>6} {'rounds':>11}")
for size in sizes:
    j = [json.load(open(f"{out}/java_{size}_{r}.json"))["results"] for r in range(rounds)]
    p = [json.load(open(f"{out}/python_{size}_{r}.json"))["results"] for r in range(rounds)]
    med = lambda runs, key: statistics.median(run[key]["median"] for run in runs)
    for key in keys:
        a, b = med(j, key), med(p, key)
        each = [x[key]["median"] / y[key]["median"] for x, y in zip(j, p)]
        print(f"{size:>5} {key:<30} {a:12.1f} {b:11.1f} {a / b:6.2f} {min(each):5.2f}-{max(each):4.2f}")
    for name, runs in (("distill4j", j), ("PyTorch", p)):
        parts = med(runs, "train step ms, student") + med(runs, "teacher inference forward ms")
        print(f"{size:>5} {name}: distill step / (student step + teacher forward) = "
              f"{med(runs, 'distill step ms, KL') / parts:.2f}")
    cached = "distill step ms, KL, teacher cache"
    if cached in j[0]:
        each = [x[cached]["median"] / x["train step ms, student"]["median"] for x in j]
        print(f"{size:>5} distill4j: distill step with teacher cache / student step = "
              f"{med(j, cached) / med(j, 'train step ms, student'):.2f} "
              f"(rounds {min(each):.2f}-{max(each):.2f}; cache built in "
              f"{statistics.median(x['teacher cache build s'] for x in j):.0f} s)")
PY
echo "raw output in $out" >&2
