# A callgrind_annotate listing's total per `n` (requests, pages: say which with `per`), and
# what is left without V8's compilers and garbage collector, whose share moves from run to run
# with timing. Used by instructions.sh and rewriter-instructions.sh.
/PROGRAM TOTALS/ { gsub(",", "", $1); total = $1; next }
/^ *[0-9,]+ \(/ && /compiler::|Turbo|Maglev|internal::Parser|internal::PreParser|internal::Zone|Scaveng|Mark|Sweep|heap::|Heap|Evacuat|BodyDescriptor|Pretenur|MemoryChunk|Compactor|GlobalHandles|Ephemeron|WeakObjects/ { gsub(",", "", $1); noise += $1 }
END { printf "%s: %.0f instructions %s, %.0f without compilers and GC\n", what, total / n, per, (total - noise) / n }
