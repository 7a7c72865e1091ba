/* test_cohort.c - seeds trained side by side (lib/train/cohort.h) give the
 * records of the same seeds trained alone: the cohort loop with the CPU
 * executor (the batched bodies the GPU runs too) against sv_train_seed,
 * bit for bit in init_hash, hash, correct, test_loss and train_loss, for
 * several slot counts, a cohort with idle slots, a partial last batch, a
 * training subset drawn per seed, every epoch's record and epochs 0, and
 * the paper's resnet9 (BatchNorm, residuals, global max pool, scale) with
 * its augmentation. */
#include <stdlib.h>
#include <string.h>

#include "train/cohort.h"
#include "train/dataset.h"
#include "train/model.h"
#include "train/net.h"
#include "train/train.h"
#include "tap.h"

/* every epoch's result of one seed, as on_epoch reports them */
struct log {
	struct sv_epoch_result e[4];
	int n;
	int steps;
	double first_loss;
};

static void
on_epoch(void *ctx, const struct sv_epoch_result *e)
{
	struct log *l = ctx;

	if (l->n < 4)
		l->e[l->n++] = *e;
}

static void
on_step(void *ctx, int epoch, int step, int nsteps, double loss, float lr)
{
	struct log *l = ctx;

	(void)nsteps, (void)lr;
	if (epoch == 0 && step == 0)
		l->first_loss = loss;
	l->steps++;
}

static int
same(const struct sv_epoch_result *a, const struct sv_epoch_result *b)
{
	return a->epoch == b->epoch && a->correct == b->correct &&
	       a->total == b->total &&
	       memcmp(&a->test_loss, &b->test_loss, sizeof a->test_loss) == 0 &&
	       memcmp(&a->train_loss, &b->train_loss, sizeof a->train_loss) == 0 &&
	       strcmp(a->hash, b->hash) == 0 &&
	       strcmp(a->init_hash, b->init_hash) == 0;
}

static void
run_case(const char *model, const char *data, int S, int ns, int epochs,
         int batch, uint32_t train_size, int every_epoch, unsigned vary,
         int augment)
{
	const struct sv_model_def *def = sv_model_find(model);
	static const uint64_t seeds[] = { 3, 5, 8, 13, 21, 34, 55 };
	struct sv_dataset d;
	struct sv_net net;
	struct sv_cohort_exec ex;
	struct sv_train_opts o[8];
	struct sv_train_result res[8], alone;
	struct log lc[8], la;
	char err[512];
	int good = 1, rc;

	if (!ok(sv_dataset_load(data, &d, err, sizeof err) == 0, "load %s", data) ||
	    !ok(sv_net_init(&net, def, batch, (int)d.train.h, (int)d.train.w,
	                    (int)d.train.c, d.nclass, 2, err, sizeof err) == 0,
	        "net %s", model))
		return;
	memset(o, 0, sizeof o);
	memset(lc, 0, sizeof lc);
	for (int s = 0; s < ns; s++) {
		o[s].r = def->recipe;
		o[s].r.epochs = epochs;
		o[s].r.batch = batch;
		o[s].r.augment = augment;
		o[s].vary = vary;
		o[s].base_seed = 7;
		o[s].train_size = train_size;
		o[s].every_epoch = every_epoch;
		o[s].on_epoch = on_epoch;
		o[s].on_step = on_step;
		o[s].ctx = &lc[s];
	}
	rc = sv_cohort_cpu(&ex, &net, &d, S, batch, 2, err, sizeof err);
	if (!ok(rc == 0, "CPU executor, %d slots: %s", S, rc ? err : "built"))
		return;
	rc = sv_cohort_train(&ex, &net, &d, o, seeds, ns, res, err, sizeof err);
	ok(rc == 0, "%s on %s, %d seeds in %d slots, %d epochs, batch %d%s%s: "
	   "trained%s%s", model, data, ns, S, epochs, batch,
	   train_size ? ", a subset" : "", augment ? ", augmented" : "",
	   rc ? ": " : "", rc ? err : "");
	for (int s = 0; s < ns && rc == 0; s++) {
		struct sv_train_opts oa = o[s];

		memset(&la, 0, sizeof la);
		oa.ctx = &la;
		sv_train_seed(&net, &d, &oa, seeds[s], &alone);
		good &= same(&res[s].last, &alone.last) && lc[s].n == la.n &&
		        lc[s].steps == la.steps &&
		        memcmp(&lc[s].first_loss, &la.first_loss,
		               sizeof la.first_loss) == 0;
		for (int k = 0; k < la.n && k < lc[s].n; k++)
			good &= same(&lc[s].e[k], &la.e[k]);
		if (!good) {
			printf("#   seed %llu: cohort hash %s correct %u loss %.17g, "
			       "alone %s %u %.17g\n", (unsigned long long)seeds[s],
			       res[s].last.hash, res[s].last.correct,
			       res[s].last.test_loss, alone.last.hash,
			       alone.last.correct, alone.last.test_loss);
			break;
		}
	}
	ok(rc == 0 && good, "%s: every seed's records equal its training alone "
	   "(%d slots, %d seeds)", model, S, ns);
	ex.close(ex.ctx);
	sv_net_free(&net);
	sv_dataset_free(&d);
}

/* the memory sizing of a GPU cohort */
static void
fit_cases(void)
{
	char err[256];

	is_int(sv_cohort_fit(100u << 20, 10u << 20, 1u << 20, 0, 512, err,
	                     sizeof err), 40, "half of 100 MiB less 10 MiB of "
	       "data: 40 slots of 1 MiB");
	is_int(sv_cohort_fit(100000u << 20, 0, 1u << 20, 0, 512, err,
	                     sizeof err), 512, "at most the cap");
	is_int(sv_cohort_fit(100u << 20, 10u << 20, 1u << 20, 40, 512, err,
	                     sizeof err), 40, "40 asked, 40 fit");
	is_int(sv_cohort_fit(100u << 20, 10u << 20, 1u << 20, 41, 512, err,
	                     sizeof err), -3, "41 asked, 40 fit: refused");
	ok(strstr(err, "41 seeds at once need about 41 MiB") != NULL,
	   "the message says what they need: %s", err);
	is_int(sv_cohort_fit(20u << 20, 10u << 20, 1u << 20, 0, 512, err,
	                     sizeof err), -3, "the data fills the half: refused");
	ok(strstr(err, "not enough GPU memory for one seed") != NULL,
	   "the message says so: %s", err);
}

int
main(void)
{
	fit_cases();
	const char *small = "synthetic:n=200,test=70,h=28,w=28,c=1,classes=10";
	const char *tiny = "synthetic:n=90,test=30,h=28,w=28,c=1,classes=10";

	/* 1100 images: three augmentation chunks, the subset draws from all */
	const char *color = "synthetic:n=1100,test=10,h=9,w=9,c=3,classes=10";

	run_case("mlp", small, 1, 1, 2, 64, 0, 0, SV_VARY_ALL, 0);
	run_case("mlp", small, 3, 3, 2, 64, 0, 1, SV_VARY_ALL, 0);
	run_case("mlp", small, 4, 3, 1, 48, 150, 0, SV_VARY_ALL, 0);
	run_case("mlp", small, 2, 2, 0, 64, 0, 0, SV_VARY_ALL, 0);
	run_case("mlp", small, 3, 3, 1, 64, 120, 0, SV_VARY_ORDER, 0);
	run_case("mlp", small, 7, 5, 1, 50, 130, 0, SV_VARY_ALL, 0);
	run_case("fmnist-small", tiny, 3, 2, 1, 40, 0, 1, SV_VARY_ALL, 0);
	run_case("mlp", "synthetic:n=1100,test=70,h=28,w=28,c=1,classes=10",
	         3, 2, 2, 64, 150, 1, SV_VARY_ALL, 1);
	/* eval mode BatchNorm on every epoch's record; 2 slots, 3 with one
	 * idle, a partial last batch is dropped by the recipe */
	run_case("resnet9", color, 2, 2, 2, 6, 15, 1, SV_VARY_ALL, 1);
	run_case("resnet9", color, 3, 2, 1, 4, 12, 0, SV_VARY_AUG, 1);
	return tap_done();
}
