#!/bin/sh
# stats-vs-datamash.sh - time sv-stats against GNU datamash on the same
# input (a benchmark, not a test).
#
#   tests/bench/stats-vs-datamash.sh [LINES]      (default 10000000)
#
# Input: LINES accuracies with 4 decimals (awk, fixed seed).  For the
# operations both programs have, it checks that the outputs are the same
# text, then prints the wall times and the ratio sv-stats/datamash (below
# 1 means sv-stats is faster), in wall time and in CPU time.  SV_BUILD names the build folder.
set -eu
n=${1:-10000000}
build=${SV_BUILD:-build}
sv="$build/sv-stats"
command -v datamash >/dev/null || { echo "datamash not installed" >&2; exit 3; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (Debian: time) not installed" >&2; exit 3; }
[ -x "$sv" ] || { echo "$sv not built (make)" >&2; exit 3; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT INT TERM
awk -v n="$n" 'BEGIN { srand(3407); for (i = 0; i < n; i++) {
	u = 0; for (k = 0; k < 12; k++) u += rand();
	printf "%.4f\n", 0.879 + 0.0073 * (u - 6) } }' > "$t/in"

# "wall cpu" seconds of a command (cpu = user + sys, steadier on a busy
# machine); its output goes to $t/out.NAME
clock() {
	name=$1; shift
	/usr/bin/time -f '%e %U %S' -o "$t/time" "$@" < "$t/in" > "$t/out.$name"
	awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$t/time"
}

row() {
	label=$1; a=$2; b=$3
	echo "$a $b" | awk -v l="$label" '{ printf "%-30s %6s %6s %8s %6s %6s %8s\n",
	    l, $1, $3, ($3 > 0 ? sprintf("%.3f", $1 / $3) : "-"), $2, $4, ($4 > 0 ? sprintf("%.3f", $2 / $4) : "-") }'
}

printf '%d lines; ratio = sv-stats / datamash (below 1: sv-stats faster)\n' "$n"
printf '%-30s %6s %6s %8s %6s %6s %8s\n' "" "wall:" "" "" "cpu:" "" ""
printf '%-30s %6s %6s %8s %6s %6s %8s\n' "operations" "sv" "dm" "ratio" "sv" "dm" "ratio"
for ops in "mean 1" "sum 1 min 1 max 1" "sstdev 1 sskew 1 skurt 1" \
           "median 1 q1 1 q3 1 iqr 1" "mad 1 trimmean:0.25 1" \
           "mean 1 sstdev 1 min 1 max 1 range 1 q1 1 median 1 q3 1 iqr 1 sskew 1 skurt 1 trimmean:0.25 1 mad 1"; do
	# shellcheck disable=SC2086
	a=$(clock sv "$sv" $ops)
	# shellcheck disable=SC2086
	b=$(clock dm datamash $ops)
	cmp -s "$t/out.sv" "$t/out.dm" || { echo "outputs differ for: $ops" >&2; exit 1; }
	row "$(echo "$ops" | cut -c1-30)" "$a" "$b"
done
# the summary (the paper's table, JSON) against datamash's equivalent
a=$(clock sum "$sv" --json)
b=$(clock dm datamash mean 1 sstdev 1 min 1 max 1 range 1 q1 1 median 1 q3 1 iqr 1 sskew 1 skurt 1 trimmean:0.25 1 mad 1)
row "summary (--json) vs same ops" "$a" "$b"
