/* backend.cu - the GPU backend of sv-train: the network on one GPU
 *
 * Implements the table of lib/train/gpu_abi.h.  The training loop itself (data
 * order, batches, loss, callbacks, hashes) stays on the CPU in lib/train/train.c;
 * here live the weights, activations and gradients, and the passes of
 * sv_net_forward, sv_net_backward and sv_net_sgd in the same layer order
 * with the twin kernels of kernels.cu.  One stream per network; the only
 * synchronisation is the copy of the logits back to the host. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/gpu_abi.h"
#include "dnn.h"
#include "kernels.h"

static __thread char errbuf[512];

static int
fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	return status;
}

/* 0, or 3 with the CUDA error named */
static int
check(cudaError_t e, const char *what)
{
	if (e == cudaSuccess)
		return 0;
	return fail(3, "%s: %s", what, cudaGetErrorString(e));
}

#define CK(call, what) do { int rc_ = check((call), (what)); if (rc_) return rc_; } while (0)

static const char *
last_error(void)
{
	return errbuf;
}

static int
probe(char *name, size_t n)
{
	int count = 0;
	cudaDeviceProp p;
	cudaError_t e = cudaGetDeviceCount(&count);

	if (e != cudaSuccess) {
		void *drv = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);

		if (!drv)
			return fail(3, "no GPU driver: %s", dlerror());
		dlclose(drv);
		return fail(3, "no usable GPU: %s", cudaGetErrorString(e));
	}
	if (count < 1)
		return fail(3, "no GPU found");
	CK(cudaGetDeviceProperties(&p, 0), "cudaGetDeviceProperties");
	snprintf(name, n, "%s", p.name);
	return 0;
}

struct gpu_layer {
	struct sv_cuda_layer d;
	long isz, osz;
	float *out;       /* (batch, osz); SAVE: its input's */
	int32_t *arg;     /* pool argmax, (batch, osz) */
	float *mean, *invstd;  /* BN: (S, C) */
	float *skip;      /* SAVE: the gradient through the skip */
};

/* np tensors: the first ntrain trained (g, m), the rest buffers */
struct sv_cuda_net {
	int batch, nclass, nl, np, ntrain;
	long insz;
	struct gpu_layer *l;
	float **p, **g, **m;   /* parameters, gradients, momentum */
	uint64_t *count;
	float *x, *gbuf[2];
	double *bn_pa, *bn_pb;          /* BN image sums: batch * C */
	double *bn_dm, *bn_sg, *bn_sb;  /* BN per channel: S * C */
	struct sv_dnn *dnn;     /* cudnn modes: conv and BN through cuDNN,
	                           conv weights (K,3,3,C) on the device */
	int have_mom;
	cudaStream_t s;
};

static void
net_free(struct sv_cuda_net *g)
{
	if (!g)
		return;
	for (int i = 0; g->l && i < g->nl; i++) {
		struct gpu_layer *l = &g->l[i];

		if (l->d.op != SV_CUDA_SAVE)
			cudaFree(l->out);
		cudaFree(l->arg);
		cudaFree(l->mean);
		cudaFree(l->invstd);
		cudaFree(l->skip);
	}
	dnn_close(g->dnn);
	cudaFree(g->bn_pa);
	cudaFree(g->bn_pb);
	cudaFree(g->bn_dm);
	cudaFree(g->bn_sg);
	cudaFree(g->bn_sb);
	for (int i = 0; i < g->np; i++) {
		if (g->p) cudaFree(g->p[i]);
		if (g->g) cudaFree(g->g[i]);
		if (g->m) cudaFree(g->m[i]);
	}
	cudaFree(g->x);
	cudaFree(g->gbuf[0]);
	cudaFree(g->gbuf[1]);
	if (g->s)
		cudaStreamDestroy(g->s);
	free(g->l);
	free(g->p);
	free(g->g);
	free(g->m);
	free(g->count);
	free(g);
}

static int
dalloc(void **p, size_t bytes)
{
	*p = NULL;
	if (bytes == 0)
		bytes = 4;
	return check(cudaMalloc(p, bytes), "cudaMalloc");
}

/* 1 when tensor t of d exists, is of the kind asked (trained or a
 * buffer) and holds n floats */
static int
tensor_ok(const struct sv_cuda_net_desc *d, int t, int trained, uint64_t n)
{
	if (t < 0 || t >= d->nparam || (t < d->ntrain) != trained)
		return 0;
	return d->count[t] == n;
}

/* Check d and allocate everything for S slots of d->batch images (S
 * copies of every tensor); 0, 2 (d describes something the backend
 * cannot run) or 3. */
static int
net_build(struct sv_cuda_net *g, const struct sv_cuda_net_desc *d, int S)
{
	int saves[8], nsave = 0, maxc = 0;

	long maxact = (long)d->in_h * d->in_w * d->in_c;
	long h = d->in_h, w = d->in_w, c = d->in_c;

	if (d->batch < 1 || d->nlayers < 1 || d->nparam < 0 || d->ntrain < 0 ||
	    d->ntrain > d->nparam || S < 1 || h < 1 || w < 1 || c < 1)
		return fail(2, "bad network description (batch %d, %d layers, "
		            "input %ldx%ldx%ld)", d->batch, d->nlayers, h, w, c);
	g->batch = S * d->batch;
	g->nclass = d->nclass;
	g->insz = h * w * c;
	g->l = (struct gpu_layer *)calloc((size_t)d->nlayers, sizeof *g->l);
	g->p = (float **)calloc((size_t)d->nparam + 1, sizeof *g->p);
	g->g = (float **)calloc((size_t)d->nparam + 1, sizeof *g->g);
	g->m = (float **)calloc((size_t)d->nparam + 1, sizeof *g->m);
	g->count = (uint64_t *)calloc((size_t)d->nparam + 1, sizeof *g->count);
	if (!g->l || !g->p || !g->g || !g->m || !g->count)
		return fail(3, "out of memory");
	g->nl = d->nlayers;
	g->np = d->nparam;
	g->ntrain = d->ntrain;
	for (int i = 0; i < d->nlayers; i++) {
		struct gpu_layer *l = &g->l[i];
		const struct sv_cuda_layer *s = &d->layers[i];

		l->d = *s;
		if (s->ih != h || s->iw != w || s->ic != c)
			return fail(2, "layer %d: input %dx%dx%d, the previous "
			            "layer gives %ldx%ldx%ld", i + 1, s->ih, s->iw,
			            s->ic, h, w, c);
		switch (s->op) {
		case SV_CUDA_CONV:
			if (s->oh != h || s->ow != w || s->oc < 1 ||
			    !tensor_ok(d, s->w, 1, 9ULL * c * s->oc) ||
			    (s->b >= 0 && !tensor_ok(d, s->b, 1, (uint64_t)s->oc)))
				return fail(2, "layer %d: bad conv3x3 shapes", i + 1);
			break;
		case SV_CUDA_RELU:
			if (s->oh != h || s->ow != w || s->oc != c)
				return fail(2, "layer %d: bad relu shapes", i + 1);
			break;
		case SV_CUDA_POOL:
			if (h < 2 || w < 2 || s->oh != h / 2 || s->ow != w / 2 ||
			    s->oc != c)
				return fail(2, "layer %d: bad pool shapes", i + 1);
			break;
		case SV_CUDA_LINEAR:
			if (s->oh != 1 || s->ow != 1 || s->oc < 1 ||
			    !tensor_ok(d, s->w, 1, (uint64_t)s->oc * h * w * c) ||
			    (s->b >= 0 && !tensor_ok(d, s->b, 1, (uint64_t)s->oc)))
				return fail(2, "layer %d: bad linear shapes", i + 1);
			break;
		case SV_CUDA_BN:
			if (s->oh != h || s->ow != w || s->oc != c ||
			    !tensor_ok(d, s->w, 1, (uint64_t)c) ||
			    !tensor_ok(d, s->b, 1, (uint64_t)c) ||
			    !tensor_ok(d, s->rm, 0, (uint64_t)c) ||
			    !tensor_ok(d, s->rv, 0, (uint64_t)c))
				return fail(2, "layer %d: bad batchnorm shapes", i + 1);
			break;
		case SV_CUDA_GMAX:
			if (s->oh != 1 || s->ow != 1 || s->oc != c)
				return fail(2, "layer %d: bad global pool shapes", i + 1);
			break;
		case SV_CUDA_SCALE:
		case SV_CUDA_SAVE:
			if (s->oh != h || s->ow != w || s->oc != c)
				return fail(2, "layer %d: bad shapes", i + 1);
			if (s->op == SV_CUDA_SAVE && nsave == 8)
				return fail(2, "layer %d: residuals nested too deep",
				            i + 1);
			if (s->op == SV_CUDA_SAVE)
				saves[nsave++] = i;
			break;
		case SV_CUDA_ADD:
			if (s->oh != h || s->ow != w || s->oc != c || nsave == 0 ||
			    s->save != saves[nsave - 1] ||
			    g->l[s->save].isz != (long)h * w * c)
				return fail(2, "layer %d: a residual add without its "
				            "save", i + 1);
			nsave--;
			break;
		default:
			return fail(2, "layer %d: no GPU kernel for layer kind %d",
			            i + 1, s->op);
		}
		h = s->oh, w = s->ow, c = s->oc;
		l->isz = (long)s->ih * s->iw * s->ic;
		l->osz = h * w * c;
		if (l->osz > maxact)
			maxact = l->osz;
	}
	if (h != 1 || w != 1 || c != d->nclass)
		return fail(2, "the network ends with %ldx%ldx%ld outputs, not "
		            "%d classes", h, w, c, d->nclass);
	CK(cudaStreamCreateWithFlags(&g->s, cudaStreamNonBlocking),
	   "cudaStreamCreate");
	for (int i = 0; i < d->nparam; i++) {
		size_t bytes = sizeof(float) * S * d->count[i];
		int rc;

		g->count[i] = d->count[i];
		if ((rc = dalloc((void **)&g->p[i], bytes)))
			return rc;
		if (i < d->ntrain &&
		    ((rc = dalloc((void **)&g->g[i], bytes)) ||
		     (rc = dalloc((void **)&g->m[i], bytes))))
			return rc;
	}
	for (int i = 0; i < g->nl; i++) {
		struct gpu_layer *l = &g->l[i];
		size_t n = (size_t)g->batch * l->osz, C = (size_t)S * l->d.ic;
		int rc;

		if (l->d.op == SV_CUDA_SAVE) {
			if ((rc = dalloc((void **)&l->skip, n * sizeof(float))))
				return rc;
		} else if ((rc = dalloc((void **)&l->out, n * sizeof(float)))) {
			return rc;
		}
		if ((l->d.op == SV_CUDA_POOL || l->d.op == SV_CUDA_GMAX) &&
		    (rc = dalloc((void **)&l->arg, n * sizeof(int32_t))))
			return rc;
		if (l->d.op == SV_CUDA_BN &&
		    ((rc = dalloc((void **)&l->mean, C * sizeof(float))) ||
		     (rc = dalloc((void **)&l->invstd, C * sizeof(float)))))
			return rc;
		if (l->d.op == SV_CUDA_BN && l->d.ic > maxc)
			maxc = l->d.ic;
	}
	if (maxc > 0) {
		int rc;
		size_t pn = (size_t)g->batch * maxc, cn = (size_t)S * maxc;

		if ((rc = dalloc((void **)&g->bn_pa, pn * sizeof(double))) ||
		    (rc = dalloc((void **)&g->bn_pb, pn * sizeof(double))) ||
		    (rc = dalloc((void **)&g->bn_dm, cn * sizeof(double))) ||
		    (rc = dalloc((void **)&g->bn_sg, cn * sizeof(double))) ||
		    (rc = dalloc((void **)&g->bn_sb, cn * sizeof(double))))
			return rc;
	}
	{
		int rc;

		if ((rc = dalloc((void **)&g->x, sizeof(float) * g->batch * g->insz)) ||
		    (rc = dalloc((void **)&g->gbuf[0], sizeof(float) * g->batch * maxact)) ||
		    (rc = dalloc((void **)&g->gbuf[1], sizeof(float) * g->batch * maxact)))
			return rc;
	}
	/* a SAVE's output is its input, kept where it is */
	for (int i = 0; i < g->nl; i++)
		if (g->l[i].d.op == SV_CUDA_SAVE)
			g->l[i].out = i == 0 ? g->x : g->l[i - 1].out;
	return 0;
}

static struct sv_cuda_net *
net_new(const struct sv_cuda_net_desc *d)
{
	struct sv_cuda_net *g = (struct sv_cuda_net *)calloc(1, sizeof *g);

	if (!g) {
		fail(3, "out of memory");
		return NULL;
	}
	if (net_build(g, d, 1) != 0) {
		net_free(g);
		return NULL;
	}
	return g;
}

static int
set_params(struct sv_cuda_net *g, float *const *p)
{
	for (int i = 0; i < g->np; i++)
		CK(cudaMemcpyAsync(g->p[i], p[i], sizeof(float) * g->count[i],
		                   cudaMemcpyHostToDevice, g->s), "copy weights in");
	CK(cudaStreamSynchronize(g->s), "copy weights in");
	g->have_mom = 0;
	return 0;
}

static int
get_params(struct sv_cuda_net *g, float *const *p)
{
	for (int i = 0; i < g->np; i++)
		CK(cudaMemcpyAsync(p[i], g->p[i], sizeof(float) * g->count[i],
		                   cudaMemcpyDeviceToHost, g->s), "copy weights out");
	CK(cudaStreamSynchronize(g->s), "copy weights out");
	return 0;
}

static const float *
layer_in(const struct sv_cuda_net *g, int i)
{
	return i == 0 ? g->x : g->l[i - 1].out;
}

static struct sv_bbn
bn_args(const struct sv_cuda_net *g, const struct gpu_layer *l, int S,
        int n, const float *in, const float *dout, float *din)
{
	const struct sv_cuda_layer *d = &l->d;

	return (struct sv_bbn){ in, dout, g->p[d->w], g->p[d->b], l->out, din,
	                        g->p[d->rm], g->p[d->rv], l->mean, l->invstd,
	                        g->g[d->w], g->g[d->b], g->bn_dm, g->bn_sg,
	                        g->bn_sb, g->bn_pa, g->bn_pb, n,
	                        (long)d->ih * d->iw, S, d->ic, 1e-5f, 0.1f };
}

/* A conv or BN layer of S slots of n images through cuDNN, slot by slot
 * (the weights of a cudnn mode's convolutions are (K,3,3,C)); 0 or 3. */
static int
dnn_layer_fwd(struct sv_cuda_net *g, struct gpu_layer *l, int S, int n,
              const float *in, int train)
{
	const struct sv_cuda_layer *d = &l->d;
	long xs = (long)n * l->isz, ys = (long)n * l->osz;
	int rc = 0;

	for (int s = 0; s < S && rc == 0; s++) {
		if (d->op == SV_CUDA_CONV)
			rc = dnn_conv_fwd(g->dnn, in + s * xs, g->p[d->w] +
			                  (size_t)s * g->count[d->w], d->b >= 0 ?
			                  g->p[d->b] + (size_t)s * d->oc : NULL,
			                  l->out + s * ys, n, d->ih, d->iw, d->ic,
			                  d->oc);
		else
			rc = dnn_bn_fwd(g->dnn, in + s * xs, l->out + s * ys,
			                g->p[d->w] + (size_t)s * d->ic,
			                g->p[d->b] + (size_t)s * d->ic,
			                g->p[d->rm] + (size_t)s * d->ic,
			                g->p[d->rv] + (size_t)s * d->ic,
			                l->mean + (size_t)s * d->ic,
			                l->invstd + (size_t)s * d->ic, n, d->ih, d->iw,
			                d->ic, train);
	}
	return rc ? fail(3, "%s", dnn_error()) : 0;
}

static int
dnn_layer_bwd(struct sv_cuda_net *g, struct gpu_layer *l, int S, int n,
              const float *in, const float *dout, float *din)
{
	const struct sv_cuda_layer *d = &l->d;
	long xs = (long)n * l->isz, ys = (long)n * l->osz;
	int rc = 0;

	for (int s = 0; s < S && rc == 0; s++) {
		if (d->op == SV_CUDA_CONV)
			rc = dnn_conv_bwd(g->dnn, in + s * xs, g->p[d->w] +
			                  (size_t)s * g->count[d->w], dout + s * ys,
			                  g->g[d->w] + (size_t)s * g->count[d->w],
			                  d->b >= 0 ? g->g[d->b] + (size_t)s * d->oc
			                            : NULL,
			                  din ? din + s * xs : NULL, n, d->ih, d->iw,
			                  d->ic, d->oc);
		else if (din)   /* as sv_net_backward: nothing below layer 1 */
			rc = dnn_bn_bwd(g->dnn, in + s * xs, dout + s * ys,
			                din + s * xs, g->p[d->w] + (size_t)s * d->ic,
			                g->g[d->w] + (size_t)s * d->ic,
			                g->g[d->b] + (size_t)s * d->ic,
			                l->mean + (size_t)s * d->ic,
			                l->invstd + (size_t)s * d->ic, n, d->ih, d->iw,
			                d->ic);
	}
	return rc ? fail(3, "%s", dnn_error()) : 0;
}

/* The layers forward over S slots of n images each (S = 1: one network),
 * from g->x; train: BatchNorm on the batch's statistics.  Queued on
 * g->s. */
static int
layers_forward(struct sv_cuda_net *g, int S, int n, int train)
{
	long N = (long)S * n;

	for (int i = 0; i < g->nl; i++) {
		struct gpu_layer *l = &g->l[i];
		const struct sv_cuda_layer *d = &l->d;
		const float *in = layer_in(g, i);
		cudaError_t e = cudaSuccess;

		if (g->dnn && (d->op == SV_CUDA_CONV || d->op == SV_CUDA_BN)) {
			int rc = dnn_layer_fwd(g, l, S, n, in, train);

			if (rc)
				return rc;
			continue;
		}
		switch (d->op) {
		case SV_CUDA_CONV: {
			struct sv_bconv a = { in, g->p[d->w],
			                      d->b >= 0 ? g->p[d->b] : NULL, NULL,
			                      l->out, NULL, NULL, NULL, S, n, d->ih,
			                      d->iw, d->ic, d->oc };

			e = svk_bconv_fwd(&a, g->s);
			break;
		}
		case SV_CUDA_RELU:
			e = svk_relu_fwd(in, l->out, N * l->osz, g->s);
			break;
		case SV_CUDA_POOL:
			e = svk_maxpool2_fwd(in, l->out, l->arg, (int)N, d->ih, d->iw,
			                     d->ic, g->s);
			break;
		case SV_CUDA_LINEAR: {
			struct sv_blinear a = { in, g->p[d->w],
			                        d->b >= 0 ? g->p[d->b] : NULL, NULL,
			                        l->out, NULL, NULL, NULL, S, n,
			                        (int)l->isz, d->oc };

			e = svk_blinear_fwd(&a, g->s);
			break;
		}
		case SV_CUDA_BN: {
			struct sv_bbn a = bn_args(g, l, S, n, in, NULL, NULL);

			e = svk_bbn_fwd(&a, train, g->s);
			break;
		}
		case SV_CUDA_GMAX:
			e = svk_bgmax_fwd(in, l->out, l->arg, N, d->ih * d->iw, d->ic,
			                  g->s);
			break;
		case SV_CUDA_SCALE:
			e = svk_scale(in, l->out, d->scale, N * l->osz, g->s);
			break;
		case SV_CUDA_SAVE:
			break;  /* l->out is in */
		case SV_CUDA_ADD:
			e = svk_add(in, g->l[d->save].out, l->out, N * l->osz, g->s);
			break;
		}
		CK(e, "forward kernel");
	}
	return 0;
}

/* The layers backward over S slots of n images from the logits'
 * gradient in g->gbuf[0]: every tensor's gradient. */
static int
layers_backward(struct sv_cuda_net *g, int S, int n)
{
	long N = (long)S * n;
	int cur = 0;

	for (int i = g->nl - 1; i >= 0; i--) {
		struct gpu_layer *l = &g->l[i];
		const struct sv_cuda_layer *d = &l->d;
		const float *in = layer_in(g, i);
		const float *dout = g->gbuf[cur];
		float *din = i > 0 ? g->gbuf[1 - cur] : NULL;
		cudaError_t e = cudaSuccess;

		if (g->dnn && (d->op == SV_CUDA_CONV || d->op == SV_CUDA_BN)) {
			int rc = dnn_layer_bwd(g, l, S, n, in, dout, din);

			if (rc)
				return rc;
			cur = 1 - cur;
			continue;
		}
		switch (d->op) {
		case SV_CUDA_CONV: {
			struct sv_bconv a = { in, g->p[d->w], NULL, dout, NULL, din,
			                      g->g[d->w], d->b >= 0 ? g->g[d->b] : NULL,
			                      S, n, d->ih, d->iw, d->ic, d->oc };

			e = svk_bconv_bwd_filter(&a, g->s);
			if (e == cudaSuccess && din)
				e = svk_bconv_bwd_data(&a, g->s);
			break;
		}
		case SV_CUDA_RELU:
			if (din)
				e = svk_relu_bwd(l->out, dout, din, N * l->isz, g->s);
			break;
		case SV_CUDA_POOL:
			if (din)
				e = svk_maxpool2_bwd(dout, l->arg, din, (int)N, d->ih,
				                     d->iw, d->ic, g->s);
			break;
		case SV_CUDA_LINEAR: {
			struct sv_blinear a = { in, g->p[d->w], NULL, dout, NULL, din,
			                        g->g[d->w],
			                        d->b >= 0 ? g->g[d->b] : NULL, S, n,
			                        (int)l->isz, d->oc };

			e = svk_blinear_bwd(&a, g->s);
			break;
		}
		case SV_CUDA_BN:
			/* as sv_net_backward: nothing below the first layer */
			if (din) {
				struct sv_bbn a = bn_args(g, l, S, n, in, dout, din);

				e = svk_bbn_bwd(&a, g->s);
			}
			break;
		case SV_CUDA_GMAX:
			if (din)
				e = svk_bgmax_bwd(dout, l->arg, din, N, d->ih * d->iw,
				                  d->ic, g->s);
			break;
		case SV_CUDA_SCALE:
			if (din)
				e = svk_scale(dout, din, d->scale, N * l->isz, g->s);
			break;
		case SV_CUDA_SAVE:
			if (din)
				e = svk_add(dout, l->skip, din, N * l->isz, g->s);
			break;
		case SV_CUDA_ADD:
			e = cudaMemcpyAsync(g->l[d->save].skip, dout,
			                    sizeof(float) * N * l->isz,
			                    cudaMemcpyDeviceToDevice, g->s);
			if (e == cudaSuccess && din)
				e = cudaMemcpyAsync(din, dout, sizeof(float) * N * l->isz,
				                    cudaMemcpyDeviceToDevice, g->s);
			break;
		}
		CK(e, "backward kernel");
		cur = 1 - cur;
	}
	return 0;
}

/* sv_net_forward: x (n,H,W,C) -> logits (n,nclass) */
static int
forward(struct sv_cuda_net *g, const float *x, int n, int train,
        float *logits)
{
	int rc;

	if (n < 1 || n > g->batch)
		return fail(2, "forward: %d images, the batch holds %d", n, g->batch);
	CK(cudaMemcpyAsync(g->x, x, sizeof(float) * n * g->insz,
	                   cudaMemcpyHostToDevice, g->s), "copy batch in");
	if ((rc = layers_forward(g, 1, n, train)) != 0)
		return rc;
	CK(cudaMemcpyAsync(logits, g->l[g->nl - 1].out,
	                   sizeof(float) * n * g->nclass, cudaMemcpyDeviceToHost,
	                   g->s), "copy logits out");
	CK(cudaStreamSynchronize(g->s), "forward");
	return 0;
}

/* sv_net_backward: dlogits (n,nclass) -> gradients of every tensor */
static int
backward(struct sv_cuda_net *g, const float *dlogits, int n)
{
	if (n < 1 || n > g->batch)
		return fail(2, "backward: %d images, the batch holds %d", n, g->batch);
	CK(cudaMemcpyAsync(g->gbuf[0], dlogits, sizeof(float) * n * g->nclass,
	                   cudaMemcpyHostToDevice, g->s), "copy dlogits in");
	return layers_backward(g, 1, n);
}

static int
sgd(struct sv_cuda_net *g, float lr, float momentum, float wd, int nesterov)
{
	for (int i = 0; i < g->ntrain; i++)
		CK(svk_sgd(g->p[i], g->g[i], g->m[i], (long)g->count[i], lr,
		           momentum, wd, nesterov, !g->have_mom, g->s), "sgd kernel");
	g->have_mom = 1;
	return 0;
}

/* --- a cohort: S slots of one network side by side (lib/train/cohort.h)
 *
 * The activations are those of a network of S*batch images (net_build);
 * the weights, gradients and momentum hold S slots a tensor; the dataset
 * is on the GPU as bytes.  A step's only synchronisation is the logits'
 * copy back to the host. */

struct sv_cuda_cohort {
	struct sv_cuda_net *g;   /* activations, stream; g->p.. S slots */
	int S, slot_batch;
	char *frozen;
	uint8_t *train_x, *test_x;
	uint32_t *order, *iota;  /* S * ntrain; ntest */
	uint32_t ntrain, ntest;
	long ntrain_order;       /* images in each slot's order */
	long per;                /* bytes an image */
	int c, h, w;
	float *lut;
	float *hlogits;          /* pinned, S * batch * nclass */
	uint64_t *aug_keys;      /* S */
	struct sv_aug *aug;      /* (S, nchunk): this epoch's */
	long nchunk;
	int aug_on;              /* this epoch augments */
	int *tc, *tk;            /* cudnn modes: tensor i is a conv weight
	                            (3,3,tc,tk) on the host, (tk,3,3,tc) here;
	                            tc[i] 0 for the others */
	float *tbuf;             /* host, the largest such tensor */
};

static void
cohort_free(struct sv_cuda_cohort *c)
{
	if (!c)
		return;
	net_free(c->g);
	cudaFree(c->train_x);
	cudaFree(c->test_x);
	cudaFree(c->order);
	cudaFree(c->iota);
	cudaFree(c->lut);
	cudaFree(c->aug_keys);
	cudaFree(c->aug);
	cudaFreeHost(c->hlogits);
	free(c->frozen);
	free(c->tc);
	free(c->tk);
	free(c->tbuf);
	free(c);
}

/* cudnn modes: cuDNN on the cohort's stream, and the conv weights'
 * layout */
static int
cohort_dnn(struct sv_cuda_cohort *c, const struct sv_cuda_net_desc *d,
           int math)
{
	struct sv_cuda_net *g = c->g;
	size_t act = 0, wts = 0;

	if (!(c->tc = (int *)calloc((size_t)g->np + 1, sizeof *c->tc)) ||
	    !(c->tk = (int *)calloc((size_t)g->np + 1, sizeof *c->tk)))
		return fail(3, "out of memory");
	for (int i = 0; i < g->nl; i++) {
		const struct sv_cuda_layer *l = &d->layers[i];
		size_t a = (size_t)c->slot_batch * l->ih * l->iw *
		           (l->ic > l->oc ? l->ic : l->oc);

		if (l->op != SV_CUDA_CONV)
			continue;
		c->tc[l->w] = l->ic;
		c->tk[l->w] = l->oc;
		if (a > act)
			act = a;
		if (9ULL * l->ic * l->oc > wts)
			wts = 9ULL * l->ic * l->oc;
	}
	if (!(c->tbuf = (float *)malloc(sizeof(float) * (wts ? wts : 1))))
		return fail(3, "out of memory");
	if (dnn_open(&g->dnn, math, g->s, act, wts) != 0)
		return fail(3, "%s", dnn_error());
	return 0;
}

/* (3,3,C,K) <-> (K,3,3,C) */
static void
to_krsc(const float *src, float *dst, int C, int K)
{
	for (int t = 0; t < 9; t++)
		for (int ci = 0; ci < C; ci++)
			for (int k = 0; k < K; k++)
				dst[((long)k * 9 + t) * C + ci] = src[((long)t * C + ci) * K + k];
}

static void
from_krsc(const float *src, float *dst, int C, int K)
{
	for (int t = 0; t < 9; t++)
		for (int ci = 0; ci < C; ci++)
			for (int k = 0; k < K; k++)
				dst[((long)t * C + ci) * K + k] = src[((long)k * 9 + t) * C + ci];
}

static int
cohort_build(struct sv_cuda_cohort *c, const struct sv_cuda_net_desc *d,
             int S, const struct sv_cuda_data *data, const char *frozen,
             int math)
{
	uint32_t *iota;
	int rc;

	if (S < 1 || d->batch < 1 || (long)S * d->batch > INT32_MAX)
		return fail(2, "cohort: %d slots of %d images", S, d->batch);
	if (data->h != d->in_h || data->w != d->in_w || data->c != d->in_c)
		return fail(2, "cohort: images %dx%dx%d, the network takes "
		            "%dx%dx%d", data->h, data->w, data->c, d->in_h,
		            d->in_w, d->in_c);
	c->S = S;
	c->slot_batch = d->batch;
	if (!(c->g = (struct sv_cuda_net *)calloc(1, sizeof *c->g)))
		return fail(3, "out of memory");
	if ((rc = net_build(c->g, d, S)) != 0)
		return rc;
	if (!(c->frozen = (char *)calloc((size_t)c->g->np + 1, 1)))
		return fail(3, "out of memory");
	if (frozen)   /* one flag a trained tensor */
		memcpy(c->frozen, frozen, (size_t)c->g->ntrain);
	if (math != SV_GPU_EXACT && (rc = cohort_dnn(c, d, math)) != 0)
		return rc;
	c->ntrain = data->ntrain;
	c->ntest = data->ntest;
	c->c = data->c, c->h = data->h, c->w = data->w;
	c->per = (long)data->h * data->w * data->c;
	c->nchunk = ((long)c->ntrain + SV_AUG_CHUNK - 1) / SV_AUG_CHUNK;
	if (c->nchunk < 1)
		c->nchunk = 1;
	if ((rc = dalloc((void **)&c->train_x, (size_t)c->ntrain * c->per)) ||
	    (rc = dalloc((void **)&c->test_x, (size_t)c->ntest * c->per)) ||
	    (rc = dalloc((void **)&c->order, sizeof(uint32_t) * S *
	                 (size_t)(c->ntrain ? c->ntrain : 1))) ||
	    (rc = dalloc((void **)&c->iota, sizeof(uint32_t) *
	                 (size_t)(c->ntest ? c->ntest : 1))) ||
	    (rc = dalloc((void **)&c->lut, sizeof(float) * 256 * data->c)) ||
	    (rc = dalloc((void **)&c->aug_keys, sizeof(uint64_t) * S)) ||
	    (rc = dalloc((void **)&c->aug, sizeof(struct sv_aug) * S *
	                 (size_t)c->nchunk)))
		return rc;
	CK(cudaMallocHost((void **)&c->hlogits, sizeof(float) * c->g->batch *
	                  d->nclass), "cudaMallocHost");
	if (!(iota = (uint32_t *)malloc(sizeof *iota * (c->ntest + 1))))
		return fail(3, "out of memory");
	for (uint32_t i = 0; i < c->ntest; i++)
		iota[i] = i;
	rc = check(cudaMemcpy(c->train_x, data->train_x, (size_t)c->ntrain * c->per,
	                      cudaMemcpyHostToDevice), "copy the training set");
	if (!rc)
		rc = check(cudaMemcpy(c->test_x, data->test_x,
		                      (size_t)c->ntest * c->per,
		                      cudaMemcpyHostToDevice), "copy the test set");
	if (!rc)
		rc = check(cudaMemcpy(c->iota, iota, sizeof *iota * c->ntest,
		                      cudaMemcpyHostToDevice), "copy the test order");
	if (!rc)
		rc = check(cudaMemcpy(c->lut, data->lut, sizeof(float) * 256 *
		                      data->c, cudaMemcpyHostToDevice),
		           "copy the normalisation");
	free(iota);
	return rc;
}

static struct sv_cuda_cohort *
cohort_new(const struct sv_cuda_net_desc *d, int S,
           const struct sv_cuda_data *data, const char *frozen, int math)
{
	struct sv_cuda_cohort *c =
		(struct sv_cuda_cohort *)calloc(1, sizeof *c);

	if (!c) {
		fail(3, "out of memory");
		return NULL;
	}
	if (cohort_build(c, d, S, data, frozen, math) != 0) {
		cohort_free(c);
		return NULL;
	}
	return c;
}

static int
cohort_set_params(struct sv_cuda_cohort *c, int s, float *const *p)
{
	struct sv_cuda_net *g = c->g;

	if (s < 0 || s >= c->S)
		return fail(2, "cohort: no slot %d", s);
	for (int i = 0; i < g->np; i++) {
		size_t n = g->count[i];
		const float *src = p[i];

		if (c->tc && c->tc[i]) {   /* cuDNN's layout; the buffer is
		                              reused, so the copy waits */
			to_krsc(p[i], c->tbuf, c->tc[i], c->tk[i]);
			src = c->tbuf;
			CK(cudaStreamSynchronize(g->s), "copy weights in");
		}
		CK(cudaMemcpyAsync(g->p[i] + (size_t)s * n, src, sizeof(float) * n,
		                   cudaMemcpyHostToDevice, g->s), "copy weights in");
		if (src == c->tbuf)
			CK(cudaStreamSynchronize(g->s), "copy weights in");
		if (i < g->ntrain)
			CK(cudaMemsetAsync(g->m[i] + (size_t)s * n, 0,
			                   sizeof(float) * n, g->s), "clear momentum");
	}
	CK(cudaStreamSynchronize(g->s), "copy weights in");
	g->have_mom = 0;
	return 0;
}

static int
cohort_get_params(struct sv_cuda_cohort *c, int s, float *const *p)
{
	struct sv_cuda_net *g = c->g;

	if (s < 0 || s >= c->S)
		return fail(2, "cohort: no slot %d", s);
	for (int i = 0; i < g->np; i++) {
		int krsc = c->tc && c->tc[i];

		CK(cudaMemcpyAsync(krsc ? c->tbuf : p[i],
		                   g->p[i] + (size_t)s * g->count[i],
		                   sizeof(float) * g->count[i],
		                   cudaMemcpyDeviceToHost, g->s), "copy weights out");
		if (krsc) {
			CK(cudaStreamSynchronize(g->s), "copy weights out");
			from_krsc(c->tbuf, p[i], c->tc[i], c->tk[i]);
		}
	}
	CK(cudaStreamSynchronize(g->s), "copy weights out");
	return 0;
}

static int
cohort_set_order(struct sv_cuda_cohort *c, const uint32_t *order, long n,
                 const uint64_t *aug_keys, int epoch)
{
	if (n < 0 || n > (long)c->ntrain)
		return fail(2, "cohort: an order of %ld images, the training set "
		            "has %u", n, c->ntrain);
	c->ntrain_order = n;
	CK(cudaMemcpyAsync(c->order, order, sizeof(uint32_t) * c->S * (size_t)n,
	                   cudaMemcpyHostToDevice, c->g->s), "copy the order in");
	c->aug_on = aug_keys != NULL;
	if (!aug_keys)
		return 0;
	CK(cudaMemcpyAsync(c->aug_keys, aug_keys, sizeof(uint64_t) * c->S,
	                   cudaMemcpyHostToDevice, c->g->s), "copy the keys in");
	/* the host's order and keys are the caller's again after this */
	CK(svk_baug_draw(c->aug_keys, (uint32_t)epoch, c->aug, c->S, c->nchunk,
	                 c->h, c->w, c->g->s), "augmentation kernel");
	CK(cudaStreamSynchronize(c->g->s), "copy the order in");
	return 0;
}

static int
cohort_forward(struct sv_cuda_cohort *c, int test, long at, int n, int train,
               float *logits)
{
	struct sv_cuda_net *g = c->g;
	int S = c->S;
	long N = (long)S * n;
	struct sv_bgather ga = { test ? c->test_x : c->train_x, NULL,
	                         test ? c->iota : c->order, c->lut, g->x, NULL,
	                         c->per, test ? 0 : c->ntrain_order, at, S, n,
	                         c->c, !test && c->aug_on ? c->aug : NULL,
	                         c->nchunk, c->h, c->w };
	int rc;

	if (n < 1 || n > c->slot_batch)
		return fail(2, "forward: %d images a slot, %d at most", n,
		            c->slot_batch);
	if (at < 0 || at + n > (long)(test ? c->ntest : c->ntrain_order))
		return fail(2, "forward: images %ld..%ld past the set", at,
		            at + n - 1);
	CK(svk_bgather(&ga, g->s), "gather kernel");
	if ((rc = layers_forward(g, S, n, train)) != 0)
		return rc;
	CK(cudaMemcpyAsync(c->hlogits, g->l[g->nl - 1].out,
	                   sizeof(float) * N * g->nclass, cudaMemcpyDeviceToHost,
	                   g->s), "copy logits out");
	CK(cudaStreamSynchronize(g->s), "forward");
	memcpy(logits, c->hlogits, sizeof(float) * N * g->nclass);
	return 0;
}

static int
cohort_backward(struct sv_cuda_cohort *c, const float *dlogits, int n)
{
	struct sv_cuda_net *g = c->g;
	int S = c->S;
	long N = (long)S * n;

	if (n < 1 || n > c->slot_batch)
		return fail(2, "backward: %d images a slot, %d at most", n,
		            c->slot_batch);
	CK(cudaMemcpyAsync(g->gbuf[0], dlogits, sizeof(float) * N * g->nclass,
	                   cudaMemcpyHostToDevice, g->s), "copy dlogits in");
	return layers_backward(g, S, n);
}

static int
cohort_sgd(struct sv_cuda_cohort *c, float lr, float momentum, float wd,
           int nesterov)
{
	struct sv_cuda_net *g = c->g;

	for (int i = 0; i < g->ntrain; i++)
		if (!c->frozen[i])
			CK(svk_sgd(g->p[i], g->g[i], g->m[i],
			           (long)c->S * (long)g->count[i], lr, momentum, wd,
			           nesterov, !g->have_mom, g->s), "sgd kernel");
	g->have_mom = 1;
	return 0;
}

static int
mem_info(size_t *free_bytes, size_t *total_bytes)
{
	CK(cudaMemGetInfo(free_bytes, total_bytes), "cudaMemGetInfo");
	return 0;
}

/* --- the kernels one by one on host arrays (tests) */

/* Device arrays of one test call, freed together by unstage(). */
struct staging {
	void *d[6];
	int n;
};

static int
stage_alloc(struct staging *st, size_t bytes, void **dp)
{
	CK(cudaMalloc(dp, bytes ? bytes : 4), "cudaMalloc");
	st->d[st->n++] = *dp;
	return 0;
}

/* an input array: a device copy of h[bytes] */
static int
stage(struct staging *st, const void *h, size_t bytes, void **dp)
{
	int rc;

	if ((rc = stage_alloc(st, bytes, dp)))
		return rc;
	if (bytes)
		CK(cudaMemcpy(*dp, h, bytes, cudaMemcpyHostToDevice), "copy in");
	return 0;
}

/* an output array (NULL when h is NULL), filled with NaN bits so that a
 * kernel leaving an element unwritten is caught */
static int
stage_out(struct staging *st, const void *h, size_t bytes, void **dp)
{
	int rc;

	*dp = NULL;
	if (!h)
		return 0;
	if ((rc = stage_alloc(st, bytes, dp)))
		return rc;
	return check(cudaMemset(*dp, 0xff, bytes ? bytes : 4), "cudaMemset");
}

static int
unstage(struct staging *st, int rc)
{
	for (int i = 0; i < st->n; i++)
		cudaFree(st->d[i]);
	st->n = 0;
	return rc;
}

static int
finish(cudaError_t e, void *h, const void *d, size_t bytes)
{
	CK(e, "kernel launch");
	CK(cudaDeviceSynchronize(), "kernel");
	if (h && bytes)
		CK(cudaMemcpy(h, d, bytes, cudaMemcpyDeviceToHost), "copy out");
	return 0;
}

#define F sizeof(float)
#define STAGE(h, bytes, dp) do { if ((rc = stage(&st, (h), (bytes), (void **)(dp)))) return unstage(&st, rc); } while (0)
#define STAGE_OUT(h, bytes, dp) do { if ((rc = stage_out(&st, (h), (bytes), (void **)(dp)))) return unstage(&st, rc); } while (0)

static int
t_conv3x3_fwd(const float *in, const float *w, const float *b, float *out,
              int N, int H, int W, int C, int K)
{
	struct staging st = { { 0 }, 0 };
	float *di, *dw, *db = NULL, *dout;
	size_t pix = (size_t)N * H * W;
	int rc;

	STAGE(in, pix * C * F, &di);
	STAGE(w, 9 * (size_t)C * K * F, &dw);
	if (b)
		STAGE(b, K * F, &db);
	STAGE_OUT(out, pix * K * F, &dout);
	rc = finish(svk_conv3x3_fwd(di, dw, db, dout, N, H, W, C, K, 0), out,
	            dout, pix * K * F);
	return unstage(&st, rc);
}

static int
t_conv3x3_bwd_data(const float *dout, const float *w, float *din, int N,
                   int H, int W, int C, int K)
{
	struct staging st = { { 0 }, 0 };
	float *dg, *dw, *ddin;
	size_t pix = (size_t)N * H * W;
	int rc;

	STAGE(dout, pix * K * F, &dg);
	STAGE(w, 9 * (size_t)C * K * F, &dw);
	STAGE_OUT(din, pix * C * F, &ddin);
	rc = finish(svk_conv3x3_bwd_data(dg, dw, ddin, N, H, W, C, K, 0), din,
	            ddin, pix * C * F);
	return unstage(&st, rc);
}

static int
t_conv3x3_bwd_filter(const float *in, const float *dout, float *dw,
                     float *db, int N, int H, int W, int C, int K)
{
	struct staging st = { { 0 }, 0 };
	float *di, *dg, *ddw, *ddb = NULL;
	size_t pix = (size_t)N * H * W;
	int rc;

	STAGE(in, pix * C * F, &di);
	STAGE(dout, pix * K * F, &dg);
	STAGE_OUT(dw, 9 * (size_t)C * K * F, &ddw);
	STAGE_OUT(db, K * F, &ddb);
	rc = finish(svk_conv3x3_bwd_filter(di, dg, ddw, ddb, N, H, W, C, K, 0),
	            dw, ddw, 9 * (size_t)C * K * F);
	if (rc == 0 && db)
		rc = finish(cudaSuccess, db, ddb, K * F);
	return unstage(&st, rc);
}

static int
t_relu_fwd(const float *x, float *y, long n)
{
	struct staging st = { { 0 }, 0 };
	float *dx, *dy;
	int rc;

	STAGE(x, n * F, &dx);
	STAGE_OUT(y, n * F, &dy);
	rc = finish(svk_relu_fwd(dx, dy, n, 0), y, dy, n * F);
	return unstage(&st, rc);
}

static int
t_relu_bwd(const float *y, const float *dy, float *dx, long n)
{
	struct staging st = { { 0 }, 0 };
	float *d_y, *d_dy, *d_dx;
	int rc;

	STAGE(y, n * F, &d_y);
	STAGE(dy, n * F, &d_dy);
	STAGE_OUT(dx, n * F, &d_dx);
	rc = finish(svk_relu_bwd(d_y, d_dy, d_dx, n, 0), dx, d_dx, n * F);
	return unstage(&st, rc);
}

static int
t_maxpool2_fwd(const float *in, float *out, int32_t *arg, int N, int H,
               int W, int C)
{
	struct staging st = { { 0 }, 0 };
	float *di, *dout;
	int32_t *da;
	size_t no = (size_t)N * (H / 2) * (W / 2) * C;
	int rc;

	STAGE(in, (size_t)N * H * W * C * F, &di);
	STAGE_OUT(out, no * F, &dout);
	STAGE_OUT(arg, no * sizeof(int32_t), &da);
	rc = finish(svk_maxpool2_fwd(di, dout, da, N, H, W, C, 0), out, dout,
	            no * F);
	if (rc == 0)
		rc = finish(cudaSuccess, arg, da, no * sizeof(int32_t));
	return unstage(&st, rc);
}

static int
t_maxpool2_bwd(const float *dout, const int32_t *arg, float *din, int N,
               int H, int W, int C)
{
	struct staging st = { { 0 }, 0 };
	float *dg, *ddin;
	int32_t *da;
	size_t no = (size_t)N * (H / 2) * (W / 2) * C, ni = (size_t)N * H * W * C;
	int rc;

	STAGE(dout, no * F, &dg);
	STAGE(arg, no * sizeof(int32_t), &da);
	STAGE_OUT(din, ni * F, &ddin);
	rc = finish(svk_maxpool2_bwd(dg, da, ddin, N, H, W, C, 0), din, ddin,
	            ni * F);
	return unstage(&st, rc);
}

static int
t_linear_fwd(const float *in, const float *w, const float *b, float *out,
             int N, int I, int O)
{
	struct staging st = { { 0 }, 0 };
	float *di, *dw, *db = NULL, *dout;
	int rc;

	STAGE(in, (size_t)N * I * F, &di);
	STAGE(w, (size_t)O * I * F, &dw);
	if (b)
		STAGE(b, O * F, &db);
	STAGE_OUT(out, (size_t)N * O * F, &dout);
	rc = finish(svk_linear_fwd(di, dw, db, dout, N, I, O, 0), out, dout,
	            (size_t)N * O * F);
	return unstage(&st, rc);
}

static int
t_linear_bwd(const float *dout, const float *in, const float *w, float *dw,
             float *db, float *din, int N, int I, int O)
{
	struct staging st = { { 0 }, 0 };
	float *dg, *di, *d_w, *ddw, *ddb, *ddin;
	int rc;

	STAGE(dout, (size_t)N * O * F, &dg);
	STAGE(in, (size_t)N * I * F, &di);
	STAGE(w, (size_t)O * I * F, &d_w);
	STAGE_OUT(dw, (size_t)O * I * F, &ddw);
	STAGE_OUT(db, O * F, &ddb);
	STAGE_OUT(din, (size_t)N * I * F, &ddin);
	rc = finish(svk_linear_bwd(dg, di, d_w, ddw, ddb, ddin, N, I, O, 0), dw,
	            ddw, (size_t)O * I * F);
	if (rc == 0 && db)
		rc = finish(cudaSuccess, db, ddb, O * F);
	if (rc == 0 && din)
		rc = finish(cudaSuccess, din, ddin, (size_t)N * I * F);
	return unstage(&st, rc);
}

static int
t_sgd_step(float *p, const float *g, float *m, long n, float lr,
           float momentum, float wd, int nesterov, int first)
{
	struct staging st = { { 0 }, 0 };
	float *dp, *dg, *dm;
	int rc;

	STAGE(p, n * F, &dp);
	STAGE(g, n * F, &dg);
	STAGE(m, n * F, &dm);
	rc = finish(svk_sgd(dp, dg, dm, n, lr, momentum, wd, nesterov, first, 0),
	            p, dp, n * F);
	if (rc == 0)
		rc = finish(cudaSuccess, m, dm, n * F);
	return unstage(&st, rc);
}

static int
dnn_version_api(char *buf, size_t n)
{
	return dnn_version(buf, n) ? fail(3, "%s", dnn_error()) : 0;
}

static const struct sv_cuda_api api = {
	SV_CUDA_ABI,
	last_error,
	probe,
	net_new,
	net_free,
	set_params,
	get_params,
	forward,
	backward,
	sgd,
	cohort_new,
	cohort_free,
	cohort_set_params,
	cohort_get_params,
	cohort_set_order,
	cohort_forward,
	cohort_backward,
	cohort_sgd,
	mem_info,
	dnn_version_api,
	t_conv3x3_fwd,
	t_conv3x3_bwd_data,
	t_conv3x3_bwd_filter,
	t_relu_fwd,
	t_relu_bwd,
	t_maxpool2_fwd,
	t_maxpool2_bwd,
	t_linear_fwd,
	t_linear_bwd,
	t_sgd_step,
};

extern "C" __attribute__((visibility("default"))) const struct sv_cuda_api *
sv_cuda_api(int abi)
{
	return abi == SV_CUDA_ABI ? &api : NULL;
}
