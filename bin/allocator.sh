# The allocator bin/distill4j runs under, as a function to source (bench/compare.sh also gives it to
# the PyTorch reference when asked: REFERENCE_ALLOCATOR=launcher).
#
# libtorch frees a whole step's activations at once; with glibc's defaults the next step
# page-faults that memory back in. jemalloc with decay off (or glibc tunables that keep freed memory)
# removes most of that cost. lg_extent_max_active_fit:12 lets jemalloc serve a request from a freed
# block up to 4096 times larger (the default 6: 64 times): without it a bfloat16 run's memory grew by
# tens of MiB every step, and float32 steps peaked 40 % higher, at the same speed (measured, see
# docs/performance.md "Memory"). DISTILL4J_ALLOCATOR=system leaves the allocator alone.

# Exports the allocator's environment. Arguments: the jemalloc libraries to look for, first found
# wins; without any, glibc's tunables.
choose_allocator() {
  [[ "${DISTILL4J_ALLOCATOR:-auto}" != "system" ]] || return 0
  local candidate
  for candidate in "$@"; do
    if [[ -f "$candidate" ]]; then
      export LD_PRELOAD="${candidate}${LD_PRELOAD:+:$LD_PRELOAD}"
      export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1,lg_extent_max_active_fit:12}"
      return 0
    fi
  done
  export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184}"
}

# choose_allocator with the places Debian, Fedora and source builds install jemalloc to.
choose_default_allocator() {
  choose_allocator /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 \
    /usr/lib/libjemalloc.so.2 /usr/local/lib/libjemalloc.so.2
}
