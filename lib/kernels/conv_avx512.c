/* conv_avx512.c - the conv_kern.h body for AVX-512F, 16 lanes
 * (called only after the run-time check in conv.c) */
#include <immintrin.h>

#define VL 16
typedef __m512 vec_t;
typedef __mmask16 mask_t;
#define V_MASK(n)        ((__mmask16)((1u << (n)) - 1))
#define V_LOAD(p)        _mm512_loadu_ps(p)
#define V_LOADM(p, m)    _mm512_maskz_loadu_ps((m), (p))
#define V_STOREM(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define V_BCAST(p)       _mm512_set1_ps(*(p))
typedef __m512i idx_t;
#define V_STRIDE(n)      _mm512_mullo_epi32(_mm512_set1_epi32(n), \
                             _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, \
                                               10, 11, 12, 13, 14, 15))
#define V_GATHERM(p, i, m) _mm512_mask_i32gather_ps(_mm512_setzero_ps(), \
                             (m), (i), (p), 4)
#define V_FMA(a, b, c)   _mm512_fmadd_ps((a), (b), (c))
#define V_ADD(a, b)      _mm512_add_ps((a), (b))
#define V_ZERO()         _mm512_setzero_ps()
#define KERN(name)       name##_avx512
/* 32 registers: 28 accumulators + the weights / dout vectors; the
 * broadcasts are folded into the FMA as memory operands. */
#define FWD_P1 28
#define FWD_P2 14
#define BF_R1 28
#define BF_R2 12
#define BF_Y1 9
#define BF_Y2 4

#include "conv_kern.h"
