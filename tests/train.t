#!/bin/sh
# train.t - sv-train's bitwise reproducibility and resumable scans.
# The same seed and options must give the same 'hash' for every thread
# count, every kernel instruction set, and a -march=native build.
set -u
B=${SV_BUILD:-$(pwd)/build}
W=${SV_WRAP:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
# the columns that must not depend on how the run was made
keep() { cut -f1-10,14,15 "$@"; }

echo "1..15"
ARGS="--train-size 1024 --epochs 1 -q"
printf '0\n3407\n' > "$T/seeds"

# 1-4: thread counts, all threads on one seed at a time
$W "$B/sv-train" $ARGS -j 1 < "$T/seeds" > "$T/j1"
ok $? "fmnist-small trains with 1 thread"
for j in 2 3 8; do
	$W "$B/sv-train" $ARGS -j $j --in-flight 1 < "$T/seeds" > "$T/j$j"
	keep "$T/j1" > "$T/a"; keep "$T/j$j" > "$T/b"
	cmp -s "$T/a" "$T/b"
	ok $? "threads 1 and $j on one seed give identical records and weight hashes"
done

# seeds in flight (the automatic choice, and threads shared by
# two seeds), records in input order
printf '3407\n5\n0\n9\n' > "$T/seeds4"
$W "$B/sv-train" $ARGS -j 1 < "$T/seeds4" > "$T/s1"
for how in "-j 4" "-j 4 --in-flight 2" "-j 2 --in-flight 3"; do
	$W "$B/sv-train" $ARGS $how < "$T/seeds4" > "$T/sf"
	keep "$T/s1" > "$T/a4"; keep "$T/sf" > "$T/b4"
	cmp -s "$T/a4" "$T/b4"
	ok $? "sv-train $how: the records of one seed at a time, in input order"
done

# 5-6: kernel instruction sets (forced; one the CPU lacks falls back)
for isa in scalar avx2; do
	SV_KERNELS=$isa $W "$B/sv-train" $ARGS -j 2 < "$T/seeds" > "$T/$isa"
	keep "$T/$isa" > "$T/b"
	cmp -s "$T/a" "$T/b"
	ok $? "kernels '$isa' give the same weights as the default"
done

# 7: a -march=native build
if [ -x "$B/native/sv-train" ]; then
	"$B/native/sv-train" $ARGS -j 2 < "$T/seeds" > "$T/native"
	keep "$T/native" > "$T/b"
	cmp -s "$T/a" "$T/b"
	ok $? "a -march=native build gives the same weights"
else
	ok 1 "a -march=native build exists at $B/native/sv-train"
fi

# 8: different seeds give different weights, and it learned something
awk -F'\t' 'NR > 1 { h[$15]++; if ($8 < 0.3) bad = 1 } END { exit (length(h) != 2 || bad) }' "$T/j1"
ok $? "two seeds, two weight hashes, accuracy above 0.3 (chance 0.1) after 1024 images"

# 9-10: an interrupted scan, resumed, equals an uninterrupted one
SARGS="-m mlp -d synthetic:n=3000,test=100 --epochs 2 -j 1 -q"
seq 1 12 > "$T/s12"
$W "$B/sv-train" $SARGS < "$T/s12" > "$T/full"
"$B/sv-train" $SARGS -o "$T/part" < "$T/s12" &
pid=$!
# kill it once some but not all records are written
i=0
while [ $i -lt 200 ]; do
	c=$(grep -c '^[0-9]' "$T/part" 2>/dev/null)
	[ "${c:-0}" -ge 3 ] && break
	sleep 0.05
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
printf '7\tpartial' >> "$T/part"   # a torn last line, as a crash might leave
$W "$B/sv-train" $SARGS -o "$T/part" --resume < "$T/s12" 2> "$T/err"
ok $? "resume after kill -9 exits 0"
keep "$T/full" > "$T/a"; keep "$T/part" > "$T/b"
cmp -s "$T/a" "$T/b"
ok $? "resumed scan has the same records, no partial or duplicated line"

# 11: resume refuses a file made with other options
$W "$B/sv-train" -m mlp -d synthetic:n=3000,test=100 --epochs 3 -j 1 -q -o "$T/part" --resume < "$T/s12" 2> "$T/err"
[ $? = 2 ] && grep -q "other" "$T/err"
ok $? "resume with other options is refused (exit 2)"

# 12: --save writes checkpoints whose hash equals the record's
$W "$B/sv-train" $SARGS --save "$T/ck" < /dev/null > /dev/null
echo 5 | $W "$B/sv-train" $SARGS --save "$T/ck" > "$T/rec"
h=$(awk -F'\t' 'NR == 2 { print $15 }' "$T/rec")
"$B/sv-hash" "$T/ck/5.svckpt" | grep -q "= $h\$"
ok $? "checkpoint weight hash equals the record's hash"
exit $fail
