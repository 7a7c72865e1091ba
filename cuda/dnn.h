/* dnn.h - cuDNN for the convolutions and BatchNorm of the GPU backend's
 * cudnn modes (sv-train --gpu-math cudnn-*)
 *
 * cuDNN is loaded with dlopen on first use (libcudnn.so.9, or the file
 * named by $SV_CUDNN_LIB), so the backend runs without it in exact mode.
 * Every call works on one seed slot (the caller offsets the pointers):
 * activations NHWC float; convolution weights in cuDNN's KRSC layout
 * (K,3,3,C), which the backend keeps on the device in these modes.
 *
 * Determinism by rule, never by timing: each pass takes the first
 * algorithm of a fixed list of deterministic ones that cuDNN accepts for
 * the shapes (forward: implicit precomputed GEMM, implicit GEMM; data and
 * filter gradients: ALGO_1, Winograd non-fused); BatchNorm is cuDNN's
 * spatial mode.  Precision: fp32 (no TF32: FMA math), tf32 (tensor-op
 * math on float data), fp16 (the convolutions in half with float
 * accumulation, their inputs converted on the fly and the gradients
 * scaled by 256 while in half; BatchNorm and everything else in float,
 * the weights kept in float).
 *
 * Functions return 0, or 3 with dnn_error() saying why.
 */
#ifndef SV_CUDA_DNN_H
#define SV_CUDA_DNN_H

#include <cuda_runtime.h>
#include <stddef.h>

struct sv_dnn; /* a handle, descriptors, workspace and half scratch */

const char *dnn_error(void);
/* Load cuDNN: its version as "cuDNN 9.19.0" into buf */
int dnn_version(char *buf, size_t n);
/* A context on stream s: math is enum sv_gpu_math (not exact); act and
 * wts are the most floats of an activation (a slot's batch) and of a
 * convolution's weights it will see. */
int dnn_open(struct sv_dnn **d, int math, cudaStream_t s, size_t act,
             size_t wts);
void dnn_close(struct sv_dnn *d);

/* x (n,H,W,C), w (K,3,3,C), b (K) or NULL -> y (n,H,W,K) */
int dnn_conv_fwd(struct sv_dnn *d, const float *x, const float *w,
                 const float *b, float *y, int n, int H, int W, int C, int K);
/* the gradients of one: dw (K,3,3,C), db (K) or NULL, dx (n,H,W,C) or
 * NULL, from dy (n,H,W,K) */
int dnn_conv_bwd(struct sv_dnn *d, const float *x, const float *w,
                 const float *dy, float *dw, float *db, float *dx, int n,
                 int H, int W, int C, int K);
/* BatchNorm of x (n,H,W,C): training (batch statistics, running ones
 * updated with momentum 0.1, mean and inverse sd saved) or eval */
int dnn_bn_fwd(struct sv_dnn *d, const float *x, float *y, const float *g,
               const float *b, float *rm, float *rv, float *mean,
               float *invstd, int n, int H, int W, int C, int train);
int dnn_bn_bwd(struct sv_dnn *d, const float *x, const float *dy, float *dx,
               const float *g, float *dg, float *db, const float *mean,
               const float *invstd, int n, int H, int W, int C);

#endif
