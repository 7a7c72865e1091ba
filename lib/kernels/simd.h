/* simd.h - one source, several instruction sets, the same bits
 *
 * SV_CLONES compiles a function for x86-64-v4 (AVX-512), x86-64-v3
 * (AVX2+FMA) and the baseline, and picks one at load time.  Results are
 * identical across the clones because the code uses fmaf() for every
 * multiply-add (inlined as one FMA instruction where the CPU has it,
 * a correctly rounded library call where it has not) and
 * -ffp-contract=off forbids any other fusing or reassociation.
 */
#ifndef SV_SIMD_H
#define SV_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define SV_CLONES \
	__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", \
	                             "default")))
#else
#define SV_CLONES
#endif

#endif
