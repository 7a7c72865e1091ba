/* gpu.c - training on a GPU through the dlopen'ed backend libsv-cuda.so
 *
 * A device (device.h) whose passes run on the GPU: the training loop of
 * train.c initialises the weights, makes the data order and the batches
 * and computes the loss on the CPU, and hands the forward and backward
 * passes and the SGD step to the backend, whose kernels are the CPU's
 * twins, so a run gives the CPU's weights. */
#include "gpu.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

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

/* Describe net for the backend: ls[def->nlayers] and count[nparam] are
 * the caller's.  The layer order is sv_net_init's (a ReLU before a pool
 * runs after it), the tensor numbering too (trained tensors in layer
 * order, then the BatchNorm buffers); both are checked against
 * net->param.  Returns 0 or 2 with err set. */
int
sv_gpu_describe(const struct sv_net *net, struct sv_cuda_layer *ls, uint64_t *count,
         struct sv_cuda_net_desc *desc, char *err, size_t errsz)
{
	const struct sv_model_def *def = net->def;
	int h = net->in_h, w = net->in_w, c = net->in_c, np = 0, rc = 0;
	int nbuf = 0, stack[8], sp = 0;
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

		memset(l, 0, sizeof *l);
		l->ih = h, l->iw = w, l->ic = c;
		l->w = l->b = l->rm = l->rv = l->save = -1;
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
		case SV_OP_BN:
			l->op = SV_CUDA_BN;
			l->w = np++;
			l->b = np++;
			l->rm = (int)net->ntrain + nbuf++;
			l->rv = (int)net->ntrain + nbuf++;
			break;
		case SV_OP_GMAX:
			l->op = SV_CUDA_GMAX;
			h = w = 1;
			break;
		case SV_OP_SCALE:
			l->op = SV_CUDA_SCALE;
			l->scale = ld[i].scale;
			break;
		case SV_OP_SAVE:
			l->op = SV_CUDA_SAVE;
			if (sp < 8)
				stack[sp++] = i;
			break;
		case SV_OP_ADD:
			l->op = SV_CUDA_ADD;
			l->save = sp > 0 ? stack[--sp] : -1;
			break;
		default:
			snprintf(err, errsz, "model %s: layer %d (%s): no GPU kernel",
			         def->name, i + 1, op_name(ld[i].op));
			rc = SV_EXIT_USAGE;
		}
		l->oh = h, l->ow = w, l->oc = c;
	}
	free(ld);
	if (rc)
		return rc;
	if ((size_t)np != net->ntrain || (size_t)(np + nbuf) != net->nparam) {
		snprintf(err, errsz, "model %s: %d tensors on the GPU, %zu on the "
		         "CPU", def->name, np + nbuf, net->nparam);
		return SV_EXIT_USAGE;
	}
	for (size_t i = 0; i < net->nparam; i++)
		count[i] = sv_tensor_count(&net->param[i]);
	desc->batch = net->batch;
	desc->in_h = net->in_h, desc->in_w = net->in_w, desc->in_c = net->in_c;
	desc->nclass = net->nclass;
	desc->nlayers = def->nlayers;
	desc->layers = ls;
	desc->nparam = (int)net->nparam;
	desc->ntrain = np;
	desc->count = count;
	return 0;
}

int
sv_gpu_supported(const struct sv_net *net, char *err, size_t errsz)
{
	struct sv_cuda_layer *ls = sv_calloc((size_t)net->def->nlayers, sizeof *ls);
	uint64_t *count = sv_calloc(net->nparam + 1, sizeof *count);
	struct sv_cuda_net_desc desc;
	int rc = sv_gpu_describe(net, ls, count, &desc, err, errsz);

	free(ls);
	free(count);
	return rc;
}

/* --- the GPU as a device (device.h) of the training loop */

/* One training run's GPU state and host buffers. */
struct gpu_run {
	const struct sv_cuda_api *api;
	struct sv_cuda_net *g;
	float **p;          /* net->param[i].data */
	float *logits;
};

static int
gpu_push(void *ctx, struct sv_net *net)
{
	struct gpu_run *gr = ctx;

	(void)net;
	return gr->api->set_params(gr->g, gr->p);
}

static int
gpu_pull(void *ctx, struct sv_net *net)
{
	struct gpu_run *gr = ctx;

	(void)net;
	return gr->api->get_params(gr->g, gr->p);
}

static int
gpu_forward(void *ctx, struct sv_net *net, int n, int train,
            const float **logits)
{
	struct gpu_run *gr = ctx;

	*logits = gr->logits;
	return gr->api->forward(gr->g, net->x, n, train, gr->logits);
}

static int
gpu_backward(void *ctx, struct sv_net *net, const float *dlogits, int n,
             int accumulate)
{
	struct gpu_run *gr = ctx;

	(void)net;
	if (accumulate) /* whole batches only (part 0 below) */
		return SV_EXIT_USAGE;
	return gr->api->backward(gr->g, dlogits, n);
}

static int
gpu_sgd(void *ctx, struct sv_net *net, float lr, float momentum, float wd,
        int nesterov)
{
	struct gpu_run *gr = ctx;

	(void)net;
	return gr->api->sgd(gr->g, lr, momentum, wd, nesterov);
}

static const char *
gpu_error(void *ctx)
{
	struct gpu_run *gr = ctx;

	return gr->api->last_error();
}

static void
gpu_close(struct sv_device *dev)
{
	struct gpu_run *gr = dev->ops.ctx;

	gr->api->net_free(gr->g);
	free(gr->p);
	free(gr->logits);
	free(gr);
	dev->ops.ctx = NULL;
}

int
sv_gpu_device(struct sv_device *dev, struct sv_net *net, char *err,
              size_t errsz)
{
	struct sv_cuda_layer *ls;
	uint64_t *count;
	struct sv_cuda_net_desc desc;
	struct gpu_run *gr;
	int rc;

	memset(dev, 0, sizeof *dev);
	if (!backend.api && (rc = sv_gpu_open(dev->name, sizeof dev->name,
	                                      err, errsz)) != 0)
		return rc;
	ls = sv_calloc((size_t)net->def->nlayers, sizeof *ls);
	count = sv_calloc(net->nparam + 1, sizeof *count);
	if ((rc = sv_gpu_describe(net, ls, count, &desc, err, errsz)) != 0)
		goto out;
	if (backend.api->probe(dev->name, sizeof dev->name) != 0) {
		rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s",
		               backend.api->last_error());
		goto out;
	}
	gr = sv_calloc(1, sizeof *gr);
	gr->api = backend.api;
	if (!(gr->g = gr->api->net_new(&desc))) {
		rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s",
		               backend.api->last_error());
		free(gr);
		goto out;
	}
	gr->p = sv_calloc(net->nparam + 1, sizeof *gr->p);
	for (size_t i = 0; i < net->nparam; i++)
		gr->p[i] = net->param[i].data;
	gr->logits = sv_mallocarray((size_t)net->batch * net->nclass,
	                            sizeof(float));
	dev->kind = SV_DEVICE_GPU;
	dev->kind_name = "gpu";
	dev->ops = (struct sv_device_ops){ gr, 0, gpu_push, gpu_forward,
	                                   gpu_backward, gpu_sgd, gpu_pull,
	                                   gpu_error };
	dev->close = gpu_close;
out:
	free(ls);
	free(count);
	return rc;
}

/* --- a cohort on the GPU (cohort.h) */

struct gpu_cohort {
	const struct sv_cuda_api *api;
	struct sv_cuda_cohort *c;
	float *logits;          /* S * batch * nclass */
};

static int
gc_set_params(void *ctx, int s, float *const *p)
{
	struct gpu_cohort *gc = ctx;

	return gc->api->cohort_set_params(gc->c, s, p);
}

static int
gc_get_params(void *ctx, int s, float *const *p)
{
	struct gpu_cohort *gc = ctx;

	return gc->api->cohort_get_params(gc->c, s, p);
}

static int
gc_set_order(void *ctx, const uint32_t *order, long n,
             const uint64_t *aug_keys, int epoch)
{
	struct gpu_cohort *gc = ctx;

	return gc->api->cohort_set_order(gc->c, order, n, aug_keys, epoch);
}

static int
gc_forward(void *ctx, int test, long at, int n, int train,
           const float **logits)
{
	struct gpu_cohort *gc = ctx;

	*logits = gc->logits;
	return gc->api->cohort_forward(gc->c, test, at, n, train, gc->logits);
}

static int
gc_backward(void *ctx, const float *dlogits, int n)
{
	struct gpu_cohort *gc = ctx;

	return gc->api->cohort_backward(gc->c, dlogits, n);
}

static int
gc_sgd(void *ctx, float lr, float momentum, float wd, int nesterov)
{
	struct gpu_cohort *gc = ctx;

	return gc->api->cohort_sgd(gc->c, lr, momentum, wd, nesterov);
}

static const char *
gc_error(void *ctx)
{
	struct gpu_cohort *gc = ctx;

	return gc->api->last_error();
}

static void
gc_close(void *ctx)
{
	struct gpu_cohort *gc = ctx;

	if (!gc)
		return;
	gc->api->cohort_free(gc->c);
	free(gc->logits);
	free(gc);
}

/* GPU memory one slot of net takes in a cohort: weights, gradients and
 * momentum, the activations of batch images (each layer's output, its
 * gradients, skip gradients and pool positions: sv_net_bytes' share of
 * an image, and a quarter more), the data order (an estimate: the
 * backend allocates a little more). */
static size_t
slot_bytes(const struct sv_net *net, const struct sv_dataset *d, int batch)
{
	size_t params = 0, all = sv_net_bytes(net), per_image;

	for (size_t i = 0; i < net->nparam; i++)
		params += sv_tensor_count(&net->param[i]);
	per_image = all > 3 * params * sizeof(float) && net->batch > 0 ?
	            (all - 3 * params * sizeof(float)) / (size_t)net->batch : 0;
	return 3 * params * sizeof(float) + (size_t)batch * per_image * 5 / 4 +
	       (size_t)d->train.n * sizeof(uint32_t);
}

int
sv_gpu_cohort_slots(const struct sv_net *net, const struct sv_dataset *d,
                    int batch, int asked, char *err, size_t errsz)
{
	size_t free_b = 0, total_b = 0;
	size_t data = (size_t)(d->train.n + d->test.n) * d->train.h * d->train.w *
	              d->train.c;

	if (!backend.api)
		return sv_seterr(err, errsz, -SV_EXIT_ENV, "no GPU backend");
	if (backend.api->mem_info(&free_b, &total_b) != 0)
		return sv_seterr(err, errsz, -SV_EXIT_ENV, "%s",
		                 backend.api->last_error());
	return sv_cohort_fit(free_b, data, slot_bytes(net, d, batch), asked,
	                     SV_GPU_COHORT_MAX, err, errsz);
}

int
sv_gpu_dnn_version(char *ver, size_t n, char *err, size_t errsz)
{
	if (!backend.api)
		return sv_seterr(err, errsz, SV_EXIT_ENV, "no GPU backend");
	if (backend.api->dnn_version(ver, n) != 0)
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s",
		                 backend.api->last_error());
	return 0;
}

int
sv_gpu_cohort(struct sv_cohort_exec *ex, const struct sv_net *net,
              const struct sv_dataset *d, int S, int batch, int math,
              char *err, size_t errsz)
{
	struct sv_cuda_layer *ls;
	uint64_t *count;
	struct sv_cuda_net_desc desc;
	struct sv_cuda_data data;
	struct gpu_cohort *gc;
	float lut[3][256];
	char name[256];
	int rc;

	memset(ex, 0, sizeof *ex);
	if (!backend.api && (rc = sv_gpu_open(name, sizeof name, err, errsz)))
		return rc;
	ls = sv_calloc((size_t)net->def->nlayers, sizeof *ls);
	count = sv_calloc(net->nparam + 1, sizeof *count);
	if ((rc = sv_gpu_describe(net, ls, count, &desc, err, errsz)) != 0)
		goto out;
	desc.batch = batch;
	sv_dataset_lut(d, lut);
	data = (struct sv_cuda_data){ d->train.x, d->test.x, d->train.n,
	                              d->test.n, (int)d->train.h,
	                              (int)d->train.w, (int)d->train.c, &lut[0][0] };
	gc = sv_calloc(1, sizeof *gc);
	gc->api = backend.api;
	if (!(gc->c = gc->api->cohort_new(&desc, S, &data, net->frozen,
	                                  math))) {
		rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s",
		               backend.api->last_error());
		free(gc);
		goto out;
	}
	gc->logits = sv_mallocarray((size_t)S * batch * net->nclass,
	                            sizeof(float));
	*ex = (struct sv_cohort_exec){ gc, S, batch, gc_set_params,
	                               gc_get_params, gc_set_order, gc_forward,
	                               gc_backward, gc_sgd, gc_error, gc_close };
out:
	free(ls);
	free(count);
	return rc;
}
