#!/usr/bin/env bash
# Runs distill4j on the GPU device machine, from the repository root, with target/gpu/ (made by
# bench/gpu/prepare.sh) carried along. One call, about 8 minutes at most. Every stage reports
# ok/failed/skipped and the script goes on where it can, so one call yields as much as possible.
# Writes under $OUT (at most 8 files come back): run.log (all stages), bench-djl.json,
# bench-pytorch.json, summary.json (per stage: status, seconds, peak GPU memory), and
# libdjl_torch.so (the JNI library built here; gzip it into target/gpu/jni/libdjl_torch.so.gz to skip
# the build next time).
# Usage: OUT=/some/dir bench/gpu/run-on-device.sh [--budget SECONDS] [--bench SIZExBATCH,...]
#   --bench   only the benchmarks (DJL and the machine's PyTorch), at each input size and batch
#             given, e.g. 512x16,1024x4 (files bench-djl-512x16.json, ...); default: every stage, 512x4.
#   --amp bf16   with --bench: both sides in bf16 mixed precision (distill4j --amp bf16
#             --teacher_amp bf16, PyTorch under torch.autocast, which computes the reference's
#             teacher in bf16 too); files bench-djl-512x4-bf16.json, ...
#   --profile student|teacher   with --bench: time and profile only that model's training step on
#             both sides (host time per operator, printed into run.log).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${OUT:-$root/target/gpu-out}"
mkdir -p "$out"
budget=450 benches="" profile="" amp="none"
while (( $# > 0 )); do
  case "$1" in
    --budget) budget="$2"; shift 2 ;;
    --bench) benches="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --amp) amp="$2"; shift 2 ;;
    *) echo "run-on-device.sh: unknown option '$1' (use --budget, --bench, --profile, --amp)" >&2; exit 2 ;;
  esac
done
case "$amp" in none|bf16) ;; *) echo "run-on-device.sh: --amp must be none or bf16" >&2; exit 2 ;; esac
start=$SECONDS
pack="$root/target/gpu"
work="${GPU_WORK_DIR:-/tmp/distill4j-gpu}"
mkdir -p "$work"
log="$out/run.log"
: >"$log"
results=()

left() { echo $((budget - (SECONDS - start))); }

# The GPU memory in use, sampled every 200 ms while a stage runs; its peak minus the idle level
# before the stage is reported (the caching allocators of PyTorch keep what they took, so the peak
# is what a run of this kind needs the card to have free).
gpu_mem() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -1; }

# stage NAME CAP_SECONDS COMMAND...: runs COMMAND with a time cap (never past the budget), logs it.
stage() {
  local name="$1" cap="$2"; shift 2
  local rest; rest="$(left)"
  (( cap > rest )) && cap="$rest"
  if (( cap < 10 )); then
    echo "== $name: skipped (budget spent)" | tee -a "$log"
    results+=("$name skipped 0 0 0"); return 1
  fi
  echo "== $name (cap ${cap}s): $*" | tee -a "$log"
  local t0=$SECONDS rc idle sampler samples="$work/mem-$name.txt"
  idle="$(gpu_mem)"; idle="${idle:-0}"
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$samples" 2>/dev/null &
  sampler=$!
  timeout --kill-after=5 "$cap" "$@" >>"$log" 2>&1
  rc=$?
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  local peak; peak="$(sort -n "$samples" 2>/dev/null | tail -1)"; peak="${peak:-$idle}"
  local took=$((SECONDS - t0)) status=ok
  (( rc != 0 )) && status=failed
  echo "== $name: $status (rc $rc, ${took}s, GPU memory peak $((peak - idle)) MiB over idle $idle MiB)" \
    | tee -a "$log"
  results+=("$name $status $rc $took $((peak - idle))")
  return $rc
}
skip() { echo "== $1: skipped ($2)" | tee -a "$log"; results+=("$1 skipped 0 0 0"); }

# --- what the machine has
stage machine 30 bash -c 'nvidia-smi; uname -m; nproc; for t in cmake g++ c++ gcc nvcc ninja python3; do
  printf "%s: " $t; command -v $t || echo missing; done; g++ --version | head -1'
read -r torch_dir torch_version torch_cuda < <(python3 -c \
  'import torch; print(torch.__path__[0], torch.__version__, torch.version.cuda)' 2>>"$log")
echo "torch: dir=$torch_dir version=$torch_version cuda=$torch_cuda" | tee -a "$log"
pt_version="${torch_version%%+*}"
flavor=cpu
[[ -n "${torch_cuda:-}" && "$torch_cuda" != None ]] && flavor="cu$(echo "$torch_cuda" | tr -d .)"
djl_version="$(cat "$pack/djl-src/DJL_VERSION" 2>/dev/null || echo 0.36.0)"

# DJL counts GPUs through the CUDA runtime it loads with JNA ("cudart"); a pip install keeps that
# library under site-packages/nvidia/, outside the linker's search path, so name its folder.
cudart_dirs="$(python3 - <<'EOF' 2>>"$log"
import glob, os, torch
roots = [os.path.join(os.path.dirname(torch.__path__[0]), "nvidia"), "/usr/local/cuda/lib64",
         "/usr/local/cuda/targets/x86_64-linux/lib"]
found = []
for r in roots:
    for f in glob.glob(os.path.join(r, "**", "libcudart.so*"), recursive=True):
        d = os.path.dirname(f)
        if d not in found:
            found.append(d)
print(":".join(found))
EOF
)"
echo "cudart folders: ${cudart_dirs:-none found}" | tee -a "$log"

# --- DJL's JNI library against this machine's libtorch (DJL looks for
# <cache>/pytorch/<version>-<flavor>-linux-x86_64/<djl version>-libdjl_torch.so)
export DJL_CACHE_DIR="$work/djl-cache"
jni_dir="$DJL_CACHE_DIR/pytorch/${pt_version}-${flavor}-linux-x86_64"
jni="$jni_dir/${djl_version}-libdjl_torch.so"
mkdir -p "$jni_dir"
if [[ -f "$pack/jni/libdjl_torch.so.gz" ]]; then
  gunzip -c "$pack/jni/libdjl_torch.so.gz" >"$jni"
  echo "JNI: carried $pack/jni/libdjl_torch.so.gz" | tee -a "$log"
else
  stage jni-build 300 bash "$root/bench/gpu/build-jni.sh" "$pack/djl-src" "$torch_dir" "$pack/runtime" "$jni" \
    && cp "$jni" "$out/libdjl_torch.so"
fi

# --- Java on this machine's libtorch (the JVM library, gzipped in the pack, and system libraries for
# the JDK's JPEG codec and fonts, see prepare.sh)
source "$root/bench/gpu/unpack-runtime.sh"
unpack_runtime "$pack" "$log" || echo "unpacking the runtime failed; Java will not start" | tee -a "$log"
if [[ -f "$pack/runtime-extra.tar.gz" ]]; then
  # fontconfig with only the carried fonts: the machine may have no fonts or font configuration.
  mkdir -p "$work/fontconfig"
  printf '<?xml version="1.0"?>\n<fontconfig>\n  <dir>%s</dir>\n  <cachedir>%s</cachedir>\n</fontconfig>\n' \
    "$pack/runtime/lib/fonts" "$work/fontconfig/cache" >"$work/fontconfig/fonts.conf"
  export FONTCONFIG_FILE="$work/fontconfig/fonts.conf"
fi
export PYTORCH_LIBRARY_PATH="$torch_dir/lib" PYTORCH_VERSION="$pt_version" PYTORCH_FLAVOR="$flavor"
export DJL_OFFLINE=true
export LD_LIBRARY_PATH="${cudart_dirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# runtime/lib first for Java alone (the JDK dlopens libfontconfig); Python keeps the system libraries.
java_cmd=(env LD_LIBRARY_PATH="$pack/runtime/lib:$LD_LIBRARY_PATH" "$pack/runtime/bin/java" -Xss4m -Xmx16g -Djava.awt.headless=true -Dai.djl.offline=true
  -Djna.library.path="$cudart_dirs" -Dai.djl.pytorch.num_interop_threads=1 -cp "$pack/lib/*"
  org.distill4j.cli.Main)
echo "env: PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH PYTORCH_VERSION=$PYTORCH_VERSION" \
  "PYTORCH_FLAVOR=$PYTORCH_FLAVOR DJL_CACHE_DIR=$DJL_CACHE_DIR" | tee -a "$log"

smoke_t=configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml
smoke_s=configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml
# The tutorial's own GPU recipe (quick_start: 512x512, batch 4, both OS8) without the ImageNet
# backbone download, which this machine cannot reach: step times do not depend on the weights.
bench_t="$work/bench_teacher.yml" bench_s="$work/bench_student.yml"
printf "_base_: '%s'\nmodel:\n  backbone:\n    pretrained: Null\n" \
  "$root/configs/quick_start/deeplabv3p_resnet50_os8_optic_disc_512x512_1k_teacher.yml" >"$bench_t"
printf "_base_: '%s'\n" \
  "$root/configs/quick_start/deeplabv3p_resnet18_os8_optic_disc_512x512_1k_student.yml" >"$bench_s"

# bench SIZE BATCH SUFFIX: DJL's and PyTorch's step timings on the same input size and batch.
bench() {
  local size="$1" batch="$2" suffix="$3" djl_extra="--amp $amp --teacher_amp $amp" py_extra="--amp $amp"
  [[ "$amp" == none ]] || suffix="$suffix-$amp"
  if [[ -n "$profile" ]]; then
    djl_extra="$djl_extra --only train_$profile --profile $work/djl-profile$suffix.json"
    py_extra="$py_extra --profile $profile"
  fi
  if [[ -f "$jni" ]]; then
    stage "bench-djl$suffix" 180 bash -c "$(printf '%q ' "${java_cmd[@]}") bench --teacher_config '$bench_t' \
      --student_config '$bench_s' --size $size --batch_size $batch --warmup 3 --steps 10 --json $djl_extra \
      >'$out/bench-djl$suffix.json'"
  fi
  stage "bench-pytorch$suffix" 90 bash -c "python3 bench/pytorch_reference.py --device cuda --size $size \
    --batch_size $batch --warmup 3 --steps 10 --teacher_output_stride 8 $py_extra >'$out/bench-pytorch$suffix.json'"
}

if [[ -n "$benches" ]]; then
  for item in ${benches//,/ }; do
    bench "${item%x*}" "${item#*x}" "-$item"
  done
elif [[ ! -f "$jni" ]]; then
  for s in engine-check smoke-data kernels-gpu smoke-train-gpu smoke-distill-gpu smoke-eval-gpu bench-djl \
    smoke-tutorial; do
    skip "$s" "no JNI library"
  done
  bench 512 4 ""
else
  stage engine-check 90 "${java_cmd[@]}" check --config "$smoke_t"
  # The smoke configs' dataset (what `tutorial --scale smoke` generates: 24/8/4 images of 96x84).
  stage smoke-data 60 "${java_cmd[@]}" make-dataset --out data/optic_disc_seg_smoke --train 24 --val 8 \
    --test 4 --width 96 --height 84
  # The GPU's convolutions of the smoke teacher against float64, float32 and bfloat16 (check --kernels).
  stage kernels-gpu 90 "${java_cmd[@]}" check --config "$smoke_t" --kernels --amp bf16 --devices gpu:0
  stage smoke-train-gpu 90 "${java_cmd[@]}" train --config "$smoke_t" --devices gpu:0 --iters 4 --do_eval \
    --save_interval 4 --save_dir "$work/teacher"
  stage smoke-distill-gpu 90 "${java_cmd[@]}" distill --teacher_config "$smoke_t" \
    --student_config "$smoke_s" --teacher_model "$work/teacher/best_model" --devices gpu:0 --iters 4 \
    --do_eval --save_interval 4 --save_dir "$work/distill"
  stage smoke-eval-gpu 60 "${java_cmd[@]}" eval --config "$smoke_s" --devices gpu:0 \
    --model_path "$work/distill/best_model"
  bench 512 4 ""
  stage smoke-tutorial 150 "${java_cmd[@]}" tutorial --scale smoke --out "$work/smoke"
fi

# --- summary
{
  printf '{\n  "torch": "%s", "torch_cuda": "%s", "flavor": "%s", "djl": "%s",\n  "stages": [\n' \
    "$torch_version" "$torch_cuda" "$flavor" "$djl_version"
  n=${#results[@]} i=0
  for r in "${results[@]}"; do
    read -r name status rc took mem <<<"$r"
    i=$((i + 1)); sep=","; (( i == n )) && sep=""
    printf '    {"stage": "%s", "status": "%s", "rc": %s, "seconds": %s, "gpu_peak_mib": %s}%s\n' \
      "$name" "$status" "$rc" "$took" "$mem" "$sep"
  done
  printf '  ],\n  "total_seconds": %s\n}\n' "$((SECONDS - start))"
} >"$out/summary.json"
cat "$out/summary.json"
