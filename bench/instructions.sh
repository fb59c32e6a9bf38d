#!/bin/bash
# Instructions the server executes per request, counted by callgrind: repeatable on a busy
# machine, where wall-clock and CPU time are not. One server variant of server.js runs under
# valgrind; after a warm-up the counters are zeroed, N requests are sent one at a time, and
# the counts are dumped.
#   ./instructions.sh 'express + guard' /json [cookie]      # WARM=1500 N=3000 by default
# Prints the total per request, and the part left after V8's compiler threads and the
# garbage collector, whose share moves from run to run with timing.
set -euo pipefail
cd "$(dirname "$0")"
variant=$1 path=$2 cookie=${3:-}
warm=${WARM:-1500} n=${N:-3000}
out=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file="$out/cg.%p" node server.js "$variant" > "$out/log" 2> "$out/valgrind" &
pid=$!
until grep -q '^listening' "$out/log" 2>/dev/null; do sleep 1; done
port=$(awk '/^listening/ { print $2 }' "$out/log")
node requests.js "$port" "$path" "$warm" "$cookie"
callgrind_control -z "$pid" &> /dev/null
node requests.js "$port" "$path" "$n" "$cookie"
callgrind_control -d "$pid" &> /dev/null
sleep 1
kill "$pid"
wait "$pid" 2> /dev/null || true
callgrind_annotate --inclusive=no --threshold=100 "$out"/cg.*.1 | awk -v n="$n" -v what="$variant $path" -v per="a request" -f callgrind-totals.awk
rm -rf "$out"
