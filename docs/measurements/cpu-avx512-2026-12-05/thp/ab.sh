#!/bin/bash
# jemalloc with and without transparent huge pages (thp:always in MALLOC_CONF, on top of the
# launcher's setting), same build, which goes first swapping every round. Writes
# SETTING_SIZE_ROUND.json next to this script and prints the medians per round.
out=$(dirname "$0"); rounds=${ROUNDS:-3}
base="dirty_decay_ms:-1,muzzy_decay_ms:-1,lg_extent_max_active_fit:12"
for size in ${SIZES:-128 256}; do
  for ((r = 0; r < rounds; r++)); do
    for setting in $( ((r % 2 == 0)) && echo "off thp" || echo "thp off"); do
      conf=$base; [[ $setting == thp ]] && conf="$base,thp:always"
      MALLOC_CONF=$conf bin/distill4j bench --only train_student,train_teacher,distill,inference \
        --size "$size" --warmup 5 --steps 10 --num_workers 0 --json > "$out/${setting}_${size}_$r.json" 2>/dev/null
    done
  done
done
python3 - "$out" "$rounds" ${SIZES:-128 256} <<'PY'
import json, statistics, sys
out, rounds, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for size in sizes:
    for setting in ("off", "thp"):
        rs = [json.load(open(f"{out}/{setting}_{size}_{r}.json"))["results"] for r in range(rounds)]
        for k in rs[0]:
            v = [r[k]["median"] if isinstance(r[k], dict) else r[k] for r in rs]
            print(size, setting, k, [round(x, 1) for x in v], "median", round(statistics.median(v), 1))
PY
