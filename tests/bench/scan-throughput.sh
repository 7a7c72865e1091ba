#!/bin/sh
# scan-throughput.sh - seeds an hour of a CPU seed scan (fmnist-small, one
# epoch of Fashion-MNIST a seed) on this machine's cores, measured in one
# run:
#   sv-train, the automatic choice (one seed per thread)
#   sv-train --in-flight C    one thread a seed, C seeds at once (said explicitly)
#   sv-train --in-flight 1    all threads on one seed at a time (the old way)
#   sv-train -j 1             one core
#   PyTorch, one process per core through GNU parallel (the same network
#     and recipe: tests/bench/fmnist_small_torch.py, one thread each)
# and the ratios: the scan's scaling over one core and sv-train against the
# PyTorch peer on the same cores.  Every sv-train mode must give the same
# weights: the script checks the hash column.
# Usage: tests/bench/scan-throughput.sh [SEEDS [CORES]]   (from the repo root)
set -eu
C=${2:-$(nproc)}
N=${1:-$((2 * C))}
B=${SV_BUILD:-build}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[ -x "$B/sv-train" ] || { echo "build first: make" >&2; exit 3; }
command -v parallel >/dev/null || { echo "needs GNU parallel (apt-get install parallel)" >&2; exit 3; }
$PY -c 'import torch' 2>/dev/null || { echo "needs Debian's python3-torch" >&2; exit 3; }
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", 3600 * n / (b - a) }'; }

seq 0 $((N - 1)) > "$T/seeds"
echo "machine: $C cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $N seeds of fmnist-small, 1 epoch each"
printf 'mode\tseconds\tseeds/hour\n'
run() {  # name, then the command reading seeds on stdin
	name=$1; shift
	t0=$(now)
	"$@" < "$T/seeds" > "$T/$name.tsv"
	t1=$(now)
	r=$(rate "$N" "$t0" "$t1")
	printf '%s\t%.1f\t%s\n' "$name" "$(echo "$t1 - $t0" | bc)" "$r"
	echo "$r" > "$T/$name.rate"
}
run auto "$B/sv-train" -q -j "$C"
run per-core "$B/sv-train" -q -j "$C" --in-flight "$C"
run one-seed "$B/sv-train" -q -j "$C" --in-flight 1
run one-core "$B/sv-train" -q -j 1
t0=$(now)
seq 0 $((C - 1)) | parallel -j "$C" "seq {} $C $((N - 1)) | $PY tests/bench/fmnist_small_torch.py 1 | tail -n +2" > "$T/torch.tsv"
t1=$(now)
r=$(rate "$N" "$t0" "$t1")
printf 'torch-parallel\t%.1f\t%s\n' "$(echo "$t1 - $t0" | bc)" "$r"
echo "$r" > "$T/torch.rate"

for m in per-core one-seed one-core; do
	if [ "$(cut -f1,15 "$T/auto.tsv")" != "$(cut -f1,15 "$T/$m.tsv")" ]; then
		echo "FAIL: $m gives other weights than auto" >&2; exit 1
	fi
done
[ "$(wc -l < "$T/torch.tsv")" -eq "$N" ] || { echo "FAIL: the PyTorch peer did not train $N seeds" >&2; exit 1; }
awk -F'\t' 'NR > 1 { s += $8; n++ } END { printf "sv-train mean acc %.4f over %d seeds\n", s / n, n }' "$T/auto.tsv"
awk -F'\t' '{ s += $4; n++ } END { printf "PyTorch  mean acc %.4f over %d seeds\n", s / n, n }' "$T/torch.tsv"
a=$(cat "$T/auto.rate"); o=$(cat "$T/one-core.rate"); s=$(cat "$T/one-seed.rate"); p=$(cat "$T/torch.rate")
awk -v a="$a" -v o="$o" -v s="$s" -v p="$p" -v c="$C" 'BEGIN {
	printf "scaling: auto / one core = %.2fx on %d cores (required on 16 cores: 12x, goal 15x)\n", a / o, c
	printf "auto / all threads on one seed = %.2fx\n", a / s
	printf "auto / PyTorch one process per core = %.2fx (required > 1)\n", a / p }'
