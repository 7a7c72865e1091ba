/* runner.c - seeds in flight on workers, each with its network and device */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/ordered.h"
#include "base/util.h"
#include "cohort.h"
#include "gpu.h"
#include "runner.h"
#include "scan.h"

struct worker {
	struct sv_net net;
	struct sv_device dev;
	int built, open;
};

struct runner {
	const struct sv_runner_cfg *cfg;
	const struct sv_runner_ops *ops;
	struct worker *w;
	int nworkers;
	int failed;               /* a seed failed: nothing after it is done */
	int rc;
	char err[1024];
};

/* One seed in the queue. */
struct item {
	struct runner *R;
	struct sv_job job;
	int rc;                   /* its training's status */
	char err[1024];
};

static void
step_cb(void *ctx, int epoch, int step, int nsteps, double loss, float lr)
{
	struct item *it = ctx;
	const struct sv_runner_ops *ops = it->R->ops;

	if (ops->on_step)
		ops->on_step(ops->ctx, &it->job, epoch, step, nsteps, loss, lr);
}

static void
epoch_cb(void *ctx, const struct sv_epoch_result *e)
{
	struct item *it = ctx;
	const struct sv_runner_ops *ops = it->R->ops;

	if (ops->on_epoch)
		ops->on_epoch(ops->ctx, &it->job, e);
}

/* Train one seed on worker wi (sv_ordered_work). */
static void
work(void *ctx, int wi, void *p)
{
	struct runner *R = ctx;
	struct worker *w = &R->w[wi];
	struct item *it = p;
	struct sv_train_opts o = R->cfg->o;
	struct sv_train_result res;
	struct timespec ts;

	it->job.dev = &w->dev;
	it->job.net = &w->net;
	o.on_step = step_cb;
	o.on_epoch = epoch_cb;
	o.ctx = it;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	it->job.t_start = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
	it->rc = sv_train_seed_on(&w->dev, &w->net, R->cfg->data, &o,
	                          it->job.seed, &res);
	if (it->rc != 0) {
		snprintf(it->err, sizeof it->err, "--device %s: %s",
		         w->dev.kind_name, it->rc == SV_EXIT_USAGE &&
		         !*sv_device_error(&w->dev) ? "a batch larger than the "
		         "network's" : sv_device_error(&w->dev));
		return;
	}
	R->ops->trained(R->ops->ctx, &it->job, &res);
}

/* Finish one seed in input order (sv_ordered_done). */
static void
done(void *ctx, void *p)
{
	struct runner *R = ctx;
	struct item *it = p;

	if (!R->failed && it->rc != 0) {
		__atomic_store_n(&R->failed, 1, __ATOMIC_RELAXED);
		R->rc = it->rc;
		snprintf(R->err, sizeof R->err, "%s", it->err);
	}
	if (R->failed) {
		if (R->ops->drop)
			R->ops->drop(R->ops->ctx, &it->job);
	} else {
		R->ops->done(R->ops->ctx, &it->job);
	}
	free(it);
}

/* Worker i's network, built once; threads may change before it trains. */
static int
build_net(struct runner *R, int i, int threads, char *err, size_t errsz)
{
	const struct sv_runner_cfg *c = R->cfg;
	const struct sv_split *s = &c->data->train;
	struct worker *w = &R->w[i];
	int rc;

	if (!w->built) {
		if ((rc = sv_net_init(&w->net, c->model, c->o.r.batch, (int)s->h,
		                      (int)s->w, (int)s->c, c->data->nclass,
		                      threads, err, errsz)) != 0)
			return rc;
		w->built = 1;
	}
	w->net.nthreads = threads;
	return SV_EXIT_OK;
}

static int
open_dev(struct runner *R, int i, char *err, size_t errsz)
{
	struct worker *w = &R->w[i];
	char why[1024];
	int rc;

	if ((rc = sv_device_open(&w->dev, R->cfg->device, &w->net, why,
	                         sizeof why)) != 0)
		return sv_seterr(err, errsz, rc, "--device %s: %s", R->cfg->device,
		                 why);
	w->open = 1;
	return SV_EXIT_OK;
}

static void
queue(struct runner *R, struct sv_ordered *q, uint64_t seed, int threads)
{
	struct item *it = sv_calloc(1, sizeof *it);

	it->R = R;
	it->job.seed = seed;
	it->job.threads = threads;
	it->job.user = R->ops->job_new ? R->ops->job_new(R->ops->ctx, seed) : NULL;
	sv_ordered_put(q, it);
}

/* The seeds of src in cohorts on one executor (the caller has built
 * net); first[0..nfirst-1] are seeds already read, st what the last read
 * gave (with status and srcerr for a bad line). */
static int
run_cohorts(struct runner *R, struct sv_seed_source *src, struct sv_net *net,
            const uint64_t *first, size_t nfirst, enum sv_rec_status st,
            int status, const char *srcerr, char *err, size_t errsz)
{
	const struct sv_runner_cfg *cfg = R->cfg;
	const struct sv_runner_ops *ops = R->ops;
	struct sv_cohort_exec ex;
	struct sv_device dev;
	struct item *it;
	struct sv_train_opts *o;
	struct sv_train_result *res;
	uint64_t *seeds, seed;
	float **p;
	char rderr[1024], why[1024], badline[1024];
	int S, rc, batch = cfg->o.r.batch;
	/* no more slots than seeds to come, when that is known: the whole
	 * input read ahead already, or --count */
	size_t known = st != SV_REC_DATA ? nfirst : cfg->count ? cfg->count : 0;

	snprintf(badline, sizeof badline, "%s", srcerr);
	memset(&dev, 0, sizeof dev);
	if (cfg->cohort_cpu) {
		S = cfg->gpu_seeds > 0 ? cfg->gpu_seeds : 4;
	} else {
		S = sv_gpu_cohort_slots(net, cfg->data, batch, cfg->gpu_seeds, why,
		                        sizeof why);
		if (S < 0)
			return sv_seterr(err, errsz, -S, "--device gpu: %s", why);
	}
	if (known > 0 && known < (size_t)S)
		S = (int)known;
	if (cfg->cohort_cpu) {
		rc = sv_cohort_cpu(&ex, net, cfg->data, S, batch, cfg->threads,
		                   why, sizeof why);
		dev.kind_name = "cpu";
	} else {
		rc = sv_gpu_cohort(&ex, net, cfg->data, S, batch, cfg->gpu_math,
		                   why, sizeof why);
		dev.kind_name = "gpu";
	}
	if (rc != 0)
		return sv_seterr(err, errsz, rc, "--device %s: %s", dev.kind_name,
		                 why);
	dev.kind = cfg->cohort_cpu ? SV_DEVICE_CPU : SV_DEVICE_GPU;
	if (!cfg->cohort_cpu && cfg->device_label)
		dev.kind_name = cfg->device_label;   /* the record's column */
	it = sv_calloc((size_t)S, sizeof *it);
	o = sv_calloc((size_t)S, sizeof *o);
	res = sv_calloc((size_t)S, sizeof *res);
	seeds = sv_calloc((size_t)S, sizeof *seeds);
	p = sv_calloc(net->nparam + 1, sizeof *p);
	for (size_t i = 0; i < net->nparam; i++)
		p[i] = net->param[i].data;
	while (rc == 0) {
		int ns = 0;
		struct timespec ts;

		while (ns < S && nfirst > 0) {
			seeds[ns++] = *first++;
			nfirst--;
		}
		while (ns < S && st == SV_REC_DATA &&
		       (st = sv_seed_source_next(src, &seed, &status, badline,
		                                 sizeof badline)) == SV_REC_DATA)
			if (!sv_scan_has(cfg->skip, cfg->nskip, seed))
				seeds[ns++] = seed;
		if (ns == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		for (int i = 0; i < ns; i++) {
			memset(&it[i], 0, sizeof it[i]);
			it[i].R = R;
			it[i].job.seed = seeds[i];
			it[i].job.threads = cfg->threads;
			it[i].job.dev = &dev;
			it[i].job.net = net;
			it[i].job.t_start = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
			it[i].job.user = ops->job_new ? ops->job_new(ops->ctx, seeds[i])
			                              : NULL;
			o[i] = cfg->o;
			o[i].on_step = step_cb;
			o[i].on_epoch = epoch_cb;
			o[i].ctx = &it[i];
		}
		rc = sv_cohort_train(&ex, net, cfg->data, o, seeds, ns, res, rderr,
		                     sizeof rderr);
		/* the weights of each seed in net, then its record */
		for (int i = 0; i < ns && rc == 0; i++) {
			if ((rc = ex.get_params(ex.ctx, i, p)) != 0) {
				snprintf(rderr, sizeof rderr, "weights: %s",
				         ex.error(ex.ctx));
				break;
			}
			ops->trained(ops->ctx, &it[i].job, &res[i]);
			ops->done(ops->ctx, &it[i].job);
			it[i].job.user = NULL;
		}
		for (int i = 0; i < ns; i++)
			if (it[i].job.user && ops->drop)
				ops->drop(ops->ctx, &it[i].job);
		if (rc != 0)
			rc = sv_seterr(err, errsz, rc, "--device %s: %s",
			               cfg->cohort_cpu ? "cpu" : "gpu", rderr);
		else if (st != SV_REC_DATA)
			break;
	}
	if (rc == 0 && st == SV_REC_BAD)
		rc = sv_seterr(err, errsz, status, "%s", badline);
	ex.close(ex.ctx);
	free(it), free(o), free(res), free(seeds), free(p);
	return rc;
}

int
sv_runner_run(const struct sv_runner_cfg *cfg, struct sv_seed_source *src,
              const struct sv_runner_ops *ops, char *err, size_t errsz)
{
	struct runner R = { cfg, ops, NULL, 0, 0, 0, "" };
	int threads = cfg->threads > 0 ? cfg->threads : 1;
	int gpu = strcmp(cfg->device, "gpu") == 0, rc = SV_EXIT_OK, status = 0;
	uint64_t *ahead = sv_mallocarray((size_t)threads, sizeof *ahead), seed;
	size_t nahead = 0;
	enum sv_rec_status st = SV_REC_EOF;
	char srcerr[1024] = "", warn[256];
	struct sv_ordered *q;
	int seed_threads;

	R.w = sv_calloc((size_t)threads + 256, sizeof *R.w);
	/* the first network tells what a seed in flight takes */
	if ((rc = build_net(&R, 0, threads, err, errsz)) != 0)
		goto out;
	/* read ahead as many seeds as there are threads: fewer seeds than
	 * threads share the threads */
	while (nahead < (size_t)threads &&
	       (st = sv_seed_source_next(src, &seed, &status, srcerr,
	                                 sizeof srcerr)) == SV_REC_DATA)
		if (!sv_scan_has(cfg->skip, cfg->nskip, seed))
			ahead[nahead++] = seed;
	if (gpu || cfg->cohort_cpu) {
		/* ahead[] holds the first seeds */
		rc = run_cohorts(&R, src, &R.w[0].net, ahead, nahead, st, status,
		                 srcerr, err, errsz);
		goto out;
	}
	if (gpu) {
		R.nworkers = 1;
	} else {
		size_t known = st == SV_REC_DATA ? SIZE_MAX : nahead;

		if (cfg->count && cfg->count < known)
			known = (size_t)cfg->count;
		R.nworkers = sv_seeds_at_once(cfg->inflight, threads, known,
		                              sv_net_bytes(&R.w[0].net), warn,
		                              sizeof warn);
		if (*warn)
			sv_warn("%s", warn);
	}
	seed_threads = threads / R.nworkers > 0 ? threads / R.nworkers : 1;
	for (int i = 0; i < R.nworkers; i++)
		if ((rc = build_net(&R, i, seed_threads, err, errsz)) != 0 ||
		    (rc = open_dev(&R, i, err, errsz)) != 0)
			goto out;

	q = sv_ordered_new(R.nworkers, 2 * (size_t)R.nworkers, work, done, &R);
	for (size_t i = 0; i < nahead; i++)
		queue(&R, q, ahead[i], seed_threads);
	/* the rest of the input, as it comes; a failed seed stops the reading */
	while (st == SV_REC_DATA && !__atomic_load_n(&R.failed, __ATOMIC_RELAXED) &&
	       (st = sv_seed_source_next(src, &seed, &status, srcerr,
	                                 sizeof srcerr)) == SV_REC_DATA)
		if (!sv_scan_has(cfg->skip, cfg->nskip, seed))
			queue(&R, q, seed, seed_threads);
	/* the seeds before a bad line are trained and done first */
	sv_ordered_finish(q);
	if (R.failed)
		rc = sv_seterr(err, errsz, R.rc, "%s", R.err);
	else if (st == SV_REC_BAD)
		rc = sv_seterr(err, errsz, status, "%s", srcerr);
out:
	for (int i = 0; i < threads + 256; i++) {
		if (R.w[i].open)
			sv_device_close(&R.w[i].dev);
		if (R.w[i].built)
			sv_net_free(&R.w[i].net);
	}
	free(R.w);
	free(ahead);
	return rc;
}
