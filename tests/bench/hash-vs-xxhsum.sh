#!/bin/sh
# hash-vs-xxhsum.sh - sv-hash --raw against xxhsum -H2 on one large file:
# the same XXH3-128, the time ratio (sv-hash over xxhsum, best round of
# each, run alternately) and sv-hash's peak memory.  Fails (exit 1) when
# sv-hash takes more than 1.25x xxhsum's time or more than 64 MB.
# Usage: tests/bench/hash-vs-xxhsum.sh [MB] [ROUNDS]   (default 1024 3)
# SV_BUILD names the build folder (default ./build).
set -eu
MB=${1:-1024}
ROUNDS=${2:-3}
B=${SV_BUILD:-$(pwd)/build}

need() {
	command -v "$1" > /dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends "$2" > /dev/null
	else
		echo "hash-vs-xxhsum: $1 missing: apt-get install $2" >&2
		exit 3
	fi
}
need xxhsum xxhash
[ -x /usr/bin/time ] || need /usr/bin/time time

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
head -c $((MB * 1024 * 1024)) /dev/urandom > "$T/big"

# seconds of one run, from /usr/bin/time -v; the peak memory in $T/kb
run() {
	/usr/bin/time -v "$@" "$T/big" > "$T/out" 2> "$T/time"
	awk -F': ' '/Maximum resident/ { print $2 > "'"$T/kb"'" }
	            /Elapsed \(wall clock\)/ { n = split($2, p, ":");
	              s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$T/time"
}

best_sv=999999 best_x=999999 peak=0
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	s=$(run "$B/sv-hash" --raw --gnu)
	cut -d' ' -f1 "$T/out" > "$T/h_sv"
	kb=$(cat "$T/kb")
	[ "$kb" -gt "$peak" ] && peak=$kb
	x=$(run xxhsum -H2)
	cut -d' ' -f1 "$T/out" > "$T/h_x"
	cmp -s "$T/h_sv" "$T/h_x" || { echo "hash-vs-xxhsum: hashes differ" >&2; exit 1; }
	echo "round $((i + 1)): sv-hash ${s}s, xxhsum ${x}s, sv-hash ${kb} kB"
	best_sv=$(echo "$s $best_sv" | awk '{ print ($1 < $2) ? $1 : $2 }')
	best_x=$(echo "$x $best_x" | awk '{ print ($1 < $2) ? $1 : $2 }')
	i=$((i + 1))
done
echo "file: ${MB} MiB; hash $(cat "$T/h_x")"
awk -v a="$best_sv" -v b="$best_x" -v kb="$peak" 'BEGIN {
	r = b > 0 ? a / b : 0;
	printf "best: sv-hash %.2fs, xxhsum %.2fs, ratio %.2f (limit 1.25); sv-hash peak %.1f MB (limit 64)\n", a, b, r, kb / 1024;
	exit !(r <= 1.25 && kb / 1024 < 64) }'
