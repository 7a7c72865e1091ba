/* cohort.c - S seeds trained side by side (cohort.h) */
#include "cohort.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gpu.h"
#include "kernels/batched.h"
#include "kernels/layers.h"
#include "kernels/philox.h"
#include "transfer.h"

/* --- the loop */

/* What the loop keeps for every slot. */
struct slot {
	uint64_t seed;
	uint32_t *pool;       /* the training images it uses */
	double lsum, total;   /* this epoch's loss sum; this step's */
	uint32_t lcount;
	double test_sum;
	uint32_t ok;
};

static int
pass_failed(const struct sv_cohort_exec *ex, int rc, const char *what,
            char *err, size_t errsz)
{
	const char *why = ex->error ? ex->error(ex->ctx) : "";

	return sv_seterr(err, errsz, rc, "%s: %s", what, why && *why ? why :
	                 "failed");
}

/* Evaluate every slot on the test set, bring the weights home and hash
 * them, and report each active slot's epoch. */
static int
finish_epoch(const struct sv_cohort_exec *ex, struct sv_net *net,
             const struct sv_dataset *d, const struct sv_train_opts *o,
             struct slot *sl, int ns, struct sv_train_result *res,
             char *err, size_t errsz)
{
	const struct sv_split *t = &d->test;
	float **p = sv_mallocarray(net->nparam + 1, sizeof *p);
	int K = net->nclass, rc = 0;

	for (int s = 0; s < ex->S; s++)
		sl[s].test_sum = 0, sl[s].ok = 0;
	for (uint32_t b = 0; b < t->n && rc == 0; b += (uint32_t)ex->batch) {
		int n = (int)(t->n - b < (uint32_t)ex->batch ? t->n - b
		                                              : (uint32_t)ex->batch);
		const float *z;

		if ((rc = ex->forward(ex->ctx, 1, b, n, 0, &z)) != 0) {
			rc = pass_failed(ex, rc, "evaluation", err, errsz);
			break;
		}
		for (int s = 0; s < ns; s++) {
			const float *zs = z + (size_t)s * n * K;

			/* one running sum over the samples in order, as
			 * sv_evaluate_on */
			sv_softmax_xent_part(zs, t->y + b, NULL, n, K, 0, 0, 1,
			                     &sl[s].test_sum);
			for (int i = 0; i < n; i++) {
				const float *zi = zs + (size_t)i * K;
				int best = 0;

				for (int k = 1; k < K; k++)
					if (zi[k] > zi[best])
						best = k;
				sl[s].ok += best == t->y[b + i];
			}
		}
	}
	for (size_t i = 0; i < net->nparam; i++)
		p[i] = net->param[i].data;
	for (int s = 0; s < ns && rc == 0; s++) {
		struct sv_epoch_result *e = &res[s].last;

		if ((rc = ex->get_params(ex->ctx, s, p)) != 0) {
			rc = pass_failed(ex, rc, "weights", err, errsz);
			break;
		}
		e->correct = sl[s].ok;
		e->total = t->n;
		e->test_loss = t->n ? sl[s].test_sum / t->n : 0;
		sv_tensor_hash(net->param, net->nparam, e->hash);
		if (o[s].on_epoch)
			o[s].on_epoch(o[s].ctx, e);
	}
	free(p);
	return rc;
}

int
sv_cohort_train(const struct sv_cohort_exec *ex, struct sv_net *net,
                const struct sv_dataset *d, const struct sv_train_opts *o,
                const uint64_t *seeds, int ns, struct sv_train_result *res,
                char *err, size_t errsz)
{
	const struct sv_split *tr = &d->train;
	const struct sv_recipe *r = &o[0].r;
	int S = ex->S, B = r->batch, K = net->nclass, rc = 0;
	int nthreads = net->nthreads > 0 ? net->nthreads : 1;
	uint32_t n = tr->n;
	struct slot *sl;
	uint32_t *order;
	uint64_t *aug_keys;
	float *dz, **p;
	uint8_t *labels;

	if (ns < 1 || ns > S)
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "cohort: %d seeds for "
		                 "%d slots", ns, S);
	if (B < 1 || B > ex->batch)
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "cohort: batch %d, "
		                 "the executor holds %d", B, ex->batch);
	sl = sv_calloc((size_t)S, sizeof *sl);
	aug_keys = sv_calloc((size_t)S, sizeof *aug_keys);
	p = sv_mallocarray(net->nparam + 1, sizeof *p);
	for (size_t i = 0; i < net->nparam; i++)
		p[i] = net->param[i].data;
	for (int s = 0; s < S; s++) {
		const struct sv_train_opts *os = &o[s < ns ? s : 0];

		if (s < ns)
			memset(&res[s], 0, sizeof *res);
		sl[s].seed = seeds[s < ns ? s : 0];
		aug_keys[s] = sv_stream_key(os, SV_VARY_AUG, sl[s].seed);
		sl[s].pool = sv_mallocarray(tr->n ? tr->n : 1, sizeof *sl[s].pool);
		/* every slot uses as many images: the split only picks which */
		n = sv_train_pool(os, sv_stream_key(os, SV_VARY_SPLIT, sl[s].seed),
		                  tr->n, sl[s].pool);
		sv_net_init_weights(net, sv_stream_key(os, SV_VARY_INIT,
		                                       sl[s].seed));
		if (os->transfer)
			sv_transfer_apply(os->transfer, net);
		if (s < ns)
			sv_tensor_hash(net->param, net->nparam, res[s].last.init_hash);
		if ((rc = ex->set_params(ex->ctx, s, p)) != 0) {
			rc = pass_failed(ex, rc, "initial weights", err, errsz);
			goto out;
		}
	}
	order = sv_mallocarray((size_t)S * (n ? n : 1), sizeof *order);
	labels = sv_malloc((size_t)S * B);
	dz = sv_mallocarray((size_t)S * B * K, sizeof *dz);
	for (int e = 0; e < r->epochs && rc == 0; e++) {
		int nsteps = r->drop_last ? (int)(n / (uint32_t)B)
		                          : (int)((n + (uint32_t)B - 1) / (uint32_t)B);
		float lr = r->lr * sv_lr_factor(r->schedule, e, r->epochs);

#pragma omp parallel for schedule(static) num_threads(nthreads)
		for (int s = 0; s < S; s++) {
			uint32_t *os = order + (size_t)s * n;

			memcpy(os, sl[s].pool, n * sizeof *os);
			sv_permute(os, n, sv_stream_key(&o[s < ns ? s : 0],
			                                SV_VARY_ORDER, sl[s].seed),
			           SV_STREAM_ORDER, (uint32_t)e);
			sl[s].lsum = 0, sl[s].lcount = 0;
		}
		if ((rc = ex->set_order(ex->ctx, order, n, r->augment ? aug_keys
		                                                     : NULL,
		                        e)) != 0) {
			rc = pass_failed(ex, rc, "data order", err, errsz);
			break;
		}
		for (int step = 0; step < nsteps && rc == 0; step++) {
			uint32_t at = (uint32_t)step * (uint32_t)B;
			int bn = (int)(n - at < (uint32_t)B ? n - at : (uint32_t)B);
			const float *z;

			if ((rc = ex->forward(ex->ctx, 0, at, bn, 1, &z)) != 0) {
				rc = pass_failed(ex, rc, "forward", err, errsz);
				break;
			}
			/* each slot's loss in its own order: slots in parallel */
#pragma omp parallel for schedule(static) num_threads(nthreads)
			for (int s = 0; s < S; s++) {
				const uint32_t *os = order + (size_t)s * n + at;
				uint8_t *ls = labels + (size_t)s * B;

				for (int i = 0; i < bn; i++)
					ls[i] = tr->y[os[i]];
				sl[s].total = 0;
				sv_softmax_xent_part(z + (size_t)s * bn * K, ls,
				                     dz + (size_t)s * bn * K, bn, K,
				                     r->ls_weight, r->ls_eps, bn,
				                     &sl[s].total);
			}
			if ((rc = ex->backward(ex->ctx, dz, bn)) != 0 ||
			    (rc = ex->sgd(ex->ctx, lr, r->momentum, r->wd,
			                  r->nesterov)) != 0) {
				rc = pass_failed(ex, rc, "training step", err, errsz);
				break;
			}
			for (int s = 0; s < ns; s++) {
				double loss = sl[s].total / bn;

				sl[s].lsum += loss * bn;
				sl[s].lcount += (uint32_t)bn;
				if (o[s].on_step)
					o[s].on_step(o[s].ctx, e, step, nsteps, loss, lr);
			}
		}
		if (rc)
			break;
		for (int s = 0; s < ns; s++) {
			res[s].last.epoch = e + 1;
			res[s].last.train_loss = sl[s].lcount ? sl[s].lsum /
			                                        sl[s].lcount : 0;
		}
		if (o[0].every_epoch || e == r->epochs - 1)
			rc = finish_epoch(ex, net, d, o, sl, ns, res, err, errsz);
	}
	if (rc == 0 && r->epochs == 0)  /* epoch 0: the initial weights */
		rc = finish_epoch(ex, net, d, o, sl, ns, res, err, errsz);
	free(order);
	free(labels);
	free(dz);
out:
	for (int s = 0; s < S; s++)
		free(sl[s].pool);
	free(sl);
	free(aug_keys);
	free(p);
	return rc;
}

int
sv_cohort_fit(size_t free_bytes, size_t data_bytes, size_t slot_bytes,
              int asked, int most, char *err, size_t errsz)
{
	/* half the free memory, less the dataset */
	size_t room = free_bytes / 2 > data_bytes ? free_bytes / 2 - data_bytes : 0;
	size_t fit = slot_bytes ? room / slot_bytes : 0;

	if (asked > 0) {
		if ((size_t)asked > fit)
			return sv_seterr(err, errsz, -SV_EXIT_ENV, "%d seeds at once "
			                 "need about %zu MiB of GPU memory, %zu MiB "
			                 "free for them", asked,
			                 ((size_t)asked * slot_bytes) >> 20, room >> 20);
		return asked;
	}
	if (fit < 1)
		return sv_seterr(err, errsz, -SV_EXIT_ENV, "not enough GPU memory "
		                 "for one seed (about %zu MiB, %zu MiB free for it)",
		                 slot_bytes >> 20, room >> 20);
	return fit > (size_t)most ? most : (int)fit;
}

/* --- the CPU executor: the batched bodies in loops */

struct cpu_layer {
	struct sv_cuda_layer d;
	long isz, osz;        /* floats an image in and out */
	float *out;           /* (S*batch, osz); SAVE: its input's */
	int32_t *arg;         /* pool argmax */
	float *mean, *invstd; /* BN: (S, C) */
	float *skip;          /* SAVE: the gradient through the skip */
};

struct cpu_cohort {
	int S, batch, nl, np, ntrain, nthreads, have_mom;
	struct cpu_layer *l;
	uint64_t *count;
	float **p, **g, **m;  /* tensor i: S * count[i] floats (g, m: trained) */
	char *frozen;
	float *x, *gbuf[2];
	double *bn_pa, *bn_pb;           /* BN image sums: S * batch * C */
	double *bn_dm, *bn_sg, *bn_sb;   /* BN per channel: S * C */
	uint32_t *order, *iota;
	long norder;
	struct sv_aug *aug;   /* (S, nchunk) this epoch's, or NULL */
	long nchunk;
	const struct sv_dataset *d;
	float lut[3 * 256];
	char err[256];
};

static int
cpu_set_params(void *ctx, int s, float *const *p)
{
	struct cpu_cohort *c = ctx;

	for (int i = 0; i < c->np; i++)
		memcpy(c->p[i] + (size_t)s * c->count[i], p[i],
		       c->count[i] * sizeof(float));
	for (int i = 0; i < c->ntrain; i++)
		memset(c->m[i] + (size_t)s * c->count[i], 0,
		       c->count[i] * sizeof(float));
	c->have_mom = 0;
	return 0;
}

static int
cpu_get_params(void *ctx, int s, float *const *p)
{
	struct cpu_cohort *c = ctx;

	for (int i = 0; i < c->np; i++)
		memcpy(p[i], c->p[i] + (size_t)s * c->count[i],
		       c->count[i] * sizeof(float));
	return 0;
}

static int
cpu_set_order(void *ctx, const uint32_t *order, long n,
              const uint64_t *aug_keys, int epoch)
{
	struct cpu_cohort *c = ctx;
	const struct sv_split *tr = &c->d->train;

	if (n > c->norder) {
		free(c->order);
		c->order = sv_mallocarray((size_t)c->S * (size_t)n, sizeof *c->order);
	}
	memcpy(c->order, order, (size_t)c->S * (size_t)n * sizeof *order);
	c->norder = n;
	free(c->aug);
	c->aug = NULL;
	if (aug_keys) {
		c->aug = sv_mallocarray((size_t)c->S * (size_t)c->nchunk,
		                        sizeof *c->aug);
		SV_EACH(c->nthreads, c->S * c->nchunk,
		     sv_baug_draw(aug_keys, (uint32_t)epoch, c->aug, c->nchunk,
		                  (int)tr->h, (int)tr->w, i));
	}
	return 0;
}

static const float *
layer_in(const struct cpu_cohort *c, int i)
{
	return i == 0 ? c->x : c->l[i - 1].out;
}

static struct sv_bbn
bn_args(const struct cpu_cohort *c, const struct cpu_layer *l, int n,
        const float *in, const float *dout, float *din)
{
	const struct sv_cuda_layer *d = &l->d;

	return (struct sv_bbn){ in, dout, c->p[d->w], c->p[d->b], l->out, din,
	                        c->p[d->rm], c->p[d->rv], l->mean, l->invstd,
	                        c->g[d->w], c->g[d->b], c->bn_dm, c->bn_sg,
	                        c->bn_sb, c->bn_pa, c->bn_pb, n,
	                        (long)d->ih * d->iw, c->S, d->ic, 1e-5f, 0.1f };
}

static int
cpu_forward(void *ctx, int test, long at, int n, int train,
            const float **logits)
{
	struct cpu_cohort *c = ctx;
	const struct sv_split *sp = test ? &c->d->test : &c->d->train;
	long per = (long)sp->h * sp->w * sp->c;
	struct sv_bgather g = { sp->x, sp->y, test ? c->iota : c->order, c->lut,
	                        c->x, NULL, per, test ? 0 : c->norder, at,
	                        c->S, n, (int)sp->c, test ? NULL : c->aug,
	                        c->nchunk, (int)sp->h, (int)sp->w };

	if (n < 1 || n > c->batch)
		return sv_seterr(c->err, sizeof c->err, SV_EXIT_USAGE,
		                 "forward: %d images a slot, %d at most", n,
		                 c->batch);
	SV_EACH(c->nthreads, c->S * n * per, sv_bgather_px(&g, i));
	for (int li = 0; li < c->nl; li++) {
		struct cpu_layer *l = &c->l[li];
		const struct sv_cuda_layer *d = &l->d;
		const float *in = layer_in(c, li);
		long N = (long)c->S * n;

		switch (d->op) {
		case SV_CUDA_CONV: {
			struct sv_bconv a = { in, c->p[d->w],
			                      d->b >= 0 ? c->p[d->b] : NULL, NULL,
			                      l->out, NULL, NULL, NULL, c->S, n,
			                      d->ih, d->iw, d->ic, d->oc };

			SV_EACH(c->nthreads, N * l->osz, sv_bconv_fwd(&a, i));
			break;
		}
		case SV_CUDA_RELU:
			sv_relu_fwd(in, l->out, N * l->osz);
			break;
		case SV_CUDA_POOL:
			sv_maxpool2_fwd(in, l->out, l->arg, (int)N, d->ih, d->iw,
			                d->ic, c->nthreads);
			break;
		case SV_CUDA_LINEAR: {
			struct sv_blinear a = { in, c->p[d->w],
			                        d->b >= 0 ? c->p[d->b] : NULL, NULL,
			                        l->out, NULL, NULL, NULL, c->S, n,
			                        (int)l->isz, d->oc };

			SV_EACH(c->nthreads, N * d->oc, sv_blinear_fwd(&a, i));
			break;
		}
		case SV_CUDA_BN: {
			struct sv_bbn a = bn_args(c, l, n, in, NULL, NULL);

			if (train) {
				SV_EACH(c->nthreads, N * d->ic, sv_bbn_part_sum(&a, i));
				SV_EACH(c->nthreads, (long)c->S * d->ic, sv_bbn_mean(&a, i));
				SV_EACH(c->nthreads, N * d->ic, sv_bbn_part_sq(&a, i));
			}
			SV_EACH(c->nthreads, (long)c->S * d->ic, sv_bbn_stats(&a, i, !train));
			SV_EACH(c->nthreads, N * l->osz, sv_bbn_apply(&a, i));
			break;
		}
		case SV_CUDA_GMAX:
			SV_EACH(c->nthreads, N * l->osz, sv_bgmax_fwd(in, l->out, l->arg,
			                                 d->ih * d->iw, d->ic, i));
			break;
		case SV_CUDA_SCALE:
			SV_EACH(c->nthreads, N * l->osz, sv_bscale(in, l->out, d->scale, i));
			break;
		case SV_CUDA_SAVE:
			l->out = (float *)in;
			break;
		case SV_CUDA_ADD:
			SV_EACH(c->nthreads, N * l->osz, sv_badd(in, c->l[d->save].out, l->out, i));
			break;
		}
	}
	*logits = c->l[c->nl - 1].out;
	return 0;
}

static int
cpu_backward(void *ctx, const float *dlogits, int n)
{
	struct cpu_cohort *c = ctx;
	long N = (long)c->S * n;
	int cur = 0;

	memcpy(c->gbuf[0], dlogits, (size_t)N * c->l[c->nl - 1].osz *
	       sizeof(float));
	for (int li = c->nl - 1; li >= 0; li--) {
		struct cpu_layer *l = &c->l[li];
		const struct sv_cuda_layer *d = &l->d;
		const float *in = layer_in(c, li), *dout = c->gbuf[cur];
		float *din = li > 0 ? c->gbuf[1 - cur] : NULL;

		switch (d->op) {
		case SV_CUDA_CONV: {
			struct sv_bconv a = { in, c->p[d->w], NULL, dout, NULL, din,
			                      c->g[d->w], d->b >= 0 ? c->g[d->b] : NULL,
			                      c->S, n, d->ih, d->iw, d->ic, d->oc };

			SV_EACH(c->nthreads, sv_bconv_filter_outputs(&a),
			        sv_bconv_bwd_filter(&a, i));
			SV_EACH(c->nthreads, din ? N * l->isz : 0, sv_bconv_bwd_data(&a, i));
			break;
		}
		case SV_CUDA_RELU:
			if (din)
				sv_relu_bwd(l->out, dout, din, N * l->isz);
			break;
		case SV_CUDA_POOL:
			if (din)
				sv_maxpool2_bwd(dout, l->arg, din, (int)N, d->ih, d->iw,
				                d->ic, c->nthreads);
			break;
		case SV_CUDA_LINEAR: {
			struct sv_blinear a = { in, c->p[d->w], NULL, dout, NULL, din,
			                        c->g[d->w],
			                        d->b >= 0 ? c->g[d->b] : NULL, c->S, n,
			                        (int)l->isz, d->oc };

			SV_EACH(c->nthreads, (long)c->S * d->oc * l->isz, sv_blinear_dw(&a, i));
			SV_EACH(c->nthreads, a.db ? (long)c->S * d->oc : 0, sv_blinear_db(&a, i));
			SV_EACH(c->nthreads, din ? N * l->isz : 0, sv_blinear_din(&a, i));
			break;
		}
		case SV_CUDA_BN:
			/* as sv_net_backward: nothing below the first layer */
			if (din) {
				struct sv_bbn a = bn_args(c, l, n, in, dout, din);

				SV_EACH(c->nthreads, N * d->ic, sv_bbn_part_grad(&a, i));
				SV_EACH(c->nthreads, (long)c->S * d->ic, sv_bbn_grads(&a, i));
				SV_EACH(c->nthreads, N * l->isz, sv_bbn_dx(&a, i));
			}
			break;
		case SV_CUDA_GMAX:
			if (din) {
				memset(din, 0, (size_t)N * l->isz * sizeof *din);
				SV_EACH(c->nthreads, N * l->osz, sv_bgmax_bwd(dout, l->arg, din,
				                                 d->ih * d->iw, d->ic, i));
			}
			break;
		case SV_CUDA_SCALE:
			SV_EACH(c->nthreads, din ? N * l->isz : 0,
			        sv_bscale(dout, din, d->scale, i));
			break;
		case SV_CUDA_SAVE:
			SV_EACH(c->nthreads, din ? N * l->isz : 0, sv_badd(dout, l->skip, din, i));
			break;
		case SV_CUDA_ADD:
			memcpy(c->l[d->save].skip, dout, (size_t)N * l->isz *
			       sizeof(float));
			if (din)
				memcpy(din, dout, (size_t)N * l->isz * sizeof(float));
			break;
		}
		cur = 1 - cur;
	}
	return 0;
}

static int
cpu_sgd(void *ctx, float lr, float momentum, float wd, int nesterov)
{
	struct cpu_cohort *c = ctx;

	for (int t = 0; t < c->ntrain; t++)
		if (!c->frozen[t])  /* --freeze: no update, no weight decay */
			SV_EACH(c->nthreads, (long)c->S * (long)c->count[t],
			     sv_bsgd(c->p[t], c->g[t], c->m[t], i, lr, momentum, wd,
			             nesterov, !c->have_mom));
	c->have_mom = 1;
	return 0;
}

static const char *
cpu_error(void *ctx)
{
	return ((struct cpu_cohort *)ctx)->err;
}

static void
cpu_close(void *ctx)
{
	struct cpu_cohort *c = ctx;

	if (!c)
		return;
	for (int i = 0; i < c->nl; i++) {
		struct cpu_layer *l = &c->l[i];

		if (l->d.op != SV_CUDA_SAVE)
			free(l->out);
		free(l->arg), free(l->mean), free(l->invstd), free(l->skip);
	}
	for (int i = 0; i < c->np; i++) {
		free(c->p[i]);
		free(c->g[i]);
		free(c->m[i]);
	}
	free(c->l), free(c->count), free(c->p), free(c->g), free(c->m);
	free(c->frozen), free(c->x), free(c->gbuf[0]), free(c->gbuf[1]);
	free(c->order), free(c->iota), free(c->aug);
	free(c->bn_pa), free(c->bn_pb), free(c->bn_dm), free(c->bn_sg);
	free(c->bn_sb);
	free(c);
}

int
sv_cohort_cpu(struct sv_cohort_exec *ex, const struct sv_net *net,
              const struct sv_dataset *d, int S, int batch, int nthreads,
              char *err, size_t errsz)
{
	const struct sv_model_def *def = net->def;
	struct sv_cuda_layer *ls = sv_calloc((size_t)def->nlayers, sizeof *ls);
	struct cpu_cohort *c = sv_calloc(1, sizeof *c);
	struct sv_cuda_net_desc desc;
	long maxsz, insz = (long)net->in_h * net->in_w * net->in_c, maxc = 1;
	size_t imgs = (size_t)S * batch;
	float lut[3][256];
	int rc;

	memset(ex, 0, sizeof *ex);
	c->count = sv_calloc(net->nparam + 1, sizeof *c->count);
	if ((rc = sv_gpu_describe(net, ls, c->count, &desc, err, errsz)) != 0) {
		free(ls);
		free(c->count);
		free(c);
		return rc;
	}
	c->S = S, c->batch = batch, c->nthreads = nthreads > 0 ? nthreads : 1;
	c->nl = desc.nlayers, c->np = desc.nparam, c->ntrain = desc.ntrain;
	c->d = d;
	c->nchunk = (long)(d->train.n + SV_AUG_CHUNK - 1) / SV_AUG_CHUNK;
	if (c->nchunk < 1)
		c->nchunk = 1;
	c->l = sv_calloc((size_t)c->nl, sizeof *c->l);
	maxsz = insz;
	for (int i = 0; i < c->nl; i++) {
		struct cpu_layer *l = &c->l[i];

		l->d = ls[i];
		l->isz = (long)ls[i].ih * ls[i].iw * ls[i].ic;
		l->osz = (long)ls[i].oh * ls[i].ow * ls[i].oc;
		if (ls[i].op == SV_CUDA_SAVE)
			l->skip = sv_mallocarray(imgs * l->osz, sizeof(float));
		else
			l->out = sv_mallocarray(imgs * l->osz, sizeof(float));
		if (ls[i].op == SV_CUDA_POOL || ls[i].op == SV_CUDA_GMAX)
			l->arg = sv_mallocarray(imgs * l->osz, sizeof(int32_t));
		if (ls[i].op == SV_CUDA_BN) {
			l->mean = sv_mallocarray((size_t)S * ls[i].ic, sizeof(float));
			l->invstd = sv_mallocarray((size_t)S * ls[i].ic, sizeof(float));
			if (ls[i].ic > maxc)
				maxc = ls[i].ic;
		}
		if (l->osz > maxsz)
			maxsz = l->osz;
	}
	free(ls);
	c->p = sv_calloc((size_t)c->np, sizeof *c->p);
	c->g = sv_calloc((size_t)c->np, sizeof *c->g);
	c->m = sv_calloc((size_t)c->np, sizeof *c->m);
	c->frozen = sv_calloc((size_t)c->np + 1, 1);
	for (int i = 0; i < c->np; i++) {
		c->p[i] = sv_mallocarray((size_t)S * c->count[i], sizeof(float));
		if (i >= c->ntrain)
			continue;   /* a buffer: no gradient, no momentum */
		c->g[i] = sv_calloc((size_t)S * c->count[i], sizeof(float));
		c->m[i] = sv_calloc((size_t)S * c->count[i], sizeof(float));
		c->frozen[i] = net->frozen ? net->frozen[i] : 0;
	}
	c->x = sv_mallocarray(imgs * insz, sizeof(float));
	c->bn_pa = sv_mallocarray(imgs * maxc, sizeof(double));
	c->bn_pb = sv_mallocarray(imgs * maxc, sizeof(double));
	c->bn_dm = sv_mallocarray((size_t)S * maxc, sizeof(double));
	c->bn_sg = sv_mallocarray((size_t)S * maxc, sizeof(double));
	c->bn_sb = sv_mallocarray((size_t)S * maxc, sizeof(double));
	c->gbuf[0] = sv_mallocarray(imgs * maxsz, sizeof(float));
	c->gbuf[1] = sv_mallocarray(imgs * maxsz, sizeof(float));
	c->iota = sv_mallocarray(d->test.n ? d->test.n : 1, sizeof *c->iota);
	for (uint32_t i = 0; i < d->test.n; i++)
		c->iota[i] = i;
	sv_dataset_lut(d, lut);
	memcpy(c->lut, lut, sizeof c->lut);
	*ex = (struct sv_cohort_exec){ c, S, batch, cpu_set_params,
	                               cpu_get_params, cpu_set_order, cpu_forward,
	                               cpu_backward, cpu_sgd, cpu_error,
	                               cpu_close };
	return 0;
}
