#!/bin/bash
# Instructions the rewriter executes per page, counted by callgrind: repeatable on a busy
# machine, where its MB/s are not (use it to compare two builds, say of the tokenizer module).
# rewrite-pages.js rewrites WARM pages, then N pages with the counters on; what V8's compilers
# and garbage collector did meanwhile is left out (as in instructions.sh). WebAssembly goes
# straight to TurboFan, and V8 compiles on the main thread (--no-liftoff --single-threaded).
#   ./rewriter-instructions.sh site nothing        # WARM=1000 N=300 by default
#   ./rewriter-instructions.sh 500KB everything    # pages: site site-unmarked 50KB 500KB 5MB
set -euo pipefail
cd "$(dirname "$0")"
page=${1:-site} visitor=${2:-nothing}
n=${N:-300}
out=$(mktemp -d)
mkfifo "$out/in"
WAIT=1 WARM=${WARM:-1000} valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/cg.%p" \
  node --no-liftoff --single-threaded rewrite-pages.js "$page" "$visitor" "$n" < "$out/in" > "$out/log" 2> "$out/valgrind" &
pid=$!
exec 3> "$out/in"
until grep -q '^ready' "$out/log" 2> /dev/null; do sleep 1; done
callgrind_control -i on "$pid" &> /dev/null
echo >&3
until grep -q 'bytes out' "$out/log" 2> /dev/null; do sleep 1; done
callgrind_control -i off "$pid" &> /dev/null
echo >&3
exec 3>&-
wait "$pid"
callgrind_annotate --inclusive=no --threshold=100 "$out"/cg.* | awk -v n="$n" -v what="$page for $visitor" -v per="a page" -f callgrind-totals.awk
rm -rf "$out"
