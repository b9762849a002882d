#!/usr/bin/env bash
# Compiles DJL's PyTorch JNI library (libdjl_torch.so) against the libtorch of a Python PyTorch
# install, with the host C++ compiler and no CMake: each source file is compiled on its own, in
# parallel, so that one call reports every error at once.
#
# Why not DJL's CMakeLists.txt: on a CUDA build of PyTorch, find_package(Torch) also looks for the
# CUDA toolkit, cuDNN and NVTX in the places a source build lays them out, which a pip install does
# not. The JNI code itself needs no CUDA header: its only CUDA-specific parts (TorchScript streams,
# emptyCache) sit behind USE_CUDA, which is left undefined here. CUDA tensors still work, because
# DJL loads libtorch_cuda.so from the libtorch folder and PyTorch's dispatcher finds the CUDA kernels.
#
# Sources that do not compile against this PyTorch and that distill4j never calls (TorchScript:
# inference.cc, ivalue.cc) are left out with a line saying so; a failure anywhere else fails the build.
#
# Usage: [JOBS=N] [JNI_CXXFLAGS=...] [PYTHON=python3] build-jni.sh SRC_ROOT TORCH_DIR JAVA_HOME OUT_SO
#   SRC_ROOT   the djl-src folder made by prepare.sh (engines/pytorch/pytorch-native, api/src/main/native)
#   TORCH_DIR  torch's package folder (has include/ and lib/)
#   JAVA_HOME  a Java runtime with include/jni.h (prepare.sh copies it into the packed runtime)
#   OUT_SO     where to write libdjl_torch.so
set -uo pipefail

if (( $# != 4 )); then
  echo "usage: build-jni.sh SRC_ROOT TORCH_DIR JAVA_HOME OUT_SO" >&2
  exit 2
fi
src_root="$1" torch_dir="$2" java_home="$3" out_so="$4"
native="$src_root/engines/pytorch/pytorch-native"
cxx="${CXX:-$(command -v g++ || command -v c++ || command -v clang++ || true)}"
for need in "$native/src/main/native" "$native/build/include" "$src_root/api/src/main/native" \
  "$torch_dir/include" "$torch_dir/lib" "$java_home/include"; do
  if [[ ! -d "$need" ]]; then
    echo "build-jni.sh: missing folder $need" >&2
    exit 2
  fi
done
if [[ -z "$cxx" ]]; then
  echo "build-jni.sh: no C++ compiler (g++, c++ or clang++) on this machine" >&2
  exit 2
fi

# PyTorch's pip wheels choose the libstdc++ ABI; the JNI library must use the same one.
abi="$("${PYTHON:-python3}" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null)" || {
  echo "build-jni.sh: ${PYTHON:-python3} cannot import torch, so the libstdc++ ABI of $torch_dir is unknown" >&2
  exit 2
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
includes=(-I"$native/build/include" -I"$src_root/api/src/main/native" -I"$java_home/include"
  -I"$java_home/include/linux" -I"$torch_dir/include" -I"$torch_dir/include/torch/csrc/api/include")
optional=(ai_djl_pytorch_jni_PyTorchLibrary_inference ai_djl_pytorch_jni_PyTorchLibrary_ivalue)

# compile STD FILE...: compiles each source with -std=STD, in parallel; prints the names of those
# that failed (their errors stay in $work/NAME.log).
compile() {
  local std="$1" jobs="${JOBS:-$(nproc)}"; shift
  printf '%s\0' "$@" | xargs -0 -P "$jobs" -I{} bash -c '
    f="$1"; shift; name="$(basename "$f" .cc)"
    if ! "$@" -c "$f" -o "'"$work"'/$name.o" >"'"$work"'/$name.log" 2>&1; then echo "$name"; fi
  ' _ {} "$cxx" -std="$std" -O2 -fPIC -D_GLIBCXX_USE_CXX11_ABI="$abi" -DNDEBUG -w "${includes[@]}" \
    ${JNI_CXXFLAGS:-}
}

echo "build-jni: $("$cxx" --version | head -1); torch at $torch_dir; C++11 ABI $abi"
mapfile -t todo < <(find "$native/src/main/native" -name '*.cc' | sort)
failed=()
# C++17 is what DJL builds with; newer PyTorch headers may need C++20, so failures get one more try.
for std in c++17 c++20; do
  mapfile -t failed < <(compile "$std" "${todo[@]}")
  (( ${#failed[@]} == 0 )) && break
  echo "build-jni: with -std=$std, ${#failed[@]} file(s) failed: ${failed[*]}"
  for name in "${failed[@]}"; do
    grep -m 6 -E 'error' "$work/$name.log" | sed "s|^|  $name: |"
  done
  todo=()
  for name in "${failed[@]}"; do todo+=("$native/src/main/native/$name.cc"); done
done

fatal=0
for name in "${failed[@]}"; do
  if printf '%s\n' "${optional[@]}" | grep -qx "$name"; then
    echo "build-jni: leaving out $name (TorchScript only; distill4j never calls it)"
    rm -f "$work/$name.o"
  else
    fatal=1
  fi
done
if (( fatal )); then
  for name in "${failed[@]}"; do
    echo "---- $name.log"
    head -60 "$work/$name.log"
  done
  echo "build-jni: failed" >&2
  exit 1
fi

mkdir -p "$(dirname "$out_so")"
"$cxx" -shared -o "$out_so" "$work"/*.o -L"$torch_dir/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu \
  -lc10 -Wl,-rpath,"$torch_dir/lib" || { echo "build-jni: link failed" >&2; exit 1; }
echo "build-jni: wrote $out_so ($(stat -c %s "$out_so") bytes)"
