#!/usr/bin/env bash
cd /work/main
export DISTILL4J_NO_BUILD=1
R=/work/raw-alloc/compare
date -u +"machine start %T" >> $R/times.txt
MACHINE_PYTORCH_ENV=/work/main/target/machine-pytorch.env REFERENCE_ALLOCATOR=launcher ROUNDS=2 STEPS=10 bench/compare.sh 128 256 > $R/fp32-launcher-machine-pytorch.txt 2> $R/fp32-launcher-machine-pytorch.log
date -u +"machine done %T" >> $R/times.txt
