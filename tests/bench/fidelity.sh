#!/bin/sh
# fidelity.sh - does sv-train's fmnist-small give the same accuracy
# distribution as the PyTorch peer?  N seeds each (default 20), one epoch;
# prints both distributions and sv-stats' two-group comparison (Welch,
# Mann-Whitney, P(A>B)).
# Usage: tests/bench/fidelity.sh [N [THREADS]]   (from the repo root)
set -eu
N=${1:-20}
THREADS=${2:-2}
B=$(cd "${SV_BUILD:-build}" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
seq 0 $((N - 1)) | "$B/sv-train" -q -j "$THREADS" | cut -f8 > "$T/sv-train"
seq 0 $((N - 1)) | /usr/bin/python3 tests/bench/fmnist_small_torch.py "$THREADS" | cut -f4 > "$T/pytorch"
sed -i '1s/.*/#acc/' "$T/sv-train" "$T/pytorch"
cd "$T" && "$B/sv-stats" sv-train pytorch
