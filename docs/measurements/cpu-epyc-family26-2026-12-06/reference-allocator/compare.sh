#!/usr/bin/env bash
cd /work/main
export DISTILL4J_NO_BUILD=1
R=/work/raw-alloc/compare
date -u +"start %T" > $R/times.txt
REFERENCE_ALLOCATOR=launcher ROUNDS=2 STEPS=10 bench/compare.sh 128 256 > $R/fp32-launcher.txt 2> $R/fp32-launcher.log
date -u +"fp32 done %T" >> $R/times.txt
REFERENCE_ALLOCATOR=launcher AMP=bf16 ROUNDS=1 STEPS=10 bench/compare.sh 128 256 > $R/bf16-launcher.txt 2> $R/bf16-launcher.log
date -u +"bf16 done %T" >> $R/times.txt
