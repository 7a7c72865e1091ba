/* kernels.h - CUDA twins of the CPU layer kernels (device pointers)
 *
 * Each launcher runs on stream s and computes every output element in ONE
 * thread, in the reduction order of its CPU twin (lib/kernels/conv.h,
 * lib/kernels/layers.h, lib/train/net.h), with fmaf() for each multiply-add and no
 * other contraction (built with -fmad=false): the same inputs give the
 * same bits as the CPU.  No atomics, no reduction split over threads.
 * They return the launch status.
 */
#ifndef SV_CUDA_KERNELS_H
#define SV_CUDA_KERNELS_H

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernels/batched.h"

/* The seed-batched passes: every index of the body in one thread
 * (lib/kernels/batched.h says what each slot gets).  The filter gradient
 * stages its rows in shared memory where they fit, one block row per
 * seed slot. */
cudaError_t svk_bconv_fwd(const struct sv_bconv *a, cudaStream_t s);
cudaError_t svk_bconv_bwd_data(const struct sv_bconv *a, cudaStream_t s);
cudaError_t svk_bconv_bwd_filter(const struct sv_bconv *a, cudaStream_t s);
cudaError_t svk_blinear_fwd(const struct sv_blinear *a, cudaStream_t s);
/* dw, then db and din where not NULL */
cudaError_t svk_blinear_bwd(const struct sv_blinear *a, cudaStream_t s);
/* the images and the labels of every slot's batch */
cudaError_t svk_bgather(const struct sv_bgather *a, cudaStream_t s);

/* BatchNorm of S slots: the statistics (train: of the batch, else the
 * running ones), then the outputs */
cudaError_t svk_bbn_fwd(const struct sv_bbn *a, int train, cudaStream_t s);
/* the gradients of weight and bias (and their double sums), then dx */
cudaError_t svk_bbn_bwd(const struct sv_bbn *a, cudaStream_t s);
/* in (N,P,C) -> out (N,C), arg (N,C) */
cudaError_t svk_bgmax_fwd(const float *in, float *out, int32_t *arg, long N,
                          int P, int C, cudaStream_t s);
/* dout (N,C), arg -> din (N,P,C), zero elsewhere */
cudaError_t svk_bgmax_bwd(const float *dout, const int32_t *arg, float *din,
                          long N, int P, int C, cudaStream_t s);
/* out (n) = in (n) * scale */
cudaError_t svk_scale(const float *in, float *out, float scale, long n,
                      cudaStream_t s);
/* out (n) = x (n) + y (n) */
cudaError_t svk_add(const float *x, const float *y, float *out, long n,
                    cudaStream_t s);
/* aug (S, nchunk): this epoch's augmentations from the slots' keys (S) */
cudaError_t svk_baug_draw(const uint64_t *keys, uint32_t epoch,
                          struct sv_aug *aug, int S, long nchunk, int h,
                          int w, cudaStream_t s);

/* The single-seed passes (S = 1) below, as the backend's network runs
 * them. */

/* in (N,H,W,C), w (3,3,C,K), b (K) or NULL -> out (N,H,W,K) */
cudaError_t svk_conv3x3_fwd(const float *in, const float *w, const float *b,
                            float *out, int N, int H, int W, int C, int K,
                            cudaStream_t s);
/* dout (N,H,W,K), w (3,3,C,K) -> din (N,H,W,C) */
cudaError_t svk_conv3x3_bwd_data(const float *dout, const float *w,
                                 float *din, int N, int H, int W, int C,
                                 int K, cudaStream_t s);
/* in (N,H,W,C), dout (N,H,W,K) -> dw (3,3,C,K), db (K) or NULL */
cudaError_t svk_conv3x3_bwd_filter(const float *in, const float *dout,
                                   float *dw, float *db, int N, int H, int W,
                                   int C, int K, cudaStream_t s);
/* x (n) -> y (n) */
cudaError_t svk_relu_fwd(const float *x, float *y, long n, cudaStream_t s);
/* y (n), dy (n) -> dx (n) */
cudaError_t svk_relu_bwd(const float *y, const float *dy, float *dx, long n,
                         cudaStream_t s);
/* in (N,H,W,C) -> out (N,H/2,W/2,C), arg (N,H/2,W/2,C) */
cudaError_t svk_maxpool2_fwd(const float *in, float *out, int32_t *arg,
                             int N, int H, int W, int C, cudaStream_t s);
/* dout (N,H/2,W/2,C), arg -> din (N,H,W,C) */
cudaError_t svk_maxpool2_bwd(const float *dout, const int32_t *arg,
                             float *din, int N, int H, int W, int C,
                             cudaStream_t s);
/* in (N,I), w (O,I), b (O) or NULL -> out (N,O) */
cudaError_t svk_linear_fwd(const float *in, const float *w, const float *b,
                           float *out, int N, int I, int O, cudaStream_t s);
/* dout (N,O), in (N,I), w (O,I) -> dw (O,I), db (O) or NULL,
 * din (N,I) or NULL */
cudaError_t svk_linear_bwd(const float *dout, const float *in,
                           const float *w, float *dw, float *db, float *din,
                           int N, int I, int O, cudaStream_t s);
/* p (n), g (n), m (n): one tensor of sv_net_sgd; first: no momentum yet */
cudaError_t svk_sgd(float *p, const float *g, float *m, long n, float lr,
                    float momentum, float wd, int nesterov, int first,
                    cudaStream_t s);

#endif
