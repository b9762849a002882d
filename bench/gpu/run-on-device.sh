#!/usr/bin/env bash
# Runs distill4j on the GPU device machine, from the repository root, with target/gpu/ (made by
# bench/gpu/prepare.sh) carried along. One call, about 8 minutes at most. Every stage reports
# ok/failed/skipped and the script goes on where it can, so one call yields as much as possible.
# Writes under $OUT (at most 8 files come back): run.log (all stages), jni-build.log,
# bench-djl.json, bench-pytorch.json, summary.json.
# Usage: OUT=/some/dir bench/gpu/run-on-device.sh [--budget SECONDS]   (default 450)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${OUT:-$root/target/gpu-out}"
mkdir -p "$out"
budget=450
[[ "${1:-}" == "--budget" ]] && budget="$2"
start=$SECONDS
pack="$root/target/gpu"
work="${GPU_WORK_DIR:-/tmp/distill4j-gpu}"
mkdir -p "$work"
log="$out/run.log"
: >"$log"
results=()

left() { echo $((budget - (SECONDS - start))); }
# stage NAME CAP_SECONDS COMMAND...: runs COMMAND with a time cap (never past the budget), logs it.
stage() {
  local name="$1" cap="$2"; shift 2
  local rest; rest="$(left)"
  (( cap > rest )) && cap="$rest"
  if (( cap < 10 )); then
    echo "== $name: skipped (budget spent)" | tee -a "$log"
    results+=("$name skipped 0 0"); return 1
  fi
  echo "== $name (cap ${cap}s): $*" | tee -a "$log"
  local t0=$SECONDS rc
  timeout --kill-after=5 "$cap" "$@" >>"$log" 2>&1
  rc=$?
  local took=$((SECONDS - t0)) status=ok
  (( rc != 0 )) && status=failed
  echo "== $name: $status (rc $rc, ${took}s)" | tee -a "$log"
  results+=("$name $status $rc $took")
  return $rc
}

# --- what the machine has
stage machine 30 bash -c 'nvidia-smi; uname -m; for t in cmake g++ c++ gcc nvcc ninja python3; do
  printf "%s: " $t; command -v $t || echo missing; done; cmake --version | head -1; g++ --version | head -1'
read -r torch_dir torch_version torch_cuda < <(python3 -c \
  'import torch; print(torch.__path__[0], torch.__version__, torch.version.cuda)' 2>>"$log")
echo "torch: dir=$torch_dir version=$torch_version cuda=$torch_cuda" | tee -a "$log"
pt_version="${torch_version%%+*}"
flavor="cu$(echo "${torch_cuda:-}" | tr -d .)"
[[ "$flavor" == cu ]] && flavor=cpu
djl_version="$(cat "$pack/djl-src/DJL_VERSION" 2>/dev/null || echo 0.36.0)"

# --- DJL's JNI library against this machine's libtorch (DJL looks for
# <cache>/pytorch/<version>-<flavor>-linux-x86_64/<djl version>-libdjl_torch.so)
export DJL_CACHE_DIR="$work/djl-cache"
jni_dir="$DJL_CACHE_DIR/pytorch/${pt_version}-${flavor}-linux-x86_64"
jni="$jni_dir/${djl_version}-libdjl_torch.so"
build_jni() {
  local src="$pack/djl-src/engines/pytorch/pytorch-native" b="$work/jni-build"
  rm -rf "$b"
  JAVA_HOME="$pack/runtime" cmake -S "$src" -B "$b" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_dir/share/cmake" -DUSE_CUDA=1 -DJAVA_HOME="$pack/runtime" \
    -DJAVA_INCLUDE_PATH="$pack/runtime/include" -DJAVA_INCLUDE_PATH2="$pack/runtime/include/linux" \
    -DJAVA_JVM_LIBRARY="$pack/runtime/lib/server/libjvm.so" || return 1
  cmake --build "$b" -j "$(nproc)" || return 1
  mkdir -p "$jni_dir" && cp "$b/libdjl_torch.so" "$jni"
}
if [[ -f "$jni" ]]; then
  echo "JNI already at $jni" | tee -a "$log"
else
  stage jni-build 240 bash -c "$(declare -f build_jni); pack='$pack' work='$work' torch_dir='$torch_dir' \
    jni_dir='$jni_dir' jni='$jni' build_jni" ; cp "$log" "$out/jni-build.log" 2>/dev/null
fi

# --- Java on this machine's libtorch
export PYTORCH_LIBRARY_PATH="$torch_dir/lib" PYTORCH_VERSION="$pt_version" PYTORCH_FLAVOR="$flavor"
export DJL_OFFLINE=true
java_cmd=("$pack/runtime/bin/java" -Xss4m -Xmx16g -Djava.awt.headless=true -Dai.djl.offline=true
  -Dai.djl.pytorch.num_interop_threads=1 -cp "$pack/lib/*" org.distill4j.cli.Main)
echo "env: PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH PYTORCH_VERSION=$PYTORCH_VERSION" \
  "PYTORCH_FLAVOR=$PYTORCH_FLAVOR DJL_CACHE_DIR=$DJL_CACHE_DIR" | tee -a "$log"

smoke_t=configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml
smoke_s=configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml
stage engine-check 60 "${java_cmd[@]}" check --config "$smoke_t"
stage smoke-tutorial 150 "${java_cmd[@]}" tutorial --scale smoke --out "$work/smoke"
stage smoke-train-gpu 60 "${java_cmd[@]}" train --config "$smoke_t" --devices gpu:0 --iters 4 --do_eval --save_interval 4 \
  --save_dir "$work/teacher"
stage smoke-distill-gpu 60 "${java_cmd[@]}" distill --teacher_config "$smoke_t" \
  --student_config "$smoke_s" --teacher_model "$work/teacher/best_model" --devices gpu:0 --iters 4 --do_eval --save_interval 4 \
  --save_dir "$work/distill"
stage smoke-eval-gpu 45 "${java_cmd[@]}" eval --config "$smoke_s" --devices gpu:0 \
  --model_path "$work/distill/best_model"
stage bench-djl-512 150 bash -c "$(printf '%q ' "${java_cmd[@]}") bench --size 512 --batch_size 4 --warmup 2 \
  --steps 5 --json >'$out/bench-djl.json'"
stage bench-pytorch-512 90 bash -c "python3 bench/pytorch_reference.py --device cuda --size 512 \
  --batch_size 4 --warmup 2 --steps 5 --teacher_output_stride 8 >'$out/bench-pytorch.json'"

# --- summary
{
  printf '{\n  "torch": "%s", "torch_cuda": "%s", "flavor": "%s", "djl": "%s",\n  "stages": [\n' \
    "$torch_version" "$torch_cuda" "$flavor" "$djl_version"
  n=${#results[@]} i=0
  for r in "${results[@]}"; do
    read -r name status rc took <<<"$r"
    i=$((i + 1)); sep=","; (( i == n )) && sep=""
    printf '    {"stage": "%s", "status": "%s", "rc": %s, "seconds": %s}%s\n' "$name" "$status" "$rc" "$took" "$sep"
  done
  printf '  ],\n  "total_seconds": %s\n}\n' "$((SECONDS - start))"
} >"$out/summary.json"
cat "$out/summary.json"
