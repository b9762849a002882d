# Restores the parts of the packed Java runtime that travel compressed (bench/gpu/prepare.sh packs
# them so that the pack and the repository fit the 64 MiB a device call carries), as a function for
# bench/gpu/run-on-device.sh to source.

# unpack_runtime PACK LOG: gunzips PACK/runtime/lib/server/libjvm.so.gz (the JVM itself, 20 MiB,
# 7 gzipped) and unpacks PACK/runtime-extra.tar.gz (system libraries for the JDK's JPEG codec and
# fonts) into PACK/runtime/lib; each present part once, noted in LOG. Returns non-zero if one fails.
unpack_runtime() {
  local pack="$1" log="$2"
  local jvm="$pack/runtime/lib/server/libjvm.so"
  if [[ -f "$jvm.gz" && ! -f "$jvm" ]]; then
    gunzip -c "$jvm.gz" >"$jvm.tmp" && mv "$jvm.tmp" "$jvm" || { rm -f "$jvm.tmp"; return 1; }
    echo "unpacked runtime/lib/server/libjvm.so.gz" | tee -a "$log"
  fi
  if [[ -f "$pack/runtime-extra.tar.gz" ]]; then
    tar -xzf "$pack/runtime-extra.tar.gz" -C "$pack/runtime/lib" || return 1
    echo "unpacked runtime-extra.tar.gz" | tee -a "$log"
  fi
}
