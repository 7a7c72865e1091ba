/* gpu.c - training on a GPU through the dlopen'ed backend libsv-cuda.so
 *
 * The training loop of lib/train.c with the passes sent to the GPU: the
 * weights are initialised on the CPU (sv_net_init_weights) and copied in,
 * the data order and the batches are made on the CPU by the same code as
 * train.c (permute, gather: copies below), the loss and its gradient are
 * sv_softmax_xent on the CPU.  The backend's kernels are the CPU's twins,
 * so the run gives the CPU's weights. */
#include "gpu.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layers.h"
#include "philox.h"
#include "util.h"

/* The loaded backend: one per process, set by sv_gpu_open(). */
static struct {
	void *so;
	const struct sv_cuda_api *api;
} backend;

static void *
load(const char *path, char *why, size_t whysz)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();

		snprintf(why, whysz, "%s", e ? e : "dlopen failed");
	}
	return h;
}

int
sv_gpu_open(char *devname, size_t n, char *err, size_t errsz)
{
	char exe[4096], why1[1024] = "", why2[1024] = "";
	sv_cuda_api_fn fn;
	const struct sv_cuda_api *api;
	ssize_t len;

	if (!backend.so) {
		void *so = NULL;

		len = readlink("/proc/self/exe", exe, sizeof exe - 32);
		if (len > 0) {
			char *slash;

			exe[len] = '\0';
			if ((slash = strrchr(exe, '/'))) {
				strcpy(slash + 1, "libsv-cuda.so");
				so = load(exe, why1, sizeof why1);
			}
		}
		if (!so)
			so = load(SV_LIBEXECDIR "/libsv-cuda.so", why2, sizeof why2);
		if (!so) {
			snprintf(err, errsz, "no GPU backend: %s%s%s", why1,
			         *why1 ? "; " : "", why2);
			return SV_EXIT_ENV;
		}
		*(void **)&fn = dlsym(so, "sv_cuda_api");
		if (!fn || !(api = fn(SV_CUDA_ABI))) {
			snprintf(err, errsz, "GPU backend: %s", fn ?
			         "built for another interface version (rebuild it)" :
			         "no sv_cuda_api in the library");
			dlclose(so);
			return SV_EXIT_ENV;
		}
		backend.so = so;
		backend.api = api;
	}
	if (backend.api->probe(devname, n) != 0) {
		snprintf(err, errsz, "%s", backend.api->last_error());
		return SV_EXIT_ENV;
	}
	return 0;
}

const struct sv_cuda_api *
sv_gpu_api(void)
{
	return backend.api;
}

static const char *
op_name(enum sv_op op)
{
	static const char *const names[] = {
		[SV_OP_CONV] = "conv", [SV_OP_RELU] = "relu",
		[SV_OP_POOL] = "pool", [SV_OP_LINEAR] = "linear",
		[SV_OP_BN] = "batchnorm", [SV_OP_GMAX] = "global max pool",
		[SV_OP_SCALE] = "scale", [SV_OP_SAVE] = "residual save",
		[SV_OP_ADD] = "residual add",
	};

	return (unsigned)op < sizeof names / sizeof names[0] && names[op] ?
	       names[op] : "unknown";
}

/* Describe net for the backend: ls[def->nlayers] and count[ntrain] are
 * the caller's.  The layer order is sv_net_init's (a ReLU before a pool
 * runs after it), the tensor numbering too; both are checked against
 * net->param.  Returns 0 or 2 with err set. */
static int
describe(const struct sv_net *net, struct sv_cuda_layer *ls, uint64_t *count,
         struct sv_cuda_net_desc *desc, char *err, size_t errsz)
{
	const struct sv_model_def *def = net->def;
	int h = net->in_h, w = net->in_w, c = net->in_c, np = 0, rc = 0;
	struct sv_layer_def *ld = sv_mallocarray((size_t)def->nlayers, sizeof *ld);

	memcpy(ld, def->layers, (size_t)def->nlayers * sizeof *ld);
	for (int i = 0; i + 1 < def->nlayers; i++)
		if (ld[i].op == SV_OP_RELU && ld[i + 1].op == SV_OP_POOL) {
			struct sv_layer_def t = ld[i];

			ld[i] = ld[i + 1];
			ld[i + 1] = t;
			i++;
		}
	for (int i = 0; i < def->nlayers && rc == 0; i++) {
		struct sv_cuda_layer *l = &ls[i];

		l->ih = h, l->iw = w, l->ic = c;
		l->w = l->b = -1;
		switch (ld[i].op) {
		case SV_OP_CONV:
			l->op = SV_CUDA_CONV;
			l->w = np++;
			if (ld[i].bias)
				l->b = np++;
			c = ld[i].arg;
			break;
		case SV_OP_RELU:
			l->op = SV_CUDA_RELU;
			break;
		case SV_OP_POOL:
			l->op = SV_CUDA_POOL;
			h /= 2, w /= 2;
			break;
		case SV_OP_LINEAR:
			l->op = SV_CUDA_LINEAR;
			l->w = np++;
			if (ld[i].bias)
				l->b = np++;
			h = w = 1;
			c = ld[i].arg ? ld[i].arg : net->nclass;
			break;
		default:
			snprintf(err, errsz, "model %s: layer %d (%s): no GPU kernel "
			         "(the GPU backend runs conv, relu, pool and linear "
			         "layers)", def->name, i + 1, op_name(ld[i].op));
			rc = SV_EXIT_USAGE;
		}
		l->oh = h, l->ow = w, l->oc = c;
	}
	free(ld);
	if (rc)
		return rc;
	if ((size_t)np != net->ntrain || net->nparam != net->ntrain) {
		snprintf(err, errsz, "model %s: %d trainable tensors on the GPU, "
		         "%zu on the CPU", def->name, np, net->nparam);
		return SV_EXIT_USAGE;
	}
	for (int i = 0; i < np; i++)
		count[i] = sv_tensor_count(&net->param[i]);
	desc->batch = net->batch;
	desc->in_h = net->in_h, desc->in_w = net->in_w, desc->in_c = net->in_c;
	desc->nclass = net->nclass;
	desc->nlayers = def->nlayers;
	desc->layers = ls;
	desc->nparam = np;
	desc->count = count;
	return 0;
}

int
sv_gpu_supported(const struct sv_net *net, char *err, size_t errsz)
{
	struct sv_cuda_layer *ls = sv_calloc((size_t)net->def->nlayers, sizeof *ls);
	uint64_t *count = sv_calloc(net->nparam + 1, sizeof *count);
	struct sv_cuda_net_desc desc;
	int rc = describe(net, ls, count, &desc, err, errsz);

	free(ls);
	free(count);
	return rc;
}

/* --- the recipe's CPU side: copies of lib/train.c's static helpers */

/* Fisher-Yates over idx[0..n-1], i from n-1 down to 1, with j drawn from
 * counter i of (seed, stream, sub) (train.c: permute) */
static void
permute(uint32_t *idx, uint32_t n, uint64_t seed, enum sv_stream stream,
        uint32_t sub)
{
	for (uint32_t i = n - 1; i > 0 && n > 1; i--) {
		uint32_t r[4], j, t;

		sv_rand4(seed, stream, sub, i, r);
		j = sv_below(r[0], r[1], i + 1);
		t = idx[i], idx[i] = idx[j], idx[j] = t;
	}
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* augmentation of one chunk of 500 images (train.c: struct aug) */
struct aug {
	int dy, dx, flip, cy, cx;
};

static struct aug
aug_params(uint64_t seed, int epoch, uint32_t chunk, int h, int w)
{
	uint32_t r[4], q[4];
	struct aug a;

	sv_rand4(seed, SV_STREAM_AUG, (uint32_t)epoch, 2 * (uint64_t)chunk, r);
	sv_rand4(seed, SV_STREAM_AUG, (uint32_t)epoch, 2 * (uint64_t)chunk + 1, q);
	a.dy = (int)sv_below(r[0], r[1], 9) - 4;
	a.dx = (int)sv_below(r[2], r[3], 9) - 4;
	a.flip = (int)(q[0] >> 31);
	a.cy = (int)sv_below(q[1], q[2], (uint32_t)(h >= 8 ? h - 7 : 1));
	a.cx = (int)sv_below(q[3], q[0], (uint32_t)(w >= 8 ? w - 7 : 1));
	return a;
}

/* x (n,H,W,C) <- images idx[0..n-1] of s through lut, augmented per
 * chunk when augment is set (train.c: gather) */
static void
gather(float *x, const struct sv_split *s, const uint32_t *idx, int n,
       const float lut[3][256], uint64_t aug_seed, int epoch, int augment)
{
	int H = (int)s->h, W = (int)s->w, C = (int)s->c;
	size_t per = (size_t)H * W * C;

	for (int i = 0; i < n; i++) {
		const uint8_t *src = s->x + (size_t)idx[i] * per;
		float *dst = x + (size_t)i * per;
		struct aug a;

		if (!augment) {
			for (size_t p = 0; p < per; p++)
				dst[p] = lut[p % C][src[p]];
			continue;
		}
		a = aug_params(aug_seed, epoch, idx[i] / 500, H, W);
		for (int y = 0; y < H; y++)
			for (int xx = 0; xx < W; xx++) {
				int sy = y + a.dy, sx = xx + a.dx;
				int cut = y >= a.cy && y < a.cy + 8 &&
				          xx >= a.cx && xx < a.cx + 8;

				if (a.flip)
					sx = W - 1 - xx + a.dx;
				for (int c = 0; c < C; c++) {
					float v = 0.0f;

					if (!cut && sy >= 0 && sy < H && sx >= 0 && sx < W)
						v = lut[c][src[((size_t)sy * W + sx) * C + c]];
					dst[((size_t)y * W + xx) * C + c] = v;
				}
			}
	}
}

/* One training run's GPU state and host buffers. */
struct gpu_run {
	const struct sv_cuda_api *api;
	struct sv_cuda_net *g;
	float **p;          /* net->param[i].data */
	float *logits, *dz;
	uint32_t *idx;
	uint8_t *labels;
};

/* the backend's message, rc passed through */
static int
backend_err(int rc, char *err, size_t errsz)
{
	snprintf(err, errsz, "%s", backend.api->last_error());
	return rc ? rc : SV_EXIT_ENV;
}

/* sv_evaluate with the forward passes on the GPU: test-set accuracy and
 * mean cross-entropy of the GPU's current weights */
static int
gpu_evaluate(struct gpu_run *gr, struct sv_net *net,
             const struct sv_dataset *d, const float lut[3][256],
             uint32_t *correct, uint32_t *total, double *loss)
{
	const struct sv_split *s = &d->test;
	double sum = 0;
	uint32_t ok = 0;
	int rc;

	for (uint32_t b = 0; b < s->n; b += (uint32_t)net->batch) {
		int n = (int)(s->n - b < (uint32_t)net->batch ? s->n - b
		                                             : (uint32_t)net->batch);
		const float *z = gr->logits;

		for (int i = 0; i < n; i++)
			gr->idx[i] = b + (uint32_t)i;
		gather(net->x, s, gr->idx, n, lut, 0, 0, 0);
		if ((rc = gr->api->forward(gr->g, net->x, n, 0, gr->logits)))
			return rc;
		sum += sv_softmax_xent(z, s->y + b, NULL, n, net->nclass, 0, 0) * n;
		for (int i = 0; i < n; i++) {
			const float *zi = z + (size_t)i * net->nclass;
			int best = 0;

			for (int k = 1; k < net->nclass; k++)
				if (zi[k] > zi[best])
					best = k;
			ok += best == s->y[b + i];
		}
	}
	*correct = ok;
	*total = s->n;
	*loss = s->n ? sum / s->n : 0;
	return 0;
}

/* evaluate, copy the weights back into net->param and hash them */
static int
finish_epoch(struct gpu_run *gr, struct sv_net *net,
             const struct sv_dataset *d, const float lut[3][256],
             struct sv_epoch_result *e)
{
	int rc;

	if ((rc = gpu_evaluate(gr, net, d, lut, &e->correct, &e->total,
	                       &e->test_loss)))
		return rc;
	if ((rc = gr->api->get_params(gr->g, gr->p)))
		return rc;
	sv_tensor_hash(net->param, net->nparam, e->hash);
	return 0;
}

/* the loop of sv_train_seed (lib/train.c), step for step */
static int
gpu_train(struct gpu_run *gr, struct sv_net *net, const struct sv_dataset *d,
          const struct sv_train_opts *o, uint64_t seed,
          struct sv_train_result *res)
{
	const struct sv_split *s = &d->train;
	uint64_t k_init = o->vary & SV_VARY_INIT ? seed : o->base_seed;
	uint64_t k_order = o->vary & SV_VARY_ORDER ? seed : o->base_seed;
	uint64_t k_aug = o->vary & SV_VARY_AUG ? seed : o->base_seed;
	uint64_t k_split = o->vary & SV_VARY_SPLIT ? seed : o->base_seed;
	uint32_t n = s->n, *pool, *order;
	float lut[3][256];
	int B = o->r.batch, rc = 0;

	sv_dataset_lut(d, lut);
	pool = sv_mallocarray(n ? n : 1, sizeof *pool);
	for (uint32_t i = 0; i < n; i++)
		pool[i] = i;
	if (o->train_size && o->train_size < n) {
		permute(pool, n, k_split, SV_STREAM_SPLIT, 0);
		n = o->train_size;
		qsort(pool, n, sizeof *pool, cmp_u32);
	}
	order = sv_mallocarray(n ? n : 1, sizeof *order);
	sv_net_init_weights(net, k_init);
	sv_tensor_hash(net->param, net->nparam, res->last.init_hash);
	if ((rc = gr->api->set_params(gr->g, gr->p)))
		goto out;
	for (int e = 0; e < o->r.epochs; e++) {
		int nsteps = o->r.drop_last ? (int)(n / (uint32_t)B)
		                            : (int)((n + (uint32_t)B - 1) / (uint32_t)B);
		float lr = o->r.lr * sv_lr_factor(o->r.schedule, e, o->r.epochs);
		double lsum = 0;
		uint32_t lcount = 0;

		memcpy(order, pool, n * sizeof *order);
		permute(order, n, k_order, SV_STREAM_ORDER, (uint32_t)e);
		for (int step = 0; step < nsteps; step++) {
			uint32_t at = (uint32_t)step * (uint32_t)B;
			int bn = (int)(n - at < (uint32_t)B ? n - at : (uint32_t)B);
			double loss;

			gather(net->x, s, order + at, bn, lut, k_aug, e, o->r.augment);
			for (int i = 0; i < bn; i++)
				gr->labels[i] = s->y[order[at + i]];
			if ((rc = gr->api->forward(gr->g, net->x, bn, 1, gr->logits)))
				goto out;
			loss = sv_softmax_xent(gr->logits, gr->labels, gr->dz, bn,
			                       net->nclass, o->r.ls_weight, o->r.ls_eps);
			if ((rc = gr->api->backward(gr->g, gr->dz, bn)) ||
			    (rc = gr->api->sgd(gr->g, lr, o->r.momentum, o->r.wd,
			                       o->r.nesterov)))
				goto out;
			lsum += loss * bn;
			lcount += (uint32_t)bn;
			if (o->on_step)
				o->on_step(o->ctx, e, step, nsteps, loss, lr);
		}
		res->last.epoch = e + 1;
		res->last.train_loss = lcount ? lsum / lcount : 0;
		if (o->every_epoch || e == o->r.epochs - 1) {
			if ((rc = finish_epoch(gr, net, d, lut, &res->last)))
				goto out;
			if (o->on_epoch)
				o->on_epoch(o->ctx, &res->last);
		}
	}
	if (o->r.epochs == 0)
		rc = finish_epoch(gr, net, d, lut, &res->last);
out:
	free(pool);
	free(order);
	return rc;
}

int
sv_gpu_train_seed(struct sv_net *net, const struct sv_dataset *d,
                  const struct sv_train_opts *o, uint64_t seed,
                  struct sv_train_result *res, char *err, size_t errsz)
{
	struct sv_cuda_layer *ls;
	uint64_t *count;
	struct sv_cuda_net_desc desc;
	struct gpu_run gr;
	int rc;

	memset(res, 0, sizeof *res);
	if (!backend.api) {
		snprintf(err, errsz, "the GPU backend is not loaded (sv_gpu_open)");
		return SV_EXIT_ENV;
	}
	if (o->r.batch != net->batch) {
		snprintf(err, errsz, "batch %d, the network was built for %d",
		         o->r.batch, net->batch);
		return SV_EXIT_USAGE;
	}
	ls = sv_calloc((size_t)net->def->nlayers, sizeof *ls);
	count = sv_calloc(net->nparam + 1, sizeof *count);
	if ((rc = describe(net, ls, count, &desc, err, errsz)) != 0)
		goto out;
	memset(&gr, 0, sizeof gr);
	gr.api = backend.api;
	if (!(gr.g = gr.api->net_new(&desc))) {
		rc = backend_err(0, err, errsz);
		goto out;
	}
	gr.p = sv_calloc(net->nparam + 1, sizeof *gr.p);
	for (size_t i = 0; i < net->nparam; i++)
		gr.p[i] = net->param[i].data;
	gr.logits = sv_mallocarray((size_t)net->batch * net->nclass, sizeof(float));
	gr.dz = sv_mallocarray((size_t)net->batch * net->nclass, sizeof(float));
	gr.idx = sv_mallocarray((size_t)net->batch, sizeof *gr.idx);
	gr.labels = sv_malloc((size_t)net->batch);
	if ((rc = gpu_train(&gr, net, d, o, seed, res)))
		rc = backend_err(rc, err, errsz);
	gr.api->net_free(gr.g);
	free(gr.p);
	free(gr.logits);
	free(gr.dz);
	free(gr.idx);
	free(gr.labels);
out:
	free(ls);
	free(count);
	return rc;
}
