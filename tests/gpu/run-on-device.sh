#!/bin/sh
# run-on-device.sh - on a GPU machine: environment, GPU-vs-CPU tests, timing
#
# usage: tests/gpu/run-on-device.sh     (after make gpu-bundle, with
#        build/gpu carried to the machine; results also go to $OUT)
#
# Exit status: that of the GPU-vs-CPU tests (0 all passed).
set -u
G=build/gpu
OUT=${OUT:-/tmp/sv-gpu-out}
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$PWD/$G/so${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
DATA="fashion-mnist:$G/fmnist"

echo "== environment"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo)"
ldd "$G/sv-train" "$G/libsv-cuda.so" | grep -E 'not found|=>' || true

echo "== GPU vs CPU (tolerance 0: bitwise)"
"$G/tests/gpu_vs_cpu" "$DATA" > "$OUT/gpu_vs_cpu.tap" 2>&1
rc=$?
grep -v '^ok ' "$OUT/gpu_vs_cpu.tap"
echo "passed: $(grep -c '^ok ' "$OUT/gpu_vs_cpu.tap"), failed: $(grep -c '^not ok' "$OUT/gpu_vs_cpu.tap"), exit $rc"

echo "== sv-train --device gpu against --device cpu, 3 seeds, 1 epoch"
seq 0 2 | "$G/sv-train" -q --device gpu -d "$DATA" > "$OUT/gpu.tsv"
echo "gpu exit $?"
seq 0 2 | "$G/sv-train" -q -j "$(nproc)" -d "$DATA" > "$OUT/cpu.tsv"
echo "cpu exit $?"
cut -f1,8,11,12,15 "$OUT/gpu.tsv" "$OUT/cpu.tsv"
if [ "$(cut -f1,6,15 "$OUT/gpu.tsv")" = "$(cut -f1,6,15 "$OUT/cpu.tsv")" ]; then
	echo "sv-train: GPU records = CPU records (seed, correct, hash)"
else
	echo "sv-train: GPU and CPU records DIFFER"; rc=1
fi
echo "== resnet9: 3 seeds in a cohort of 3 = the CPU records (1 epoch, 2 augmented steps of 500)"
R9="-q -m resnet9 -d synthetic:n=1000,test=200,h=32,w=32,c=3 --epochs 1"
# shellcheck disable=SC2086
seq 0 2 | "$G/sv-train" $R9 --device gpu --gpu-seeds 3 > "$OUT/r9gpu.tsv"
echo "gpu exit $?"
# shellcheck disable=SC2086
seq 0 2 | "$G/sv-train" $R9 -j "$(nproc)" > "$OUT/r9cpu.tsv"
echo "cpu exit $?"
cut -f1,8,11,15 "$OUT/r9gpu.tsv" "$OUT/r9cpu.tsv"
if [ -s "$OUT/r9gpu.tsv" ] &&
   [ "$(cut -f1,6,9,10,14,15 "$OUT/r9gpu.tsv")" = "$(cut -f1,6,9,10,14,15 "$OUT/r9cpu.tsv")" ]; then
	echo "resnet9: GPU records = CPU records (seed, correct, losses, init_hash, hash)"
else
	echo "resnet9: GPU and CPU records DIFFER"; rc=1
fi

echo "== cohorts: 5 seeds in cohorts of 2 (3 cohorts) = the CPU records"
seq 0 4 | "$G/sv-train" -q --device gpu --gpu-seeds 2 -d "$DATA" > "$OUT/cohort2.tsv"
echo "gpu exit $?"
seq 0 4 | "$G/sv-train" -q -j "$(nproc)" -d "$DATA" > "$OUT/cpu5.tsv"
if [ "$(cut -f1,6,9,10,14,15 "$OUT/cohort2.tsv")" = "$(cut -f1,6,9,10,14,15 "$OUT/cpu5.tsv")" ]; then
	echo "cohorts of 2: records = CPU records (seed, correct, losses, init_hash, hash)"
else
	echo "cohorts of 2: records DIFFER from the CPU's"; rc=1
fi

echo "== cudnn modes (${SV_CUDNN_LIB:-libcudnn.so.9})"
C9="-q -m resnet9 -d synthetic:n=2000,test=500,h=32,w=32,c=3 --epochs 2 --device gpu --gpu-seeds 4"
for p in fp32 tf32 fp16; do
	# shellcheck disable=SC2086
	seq 0 3 | timeout 30 "$G/sv-train" $C9 --gpu-math cudnn --gpu-precision $p > "$OUT/c9$p.a.tsv"
	echo "cudnn $p exit $?: $(sed -n 2p "$OUT/c9$p.a.tsv" | cut -f12)"
	# shellcheck disable=SC2086
	seq 0 3 | timeout 30 "$G/sv-train" $C9 --gpu-math cudnn --gpu-precision $p > "$OUT/c9$p.b.tsv"
	if [ -s "$OUT/c9$p.a.tsv" ] && [ "$(cut -f1,6,14,15 "$OUT/c9$p.a.tsv")" = "$(cut -f1,6,14,15 "$OUT/c9$p.b.tsv")" ]; then
		echo "cudnn $p: the same 4 seeds twice, the same records"
	else
		echo "cudnn $p: two runs DIFFER (or failed)"; rc=1
	fi
done

echo "== resnet9 accuracy over 20 seeds: exact, cudnn fp32, cudnn fp16 (2 epochs, 3000 images)"
D9="-q -m resnet9 -d synthetic:n=3000,test=1000,h=32,w=32,c=3 --epochs 2 --device gpu --gpu-seeds 20"
# shellcheck disable=SC2086
seq 0 19 | timeout 90 "$G/sv-train" $D9 > "$OUT/d9exact.tsv"; echo "exact exit $?"
# shellcheck disable=SC2086
seq 0 19 | timeout 45 "$G/sv-train" $D9 --gpu-math cudnn > "$OUT/d9fp32.tsv"; echo "cudnn fp32 exit $?"
# shellcheck disable=SC2086
seq 0 19 | timeout 45 "$G/sv-train" $D9 --gpu-math cudnn --gpu-precision fp16 > "$OUT/d9fp16.tsv"; echo "cudnn fp16 exit $?"
"$G/sv-stats" "$OUT/d9exact.tsv" "$OUT/d9fp32.tsv"
"$G/sv-stats" "$OUT/d9exact.tsv" "$OUT/d9fp16.tsv"

exit $rc
