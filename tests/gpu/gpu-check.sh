#!/bin/sh
# gpu-check.sh - the GPU check of sv-train in one script
#
# usage: tests/gpu/gpu-check.sh      (from the repository root)
#
# Where no GPU is usable it builds the bundle for a GPU machine (make
# gpu-bundle: build/gpu) and says what to run there.  On a GPU machine,
# with build/gpu carried, it runs the GPU-vs-CPU tests and the record
# checks (tests/gpu/run-on-device.sh), then resnet9 against its PyTorch
# peer (tests/bench/resnet9-gpu.sh) and the fmnist-small throughput
# against the PyTorch peers (tests/bench/gpu-throughput.sh), each stage
# and each run capped so that the whole check stays inside one device
# command ($SV_GPU_CHECK_SECONDS, default 560), and writes
# everything to $OUT/gpu-check.log as well (OUT defaults to
# /tmp/sv-gpu-out).
#
# Exit status: 0 every check passed; 1 a check failed or a required speed
# was missed; 2 not run from the repository root; 3 no bundle, or a run
# that could not start.
set -u
if [ ! -f tests/gpu/run-on-device.sh ] || [ ! -f Makefile ]; then
	echo "gpu-check.sh: run it from the repository root" >&2
	exit 2
fi
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
	echo "gpu-check.sh: no usable GPU here: building the bundle for one"
	make gpu-bundle || exit 3
	echo "gpu-check.sh: now, on a GPU machine with build/gpu carried, run:"
	echo "    tests/gpu/gpu-check.sh"
	exit 0
fi
if [ ! -x build/gpu/sv-train ]; then
	echo "gpu-check.sh: no build/gpu/sv-train: run 'make gpu-bundle' where it was built" >&2
	exit 3
fi
# cuDNN for --gpu-math cudnn: the system's, else the one PyTorch carries
if [ -z "${SV_CUDNN_LIB:-}" ] && ! ldconfig -p 2>/dev/null | grep -q 'libcudnn\.so\.9 '; then
	for py in python3 /usr/bin/python3; do
		l=$("$py" -c 'import nvidia.cudnn as c; print(list(c.__path__)[0] + "/lib/libcudnn.so.9")' 2>/dev/null) ||
			l=$("$py" -c 'import os, torch; print(os.path.dirname(torch.__file__) + "/lib/libcudnn.so.9")' 2>/dev/null) || l=
		if [ -n "$l" ] && [ -f "$l" ]; then export SV_CUDNN_LIB="$l"; break; fi
	done
fi
OUT=${OUT:-/tmp/sv-gpu-out}
mkdir -p "$OUT" || exit 3
export OUT
log=$OUT/gpu-check.log
rcf=$OUT/gpu-check.rc
{
	t0=$(date +%s)
	# each stage gets at most its share of what is left of the budget
	# ($SV_GPU_CHECK_SECONDS, default 560: one device command is 600 s)
	budget=${SV_GPU_CHECK_SECONDS:-560}
	stage() {
		want=$1
		shift
		left=$((budget - ($(date +%s) - t0)))
		[ "$want" -lt "$left" ] || want=$left
		if [ "$want" -lt 10 ]; then echo "== $*: no time left"; return 124; fi
		timeout -k 5 "$want" "$@"
	}
	echo "== sv gpu check: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(git rev-parse --short HEAD 2>/dev/null || echo 'no git')"
	stage 300 sh tests/gpu/run-on-device.sh
	r1=$?
	echo "== run-on-device.sh: exit $r1 after $(( $(date +%s) - t0 )) s"
	stage 150 env SV_BENCH_CAP="${SV_BENCH_R9_CAP:-20}" sh tests/bench/resnet9-gpu.sh
	r3=$?
	echo "== resnet9-gpu.sh: exit $r3 after $(( $(date +%s) - t0 )) s"
	stage 200 env SV_BENCH_CAP="${SV_BENCH_CAP:-20}" \
		SV_BENCH_VMAP_CAP="${SV_BENCH_VMAP_CAP:-30}" sh tests/bench/gpu-throughput.sh
	r2=$?
	echo "== gpu-throughput.sh: exit $r2 after $(( $(date +%s) - t0 )) s in all"
	if [ "$r1" -ne 0 ]; then echo "$r1"; elif [ "$r2" -ne 0 ]; then echo "$r2";
	elif [ "$r3" -ne 0 ]; then echo "$r3"; else echo 0; fi > "$rcf"
} 2>&1 | tee "$log"
rc=$(cat "$rcf" 2>/dev/null || echo 3)
echo "gpu-check.sh: exit $rc; log in $log"
exit "$rc"
