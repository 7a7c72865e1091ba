#!/bin/sh
# gpu-throughput.sh - fmnist-small seeds an hour on one GPU, one epoch a
# seed, every method in one run on the same GPU:
#   sv-train --device gpu, its default seeds at once, then two other values
#     of $SV_GPU_SEEDS_OPT ("not available" when sv-train lacks the option)
#   the PyTorch eager loop, one seed after another
#   the PyTorch torch.func vmap peer over S stacked models (S = 256, 512)
# (the peers: tests/bench/fmnist_small_torch_gpu.py, the same network,
# init scheme and recipe, the dataset resident on the GPU).  The vmap peer
# is first checked against the eager loop on this GPU (--check).
#
# Prints a table (method, seeds, wall s, timed s, s a seed, seeds/hour, GPU
# memory, mean and sd of the accuracy, sv-train's best rate over the
# method's), the GPU's name and PASS/MISS for the issue's requirements:
# sv-train >= 50,000 seeds/hour (required), >= 100,000 (goal), ahead of the
# vmap peer (required).  Raw records, logs and the table go to
# $OUT/gpu-throughput/ when OUT is set.
#
# Timing: wall is from a method's launch to its last record, start-up
# included.  sv-train's rate uses its wall; the peers' rates use their own
# clocks (the sum of their secs column: training and test, after Python,
# the import of torch, the data load and a warm-up step), which favours
# the peers.  Each method runs at most a cap of seconds; one cut there is
# measured on the records it wrote (sv-train writes a seed's record as soon
# as it is done, the vmap peer a stack's records when the stack is done).
# GPU memory: the most nvidia-smi saw above the idle figure while the
# method ran, and the peers' torch.cuda.max_memory_allocated.
#
# Usage: tests/bench/gpu-throughput.sh [SV_SEEDS [EAGER_SEEDS [VMAP_SEEDS]]]
#   from the repository root, after make gpu-bundle (build/gpu: sv-train,
#   its GPU backend, build/gpu/so for LD_LIBRARY_PATH, build/gpu/fmnist).
# Environment:
#   SV_BENCH_DEVICE    gpu (default) or cpu: sv-train --device cpu from
#                      build/, torch on the CPU, tiny sizes (a test of the
#                      script itself; its figures mean nothing for the issue)
#   SV_BENCH_SV_SEEDS, SV_BENCH_EAGER_SEEDS, SV_BENCH_VMAP_SEEDS
#                      seeds a method (gpu: 4096, 64, 1024; cpu: 3, 3, 4);
#                      the arguments win over these
#   SV_BENCH_CAP       seconds a run of sv-train or of the eager loop may
#                      take (default 60); SV_BENCH_VMAP_CAP for the vmap
#                      peer (default 80): with the check (at most 60 s),
#                      at most about 8 minutes in all
#   SV_GPU_SEEDS_OPT   sv-train's option for seeds at once (--gpu-seeds)
#   SV_BENCH_AT_ONCE   its two values besides the default (gpu: "128 512")
#   SV_BENCH_STACKS    the vmap peer's S (gpu: "256 512"; cpu: "2 4")
#   SV_BENCH_TRAIN_SIZE, SV_BENCH_TEST_SIZE
#                      train every method on the first N training and test
#                      images (cpu: 512 and 500; gpu: all of them)
#   SV_BENCH_THREADS   CPU threads of sv-train and torch (cpu: 1)
#   SV_BUILD           where sv-train is (gpu: build/gpu; cpu: build)
#   SV_PYTHON          the Python with torch (python3, else /usr/bin/python3)
#
# Exit status: 0 every method ran and (on a GPU) every required line
# passed; 1 a required line missed or the vmap peer's check failed; 2 usage;
# 3 environment (no build, no torch, no GPU) or a method that failed.
set -u
PROG=gpu-throughput.sh
PEER=tests/bench/fmnist_small_torch_gpu.py
die() { s=$1; shift; echo "$PROG: $*" >&2; exit "$s"; }
usage() {
	echo "usage: tests/bench/gpu-throughput.sh [SV_SEEDS [EAGER_SEEDS [VMAP_SEEDS]]]" >&2
	echo "Try 'tests/bench/gpu-throughput.sh --help'" >&2
	exit 2
}
# count NAME VALUE: VALUE must be a whole number 1..10000000
count() {
	case $2 in
	'' | *[!0-9]*) die 2 "$1: not a whole number: '$2'" ;;
	esac
	if [ "${#2}" -gt 8 ] || [ "$2" -lt 1 ] || [ "$2" -gt 10000000 ]; then
		die 2 "$1: out of range 1..10000000: '$2'"
	fi
}

case ${1:-} in -h | --help) sed -n '2,/^set -u$/{/^set -u$/d;s/^# \{0,1\}//;p;}' "$0"; exit 0 ;; esac
[ $# -le 3 ] || usage
[ -f "$PEER" ] || die 2 "run it from the repository root ($PEER not found)"

DEV=${SV_BENCH_DEVICE:-gpu}
case $DEV in
gpu)
	B=${SV_BUILD:-build/gpu}
	TDEV=cuda
	N_SV=${SV_BENCH_SV_SEEDS:-4096} N_EAGER=${SV_BENCH_EAGER_SEEDS:-64}
	N_VMAP=${SV_BENCH_VMAP_SEEDS:-1024}
	AT_ONCE=${SV_BENCH_AT_ONCE:-128 512} STACKS=${SV_BENCH_STACKS:-256 512}
	TRAIN_SIZE=${SV_BENCH_TRAIN_SIZE:-} TEST_SIZE=${SV_BENCH_TEST_SIZE:-}
	THREADS=${SV_BENCH_THREADS:-}
	;;
cpu)
	B=${SV_BUILD:-build}
	TDEV=cpu
	N_SV=${SV_BENCH_SV_SEEDS:-3} N_EAGER=${SV_BENCH_EAGER_SEEDS:-3}
	N_VMAP=${SV_BENCH_VMAP_SEEDS:-4}
	AT_ONCE=${SV_BENCH_AT_ONCE:-128 512} STACKS=${SV_BENCH_STACKS:-2 4}
	TRAIN_SIZE=${SV_BENCH_TRAIN_SIZE:-512} TEST_SIZE=${SV_BENCH_TEST_SIZE:-500}
	THREADS=${SV_BENCH_THREADS:-1}
	;;
*) die 2 "SV_BENCH_DEVICE: gpu or cpu, not '$DEV'" ;;
esac
N_SV=${1:-$N_SV} N_EAGER=${2:-$N_EAGER} N_VMAP=${3:-$N_VMAP}
CAP=${SV_BENCH_CAP:-60} VCAP=${SV_BENCH_VMAP_CAP:-80}
OPT=${SV_GPU_SEEDS_OPT:---gpu-seeds}
count SV_SEEDS "$N_SV"; count EAGER_SEEDS "$N_EAGER"; count VMAP_SEEDS "$N_VMAP"
count SV_BENCH_CAP "$CAP"; count SV_BENCH_VMAP_CAP "$VCAP"
for v in $AT_ONCE; do count SV_BENCH_AT_ONCE "$v"; done
for v in $STACKS; do count SV_BENCH_STACKS "$v"; done
[ -z "$TRAIN_SIZE" ] || count SV_BENCH_TRAIN_SIZE "$TRAIN_SIZE"
[ -z "$TEST_SIZE" ] || count SV_BENCH_TEST_SIZE "$TEST_SIZE"
[ -z "$THREADS" ] || count SV_BENCH_THREADS "$THREADS"

SV=$B/sv-train
[ -x "$SV" ] || {
	[ "$DEV" = gpu ] && die 3 "$SV: not found (make gpu-bundle first, and carry build/gpu)"
	die 3 "$SV: not found (make first)"
}
[ -d "$B/so" ] && export LD_LIBRARY_PATH="$PWD/$B/so${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -d "$B/fmnist" ]; then DATA=$B/fmnist; else DATA=/usr/share/datasets/fashion-mnist; fi
[ -f "$DATA/train-images-idx3-ubyte.gz" ] || die 3 "$DATA: no Fashion-MNIST there"
for p in ${SV_PYTHON:-python3 /usr/bin/python3}; do
	if "$p" -c 'import torch' 2>/dev/null; then PY=$p; break; fi
done
[ -n "${PY:-}" ] || die 3 "no Python with torch (${SV_PYTHON:-python3 /usr/bin/python3}); set SV_PYTHON"
if [ "$DEV" = gpu ]; then
	"$PY" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())' ||
		die 3 "$PY: torch sees no CUDA device"
fi
command -v timeout >/dev/null || die 3 "needs timeout (GNU coreutils)"
SMI=
if [ "$DEV" = gpu ] && command -v nvidia-smi >/dev/null; then SMI=nvidia-smi; fi

T=$(mktemp -d) || die 3 "cannot make a temporary folder"
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
if [ -n "${OUT:-}" ]; then
	R=$OUT/gpu-throughput
	mkdir -p "$R" || die 3 "$R: cannot make the folder"
else
	R=$T/raw
	mkdir -p "$R"
fi
now() { date +%s.%N; }
# stamp T0: each line of stdin after the seconds since T0 and a tab
stamp() {
	"$PY" -c 'import sys, time
t0 = float(sys.argv[1])
for line in sys.stdin:
    sys.stdout.write(f"{time.time() - t0:.3f}\t{line}")' "$1"
}
smi_used() { "$SMI" --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -n 1; }

if [ -n "$TRAIN_SIZE$TEST_SIZE" ]; then
	"$PY" "$PEER" --data "$DATA" ${TRAIN_SIZE:+--train-size "$TRAIN_SIZE"} \
		${TEST_SIZE:+--test-size "$TEST_SIZE"} --write-data "$T/data" ||
		die 3 "cannot cut $DATA to $TRAIN_SIZE/$TEST_SIZE images"
	DATA=$T/data
fi
SV_ARGS="-q -m fmnist-small -d fashion-mnist:$DATA --epochs 1 --device $DEV${THREADS:+ -j $THREADS}"
PY_ARGS="--device $TDEV --data $DATA --epochs 1${THREADS:+ --threads $THREADS}"

if [ -n "$SMI" ]; then
	GPU=$("$SMI" --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -n 1)
else
	GPU=$("$PY" -c 'import torch; print(torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU")')
fi
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
nat=$(echo "$AT_ONCE" | wc -w) nst=$(echo "$STACKS" | wc -w)
budget=$((CAP * (2 + nat) + VCAP * nst + 60))
{
	echo "fmnist-small, 1 epoch a seed, device $DEV"
	echo "GPU: $GPU"
	echo "CPU: $(nproc) x $CPU"
	echo "data: $DATA${TRAIN_SIZE:+ (first $TRAIN_SIZE train}${TEST_SIZE:+ / $TEST_SIZE test images)}"
	echo "seeds: sv-train $N_SV, eager $N_EAGER, vmap $N_VMAP; cap ${CAP} s a run (vmap ${VCAP} s); at most about $budget s in all"
	echo "torch: $("$PY" -c 'import torch; print(torch.__version__)') ($PY)"
} | tee "$R/environment.txt"

# --- the vmap peer against the eager loop on this device
rc=0
csz=
[ -n "$TRAIN_SIZE" ] && [ "$TRAIN_SIZE" -lt 1024 ] && csz="--train-size $TRAIN_SIZE"
[ -n "$TEST_SIZE" ] && [ "$TEST_SIZE" -lt 1000 ] && csz="$csz --test-size $TEST_SIZE"
echo "== vmap peer checked against the eager loop ($PEER --check)"
# shellcheck disable=SC2086
timeout -k 5 60 "$PY" "$PEER" $PY_ARGS $csz --check > "$R/check.tap" 2>&1
crc=$?
grep -v '^ok ' "$R/check.tap"
if [ "$crc" -eq 0 ]; then
	echo "check: passed ($(grep -c '^ok ' "$R/check.tap") of $(grep -c '^[no]' "$R/check.tap"))"
else
	echo "check: FAILED (exit $crc): the vmap peer's figures are suspect"
	rc=1
fi

# --- the methods
# rows.tsv: name kind status seeds wall timed smi_mib torch_mib acc_mean acc_sd note
: > "$R/rows.tsv"
# measure NAME KIND CAP SEEDS CMD...: runs CMD on seeds 0..SEEDS-1 with a cap
measure() {
	name=$1 kind=$2 cap=$3 n=$4
	shift 4
	f=$R/$(echo "$name" | tr -c 'A-Za-z0-9\n' '-')
	echo "== $name: $n seeds, cap $cap s" >&2
	base=NA
	if [ -n "$SMI" ]; then
		base=$(smi_used)
		"$SMI" --query-gpu=memory.used --format=csv,noheader,nounits -lms 250 > "$f.smi" 2>/dev/null &
		smi=$!
	fi
	t0=$(now)
	{ seq 0 $((n - 1)) | timeout -k 5 "$cap" "$@" 2> "$f.err"; echo $? > "$f.rc"; } |
		stamp "$t0" > "$f.stamped"
	[ -n "$SMI" ] && { kill "$smi" 2>/dev/null; wait "$smi" 2>/dev/null; }
	cut -f2- "$f.stamped" > "$f.tsv"
	mrc=$(cat "$f.rc")
	mem=NA
	[ -n "$SMI" ] && mem=$(awk -v b="$base" '$1 + 0 > m { m = $1 + 0 } END { print m > b ? m - b : 0 }' "$f.smi")
	tmem=$(sed -n 's/.* peak memory \([0-9][0-9]*\) MiB.*/\1/p' "$f.err" | tail -n 1)
	awk -F'\t' -v OFS='\t' -v name="$name" -v kind="$kind" -v rc="$mrc" \
	    -v mem="$mem" -v tmem="${tmem:-NA}" -v cap="$cap" '
	$2 ~ /^#[^ ]/ { sub(/^#/, "", $2); for (i = 2; i <= NF; i++) col[$i] = i; next }
	$2 ~ /^#/ { next }
	{ n++; last = $1; a = $(col["acc"]); s += a; ss += a * a; secs += $(col["secs"]) }
	END {
		st = rc == 0 ? "ok" : rc == 124 || rc == 137 ? "cut" : "failed"
		note = st == "cut" ? "cut at " cap " s" : st == "failed" ? "exit " rc : ""
		if (n == 0 && st == "cut") note = "no seed finished within " cap " s"
		if (n == 0) st = "failed"
		if (n == 0) { print name, kind, st, 0, "NA", "NA", mem, tmem, "NA", "NA", note; exit }
		m = s / n; sd = n > 1 ? sqrt((ss - n * m * m) / (n - 1)) : 0
		if (sd != sd || ss - n * m * m < 0) sd = 0
		timed = kind == "sv" ? last : secs
		print name, kind, st, n, last, timed, mem, tmem, sprintf("%.4f", m), sprintf("%.4f", sd), note
	}' "$f.stamped" >> "$R/rows.tsv"
	tail -n 1 "$R/rows.tsv" | cut -f1,3,4,5,6,11 >&2
	[ "$mrc" -eq 0 ] || [ "$mrc" -eq 124 ] || [ "$mrc" -eq 137 ] || sed 's/^/    /' "$f.err" | tail -n 5 >&2
}

# shellcheck disable=SC2086
measure "sv-train default" sv "$CAP" "$N_SV" "$SV" $SV_ARGS
if "$SV" --list-options 2>/dev/null | grep -qx -- "$OPT"; then
	for v in $AT_ONCE; do
		# shellcheck disable=SC2086
		measure "sv-train $OPT $v" sv "$CAP" "$N_SV" "$SV" $SV_ARGS "$OPT" "$v"
	done
else
	for v in $AT_ONCE; do
		printf '%s\tsv\tna\t0\tNA\tNA\tNA\tNA\tNA\tNA\tnot available (sv-train has no %s)\n' \
			"sv-train $OPT $v" "$OPT" >> "$R/rows.tsv"
	done
fi
# shellcheck disable=SC2086
measure "torch eager" eager "$CAP" "$N_EAGER" "$PY" "$PEER" $PY_ARGS --mode eager
for s in $STACKS; do
	# shellcheck disable=SC2086
	measure "torch vmap S=$s" vmap "$VCAP" "$N_VMAP" "$PY" "$PEER" $PY_ARGS --mode vmap --stack "$s"
done

# --- the table and the verdicts
awk -F'\t' -v dev="$DEV" -v gpu="$GPU" '
function rate(i) { return 3600 * seeds[i] / timed[i] }
{
	k++; name[k] = $1; kind[k] = $2; st[k] = $3; seeds[k] = $4; wall[k] = $5
	timed[k] = $6; mem[k] = $7; tmem[k] = $8; am[k] = $9; asd[k] = $10; note[k] = $11
	if (st[k] == "ok" || st[k] == "cut") {
		if (kind[k] == "sv" && rate(k) > best) best = rate(k)
		if (kind[k] == "vmap" && rate(k) > vbest) vbest = rate(k)
	}
}
END {
	printf "\n%-26s %6s %8s %8s %9s %10s %8s %9s %7s %7s %8s  %s\n", "method", "seeds",
	       "wall_s", "timed_s", "s_a_seed", "seeds/h", "gpu_MiB", "torch_MiB",
	       "acc", "acc_sd", "sv/this", "note"
	for (i = 1; i <= k; i++) {
		if (st[i] != "ok" && st[i] != "cut") {
			printf "%-26s %s\n", name[i], (st[i] == "na" ? note[i] : "FAILED (" note[i] ")")
			continue
		}
		printf "%-26s %6d %8.2f %8.2f %9.4f %10.0f %8s %9s %7s %7s %8s  %s\n", name[i],
		       seeds[i], wall[i], timed[i], timed[i] / seeds[i], rate(i), mem[i], tmem[i],
		       am[i], asd[i], (best > 0 ? sprintf("%.2f", best / rate(i)) : "NA"), note[i]
	}
	print "\nwall: launch to last record; timed: sv-train its wall, the peers their own clock"
	print "(start-up left out, which favours them); sv/this: sv-train best seeds/h over this"
	printf "GPU: %s\n", gpu
	if (dev != "gpu")
		print "(device cpu: a test of the script, not the issue measure: no verdict)"
	printf "required: sv-train >= 50000 seeds/hour: %.0f: %s\n", best, (best >= 50000 ? "PASS" : "MISS")
	printf "goal:     sv-train >= 100000 seeds/hour: %.0f: %s\n", best, (best >= 100000 ? "PASS" : "MISS")
	if (vbest > 0) {
		printf "required: sv-train ahead of the vmap peer (%.0f seeds/hour): ratio %.2f: %s\n",
		       vbest, best / vbest, (best > vbest ? "PASS" : "MISS")
	} else {
		print "required: sv-train ahead of the vmap peer: no vmap figure: MISS"
	}
}' "$R/rows.tsv" | tee "$R/table.txt"
if [ "$DEV" = gpu ] && grep -q '^required: .*MISS$' "$R/table.txt"; then rc=1; fi
if awk -F'\t' '$3 == "failed" { f = 1 } END { exit !f }' "$R/rows.tsv"; then
	if [ -n "${OUT:-}" ]; then
		echo "a method failed: its stderr is in $R/NAME.err" >&2
	else
		echo "a method failed (set OUT to keep its stderr)" >&2
	fi
	rc=3
fi
[ -n "${OUT:-}" ] && echo "records, logs and the table: $R"
exit "$rc"
