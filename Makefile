# sv - seed-variance audit tools
.SUFFIXES:

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/sv
MANPREFIX ?= $(PREFIX)/share/man
# Shell completions go where each shell looks for this PREFIX.  bash-completion
# and fish name their folder in their pkg-config files; it is taken with their
# prefix and datadir replaced by PREFIX and PREFIX/share (the usual folders when
# pkg-config does not know the shell).  bash-completion searches
# PREFIX/share/bash-completion/completions through XDG_DATA_DIRS (by default
# /usr/local/share:/usr/share); fish searches PREFIX/share/fish/... when
# XDG_DATA_DIRS names PREFIX/share (always for /usr).  zsh: Debian's fpath holds
# /usr/share/zsh/vendor-completions for packages and PREFIX/share/zsh/site-functions
# for /usr/local.
pc_compdir = $(shell $(PKG_CONFIG) --define-variable=prefix='$(PREFIX)' \
               --define-variable=datadir='$(PREFIX)/share' --variable=completionsdir $(1) 2>/dev/null)
BASHCOMPDIR ?= $(or $(call pc_compdir,bash-completion),$(PREFIX)/share/bash-completion/completions)
ZSHCOMPDIR  ?= $(if $(filter /usr /usr/,$(PREFIX)),$(PREFIX)/share/zsh/vendor-completions,$(PREFIX)/share/zsh/site-functions)
FISHCOMPDIR ?= $(or $(call pc_compdir,fish),$(PREFIX)/share/fish/vendor_completions.d)

# Build outputs: B=build/asan etc. keeps variants apart.
B       ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PKG_CONFIG ?= pkg-config
PKGS     = gsl libarchive libxxhash

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# -ffp-contract=off: no implicit fused multiply-add; kernels write fmaf()
# where one is meant, so every build rounds the same way.
SV_CFLAGS = -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
            -Wno-sign-compare -ffp-contract=off -fno-fast-math -fopenmp \
            -fvect-cost-model=dynamic \
            -Ilib -DSV_VERSION='"$(VERSION)"' \
            -DSV_LIBEXECDIR='"$(LIBEXECDIR)"' $(PKG_CFLAGS)
SV_LIBS   = $(PKG_LIBS) -fopenmp -ldl -lm

PROGS  = sv-train sv-eval sv-stats sv-outliers sv-hash
LIBSRC = $(sort $(wildcard lib/*/*.c))
LIBHDR = $(wildcard lib/*/*.h)
LIBOBJ = $(LIBSRC:lib/%.c=$(B)/lib/%.o)
BINS   = $(PROGS:%=$(B)/%)
UNITSRC = $(sort $(wildcard tests/unit/test_*.c))
UNITS   = $(UNITSRC:tests/unit/%.c=$(B)/tests/%)

# Kernels for one instruction set live in lib/kernels/*_avx512.c, *_avx2.c;
# they are called only after a run-time CPU check.
ISA_avx512 = -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma
ISA_avx2   = -mavx2 -mfma

# CUDA: the GPU backend is built only where nvcc is found (its kernels are
# the project's own; cuDNN is loaded only for --gpu-math cudnn).  make
# NVCC= skips it.
NVCC ?= $(shell command -v nvcc 2>/dev/null || { test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc; })
CUDASRC = $(wildcard cuda/*.cu)
ifneq ($(and $(NVCC),$(CUDASRC)),)
GPU_SO = $(B)/libsv-cuda.so
endif

all: $(BINS) $(GPU_SO) build-note

build-note: $(BINS)
	@if [ -n "$(GPU_SO)" ]; then echo "sv: built $(PROGS) and the GPU backend $(GPU_SO)" \
	   "($(if $(CUDNN_INC),with --gpu-math cudnn: cuDNN headers in $(CUDNN_INC),without --gpu-math cudnn: no cudnn.h found; set CUDNN_INC))"; \
	 else echo "sv: built $(PROGS) (CPU only: nvcc not found, no GPU backend)"; fi

$(B)/tests:
	mkdir -p $@

$(B)/lib/%.o: lib/%.c $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(SV_CFLAGS) $(CFLAGS) $(ISA_$(lastword $(subst _, ,$(notdir $*)))) -c -o $@ $<

# LIBEXECDIR is compiled into the GPU loader: rebuild it when it changes
$(B)/libexecdir.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(LIBEXECDIR)' | cmp -s - $@ || echo '$(LIBEXECDIR)' > $@
$(B)/lib/train/gpu.o: $(B)/libexecdir.stamp

$(B)/libsv.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

$(B)/sv-%: bin/sv-%.c $(B)/libsv.a $(LIBHDR)
	$(CC) $(SV_CFLAGS) $(CFLAGS) -o $@ $< $(B)/libsv.a $(LDFLAGS) $(SV_LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/*.h $(B)/libsv.a $(LIBHDR) | $(B)/tests
	$(CC) $(SV_CFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(B)/libsv.a $(LDFLAGS) $(SV_LIBS)

# --- GPU backend (dlopen'ed by sv-train/sv-eval only when asked for a GPU)
# -fmad=false: no contraction of a*b+c; the kernels write fmaf() where the
# CPU twin does, so they give the CPU's bits.  The .so needs the driver's
# libcuda and nothing else; cuDNN is loaded with dlopen only for
# sv-train --gpu-math cudnn (cuda/dnn.cu; headers from the CUDA tree).
NVCCFLAGS ?= -O2 -fmad=false --extended-lambda -Xcompiler -fPIC,-ffp-contract=off,-fvisibility=hidden,-Wall,-Wextra \
             -Ilib --Werror all-warnings \
             -gencode arch=compute_90,code=sm_90 -gencode arch=compute_80,code=sm_80
# cuDNN's headers (for --gpu-math cudnn): CUDNN_INC, or the first of
# $CUDA_HOME/include, the include folder beside nvcc (which may be a
# wrapper script elsewhere), /usr/local/cuda/include and Debian's places.
# Without them the backend is built with the cudnn modes saying so.
CUDNN_INC ?= $(patsubst %/,%,$(dir $(firstword $(wildcard \
	$(if $(CUDA_HOME),$(CUDA_HOME)/include/cudnn.h) \
	$(dir $(NVCC))../include/cudnn.h /usr/local/cuda/include/cudnn.h \
	/usr/include/cudnn.h /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null)/cudnn.h))))
NVCCFLAGS += $(if $(CUDNN_INC),-I$(CUDNN_INC),-DSV_NO_CUDNN)
# the backend is rebuilt when the flags change (cuDNN found or not)
$(B)/nvccflags.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(NVCC) $(NVCCFLAGS)' | cmp -s - $@ || echo '$(NVCC) $(NVCCFLAGS)' > $@
$(B)/libsv-cuda.so: $(CUDASRC) cuda/*.h lib/train/gpu_abi.h lib/kernels/batched.h lib/kernels/hd.h lib/kernels/philox.h $(B)/nvccflags.stamp
	$(NVCC) $(NVCCFLAGS) -shared -cudart static -o $@ $(CUDASRC)

# GPU-vs-CPU tests (tests/gpu/): built everywhere, run where a GPU is
$(B)/tests/gpu_vs_cpu: tests/gpu/gpu_vs_cpu.c tests/unit/tap.h $(B)/libsv.a $(LIBHDR) | $(B)/tests
	$(CC) $(SV_CFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(B)/libsv.a $(LDFLAGS) $(SV_LIBS)

# the GPU-vs-CPU tests; a TAP skip where no GPU is usable
check-gpu: all $(B)/tests/gpu_vs_cpu
	if [ -n "$(GPU_SO)" ]; then cp -f $(GPU_SO) $(B)/tests/; fi
	prove --exec '' $(B)/tests/gpu_vs_cpu

# --- the bundle for a GPU machine without Debian packages: sv-train, sv-stats
# and the GPU tests linked with GSL, libarchive and libxxhash statically, the few
# shared libraries left and Fashion-MNIST beside them in build/gpu
# (tests/gpu/gpu-check.sh runs tests/gpu/run-on-device.sh and
# tests/bench/gpu-throughput.sh there
# with LD_LIBRARY_PATH=build/gpu/so; the scripts travel with the working tree)
BUNDLE = build/gpu
BUNDLE_LIBS = -Wl,-Bstatic -lgsl -lgslcblas -larchive -lxxhash -lz -lbz2 -llzma \
              -Wl,-Bdynamic /lib/x86_64-linux-gnu/liblz4.so.1 /lib/x86_64-linux-gnu/libzstd.so.1 -lm
gpu-bundle:
	@test -n "$(GPU_SO)" || { echo "sv: no nvcc, no GPU backend to bundle" >&2; exit 3; }
	@$(MAKE) --no-print-directory B=$(BUNDLE) PKG_LIBS='$(BUNDLE_LIBS)' $(BUNDLE)/sv-train $(BUNDLE)/sv-stats $(BUNDLE)/libsv-cuda.so $(BUNDLE)/tests/gpu_vs_cpu
	mkdir -p $(BUNDLE)/so $(BUNDLE)/fmnist
	cp -f $(BUNDLE)/libsv-cuda.so $(BUNDLE)/tests/
	for l in liblz4.so.1 libzstd.so.1 libgomp.so.1; do cp -L /lib/x86_64-linux-gnu/$$l $(BUNDLE)/so/; done
	cp -f /usr/share/datasets/fashion-mnist/*-ubyte.gz $(BUNDLE)/fmnist/
	@du -sh $(BUNDLE)

# --- dependencies (Debian)
# librsvg2-2 and libcairo2: PNG and PDF figures (sv-stats --plot x.png),
# loaded at run time with dlopen; nothing links them, SVG needs neither
DEBS = build-essential pkg-config libgsl-dev libarchive-dev libxxhash-dev \
       dataset-fashion-mnist perl datamash libxml2-utils mandoc \
       librsvg2-2 libcairo2
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "sv: dependencies present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "sv: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  if [ -z "$$SV_APT_UPDATED" ]; then apt-get update -qq; fi && \
	  apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "sv: missing Debian packages; run as root:"; \
	  echo "  apt-get update && apt-get install -y$$missing"; exit 3; \
	fi

# --- the main job: a real seed scan through the real pipe
DEMO_SEEDS ?= 8
demo: deps
	@$(MAKE) --no-print-directory all
	seq 0 $$(( $(DEMO_SEEDS) - 1 )) | $(B)/sv-train --epochs 1 --progress | $(B)/sv-stats

# --- tests
SV_WRAP ?=
check: deps
	@$(MAKE) --no-print-directory all units $(B)/native/sv-train $(B)/tests/gpu_vs_cpu
	if [ -n "$(GPU_SO)" ]; then cp -f $(GPU_SO) $(B)/tests/; fi
	prove --exec '$(SV_WRAP) ' $(UNITS) $(B)/tests/gpu_vs_cpu
	SV_WRAP='$(SV_WRAP)' SV_BUILD='$(abspath $(B))' prove tests/*.t

units: $(UNITS)

# the same sources built for this CPU, for the bit-identity tests
$(B)/native/sv-train: $(LIBSRC) bin/sv-train.c $(LIBHDR)
	@$(MAKE) --no-print-directory B=$(B)/native CFLAGS='-O2 -march=native' $(B)/native/sv-train

# unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# G_SLICE=always-malloc: glib's objects (librsvg's handle, a GError) come
# from malloc, so that LeakSanitizer sees one we fail to free;
# tests/lsan.supp names the leaks of system libraries themselves.
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check-san: deps
	@$(MAKE) --no-print-directory B=build/san CFLAGS='$(SANFLAGS)' LDFLAGS='$(SANFLAGS)' units
	G_SLICE=always-malloc LSAN_OPTIONS="suppressions=$(CURDIR)/tests/lsan.supp$${LSAN_OPTIONS:+:$$LSAN_OPTIONS}" \
	  prove --exec '' build/san/tests/test_*

# --- fuzzing the parsers of untrusted input (clang with libFuzzer; not part
# of check): make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 60
FUZZFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ilib -DSV_VERSION='"$(VERSION)"'
FUZZ_RUNS ?= -1
FUZZ_DS = lib/train/idx.c lib/formats/svar.c lib/base/util.c
FUZZ_RUN = -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -print_final_stats=1
fuzz:
	mkdir -p build/fuzz/ckpt build/fuzz/records build/fuzz/idx build/fuzz/svar \
	    build/fuzz/cifar build/fuzz/synth build/fuzz/hashlist build/fuzz/numbers
	cp tests/data/ckpt/*.ckpt build/fuzz/ckpt/
	printf '#seed\tacc\n1\t0.5\n' > build/fuzz/records/seed
	printf '\0\0\10\1\0\0\0\3\1\2\11' > build/fuzz/idx/labels
	printf '\0\0\10\3\0\0\0\1\0\0\0\2\0\0\0\2abcd' > build/fuzz/idx/images
	gzip -9n < build/fuzz/idx/images > build/fuzz/idx/images.gz
	cp tests/data/ckpt/s0.ckpt build/fuzz/svar/
	tar --format=ustar --owner=0 --group=0 --mtime=@0 -C tests/data/ckpt -cf build/fuzz/svar/two.tar s0.ckpt s1.ckpt
	gzip -9n < build/fuzz/svar/two.tar > build/fuzz/svar/two.tar.gz
	mkdir -p build/fuzz/cifar-src/cifar-10-batches-bin
	printf '\1' > build/fuzz/cifar-src/cifar-10-batches-bin/data_batch_1.bin
	printf '\2' > build/fuzz/cifar-src/cifar-10-batches-bin/test_batch.bin
	tar --format=ustar --owner=0 --group=0 --mtime=@0 -C build/fuzz/cifar-src -czf build/fuzz/cifar/short.tar.gz cifar-10-batches-bin
	printf 'n=5,test=3,h=2,w=2,c=1,classes=3,noise=50' > build/fuzz/synth/spec
	printf 'XXH128 (a.ckpt) = da467ab2162ebc4e9ec5ad2b9984c147\nda467ab2162ebc4e9ec5ad2b9984c147  b c\n' > build/fuzz/hashlist/list
	printf '00000000000000000000000000000000-12.5e3' > build/fuzz/numbers/n
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_ckpt tests/fuzz/fuzz_ckpt.c \
	    lib/formats/ckpt.c lib/formats/tensor.c lib/formats/svar.c lib/base/util.c \
	    $$($(PKG_CONFIG) --libs libxxhash libarchive)
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_records tests/fuzz/fuzz_records.c \
	    lib/formats/record.c lib/train/seeds.c lib/base/util.c
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_idx tests/fuzz/fuzz_idx.c $(FUZZ_DS) \
	    $$($(PKG_CONFIG) --libs libarchive)
	clang $(FUZZFLAGS) -mavx2 -o build/fuzz/fuzz_svar tests/fuzz/fuzz_svar.c \
	    lib/formats/svar.c lib/formats/ckptsrc.c lib/formats/ckpt.c lib/formats/tensor.c \
	    lib/formats/xxh3_avx2.c lib/base/util.c $$($(PKG_CONFIG) --libs libarchive libxxhash)
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_cifar tests/fuzz/fuzz_cifar.c $(FUZZ_DS) \
	    $$($(PKG_CONFIG) --libs libarchive libxxhash)
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_synth tests/fuzz/fuzz_synth.c $(FUZZ_DS) \
	    $$($(PKG_CONFIG) --libs libarchive libxxhash)
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_hashlist tests/fuzz/fuzz_hashlist.c \
	    lib/formats/hashlist.c lib/formats/svar.c lib/base/util.c \
	    $$($(PKG_CONFIG) --libs libarchive)
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_numbers tests/fuzz/fuzz_numbers.c lib/base/util.c -lm
	build/fuzz/fuzz_ckpt $(FUZZ_RUN) build/fuzz/ckpt
	build/fuzz/fuzz_records $(FUZZ_RUN) build/fuzz/records
	build/fuzz/fuzz_idx $(FUZZ_RUN) build/fuzz/idx
	build/fuzz/fuzz_svar $(FUZZ_RUN) build/fuzz/svar
	build/fuzz/fuzz_cifar $(FUZZ_RUN) build/fuzz/cifar
	build/fuzz/fuzz_synth $(FUZZ_RUN) build/fuzz/synth
	build/fuzz/fuzz_hashlist $(FUZZ_RUN) -close_fd_mask=2 build/fuzz/hashlist
	build/fuzz/fuzz_numbers $(FUZZ_RUN) build/fuzz/numbers

# --- examples/slurm-array.sh on a one-node Slurm cluster started on this
# machine and stopped after (root; installs slurm-wlm and munge if missing)
check-slurm: all
	SV_BUILD='$(abspath $(B))' tests/slurm/check.sh
.PHONY: check-slurm

# --- install
install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 \
	         $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	for p in $(PROGS); do cp -f $(B)/$$p $(DESTDIR)$(BINDIR)/$$p; chmod 755 $(DESTDIR)$(BINDIR)/$$p; done
	for m in man/*.1; do [ -f "$$m" ] && cp -f $$m $(DESTDIR)$(MANPREFIX)/man1/ || true; done
	for m in man/*.5; do [ -f "$$m" ] && cp -f $$m $(DESTDIR)$(MANPREFIX)/man5/ || true; done
	for f in completions/bash/*; do [ -f "$$f" ] && cp -f $$f $(DESTDIR)$(BASHCOMPDIR)/ || true; done
	for f in completions/zsh/*; do [ -f "$$f" ] && cp -f $$f $(DESTDIR)$(ZSHCOMPDIR)/ || true; done
	for f in completions/fish/*; do [ -f "$$f" ] && cp -f $$f $(DESTDIR)$(FISHCOMPDIR)/ || true; done
	if [ -n "$(GPU_SO)" ]; then mkdir -p $(DESTDIR)$(LIBEXECDIR) && cp -f $(GPU_SO) $(DESTDIR)$(LIBEXECDIR)/; fi
	@d=$$($(PKG_CONFIG) --variable=completionsdir fish 2>/dev/null); \
	if [ -n "$$d" ] && [ "$$d" != '$(FISHCOMPDIR)' ]; then \
	  echo "sv: fish reads the completions in $(FISHCOMPDIR) only when XDG_DATA_DIRS names $(PREFIX)/share," \
	       "e.g. XDG_DATA_DIRS=$(PREFIX)/share:/usr/share"; \
	fi

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in man/*.1; do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done
	for m in man/*.5; do rm -f $(DESTDIR)$(MANPREFIX)/man5/$${m#man/}; done
	for f in completions/bash/*; do rm -f $(DESTDIR)$(BASHCOMPDIR)/$${f##*/}; done
	for f in completions/zsh/*; do rm -f $(DESTDIR)$(ZSHCOMPDIR)/$${f##*/}; done
	for f in completions/fish/*; do rm -f $(DESTDIR)$(FISHCOMPDIR)/$${f##*/}; done
	rm -f $(DESTDIR)$(LIBEXECDIR)/libsv-cuda.so
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

clean:
	rm -rf build

FORCE:
.PHONY: FORCE all build-note deps demo check units check-san check-gpu gpu-bundle fuzz install uninstall clean
