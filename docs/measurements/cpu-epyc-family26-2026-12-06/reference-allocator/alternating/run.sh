#!/usr/bin/env bash
# PyTorch reference at 256 under three allocators, alternating, two rounds.
cd /work/main
R=/work/raw-alloc
JE=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
for r in 1 2; do
  /usr/bin/python3 bench/pytorch_reference.py --size 256 --steps 10 > $R/glibc_$r.json
  date -u +"glibc $r %T" >> $R/times.txt
  LD_PRELOAD=$JE MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1,lg_extent_max_active_fit:12 /usr/bin/python3 bench/pytorch_reference.py --size 256 --steps 10 > $R/jemalloc_$r.json
  date -u +"jemalloc $r %T" >> $R/times.txt
  MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 /usr/bin/python3 bench/pytorch_reference.py --size 256 --steps 10 > $R/glibc-nommap_$r.json
  date -u +"glibc-nommap $r %T" >> $R/times.txt
done
