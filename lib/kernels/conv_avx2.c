/* conv_avx2.c - the conv_kern.h body for AVX2 + FMA, 8 lanes
 * (called only after the run-time check in conv.c) */
#include <immintrin.h>

#define VL 8
typedef __m256 vec_t;
typedef __m256i mask_t;
#define V_MASK(n)        _mm256_cmpgt_epi32(_mm256_set1_epi32(n), \
                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_LOAD(p)        _mm256_loadu_ps(p)
#define V_LOADM(p, m)    _mm256_maskload_ps((p), (m))
#define V_STOREM(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define V_BCAST(p)       _mm256_broadcast_ss(p)
typedef __m256i idx_t;
#define V_STRIDE(n)      _mm256_mullo_epi32(_mm256_set1_epi32(n), \
                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_GATHERM(p, i, m) _mm256_mask_i32gather_ps(_mm256_setzero_ps(), \
                             (p), (i), _mm256_castsi256_ps(m), 4)
#define V_FMA(a, b, c)   _mm256_fmadd_ps((a), (b), (c))
#define V_ADD(a, b)      _mm256_add_ps((a), (b))
#define V_ZERO()         _mm256_setzero_ps()
#define KERN(name)       name##_avx2
/* 16 registers: accumulators + weights / dout vectors + one broadcast. */
#define FWD_P1 14
#define FWD_P2 6
#define BF_R1 14
#define BF_R2 6
#define BF_Y1 4
#define BF_Y2 2

#include "conv_kern.h"
