#!/usr/bin/env bash
# bf16 on an instruction set without bfloat16, emulated on this CPU with oneDNN's ONEDNN_MAX_CPU_ISA.
set -u
cd /work/main
export DISTILL4J_NO_BUILD=1
R=/work/raw-isa
date -u +"start %FT%TZ" > $R/times.txt
# 1. AVX-512 without AVX512_BF16 (Skylake/Cascade Lake servers): distill4j bf16 vs PyTorch fp32 and autocast
ONEDNN_MAX_CPU_ISA=AVX512_CORE AMP=bf16 ROUNDS=1 STEPS=10 bench/compare.sh 128 256 > $R/compare-bf16-avx512core.txt 2> $R/compare-bf16-avx512core.log
date -u +"compare-bf16 done %FT%TZ" >> $R/times.txt
# 2. distill4j float32 under the same limit (float32 kernels are avx512_core either way)
ONEDNN_MAX_CPU_ISA=AVX512_CORE ROUNDS=1 STEPS=10 bench/compare.sh 128 256 > $R/compare-fp32-avx512core.txt 2> $R/compare-fp32-avx512core.log
date -u +"compare-fp32 done %FT%TZ" >> $R/times.txt
# 3. AVX2 only: libtorch takes no oneDNN path for bfloat16; a few steps only
for amp in none bf16; do
  ONEDNN_MAX_CPU_ISA=AVX2 bin/distill4j bench --only train_student,train_teacher,inference --size 128 --warmup 1 --steps 2 --num_workers 0 --amp $amp --teacher_amp $amp > $R/avx2-$amp.txt 2> $R/avx2-$amp.log
  date -u +"avx2 $amp done %FT%TZ" >> $R/times.txt
done
