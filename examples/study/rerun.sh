#!/bin/sh
# rerun.sh - re-run two seeds of each scan from their records' recipe
# column and check the weight hash; TAP on stdout, exit 1 on a mismatch
# usage: SV_BIN=../../build/ sh rerun.sh scans/all.tsv ...
set -u
B=${SV_BIN:-}
n=0 fail=0
echo "1..$((2 * $#))"
for f in "$@"; do
	for seed in $(awk -F'\t' '!/^#/ { print $1 }' "$f" | head -2); do
		n=$((n + 1))
		line=$(awk -F'\t' -v s="$seed" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$1 == s { print $c["recipe"] "\t" $c["hash"]; exit }' "$f")
		recipe=$(printf '%s' "$line" | cut -f1)
		want=$(printf '%s' "$line" | cut -f2)
		got=$(echo "$seed" | "${B}sv-train" -q --recipe "$recipe" |
			awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
				{ print $c["hash"] }')
		if [ -n "$want" ] && [ "$got" = "$want" ]; then
			echo "ok $n - $f seed $seed: $got"
		else
			echo "not ok $n - $f seed $seed: got '$got', want '$want'"; fail=1
		fi
	done
done
exit $fail
