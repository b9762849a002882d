#!/bin/bash
# The alternating comparison of two checkouts (OLD: commit 24fe1f0, the multi-tensor update; NEW:
# the fused update), each built with `mvn -q -o package -DskipTests`; which goes first swaps every
# round. Writes SIDE_SIZE_ROUND.json here and prints the medians per round.
old=${OLD:?checkout of the commit before} new=${NEW:?checkout with the fused update}
out=$(dirname "$0"); size=${SIZE:-128}
for r in 0 1 2; do
  for side in $( ((r % 2 == 0)) && echo "old new" || echo "new old"); do
    dir=$old; [[ $side == new ]] && dir=$new
    (cd "$dir" && bin/distill4j bench --only train_student,train_teacher,distill --size "$size" \
      --steps 20 --json) > "$out/${side}_${size}_$r.json" 2>/dev/null
  done
done
python3 - "$out" "$size" <<'PY'
import json, sys
out, size = sys.argv[1], sys.argv[2]
for side in ("old", "new"):
    rs = [json.load(open(f"{out}/{side}_{size}_{r}.json"))["results"] for r in range(3)]
    for k in rs[0]:
        if "ms" in k:
            print(side, k, [round(r[k]["median"], 1) for r in rs])
PY
