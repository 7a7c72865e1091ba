/* gpu_abi.h - the C ABI between lib/train/gpu.c and the dlopen'ed GPU backend
 * (cuda/backend.cu, built as libsv-cuda.so)
 *
 * The backend exports one symbol, sv_cuda_api(abi), returning a table of
 * functions or NULL when it was built for another SV_CUDA_ABI.  Nothing
 * else crosses the boundary, so the programs link no CUDA library and run
 * on machines without one.
 *
 * Every kernel is a twin of the CPU function named beside it (lib/kernels/conv.h,
 * lib/kernels/layers.h, sv_net_sgd in lib/train/net.h): the same reduction order and
 * one fmaf() per multiply-add, so on the same inputs the GPU returns the
 * same bits as the CPU.  No atomics: each output has one owner thread.
 *
 * Errors: functions returning int give 0, or 3 (SV_EXIT_ENV: a CUDA
 * error, no device, no memory) or 2 (a description the backend cannot
 * run); last_error() then says why, in a thread-local buffer owned by the
 * backend.
 */
#ifndef SV_GPU_ABI_H
#define SV_GPU_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SV_CUDA_ABI 3

/* The layer kinds the backend runs (enum sv_op). */
enum sv_cuda_op {
	SV_CUDA_CONV = 1,   /* conv3x3 pad 1, bias tensor or none */
	SV_CUDA_RELU = 2,
	SV_CUDA_POOL = 3,   /* maxpool 2x2 stride 2 */
	SV_CUDA_LINEAR = 4, /* flatten then linear, bias tensor or none */
	SV_CUDA_BN = 5,     /* BatchNorm: w weight, b bias, rm and rv the
	                       running statistics (buffers); eps 1e-5,
	                       momentum 0.1 (sv_bn_fwd) */
	SV_CUDA_GMAX = 6,   /* global max pool */
	SV_CUDA_SCALE = 7,  /* multiply by scale */
	SV_CUDA_SAVE = 8,   /* its output is its input, kept for an ADD */
	SV_CUDA_ADD = 9     /* input + the output of layer save (a SAVE) */
};

/* One layer as the CPU network runs it (after the ReLU/pool swap of
 * sv_net_init): input (ih,iw,ic) and output (oh,ow,oc) per image, NHWC. */
struct sv_cuda_layer {
	int op;             /* enum sv_cuda_op */
	int ih, iw, ic, oh, ow, oc;
	int w, b;           /* index into the tensors, or -1 */
	int rm, rv;         /* BN: the running statistics' tensors, or -1 */
	int save;           /* ADD: the index of its SAVE layer, or -1 */
	float scale;        /* SCALE */
};

/* A network: layers in order, and the element count of each tensor of
 * sv_net.param, in that order: the first ntrain are trained, the rest
 * are buffers (BatchNorm running statistics) that travel with them. */
struct sv_cuda_net_desc {
	int batch, in_h, in_w, in_c, nclass;
	int nlayers;
	const struct sv_cuda_layer *layers;
	int nparam, ntrain;
	const uint64_t *count;
};

/* The numerics of a cohort (sv-train --gpu-math).  exact: the project's
 * kernels, the CPU's bits.  cudnn-*: cuDNN for the convolutions and
 * BatchNorm (cuda/dnn.h), deterministic algorithms picked by rule, in
 * float without TF32, with TF32, or the convolutions in half. */
enum sv_gpu_math {
	SV_GPU_EXACT = 0,
	SV_GPU_CUDNN_FP32 = 1,
	SV_GPU_CUDNN_TF32 = 2,
	SV_GPU_CUDNN_FP16 = 3
};

struct sv_cuda_net; /* opaque, owned by the backend */

/* The dataset of a cohort, copied to the GPU once: images as bytes
 * (n, h, w, c), labels, and the normalisation table (c rows of 256). */
struct sv_cuda_data {
	const uint8_t *train_x, *test_x;
	uint32_t ntrain, ntest;
	int h, w, c;
	const float *lut;
};

struct sv_cuda_cohort; /* opaque: S networks of one description */

struct sv_cuda_api {
	int abi;            /* SV_CUDA_ABI */
	/* Message of the last failed call in this thread. */
	const char *(*last_error)(void);
	/* Name of device 0 into name[n]; 0, or 3 when no driver or GPU. */
	int (*probe)(char *name, size_t n);

	/* The network on the GPU: allocated once, freed by net_free. */
	struct sv_cuda_net *(*net_new)(const struct sv_cuda_net_desc *d);
	void (*net_free)(struct sv_cuda_net *g);
	/* Copy the weights in (p[i] holds count[i] floats) and forget the
	 * momentum, as sv_net_init_weights does. */
	int (*set_params)(struct sv_cuda_net *g, float *const *p);
	/* Copy the weights out into p[i]. */
	int (*get_params)(struct sv_cuda_net *g, float *const *p);
	/* x (n,H,W,C) host -> logits (n,nclass) host; sv_net_forward
	 * (train: BatchNorm on the batch's statistics) */
	int (*forward)(struct sv_cuda_net *g, const float *x, int n, int train,
	               float *logits);
	/* dlogits (n,nclass) host -> gradients on the GPU; sv_net_backward */
	int (*backward)(struct sv_cuda_net *g, const float *dlogits, int n);
	/* one SGD step on every trainable tensor; sv_net_sgd */
	int (*sgd)(struct sv_cuda_net *g, float lr, float momentum, float wd,
	           int nesterov);

	/* A cohort (lib/train/cohort.h): S slots of the network d (d->batch
	 * images a slot), the dataset resident, frozen[nparam] the tensors
	 * SGD leaves alone, math an enum sv_gpu_math.  NULL when it cannot be
	 * built (last_error; cuDNN that cannot be loaded is named there). */
	struct sv_cuda_cohort *(*cohort_new)(const struct sv_cuda_net_desc *d,
	                                     int S, const struct sv_cuda_data *data,
	                                     const char *frozen, int math);
	void (*cohort_free)(struct sv_cuda_cohort *c);
	/* the passes of struct sv_cohort_exec, same meaning */
	int (*cohort_set_params)(struct sv_cuda_cohort *c, int s, float *const *p);
	int (*cohort_get_params)(struct sv_cuda_cohort *c, int s, float *const *p);
	int (*cohort_set_order)(struct sv_cuda_cohort *c, const uint32_t *order,
	                        long n, const uint64_t *aug_keys, int epoch);
	int (*cohort_forward)(struct sv_cuda_cohort *c, int test, long at, int n,
	                      int train, float *logits);
	int (*cohort_backward)(struct sv_cuda_cohort *c, const float *dlogits,
	                       int n);
	int (*cohort_sgd)(struct sv_cuda_cohort *c, float lr, float momentum,
	                  float wd, int nesterov);
	/* GPU memory free and total, bytes */
	int (*mem_info)(size_t *free_bytes, size_t *total_bytes);
	/* Load cuDNN: "cuDNN 9.x.y" into buf[n]; 0, or 3 (last_error names
	 * the library and why) */
	int (*dnn_version)(char *buf, size_t n);

	/* The kernels one by one on host arrays, for the GPU-vs-CPU tests:
	 * the arguments of the CPU twin without nthreads. */
	int (*conv3x3_fwd)(const float *in, const float *w, const float *b,
	                   float *out, int N, int H, int W, int C, int K);
	int (*conv3x3_bwd_data)(const float *dout, const float *w, float *din,
	                        int N, int H, int W, int C, int K);
	int (*conv3x3_bwd_filter)(const float *in, const float *dout, float *dw,
	                          float *db, int N, int H, int W, int C, int K);
	int (*relu_fwd)(const float *x, float *y, long n);
	int (*relu_bwd)(const float *y, const float *dy, float *dx, long n);
	int (*maxpool2_fwd)(const float *in, float *out, int32_t *arg, int N,
	                    int H, int W, int C);
	int (*maxpool2_bwd)(const float *dout, const int32_t *arg, float *din,
	                    int N, int H, int W, int C);
	int (*linear_fwd)(const float *in, const float *w, const float *b,
	                  float *out, int N, int I, int O);
	int (*linear_bwd)(const float *dout, const float *in, const float *w,
	                  float *dw, float *db, float *din, int N, int I, int O);
	/* one tensor of sv_net_sgd; first != 0: no momentum yet */
	int (*sgd_step)(float *p, const float *g, float *m, long n, float lr,
	                float momentum, float wd, int nesterov, int first);
};

typedef const struct sv_cuda_api *(*sv_cuda_api_fn)(int abi);

#ifdef __cplusplus
}
#endif

#endif
