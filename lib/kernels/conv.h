/* conv.h - CPU layer kernels for training, bitwise reproducible
 *
 * Layout: activations are NHWC (channels fastest), float32.
 * Determinism contract: every output element is reduced in ONE fixed
 * order, written below for each kernel, by one thread; work is split over
 * outputs, never over a reduction.  Every multiply-add is fmaf() (one
 * rounding), every other operation is a single IEEE operation, so the
 * result does not depend on the thread count, the SIMD width or the
 * compiler's target (-ffp-contract=off everywhere).
 * Padding is explicit zeros: a tap outside the image contributes
 * fmaf(0, w, acc), exactly as if the input were padded with +0.
 *
 * nthreads: threads to use (>= 1); the result is the same for any value.
 */
#ifndef SV_CONV_H
#define SV_CONV_H

#include <stddef.h>

/* in (N,H,W,C), w (3,3,C,K), b (K) or NULL -> out (N,H,W,K); stride 1,
 * pad 1.  out[n,y,x,k] = b[k] (+0 when b is NULL); then for ky = 0..2,
 * kx = 0..2, c = 0..C-1 in that nesting:
 * acc = fmaf(in[n, y+ky-1, x+kx-1, c], w[ky,kx,c,k], acc). */
void sv_conv3x3_fwd(const float *in, const float *w, const float *b,
                    float *out, int N, int H, int W, int C, int K,
                    int nthreads);

/* dout (N,H,W,K), w (3,3,C,K) -> din (N,H,W,C); the gradient of the
 * input.  din[n,y,x,c] = 0; then for ky = 0..2, kx = 0..2, k = 0..K-1:
 * acc = fmaf(dout[n, y-ky+1, x-kx+1, k], w[ky,kx,c,k], acc). */
void sv_conv3x3_bwd_data(const float *dout, const float *w, float *din,
                         int N, int H, int W, int C, int K, int nthreads);

/* in (N,H,W,C), dout (N,H,W,K) -> dw (3,3,C,K), db (K); overwritten.
 * dw[ky,kx,c,k] = 0; then for n = 0..N-1, y = 0..H-1, x = 0..W-1:
 * acc = fmaf(in[n, y+ky-1, x+kx-1, c], dout[n,y,x,k], acc).
 * db[k] = 0; then for n, y, x in the same order: acc = acc + dout[n,y,x,k].
 * db may be NULL. */
void sv_conv3x3_bwd_filter(const float *in, const float *dout, float *dw,
                           float *db, int N, int H, int W, int C, int K,
                           int nthreads);
/* The same, but dw and db start from the values they hold instead of 0:
 * a batch split into consecutive parts of images, the parts given in
 * order, gives exactly the bits of one call over the whole batch. */
void sv_conv3x3_bwd_filter_acc(const float *in, const float *dout, float *dw,
                               float *db, int N, int H, int W, int C, int K,
                               int nthreads);

/* Which implementation the dispatcher picked: "avx512", "avx2" or
 * "scalar".  SV_KERNELS=scalar|avx2|avx512 in the environment forces one
 * (for tests; an ISA the CPU lacks, or an unknown name, gives scalar). */
const char *sv_conv_isa(void);

#endif
