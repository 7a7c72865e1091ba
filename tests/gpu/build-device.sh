#!/bin/sh
# build-device.sh - build here what run-on-device.sh runs on a GPU machine
#
# usage: tests/gpu/build-device.sh      (from the repository root)
#
# The GPU machine has the NVIDIA driver but no Debian packages: the
# programs are linked with libarchive and libxxhash statically, the few
# shared libraries left (lz4, zstd, gomp) and Fashion-MNIST are copied into
# build/gpu/, which travels to the machine.  sv-train is built with the
# --device gpu wiring of tests/gpu/sv-train-gpu.diff unless bin/sv-train.c
# already has it.
set -eu
G=build/gpu
make -s all
test -f build/libsv-cuda.so || { echo "build-device: no build/libsv-cuda.so (nvcc?)" >&2; exit 3; }
rm -rf "$G"
mkdir -p "$G/src" "$G/lib" "$G/fmnist"
cp bin/sv-train.c "$G/src/sv-train.c"
if ! grep -q sv_gpu_train_seed bin/sv-train.c; then
	patch -s -d "$G/src" -p2 < tests/gpu/sv-train-gpu.diff
fi
CFLAGS="-std=gnu11 -O2 -g -ffp-contract=off -fno-fast-math -fopenmp -Ilib -Itests/unit
        -DSV_VERSION=\"$(sed -n 's/^VERSION *= *//p' Makefile)\" -DSV_LIBEXECDIR=\"/usr/local/lib/sv\"
        $(pkg-config --cflags libarchive libxxhash)"
LIBS="build/libsv.a -Wl,-Bstatic -larchive -lxxhash -lz -lbz2 -llzma -Wl,-Bdynamic
      /lib/x86_64-linux-gnu/liblz4.so.1 /lib/x86_64-linux-gnu/libzstd.so.1 -ldl -lm"
# shellcheck disable=SC2086
cc $CFLAGS -o "$G/sv-train" "$G/src/sv-train.c" $LIBS
# shellcheck disable=SC2086
cc $CFLAGS -o "$G/gpu_vs_cpu" tests/gpu/gpu_vs_cpu.c $LIBS
cp build/libsv-cuda.so "$G/"
for l in liblz4.so.1 libzstd.so.1 libgomp.so.1; do
	cp -L "/lib/x86_64-linux-gnu/$l" "$G/lib/"
done
cp /usr/share/datasets/fashion-mnist/*-ubyte.gz "$G/fmnist/"
du -sh "$G"
