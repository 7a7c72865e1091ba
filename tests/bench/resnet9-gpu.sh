#!/bin/sh
# resnet9-gpu.sh - the paper's model on one GPU: sv-train -m resnet9 and
# its PyTorch peer (tests/bench/resnet9_torch.py, the same network and
# recipe) in one run, on generated CIFAR-shaped data (32x32x3).
#
# Each method trains E epochs (SV_BENCH_EPOCHS, default 2) on the first
# TRAIN images (SV_BENCH_TRAIN_SIZE, default 10000); a 22-epoch seed on
# 50,000 images is extrapolated from the time of an epoch:
#   s a seed = epoch seconds x (50000 / TRAIN) x 22
# For the peer the epoch seconds are its own clock over the epochs after
# the first (cuDNN's algorithm search and Python's start are outside);
# for sv-train they are its wall time over E epochs (data generation and
# start-up inside: this favours the peer).
#
# Methods, one GPU, one after another:
#   torch fp32 | tf32 | fp16      one seed at a time
#   torch fp32 | fp16 x JOBS      JOBS processes at once (seeds in flight)
#   sv-train exact, 1 seed        --gpu-seeds 1
#   sv-train exact, S seeds       --gpu-seeds S (seeds in flight)
#   sv-train cudnn fp32|tf32|fp16 --gpu-math cudnn --gpu-precision P,
#                                 1 seed and S seeds
# It prints a table (method, seeds, s a seed, seeds/hour) and PASS/MISS
# for the issue's lines: exact at most 2x PyTorch fp32's time a seed;
# cudnn fp16 at most PyTorch fp16's; with seeds in flight, twice PyTorch's
# seeds/hour.  Raw output goes to $OUT/resnet9-gpu/ when OUT is set.
#
# Environment: SV_BENCH_DEVICE gpu (default) or cpu (tiny sizes: a test of
# the script, its figures mean nothing); SV_BENCH_EPOCHS, SV_BENCH_TRAIN_SIZE,
# SV_BENCH_TEST_SIZE; SV_BENCH_SEEDS (S, gpu 16); SV_BENCH_JOBS (gpu 4);
# SV_BENCH_CAP (seconds a method may take, default 60); SV_BUILD (where
# sv-train is: build/gpu, cpu: build); SV_PYTHON.
#
# Exit status: 0 every method ran and every required line passed (or
# could not be judged on the CPU); 1 a required line missed; 2 usage;
# 3 environment or a method that failed.
set -u
PROG=resnet9-gpu.sh
PEER=tests/bench/resnet9_torch.py
die() { s=$1; shift; echo "$PROG: $*" >&2; exit "$s"; }
count() {
	case $2 in '' | *[!0-9]*) die 2 "$1: not a whole number: '$2'" ;; esac
	[ "${#2}" -le 8 ] && [ "$2" -ge 1 ] || die 2 "$1: out of range: '$2'"
}
case ${1:-} in -h | --help) sed -n '2,/^set -u$/{/^set -u$/d;s/^# \{0,1\}//;p;}' "$0"; exit 0 ;; esac
[ $# -eq 0 ] || die 2 "no arguments (see --help)"
[ -f "$PEER" ] || die 2 "run it from the repository root ($PEER not found)"

DEV=${SV_BENCH_DEVICE:-gpu}
case $DEV in
gpu) B=${SV_BUILD:-build/gpu} TDEV=cuda TRAIN=${SV_BENCH_TRAIN_SIZE:-10000} AT=--gpu-seeds
     TEST=${SV_BENCH_TEST_SIZE:-2000} S=${SV_BENCH_SEEDS:-16} JOBS=${SV_BENCH_JOBS:-4} ;;
cpu) B=${SV_BUILD:-build} TDEV=cpu TRAIN=${SV_BENCH_TRAIN_SIZE:-500} AT=--in-flight
     TEST=${SV_BENCH_TEST_SIZE:-100} S=${SV_BENCH_SEEDS:-2} JOBS=${SV_BENCH_JOBS:-2} ;;
*) die 2 "SV_BENCH_DEVICE: gpu or cpu, not '$DEV'" ;;
esac
E=${SV_BENCH_EPOCHS:-2} CAP=${SV_BENCH_CAP:-60}
for v in E:$E TRAIN:$TRAIN TEST:$TEST S:$S JOBS:$JOBS CAP:$CAP; do
	count "${v%%:*}" "${v#*:}"
done
[ "$TRAIN" -ge 500 ] || die 2 "SV_BENCH_TRAIN_SIZE: at least one batch of 500"
SV=$B/sv-train
[ -x "$SV" ] || die 3 "$SV: not found (make gpu-bundle, or make for cpu)"
[ -d "$B/so" ] && export LD_LIBRARY_PATH="$PWD/$B/so${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for p in ${SV_PYTHON:-python3 /usr/bin/python3}; do
	if "$p" -c 'import torch' 2>/dev/null; then PY=$p; break; fi
done
[ -n "${PY:-}" ] || die 3 "no Python with torch; set SV_PYTHON"
command -v timeout >/dev/null || die 3 "needs timeout (GNU coreutils)"
T=$(mktemp -d) || die 3 "cannot make a temporary folder"
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
R=$T
if [ -n "${OUT:-}" ]; then R=$OUT/resnet9-gpu; mkdir -p "$R" || die 3 "$R: cannot make it"; fi
GPU=$("$PY" -c 'import torch; print(torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU")')
echo "resnet9: $E epoch(s) on $TRAIN generated 32x32x3 images (test $TEST), extrapolated to 22 epochs of 50,000; device $DEV ($GPU)" | tee "$R/environment.txt"
SCALE="22 * 50000 / $TRAIN"
: > "$R/rows.tsv"     # name  seeds_in_flight  status  s_a_seed  seeds_hour
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$R/rows.tsv"; tail -n 1 "$R/rows.tsv" >&2; }

# torch NAME MATH JOBS: JOBS processes of the peer, one seed each
torch_run() {
	name=$1 math=$2 jobs=$3 f=$R/$(echo "$1" | tr -c 'A-Za-z0-9\n' '-')
	i=0
	while [ "$i" -lt "$jobs" ]; do
		echo "$i" | timeout -k 5 "$CAP" "$PY" "$PEER" --device "$TDEV" --math "$math" \
			--epochs "$E" --train-size "$TRAIN" --test-size "$TEST" \
			${SV_BENCH_THREADS:+--threads "$SV_BENCH_THREADS"} > "$f.$i.tsv" 2> "$f.$i.err" &
		i=$((i + 1))
	done
	wait
	# each process: its epoch seconds; in flight, seeds/hour is the sum
	cat "$f".*.tsv | awk -F'\t' -v OFS='\t' -v name="$name" -v jobs="$jobs" '
	/^#/ { next }
	{ n++; ep += $6; rate += 3600 / ($6 * '"$SCALE"') }
	END {
		if (n < jobs) { print name, jobs, "failed", "NA", "NA"; exit }
		printf "%s\t%d\tok\t%.1f\t%.2f\n", name, jobs, ep / n * '"$SCALE"', rate
	}' >> "$R/rows.tsv"
	tail -n 1 "$R/rows.tsv" >&2
}

# sv NAME SEEDS ARGS...: sv-train on SEEDS seeds at once
sv_run() {
	name=$1 n=$2 f=$R/$(echo "$1" | tr -c 'A-Za-z0-9\n' '-')
	shift 2
	t0=$(date +%s.%N)
	seq 0 $((n - 1)) | timeout -k 5 "$CAP" "$SV" -q -m resnet9 \
		-d "synthetic:n=$TRAIN,test=$TEST,h=32,w=32,c=3" --epochs "$E" \
		--device "$DEV" "$@" > "$f.tsv" 2> "$f.err"
	rc=$?
	t1=$(date +%s.%N)
	got=$(grep -vc '^#' "$f.tsv")
	if [ "$rc" -ne 0 ] || [ "$got" -ne "$n" ]; then
		row "$name" "$n" "failed (exit $rc, $got records)" NA NA
		sed 's/^/    /' "$f.err" | tail -n 3 >&2
		return
	fi
	awk -v OFS='\t' -v name="$name" -v n="$n" -v t0="$t0" -v t1="$t1" -v e="$E" 'BEGIN {
		ep = (t1 - t0) / e
		printf "%s\t%d\tok\t%.1f\t%.2f\n", name, n, ep * '"$SCALE"', n * 3600 / (ep * '"$SCALE"')
	}' >> "$R/rows.tsv"
	tail -n 1 "$R/rows.tsv" >&2
}

torch_run "torch fp32" fp32 1
torch_run "torch tf32" tf32 1
torch_run "torch fp16" fp16 1
torch_run "torch fp32 in flight" fp32 "$JOBS"
torch_run "torch fp16 in flight" fp16 "$JOBS"
sv_run "sv exact" 1 "$AT" 1
sv_run "sv exact in flight" "$S" "$AT" "$S"
if [ "$DEV" = gpu ] && "$SV" --list-options 2>/dev/null | grep -qx -- --gpu-math; then
	for m in fp32 tf32 fp16; do
		sv_run "sv cudnn $m" 1 --gpu-seeds 1 --gpu-math cudnn --gpu-precision "$m"
		sv_run "sv cudnn $m in flight" "$S" --gpu-seeds "$S" --gpu-math cudnn \
			--gpu-precision "$m"
	done
else
	for m in fp32 tf32 fp16; do
		row "sv cudnn $m" 1 "not available (device $DEV, or no --gpu-math)" NA NA
	done
fi

echo
printf '%-24s %8s  %10s  %12s  %s\n' method seeds "s a seed" "seeds/hour" status
awk -F'\t' '{ printf "%-24s %8s  %10s  %12s  %s\n", $1, $2, $4, $5, $3 }' "$R/rows.tsv"
echo
# judge WHAT HAVE OP WANT KIND: PASS when HAVE OP WANT (OP <= or >=), else
# MISS; a required MISS fails the run
get() { awk -F'\t' -v m="$1" -v c="$2" '$1 == m && $3 == "ok" { print $c }' "$R/rows.tsv"; }
rc=0
judge() {
	what=$1 have=$2 op=$3 want=$4 kind=$5
	if [ -z "$have" ] || [ -z "$want" ]; then
		echo "MISS  $what: not measured"; [ "$kind" = required ] && rc=1; return
	fi
	if awk -v h="$have" -v w="$want" -v op="$op" \
	    'BEGIN { exit !(op == "<=" ? h <= w : h >= w) }'; then
		echo "PASS  $what: $have vs $want"
	else
		echo "MISS  $what: $have vs $want"; [ "$kind" = required ] && rc=1
	fi
}
f32=$(get "torch fp32" 4) f16=$(get "torch fp16" 4)
judge "required: sv exact s a seed <= 2 x torch fp32's" "$(get "sv exact" 4)" '<=' \
	"$(awk -v t="$f32" 'BEGIN { if (t != "") print 2 * t }')" required
judge "required: sv cudnn fp16 s a seed <= torch fp16's" "$(get "sv cudnn fp16" 4)" '<=' \
	"$f16" required
for p in fp32 fp16; do
	tr=$(get "torch $p in flight" 5)
	mine=$(get "sv cudnn $p in flight" 5)
	[ "$p" = fp32 ] && [ -z "$mine" ] && mine=$(get "sv exact in flight" 5)
	judge "goal: $p seeds/hour in flight >= 2 x torch's" "$mine" '>=' \
		"$(awk -v t="$tr" 'BEGIN { if (t != "") print 2 * t }')" goal
done
[ "$DEV" = cpu ] && { echo "(device cpu: a test of the script; no verdict)"; rc=0; }
grep -q "$(printf '\tfailed')" "$R/rows.tsv" && rc=3
exit "$rc"
