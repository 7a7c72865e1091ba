#!/bin/sh
# conv-bench.sh - build tests/bench/conv-bench.c against build/libsv.a with
# the tree's compiler flags and run it: GFLOP/s of each convolution kernel
# on the fmnist-small shapes, 1 and 2 threads.
# Usage: tests/bench/conv-bench.sh [seconds-per-case [avx512|avx2|scalar]]
# (from the top dir); exit 1 if a result differs from the scalar one.
set -e
B=${B:-build}
CC=${CC:-cc}
make --no-print-directory "$B/libsv.a" >/dev/null
$CC -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-sign-compare \
    -ffp-contract=off -fno-fast-math -fopenmp -O2 -g -Ilib \
    -o "$B/conv-bench" tests/bench/conv-bench.c "$B/libsv.a" \
    $(pkg-config --libs gsl libarchive libxxhash 2>/dev/null) -fopenmp -ldl -lm
exec "$B/conv-bench" "$@"
