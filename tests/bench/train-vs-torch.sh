#!/bin/sh
# train-vs-torch.sh - sv-train's fmnist-small against the PyTorch peer
# (tests/bench/fmnist_small_torch.py: same network and recipe), one epoch
# of Fashion-MNIST per seed, runs alternating so both see the same machine.
# Prints each run, the median seconds a seed, the ratio sv-train/PyTorch,
# the accuracies, sv-train's GFLOP/s and its peak memory.
# Usage: tests/bench/train-vs-torch.sh [ROUNDS [THREADS]]   (from the repo root)
set -eu
ROUNDS=${1:-5}
THREADS=${2:-2}
B=${SV_BUILD:-build}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[ -x "$B/sv-train" ] || { echo "build first: make" >&2; exit 3; }
$PY -c 'import torch' 2>/dev/null || { echo "needs Debian's python3-torch" >&2; exit 3; }

# FLOPs of one fmnist-small epoch (60000 training images, 10000 test
# images): forward conv1 2*9*16*784, conv2 2*144*32*196, fc 2*1568*10;
# training = forward + filter gradients (same count) + data gradients of
# conv2 and fc; the test pass is forward only.
FLOP=$(awk 'BEGIN { f = 2*9*16*784 + 2*144*32*196 + 2*1568*10;
	d = 2*144*32*196 + 2*1568*10; print 60000*(2*f + d) + 10000*f }')

printf 'round\tseed\tsv_secs\tsv_acc\ttorch_secs\ttorch_acc\n'
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if command -v /usr/bin/time >/dev/null 2>&1; then
		echo "$r" | /usr/bin/time -f '%M' -o "$T/mem.$r" "$B/sv-train" -q -j "$THREADS" > "$T/sv.$r"
	else
		echo "$r" | "$B/sv-train" -q -j "$THREADS" > "$T/sv.$r"
	fi
	echo "$r" | $PY tests/bench/fmnist_small_torch.py "$THREADS" > "$T/pt.$r"
	sv=$(awk -F'\t' 'NR == 2 { print $11 "\t" $8 }' "$T/sv.$r")
	pt=$(awk -F'\t' 'NR == 2 { print $5 "\t" $4 }' "$T/pt.$r")
	printf '%s\t%s\t%s\t%s\n' "$r" "$r" "$sv" "$pt" | tee -a "$T/all"
	r=$((r + 1))
done
awk -F'\t' -v flop="$FLOP" -v threads="$THREADS" '
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{ n++; s[n] = $3; sa += $4; p[n] = $5; pa += $6 }
END {
	ms = median(s, n); mp = median(p, n)
	printf "\nthreads %d, %d rounds\n", threads, n
	printf "sv-train  median %.2f s a seed, mean acc %.4f, %.1f GFLOP/s\n", ms, sa/n, flop/ms/1e9
	printf "PyTorch   median %.2f s a seed, mean acc %.4f\n", mp, pa/n
	printf "ratio sv-train/PyTorch %.3f (required <= 0.4, goal 0.3, moonshot 0.2)\n", ms/mp
}' "$T/all"
if ls "$T"/mem.* >/dev/null 2>&1; then
	echo "sv-train peak memory $(sort -n "$T"/mem.* | tail -1) KiB (limit 200 MB)"
fi
