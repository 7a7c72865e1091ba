/* dnn.cu - cuDNN for the convolutions and BatchNorm of the cudnn modes
 * (dnn.h) */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnn.h"
#include "train/gpu_abi.h"

static __thread char errbuf[512];

static int
dfail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	return 3;
}

const char *
dnn_error(void)
{
	return errbuf;
}

#ifdef SV_NO_CUDNN
/* built where cuDNN's headers were missing: the cudnn modes say so */
int
dnn_version(char *buf, size_t n)
{
	(void)buf, (void)n;
	return dfail("this GPU backend was built without cuDNN's headers "
	             "(cudnn.h): rebuild it where they are");
}

int
dnn_open(struct sv_dnn **d, int math, cudaStream_t s, size_t act, size_t wts)
{
	(void)math, (void)s, (void)act, (void)wts;
	*d = NULL;
	return dnn_version(NULL, 0);
}

void dnn_close(struct sv_dnn *d) { (void)d; }

int
dnn_conv_fwd(struct sv_dnn *d, const float *x, const float *w,
             const float *b, float *y, int n, int H, int W, int C, int K)
{
	(void)d, (void)x, (void)w, (void)b, (void)y, (void)n, (void)H, (void)W;
	(void)C, (void)K;
	return dnn_version(NULL, 0);
}

int
dnn_conv_bwd(struct sv_dnn *d, const float *x, const float *w,
             const float *dy, float *dw, float *db, float *dx, int n, int H,
             int W, int C, int K)
{
	(void)d, (void)x, (void)w, (void)dy, (void)dw, (void)db, (void)dx;
	(void)n, (void)H, (void)W, (void)C, (void)K;
	return dnn_version(NULL, 0);
}

int
dnn_bn_fwd(struct sv_dnn *d, const float *x, float *y, const float *g,
           const float *b, float *rm, float *rv, float *mean, float *invstd,
           int n, int H, int W, int C, int train)
{
	(void)d, (void)x, (void)y, (void)g, (void)b, (void)rm, (void)rv;
	(void)mean, (void)invstd, (void)n, (void)H, (void)W, (void)C, (void)train;
	return dnn_version(NULL, 0);
}

int
dnn_bn_bwd(struct sv_dnn *d, const float *x, const float *dy, float *dx,
           const float *g, float *dg, float *db, const float *mean,
           const float *invstd, int n, int H, int W, int C)
{
	(void)d, (void)x, (void)dy, (void)dx, (void)g, (void)dg, (void)db;
	(void)mean, (void)invstd, (void)n, (void)H, (void)W, (void)C;
	return dnn_version(NULL, 0);
}
#else
#include <cuda_fp16.h>
#include <cudnn.h>

/* the cuDNN functions used, looked up in the loaded library */
#define DNN_FUNCS(X)                                                       \
	X(cudnnGetVersion) X(cudnnGetErrorString) X(cudnnCreate)           \
	X(cudnnDestroy) X(cudnnSetStream) X(cudnnCreateTensorDescriptor)   \
	X(cudnnDestroyTensorDescriptor) X(cudnnSetTensor4dDescriptor)      \
	X(cudnnCreateFilterDescriptor) X(cudnnDestroyFilterDescriptor)     \
	X(cudnnSetFilter4dDescriptor) X(cudnnCreateConvolutionDescriptor)  \
	X(cudnnDestroyConvolutionDescriptor)                               \
	X(cudnnSetConvolution2dDescriptor) X(cudnnSetConvolutionMathType)  \
	X(cudnnGetConvolutionForwardWorkspaceSize)                         \
	X(cudnnConvolutionForward)                                         \
	X(cudnnGetConvolutionBackwardDataWorkspaceSize)                    \
	X(cudnnConvolutionBackwardData)                                    \
	X(cudnnGetConvolutionBackwardFilterWorkspaceSize)                  \
	X(cudnnConvolutionBackwardFilter) X(cudnnConvolutionBackwardBias)  \
	X(cudnnAddTensor) X(cudnnBatchNormalizationForwardTraining)        \
	X(cudnnBatchNormalizationForwardInference)                         \
	X(cudnnBatchNormalizationBackward)

static struct {
	void *so;
	char why[400];
#define DNN_PTR(f) decltype(&::f) f;
	DNN_FUNCS(DNN_PTR)
#undef DNN_PTR
} lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void
lib_load(void)
{
	const char *path = getenv("SV_CUDNN_LIB");
	void *so;

	if (!path || !*path)
		path = "libcudnn.so.9";
	if (!(so = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		const char *e = dlerror();

		snprintf(lib.why, sizeof lib.why, "cannot load cuDNN (%s): %s; "
		         "install cuDNN 9 or name the library in SV_CUDNN_LIB",
		         path, e ? e : "dlopen failed");
		return;
	}
#define DNN_SYM(f)                                                         \
	if (!(*(void **)&lib.f = dlsym(so, #f))) {                         \
		snprintf(lib.why, sizeof lib.why, "%s: no %s (not cuDNN 9?)", \
		         path, #f);                                        \
		dlclose(so);                                               \
		return;                                                    \
	}
	DNN_FUNCS(DNN_SYM)
#undef DNN_SYM
	if (lib.cudnnGetVersion() < 90000) {
		snprintf(lib.why, sizeof lib.why, "%s: cuDNN %zu, not 9 or later",
		         path, lib.cudnnGetVersion());
		dlclose(so);
		return;
	}
	lib.so = so;
}

static int
lib_ready(void)
{
	pthread_once(&lib_once, lib_load);
	return lib.so ? 0 : dfail("%s", lib.why);
}

int
dnn_version(char *buf, size_t n)
{
	size_t v;

	if (lib_ready())
		return 3;
	v = lib.cudnnGetVersion();
	snprintf(buf, n, "cuDNN %zu.%zu.%zu", v / 10000, v / 100 % 100, v % 100);
	return 0;
}

#define DK(call, what) do {                                                \
		cudnnStatus_t st_ = (call);                                \
		if (st_ != CUDNN_STATUS_SUCCESS)                           \
			return dfail("%s: %s", (what),                     \
			             lib.cudnnGetErrorString(st_));        \
	} while (0)
#define CU(call, what) do {                                                \
		cudaError_t e_ = (call);                                   \
		if (e_ != cudaSuccess)                                     \
			return dfail("%s: %s", (what), cudaGetErrorString(e_)); \
	} while (0)

/* fp16: gradients are multiplied by this while they are half */
#define GRAD_SCALE 256.0f

struct sv_dnn {
	cudnnHandle_t h;
	cudaStream_t s;
	int math;
	cudnnDataType_t dt;        /* the convolutions' data type */
	cudnnTensorDescriptor_t x, y, b, bn, xf, yf;
	cudnnFilterDescriptor_t w;
	cudnnConvolutionDescriptor_t conv;
	void *ws;                  /* workspace */
	size_t wsz;
	__half *ha, *hb, *hw, *hdw;  /* fp16 scratch */
};

void
dnn_close(struct sv_dnn *d)
{
	if (!d)
		return;
	if (d->x) lib.cudnnDestroyTensorDescriptor(d->x);
	if (d->y) lib.cudnnDestroyTensorDescriptor(d->y);
	if (d->b) lib.cudnnDestroyTensorDescriptor(d->b);
	if (d->bn) lib.cudnnDestroyTensorDescriptor(d->bn);
	if (d->xf) lib.cudnnDestroyTensorDescriptor(d->xf);
	if (d->yf) lib.cudnnDestroyTensorDescriptor(d->yf);
	if (d->w) lib.cudnnDestroyFilterDescriptor(d->w);
	if (d->conv) lib.cudnnDestroyConvolutionDescriptor(d->conv);
	if (d->h) lib.cudnnDestroy(d->h);
	cudaFree(d->ws);
	cudaFree(d->ha);
	cudaFree(d->hb);
	cudaFree(d->hw);
	cudaFree(d->hdw);
	free(d);
}

static int
open_into(struct sv_dnn *d, int math, cudaStream_t s, size_t act, size_t wts)
{
	d->s = s;
	d->math = math;
	d->dt = math == SV_GPU_CUDNN_FP16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
	DK(lib.cudnnCreate(&d->h), "cudnnCreate");
	DK(lib.cudnnSetStream(d->h, s), "cudnnSetStream");
	DK(lib.cudnnCreateTensorDescriptor(&d->x), "tensor descriptor");
	DK(lib.cudnnCreateTensorDescriptor(&d->y), "tensor descriptor");
	DK(lib.cudnnCreateTensorDescriptor(&d->b), "tensor descriptor");
	DK(lib.cudnnCreateTensorDescriptor(&d->bn), "tensor descriptor");
	DK(lib.cudnnCreateTensorDescriptor(&d->xf), "tensor descriptor");
	DK(lib.cudnnCreateTensorDescriptor(&d->yf), "tensor descriptor");
	DK(lib.cudnnCreateFilterDescriptor(&d->w), "filter descriptor");
	DK(lib.cudnnCreateConvolutionDescriptor(&d->conv), "conv descriptor");
	/* cross-correlation, as the CPU's conv3x3; float accumulation */
	DK(lib.cudnnSetConvolution2dDescriptor(d->conv, 1, 1, 1, 1, 1, 1,
	                                       CUDNN_CROSS_CORRELATION,
	                                       CUDNN_DATA_FLOAT),
	   "conv descriptor");
	DK(lib.cudnnSetConvolutionMathType(d->conv, math == SV_GPU_CUDNN_FP32 ?
	                                   CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH),
	   "conv math type");
	if (math == SV_GPU_CUDNN_FP16) {
		CU(cudaMalloc((void **)&d->ha, sizeof(__half) * (act ? act : 1)),
		   "cudaMalloc");
		CU(cudaMalloc((void **)&d->hb, sizeof(__half) * (act ? act : 1)),
		   "cudaMalloc");
		CU(cudaMalloc((void **)&d->hw, sizeof(__half) * (wts ? wts : 1)),
		   "cudaMalloc");
		CU(cudaMalloc((void **)&d->hdw, sizeof(__half) * (wts ? wts : 1)),
		   "cudaMalloc");
	}
	return 0;
}

int
dnn_open(struct sv_dnn **dp, int math, cudaStream_t s, size_t act, size_t wts)
{
	struct sv_dnn *d;
	int rc;

	*dp = NULL;
	if (math != SV_GPU_CUDNN_FP32 && math != SV_GPU_CUDNN_TF32 &&
	    math != SV_GPU_CUDNN_FP16)
		return dfail("no cuDNN mode %d", math);
	if ((rc = lib_ready()) != 0)
		return rc;
	if (!(d = (struct sv_dnn *)calloc(1, sizeof *d)))
		return dfail("out of memory");
	if ((rc = open_into(d, math, s, act, wts)) != 0) {
		dnn_close(d);
		return rc;
	}
	*dp = d;
	return 0;
}

/* the workspace, at least bytes */
static int
workspace(struct sv_dnn *d, size_t bytes)
{
	if (bytes <= d->wsz)
		return 0;
	CU(cudaStreamSynchronize(d->s), "workspace");
	cudaFree(d->ws);
	d->ws = NULL;
	d->wsz = 0;
	CU(cudaMalloc(&d->ws, bytes), "cudaMalloc (cuDNN workspace)");
	d->wsz = bytes;
	return 0;
}

/* src (n) float -> dst half, times scale; and back, divided by scale */
__global__ static void
to_half_k(const float *src, __half *dst, long n, float scale)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < n)
		dst[i] = __float2half(src[i] * scale);
}

__global__ static void
to_float_k(const __half *src, float *dst, long n, float scale)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < n)
		dst[i] = __half2float(src[i]) / scale;
}

static int
to_half(struct sv_dnn *d, const float *src, __half *dst, long n, float scale)
{
	if (n > 0)
		to_half_k<<<(unsigned)((n + 255) / 256), 256, 0, d->s>>>(src, dst, n,
		                                                          scale);
	CU(cudaGetLastError(), "half conversion");
	return 0;
}

static int
to_float(struct sv_dnn *d, const __half *src, float *dst, long n, float scale)
{
	if (n > 0)
		to_float_k<<<(unsigned)((n + 255) / 256), 256, 0, d->s>>>(src, dst,
		                                                           n, scale);
	CU(cudaGetLastError(), "float conversion");
	return 0;
}

/* the descriptors of a conv3x3: x (n,H,W,C), w (K,3,3,C), y (n,H,W,K),
 * in the conv data type; xf, yf and b float (bias and its gradient) */
static int
conv_desc(struct sv_dnn *d, int n, int H, int W, int C, int K)
{
	DK(lib.cudnnSetTensor4dDescriptor(d->x, CUDNN_TENSOR_NHWC, d->dt, n, C,
	                                  H, W), "x descriptor");
	DK(lib.cudnnSetTensor4dDescriptor(d->y, CUDNN_TENSOR_NHWC, d->dt, n, K,
	                                  H, W), "y descriptor");
	DK(lib.cudnnSetTensor4dDescriptor(d->yf, CUDNN_TENSOR_NHWC,
	                                  CUDNN_DATA_FLOAT, n, K, H, W),
	   "y descriptor");
	DK(lib.cudnnSetTensor4dDescriptor(d->b, CUDNN_TENSOR_NCHW,
	                                  CUDNN_DATA_FLOAT, 1, K, 1, 1),
	   "bias descriptor");
	DK(lib.cudnnSetFilter4dDescriptor(d->w, d->dt, CUDNN_TENSOR_NHWC, K, C, 3,
	                                  3), "filter descriptor");
	return 0;
}

/* The deterministic algorithms, in the order they are tried. */
static const cudnnConvolutionFwdAlgo_t fwd_algos[] = {
	CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM,
	CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM,
};
static const cudnnConvolutionBwdDataAlgo_t data_algos[] = {
	CUDNN_CONVOLUTION_BWD_DATA_ALGO_1,
	CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED,
};
static const cudnnConvolutionBwdFilterAlgo_t filter_algos[] = {
	CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1,
	CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED,
};
#define NALGO(a) (int)(sizeof(a) / sizeof(a)[0])

int
dnn_conv_fwd(struct sv_dnn *d, const float *x, const float *w, const float *b,
             float *y, int n, int H, int W, int C, int K)
{
	const float one = 1.0f, zero = 0.0f;
	long nx = (long)n * H * W * C, ny = (long)n * H * W * K;
	const void *xp = x, *wp = w;
	void *yp = y;
	size_t bytes = 0;
	int a, rc;
	cudnnStatus_t st = CUDNN_STATUS_NOT_SUPPORTED;

	if ((rc = conv_desc(d, n, H, W, C, K)) != 0)
		return rc;
	for (a = 0; a < NALGO(fwd_algos); a++)
		if ((st = lib.cudnnGetConvolutionForwardWorkspaceSize(
		             d->h, d->x, d->w, d->conv, d->y, fwd_algos[a],
		             &bytes)) == CUDNN_STATUS_SUCCESS)
			break;
	if (a == NALGO(fwd_algos))
		return dfail("convolution %dx%dx%d->%d: no deterministic forward "
		             "algorithm: %s", H, W, C, K,
		             lib.cudnnGetErrorString(st));
	if ((rc = workspace(d, bytes)) != 0)
		return rc;
	if (d->dt == CUDNN_DATA_HALF) {
		if ((rc = to_half(d, x, d->ha, nx, 1.0f)) != 0 ||
		    (rc = to_half(d, w, d->hw, 9L * C * K, 1.0f)) != 0)
			return rc;
		xp = d->ha, wp = d->hw, yp = d->hb;
	}
	DK(lib.cudnnConvolutionForward(d->h, &one, d->x, xp, d->w, wp, d->conv,
	                               fwd_algos[a], d->ws, d->wsz, &zero, d->y,
	                               yp), "convolution forward");
	if (d->dt == CUDNN_DATA_HALF && (rc = to_float(d, d->hb, y, ny, 1.0f)))
		return rc;
	if (b)
		DK(lib.cudnnAddTensor(d->h, &one, d->b, b, &one, d->yf, y),
		   "convolution bias");
	return 0;
}

int
dnn_conv_bwd(struct sv_dnn *d, const float *x, const float *w,
             const float *dy, float *dw, float *db, float *dx, int n, int H,
             int W, int C, int K)
{
	const float one = 1.0f, zero = 0.0f;
	long nx = (long)n * H * W * C, ny = (long)n * H * W * K;
	long nw = 9L * C * K;
	int half = d->dt == CUDNN_DATA_HALF, a, f, rc;
	const void *xp = x, *wp = w, *dyp = dy;
	void *dwp = dw, *dxp = dx;
	size_t bd = 0, bf = 0;
	cudnnStatus_t st = CUDNN_STATUS_NOT_SUPPORTED;

	if ((rc = conv_desc(d, n, H, W, C, K)) != 0)
		return rc;
	for (f = 0; f < NALGO(filter_algos); f++)
		if ((st = lib.cudnnGetConvolutionBackwardFilterWorkspaceSize(
		             d->h, d->x, d->y, d->conv, d->w, filter_algos[f],
		             &bf)) == CUDNN_STATUS_SUCCESS)
			break;
	if (f == NALGO(filter_algos))
		return dfail("convolution %dx%dx%d->%d: no deterministic filter "
		             "gradient algorithm: %s", H, W, C, K,
		             lib.cudnnGetErrorString(st));
	a = 0;
	if (dx) {
		for (; a < NALGO(data_algos); a++)
			if ((st = lib.cudnnGetConvolutionBackwardDataWorkspaceSize(
			             d->h, d->w, d->y, d->conv, d->x, data_algos[a],
			             &bd)) == CUDNN_STATUS_SUCCESS)
				break;
		if (a == NALGO(data_algos))
			return dfail("convolution %dx%dx%d->%d: no deterministic "
			             "data gradient algorithm: %s", H, W, C, K,
			             lib.cudnnGetErrorString(st));
	}
	if ((rc = workspace(d, bd > bf ? bd : bf)) != 0)
		return rc;
	if (db)   /* from the float gradient, before any scaling */
		DK(lib.cudnnConvolutionBackwardBias(d->h, &one, d->yf, dy, &zero,
		                                    d->b, db), "bias gradient");
	if (half) {
		/* dy scaled into half (hb), x into half (ha); dw through hdw */
		if ((rc = to_half(d, dy, d->hb, ny, GRAD_SCALE)) != 0 ||
		    (rc = to_half(d, x, d->ha, nx, 1.0f)) != 0 ||
		    (rc = to_half(d, w, d->hw, nw, 1.0f)) != 0)
			return rc;
		xp = d->ha, wp = d->hw, dyp = d->hb, dwp = d->hdw;
	}
	DK(lib.cudnnConvolutionBackwardFilter(d->h, &one, d->x, xp, d->y, dyp,
	                                      d->conv, filter_algos[f], d->ws,
	                                      d->wsz, &zero, d->w, dwp),
	   "convolution filter gradient");
	if (half && (rc = to_float(d, d->hdw, dw, nw, GRAD_SCALE)) != 0)
		return rc;
	if (!dx)
		return 0;
	if (half)
		dxp = d->ha;   /* x's half copy is used up */
	DK(lib.cudnnConvolutionBackwardData(d->h, &one, d->w, wp, d->y, dyp,
	                                    d->conv, data_algos[a], d->ws, d->wsz,
	                                    &zero, d->x, dxp),
	   "convolution data gradient");
	if (half && (rc = to_float(d, d->ha, dx, nx, GRAD_SCALE)) != 0)
		return rc;
	return 0;
}

static int
bn_desc(struct sv_dnn *d, int n, int H, int W, int C)
{
	DK(lib.cudnnSetTensor4dDescriptor(d->xf, CUDNN_TENSOR_NHWC,
	                                  CUDNN_DATA_FLOAT, n, C, H, W),
	   "batchnorm descriptor");
	DK(lib.cudnnSetTensor4dDescriptor(d->bn, CUDNN_TENSOR_NCHW,
	                                  CUDNN_DATA_FLOAT, 1, C, 1, 1),
	   "batchnorm descriptor");
	return 0;
}

int
dnn_bn_fwd(struct sv_dnn *d, const float *x, float *y, const float *g,
           const float *b, float *rm, float *rv, float *mean, float *invstd,
           int n, int H, int W, int C, int train)
{
	const float one = 1.0f, zero = 0.0f;
	int rc;

	if ((rc = bn_desc(d, n, H, W, C)) != 0)
		return rc;
	if (train)
		DK(lib.cudnnBatchNormalizationForwardTraining(
		       d->h, CUDNN_BATCHNORM_SPATIAL, &one, &zero, d->xf, x, d->xf,
		       y, d->bn, g, b, 0.1, rm, rv, 1e-5, mean, invstd),
		   "batchnorm forward");
	else
		DK(lib.cudnnBatchNormalizationForwardInference(
		       d->h, CUDNN_BATCHNORM_SPATIAL, &one, &zero, d->xf, x, d->xf,
		       y, d->bn, g, b, rm, rv, 1e-5),
		   "batchnorm forward (eval)");
	return 0;
}

int
dnn_bn_bwd(struct sv_dnn *d, const float *x, const float *dy, float *dx,
           const float *g, float *dg, float *db, const float *mean,
           const float *invstd, int n, int H, int W, int C)
{
	const float one = 1.0f, zero = 0.0f;
	int rc;

	if ((rc = bn_desc(d, n, H, W, C)) != 0)
		return rc;
	DK(lib.cudnnBatchNormalizationBackward(
	       d->h, CUDNN_BATCHNORM_SPATIAL, &one, &zero, &one, &zero, d->xf, x,
	       d->xf, dy, d->xf, dx, d->bn, g, dg, db, 1e-5, mean, invstd),
	   "batchnorm backward");
	return 0;
}
#endif
