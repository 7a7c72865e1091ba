/* layers.h - CPU layer kernels other than convolution (NHWC, float32)
 *
 * Same determinism contract as conv.h: each output element is reduced in
 * the fixed order written above its function, by one thread, with fmaf()
 * for every multiply-add.  Reductions over the batch that feed statistics
 * (BatchNorm, the loss) are accumulated in double, in index order.
 */
#ifndef SV_LAYERS_H
#define SV_LAYERS_H

#include <stdint.h>

/* x (n) -> y (n): y = x > 0 ? x : 0 */
void sv_relu_fwd(const float *x, float *y, long n);
/* y (n), dy (n) -> dx (n): dx = y > 0 ? dy : 0 */
void sv_relu_bwd(const float *y, const float *dy, float *dx, long n);

/* in (N,H,W,C) -> out (N,H/2,W/2,C), arg (N,H/2,W/2,C): 2x2 max pool,
 * stride 2, floor; window order (0,0) (0,1) (1,0) (1,1), the first of
 * equal maxima wins; arg is the input offset inside the image. */
void sv_maxpool2_fwd(const float *in, float *out, int32_t *arg, int N,
                     int H, int W, int C, int nthreads);
/* dout (N,H/2,W/2,C), arg -> din (N,H,W,C), zero where no max came from */
void sv_maxpool2_bwd(const float *dout, const int32_t *arg, float *din,
                     int N, int H, int W, int C, int nthreads);

/* in (N,P,C) -> out (N,C), arg (N,C): max over the P positions */
void sv_gmaxpool_fwd(const float *in, float *out, int32_t *arg, int N,
                     int P, int C);
/* dout (N,C), arg -> din (N,P,C) */
void sv_gmaxpool_bwd(const float *dout, const int32_t *arg, float *din,
                     int N, int P, int C);

/* in (N,I), w (O,I), b (O) or NULL -> out (N,O);
 * out[n,o] = b[o] (or +0); for i = 0..I-1: acc = fmaf(in[n,i], w[o,i], acc) */
void sv_linear_fwd(const float *in, const float *w, const float *b,
                   float *out, int N, int I, int O, int nthreads);
/* dout (N,O), in (N,I), w (O,I) -> dw (O,I), db (O) or NULL, din (N,I)
 * or NULL.  dw[o,i]: for n = 0..N-1: fmaf(dout[n,o], in[n,i], acc) from 0;
 * db[o]: for n: acc + dout[n,o] from 0;
 * din[n,i]: for o = 0..O-1: fmaf(dout[n,o], w[o,i], acc) from 0.
 * accumulate != 0: dw and db start from the values they hold, so a batch
 * given in consecutive parts gives the bits of one call. */
void sv_linear_bwd(const float *dout, const float *in, const float *w,
                   float *dw, float *db, float *din, int N, int I, int O,
                   int nthreads, int accumulate);

/* BatchNorm over x (N,P,C) per channel, training mode: batch mean and
 * biased variance in double, each summed in two levels (each image's sum
 * over its P positions in order, then the N image sums in order: the
 * bodies of batched.h at S = 1), y = fmaf((x - mean) * invstd, g, b) in
 * float; running stats: r = (1 - mom) * r + mom * stat, with the unbiased
 * variance.  mean/invstd (C) are saved for the backward pass.  eval != 0
 * uses the running statistics instead. */
void sv_bn_fwd(const float *x, float *y, const float *g, const float *b,
               float *rmean, float *rvar, float *mean, float *invstd,
               long N, long P, int C, float eps, float mom, int eval,
               int nthreads);
/* x (N,P,C), dy (N,P,C) -> dx (N,P,C), dg (C), db (C), training mode;
 * the sums of dy and dy * xhat in the same two levels */
void sv_bn_bwd(const float *x, const float *dy, const float *g,
               const float *mean, const float *invstd, float *dx,
               float *dg, float *db, long N, long P, int C, int nthreads);

/* logits (N,K), labels (N) -> dlogits (N,K) scaled by 1/N; returns the
 * batch mean of CE + ls_weight * CE_smoothed(eps).  Softmax in double.
 * ls_weight 0: plain cross-entropy. */
double sv_softmax_xent(const float *logits, const uint8_t *y, float *dlogits,
                       int N, int K, float ls_weight, float eps);
/* The same for part of a batch: each sample's loss is added to *total in
 * order, and dlogits are scaled by 1/ndiv (the whole batch's size), so a
 * batch given in consecutive parts gives the bits of one call. */
void sv_softmax_xent_part(const float *logits, const uint8_t *y,
                          float *dlogits, int N, int K, float ls_weight,
                          float eps, int ndiv, double *total);

#endif
