#!/bin/sh
# reproduce-claim.sh - re-run a published seed claim as a reviewer
#
#   reproduce-claim.sh [-n SEEDS] [-o DIR] SEED HASH ACC [-- sv-train options]
#
# A paper reports: "seed SEED gives accuracy ACC; its weights hash to HASH
# (sv-hash)", with the sv-train options used.  This script
#   1. trains SEED with those options and saves the weights (DIR/ckpt);
#   2. checks their hash against HASH with sv-hash -c: the claim is
#      reproduced bit for bit, whatever the thread count or CPU here;
#   3. compares the accuracy it got with ACC;
#   4. trains SEEDS other seeds (default 20; SEED itself is left out) with
#      the same options and audits ACC against them with sv-stats --claim:
#      is ACC typical of the method, or one lucky seed out of many?
# Exit status: 0 the weights match, 1 they differ, 2 usage, 3 a tool is
# missing or failed.
#
# Example, with a claim made by a quick run here:
#   echo 3407 | sv-train -q -m mlp --train-size 2000 | cut -f1,8,15
#   reproduce-claim.sh -n 10 3407 HASH ACC -- -m mlp --train-size 2000
set -u

seeds=20 dir=claim
usage() {
	echo "usage: $0 [-n SEEDS] [-o DIR] SEED HASH ACC [-- sv-train options]" >&2
	exit 2
}
while getopts n:o: opt; do
	case $opt in
	n) seeds=$OPTARG ;;
	o) dir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || usage
seed=$1 hash=$2 acc=$3
shift 3
[ "${1:-}" = -- ] && shift
case $seed in '' | *[!0-9]*) echo "$0: seed: not an unsigned integer: '$seed'" >&2; exit 2 ;; esac
case $hash in
*[!0-9a-f]*) echo "$0: hash: expected 32 lowercase hex digits: '$hash'" >&2; exit 2 ;;
esac
[ ${#hash} = 32 ] || { echo "$0: hash: expected 32 lowercase hex digits: '$hash'" >&2; exit 2; }
for p in sv-train sv-hash sv-stats; do
	command -v $p > /dev/null || { echo "$0: $p is not on PATH" >&2; exit 3; }
done
mkdir -p "$dir" || exit 3

# 1. the claimed seed, its weights kept
echo "$seed" | sv-train -q --save "$dir/ckpt" "$@" > "$dir/claimed.tsv" || exit 3
got_acc=$(awk -F'\t' 'NR == 2 { print $8 }' "$dir/claimed.tsv")
got_hash=$(awk -F'\t' 'NR == 2 { print $15 }' "$dir/claimed.tsv")

# 2. the published hash against the weights trained here
printf '%s  %s\n' "$hash" "$dir/ckpt/$seed.svckpt" > "$dir/published.xxh"
sv-hash -c "$dir/published.xxh"
case $? in
0) same=0; echo "weights: identical to the published ones (hash $hash)" ;;
1) same=1; echo "weights: DIFFERENT: published $hash, here $got_hash" ;;
*) exit 3 ;;
esac

# 3. the accuracy
echo "accuracy: published $acc, here $got_acc"

# 4. the other seeds, and the audit of the claim against them
if [ "$seeds" -gt 0 ]; then
	seq 0 "$seeds" | grep -vx "$seed" | head -n "$seeds" |
		sv-train -q "$@" -o "$dir/others.tsv" --resume || exit 3
	sv-stats --no-histogram --claim "$acc" "$dir/others.tsv" || exit 3
fi
exit $same
