/* train.c - training one model for one seed, and evaluating it */
#include "train.h"
#include "transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/batched.h"
#include "kernels/layers.h"
#include "kernels/philox.h"
#include "base/util.h"
#include "base/words.h"

static const char *const vary_words[] = { "init", "order", "aug", "split" };

int
sv_vary_parse(const char *s, unsigned *mask)
{
	char *copy, *tok, *save = NULL;
	unsigned m = 0;

	if (strcmp(s, "all") == 0) {
		*mask = SV_VARY_ALL;
		return 0;
	}
	if (strcmp(s, "none") == 0) {
		*mask = 0;
		return 0;
	}
	copy = sv_strdup(s);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < 4; k++)
			if (strcmp(tok, vary_words[k]) == 0)
				break;
		if (k == 4) {
			free(copy);
			return -1;
		}
		m |= 1u << k;
	}
	free(copy);
	if (m == 0)
		return -1;
	*mask = m;
	return 0;
}

void
sv_vary_name(unsigned mask, char *buf, size_t n)
{
	size_t len = 0;

	if (mask == SV_VARY_ALL) {
		snprintf(buf, n, "all");
		return;
	}
	if (mask == 0) {
		snprintf(buf, n, "none");
		return;
	}
	buf[0] = '\0';
	for (int k = 0; k < 4; k++)
		if (mask & (1u << k))
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0,
			                        "%s%s", len ? "," : "", vary_words[k]);
}

/* Fisher-Yates over idx[0..n-1], i from n-1 down to 1, with j drawn from
 * counter i of (seed, stream, sub). */
void
sv_permute(uint32_t *idx, uint32_t n, uint64_t seed, int stream,
           uint32_t sub)
{
	for (uint32_t i = n - 1; i > 0 && n > 1; i--) {
		uint32_t r[4], j, t;

		sv_rand4(seed, (enum sv_stream)stream, sub, i, r);
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

uint32_t
sv_train_pool(const struct sv_train_opts *o, uint64_t k_split, uint32_t n,
              uint32_t *pool)
{
	for (uint32_t i = 0; i < n; i++)
		pool[i] = i;
	if (o->train_size && o->train_size < n) {
		sv_permute(pool, n, k_split, SV_STREAM_SPLIT, 0);
		n = o->train_size;
		qsort(pool, n, sizeof *pool, cmp_u32);
	}
	return n;
}

/* Fill net->x with images idx[0..n-1] of s, normalised through lut;
 * with augment != 0 apply each image's chunk augmentation (aug stream of
 * aug_seed, epoch). */
static void
gather(struct sv_net *net, const struct sv_split *s, const uint32_t *idx,
       int n, const float lut[3][256], uint64_t aug_seed, int epoch,
       int augment)
{
	int H = (int)s->h, W = (int)s->w, C = (int)s->c;
	size_t per = (size_t)H * W * C;

#pragma omp parallel for schedule(static) num_threads(net->nthreads)
	for (int i = 0; i < n; i++) {
		const uint8_t *src = s->x + (size_t)idx[i] * per;
		float *dst = net->x + (size_t)i * per;

		if (!augment) {
			for (size_t p = 0; p < per; p++)
				dst[p] = lut[p % C][src[p]];
			continue;
		}
		{
			struct sv_aug a = sv_aug_draw(aug_seed, (uint32_t)epoch,
			                              idx[i] / SV_AUG_CHUNK, H, W);

			for (size_t p = 0; p < per; p++)
				dst[p] = sv_aug_px(&a, src, lut[0], H, W, C, (long)p);
		}
	}
}

static void
net_hash(const struct sv_net *net, char hex[33])
{
	sv_tensor_hash(net->param, net->nparam, hex);
}

int
sv_evaluate_on(const struct sv_device *dev, struct sv_net *net,
               const struct sv_dataset *d, uint32_t *correct,
               uint32_t *total, double *loss)
{
	const struct sv_split *s = &d->test;
	float lut[3][256];
	uint32_t *idx = sv_mallocarray(net->batch, sizeof *idx);
	double sum = 0;
	uint32_t ok = 0;
	int rc = 0;

	struct sv_device cpu;
	const struct sv_device_ops *ops;
	uint32_t chunk;

	if (!dev) {
		sv_device_cpu(&cpu, net);
		dev = &cpu;
	}
	ops = &dev->ops;
	chunk = (uint32_t)(ops->part > 0 && ops->part < net->batch ? ops->part
	                                                           : net->batch);
	sv_dataset_lut(d, lut);
	for (uint32_t b = 0; b < s->n && rc == 0; b += chunk) {
		int n = (int)(s->n - b < chunk ? s->n - b : chunk);
		const float *z;

		for (int i = 0; i < n; i++)
			idx[i] = b + (uint32_t)i;
		gather(net, s, idx, n, lut, 0, 0, 0);
		if ((rc = ops->forward(ops->ctx, net, n, 0, &z)))
			break;
		/* one running sum over the samples in order: the same
		 * loss whatever the chunk size */
		sv_softmax_xent_part(z, s->y + b, NULL, n, net->nclass, 0, 0, 1,
		                     &sum);
		for (int i = 0; i < n; i++) {
			const float *zi = z + (size_t)i * net->nclass;
			int best = 0;

			for (int k = 1; k < net->nclass; k++)
				if (zi[k] > zi[best])
					best = k;
			ok += best == s->y[b + i];
		}
	}
	free(idx);
	*correct = ok;
	*total = s->n;
	*loss = s->n ? sum / s->n : 0;
	return rc;
}

void
sv_evaluate(struct sv_net *net, const struct sv_dataset *d,
            uint32_t *correct, uint32_t *total, double *loss)
{
	sv_evaluate_on(NULL, net, d, correct, total, loss);
}

/* Evaluate, bring the weights home and hash them. */
static int
finish_epoch(const struct sv_device *dev, struct sv_net *net,
             const struct sv_dataset *d, struct sv_epoch_result *e)
{
	int rc = sv_evaluate_on(dev, net, d, &e->correct, &e->total,
	                        &e->test_loss);

	if (rc == 0 && dev->ops.pull)
		rc = dev->ops.pull(dev->ops.ctx, net);
	if (rc == 0)
		net_hash(net, e->hash);
	return rc;
}

int
sv_train_seed_on(const struct sv_device *dev, struct sv_net *net,
                 const struct sv_dataset *d, const struct sv_train_opts *o,
                 uint64_t seed, struct sv_train_result *res)
{
	const struct sv_split *s = &d->train;
	uint64_t k_init = sv_stream_key(o, SV_VARY_INIT, seed);
	uint64_t k_order = sv_stream_key(o, SV_VARY_ORDER, seed);
	uint64_t k_aug = sv_stream_key(o, SV_VARY_AUG, seed);
	uint64_t k_split = sv_stream_key(o, SV_VARY_SPLIT, seed);
	uint32_t n = s->n, *pool, *order;
	float lut[3][256];
	uint8_t *labels;
	float *dz;
	int B = o->r.batch, rc = 0, part;
	struct sv_device cpu;
	const struct sv_device_ops *ops;

	memset(res, 0, sizeof *res);
	if (B < 1 || B > net->batch)
		return SV_EXIT_USAGE;
	if (!dev) {
		sv_device_cpu(&cpu, net);
		dev = &cpu;
	}
	ops = &dev->ops;
	part = ops->part > 0 ? ops->part : B;
	labels = sv_malloc((size_t)net->batch);
	dz = sv_mallocarray((size_t)net->batch * net->nclass, sizeof(float));
	sv_dataset_lut(d, lut);
	pool = sv_mallocarray(n ? n : 1, sizeof *pool);
	n = sv_train_pool(o, k_split, n, pool);
	order = sv_mallocarray(n ? n : 1, sizeof *order);
	sv_net_init_weights(net, k_init);
	if (o->transfer)
		sv_transfer_apply(o->transfer, net);
	net_hash(net, res->last.init_hash);
	if (ops->push && (rc = ops->push(ops->ctx, net)))
		goto out;
	for (int e = 0; e < o->r.epochs; e++) {
		int nsteps = o->r.drop_last ? (int)(n / (uint32_t)B)
		                            : (int)((n + (uint32_t)B - 1) / (uint32_t)B);
		float lr = o->r.lr * sv_lr_factor(o->r.schedule, e, o->r.epochs);
		double lsum = 0;
		uint32_t lcount = 0;

		memcpy(order, pool, n * sizeof *order);
		sv_permute(order, n, k_order, SV_STREAM_ORDER, (uint32_t)e);
		for (int step = 0; step < nsteps; step++) {
			uint32_t at = (uint32_t)step * (uint32_t)B;
			int bn = (int)(n - at < (uint32_t)B ? n - at : (uint32_t)B);
			double total = 0, loss;

			/* the batch in parts: each sample's loss joins the sum in
			 * order, its gradient is scaled by 1/bn, and the weight
			 * gradients continue their sums part after part */
			for (int p0 = 0; p0 < bn; p0 += part) {
				int pn = bn - p0 < part ? bn - p0 : part;
				const float *z;

				gather(net, s, order + at + p0, pn, lut, k_aug, e,
				       o->r.augment);
				for (int i = 0; i < pn; i++)
					labels[i] = s->y[order[at + p0 + i]];
				if ((rc = ops->forward(ops->ctx, net, pn, 1, &z)))
					goto out;
				sv_softmax_xent_part(z, labels, dz, pn, net->nclass,
				                     o->r.ls_weight, o->r.ls_eps, bn,
				                     &total);
				if ((rc = ops->backward(ops->ctx, net, dz, pn, p0 > 0)))
					goto out;
			}
			if ((rc = ops->sgd(ops->ctx, net, lr, o->r.momentum, o->r.wd,
			                   o->r.nesterov)))
				goto out;
			loss = total / bn;
			lsum += loss * bn;
			lcount += (uint32_t)bn;
			if (o->on_step)
				o->on_step(o->ctx, e, step, nsteps, loss, lr);
		}
		res->last.epoch = e + 1;
		res->last.train_loss = lcount ? lsum / lcount : 0;
		if (o->every_epoch || e == o->r.epochs - 1) {
			if ((rc = finish_epoch(dev, net, d, &res->last)))
				goto out;
			if (o->on_epoch)
				o->on_epoch(o->ctx, &res->last);
		}
	}
	if (o->r.epochs == 0 &&
	    (rc = finish_epoch(dev, net, d, &res->last)) == 0 && o->on_epoch)
		o->on_epoch(o->ctx, &res->last);  /* epoch 0: the initial weights */
out:
	free(pool);
	free(order);
	free(labels);
	free(dz);
	return rc;
}

void
sv_train_seed(struct sv_net *net, const struct sv_dataset *d,
              const struct sv_train_opts *o, uint64_t seed,
              struct sv_train_result *res)
{
	sv_train_seed_on(NULL, net, d, o, seed, res);
}

void
sv_train_opts_string(const struct sv_train_opts *o, char *buf, size_t n)
{
	char vary[64];

	sv_vary_name(o->vary, vary, sizeof vary);
	snprintf(buf, n, "epochs=%d batch=%d lr=%.9g momentum=%.9g nesterov=%d "
	         "wd=%.9g schedule=%s vary=%s base_seed=%llu train_size=%u",
	         o->r.epochs, o->r.batch, (double)o->r.lr, (double)o->r.momentum,
	         o->r.nesterov, (double)o->r.wd, sv_schedule_name(o->r.schedule),
	         vary, (unsigned long long)o->base_seed, o->train_size);
}

/* The shortest %g form of v that strtof reads back to v. */
static void
short_float(float v, char *buf, size_t n)
{
	for (int prec = 1; prec <= 9; prec++) {
		snprintf(buf, n, "%.*g", prec, (double)v);
		if (strtof(buf, NULL) == v)
			return;
	}
}

int
sv_recipe_line(const char *model, const char *data,
               const struct sv_train_opts *o, const char *extra, char *buf,
               size_t n)
{
	char lr[32], mom[32], wd[32], vary[64], ts[32] = "";
	struct sv_buf m = { 0 }, d = { 0 };
	int len;

	short_float(o->r.lr, lr, sizeof lr);
	short_float(o->r.momentum, mom, sizeof mom);
	short_float(o->r.wd, wd, sizeof wd);
	sv_vary_name(o->vary, vary, sizeof vary);
	if (o->train_size)
		snprintf(ts, sizeof ts, " --train-size %u", o->train_size);
	sv_word_put(&m, model);
	sv_word_put(&d, data);
	len = snprintf(buf, n, "-m %s -d %s --epochs %d --batch %d --lr %s "
	               "--momentum %s --%s --wd %s --schedule %s --%s --vary %s "
	               "--base-seed %llu%s%s", m.p, d.p, o->r.epochs,
	               o->r.batch, lr, mom, o->r.nesterov ? "nesterov" :
	               "no-nesterov", wd, sv_schedule_name(o->r.schedule),
	               o->r.augment ? "augment" : "no-augment", vary,
	               (unsigned long long)o->base_seed, ts, extra);
	sv_buf_free(&m);
	sv_buf_free(&d);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}
