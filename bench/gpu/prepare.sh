#!/usr/bin/env bash
# Packs what the GPU device machine needs to run distill4j into target/gpu/ (ignored by git):
#   runtime/   a jlink-ed Java 17 runtime with only the modules the app uses, plus the JDK's include/
#              (jni.h), because the device machine has no Java at all;
#   lib/       the project jar and its Java dependencies, without any pytorch-native-* or pytorch-jni-*
#              jar (the device has its own libtorch; a 2.7.1 JNI would not match it);
#   djl-src/   DJL's JNI sources at the engine's tag plus the JNI header made here with javac, so the
#              device can compile libdjl_torch.so against its own PyTorch (it has cmake and nvcc but no
#              javac). These sources come from a local mirror and are never committed.
# Usage: bench/gpu/prepare.sh [--dry-run] [--no-jlink] [--no-djl-src]
#   --dry-run    prints the modules and files it would pack and exits without writing anything.
# Env: DJL_MIRROR (git dir of github:deepjavalibrary/djl), DJL_TAG (default v<djl.version in the jar list>),
#      GPU_APP_JAR / GPU_APP_LIB (default target/distill4j.jar, target/lib; the test dry-runs on
#      target/classes), GPU_PACK_DIR (default target/gpu), GPU_CALL_LIMIT_MB (default 64: what a
#      device call carries, the pack and the repository's working tree together).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pack="${GPU_PACK_DIR:-$root/target/gpu}"
limit_mb="${GPU_CALL_LIMIT_MB:-64}"
mirror="${DJL_MIRROR:-/work/.mirror/deepjavalibrary+djl/repo}"
dry_run=0 do_jlink=1 do_djl=1
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    --no-jlink) do_jlink=0 ;;
    --no-djl-src) do_djl=0 ;;
    *) echo "prepare.sh: unknown option '$arg' (use --dry-run, --no-jlink, --no-djl-src)" >&2; exit 2 ;;
  esac
done
if [[ ! "$limit_mb" =~ ^[1-9][0-9]*$ ]]; then
  echo "prepare.sh: GPU_CALL_LIMIT_MB must be a whole number of MiB, got '$limit_mb'" >&2
  exit 2
fi

jar="${GPU_APP_JAR:-$root/target/distill4j.jar}"
libdir="${GPU_APP_LIB:-$root/target/lib}"
if [[ ! -e "$jar" || ! -d "$libdir" ]]; then
  echo "prepare.sh: $jar or $libdir missing; build first: mvn -B -o package -DskipTests" >&2
  exit 2
fi

# Java dependencies that travel: everything in target/lib except PyTorch's native and JNI jars, and
# the PDF/SVG libraries XChart uses only for vector export, which distill4j never asks for (3.8 MB
# that a device call, limited to 64 MiB, cannot spare).
mapfile -t deps < <(find "$libdir" -maxdepth 1 -name '*.jar' ! -name 'pytorch-native-*' \
  ! -name 'pytorch-jni-*' ! -name 'pdfbox-*' ! -name 'fontbox-*' ! -name 'graphics2d-*' \
  ! -name 'VectorGraphics2D-*' | sort)
engine_jar="$(printf '%s\n' "${deps[@]}" | grep '/pytorch-engine-' | head -1)"
api_jar="$(printf '%s\n' "${deps[@]}" | grep '/api-[0-9]' | head -1)"
djl_version="$(basename "$engine_jar" .jar | sed 's/^pytorch-engine-//')"
tag="${DJL_TAG:-v$djl_version}"

# Modules: what jdeps finds in the project jar, plus those the dependencies load by reflection or
# service lookup (jdk.unsupported: sun.misc.Unsafe in JNA/Gson; jdk.crypto.ec and jdk.zipfs: TLS and
# zip file systems). Left out: jdk.jshell, used only by the `notebook` command, which pulls in the
# Java compiler and debugger (the runtime grows from about 50 to 72 MiB and no longer fits a call).
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
cp="$(IFS=:; echo "${deps[*]}")"
found="$("$java_home/bin/jdeps" --multi-release 17 --ignore-missing-deps -q --print-module-deps \
  --class-path "$cp" "$jar" 2>/dev/null || true)"
modules="$(printf '%s\n' "${found//,/$'\n'}" java.base java.desktop java.logging java.management \
  java.naming java.net.http java.scripting java.sql jdk.unsupported jdk.crypto.ec jdk.zipfs \
  | grep -v -x -e '' -e jdk.jshell | sort -u | paste -sd, -)"

echo "DJL engine $djl_version (JNI sources: tag $tag from $mirror)"
echo "modules (jdeps found: ${found:-none}): $modules"
echo "jars:"; printf '  %s\n' "$(basename "$jar")" "${deps[@]##*/}"
if [[ "$dry_run" == 1 ]]; then
  echo "dry run: nothing written (would write $pack)"
  exit 0
fi

rm -rf "$pack"
mkdir -p "$pack/lib"
cp "$jar" "${deps[@]}" "$pack/lib/"
# JNA's jar carries its native library for some thirty platforms (2 MiB); the device is x86-64 Linux,
# and every MiB counts against a call.
for jna in "$pack"/lib/jna-[0-9]*.jar; do
  [[ -f "$jna" ]] || continue
  if command -v zip >/dev/null && command -v unzip >/dev/null; then
    mapfile -t foreign < <(unzip -Z1 "$jna" | grep -E '^com/sun/jna/[a-z0-9]+-[a-z0-9-]+/.+' \
      | grep -v '^com/sun/jna/linux-x86-64/')
    (( ${#foreign[@]} == 0 )) || zip -q -d "$jna" "${foreign[@]}"
  else
    echo "prepare.sh: no zip/unzip here; $(basename "$jna") keeps its other platforms' natives" >&2
  fi
done

if [[ "$do_jlink" == 1 ]]; then
  "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$pack/runtime"
  # The JDK's native libraries keep their symbol tables (4 MiB in libjvm.so alone); the pack must
  # fit one device call.
  if command -v strip >/dev/null; then
    find "$pack/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} +
  fi
  # The JVM's own library is 20 MiB and 7 gzipped; run-on-device.sh unpacks it (unpack-runtime.sh).
  gzip -9 -n "$pack/runtime/lib/server/libjvm.so"
  # jlink drops include/; the JNI build on the device needs jni.h and linux/jni_md.h.
  cp -r "$java_home/include" "$pack/runtime/include"
  # The JDK's image and font libraries link against system libraries (libjpeg for ImageIO's JPEG
  # codec, FreeType and HarfBuzz for chart text, LittleCMS for colour conversion) that a bare GPU
  # image may lack, and AWT needs at least one font file. They travel gzipped (a device call carries
  # 64 MiB) and run-on-device.sh unpacks them into runtime/lib, which these libraries search first
  # (RPATH $ORIGIN); fonts/ there is where the JDK looks when fontconfig finds none.
  extra="$pack/extra"
  mkdir -p "$extra/fonts"
  # libfontconfig is loaded by the JDK at run time (dlopen), so ldd on its libraries does not list it;
  # without it the JDK finds no font at all and every chart fails.
  fontconfig="$(ldconfig -p | awk '/libfontconfig\.so\.1 .*x86-64/{print $NF; exit}')"
  [[ -n "$fontconfig" ]] && cp -L "$fontconfig" "$extra/"
  (cd "$pack/runtime/lib" && ldd libjavajpeg.so libfontmanager.so liblcms.so $fontconfig) | awk '/=> \//{print $3}' \
    | sort -u | grep -v -E '/(libc|libm|libdl|libpthread|librt|ld-linux[^/]*|libstdc\+\+|libgcc_s)\.so' \
    | grep -v "$pack" | xargs -r -I{} cp -L {} "$extra/"
  for font in /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf; do
    [[ -f "$font" ]] && cp "$font" "$extra/fonts/"
  done
  tar -czf "$pack/runtime-extra.tar.gz" -C "$extra" . && rm -rf "$extra"
fi

if [[ "$do_djl" == 1 ]]; then
  if ! git -C "$mirror" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1; then
    echo "prepare.sh: no DJL mirror with tag $tag at $mirror; skipping the JNI sources" >&2
  else
    src="$pack/djl-src"
    mkdir -p "$src"
    git -C "$mirror" archive "$tag" engines/pytorch/pytorch-native/CMakeLists.txt \
      engines/pytorch/pytorch-native/src/main/native api/src/main/native \
      engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java \
      | tar -x -C "$src"
    native="$src/engines/pytorch/pytorch-native"
    # The JNI header that DJL's build makes with `javac -h`; CMakeLists.txt reads it from build/include.
    "$java_home/bin/javac" -h "$native/build/include" -d "$pack/javac-tmp" -cp "$api_jar:$engine_jar" \
      "$src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
    rm -rf "$pack/javac-tmp"
    echo "$djl_version" >"$src/DJL_VERSION"
  fi
fi

# A device call carries the working tree (tracked files and untracked ones git does not ignore) and
# the carried pack together; both grow (measurements are committed), so check their sum.
bytes="$(du -sb "$pack" | cut -f1)"
# (du skips a tracked file deleted from the tree; its complaint must not stop the script.)
tree_bytes="$( (cd "$root" && git ls-files -z --cached --others --exclude-standard \
  | xargs -0 -r du -cb 2>/dev/null || true) | awk '$2 == "total" {sum += $1} END {print sum + 0}')"
total=$(( bytes + tree_bytes ))
limit_bytes=$(( limit_mb * 1048576 ))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
echo "packed $pack: $(mib "$bytes") MiB; with the working tree ($(mib "$tree_bytes") MiB) a call carries $(mib "$total") of ${limit_mb} MiB"
du -sh "$pack"/* | sed 's/^/  /'
if (( total > limit_bytes )); then
  echo "prepare.sh: the pack ($(mib "$bytes") MiB) and the working tree ($(mib "$tree_bytes") MiB) come to $(mib "$total") MiB, over the ${limit_mb} MiB a device call carries; make the tree or the pack smaller" >&2
  exit 1
fi
