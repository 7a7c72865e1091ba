/* runner.h - a scan: seeds read as they come, trained on a device (the
 * CPU: several seeds at once; a GPU), finished in input order
 *
 * The one entry point sv-train calls for every device.  The runner opens
 * the device once per network it builds (one network per seed in
 * flight), reads ahead to choose how many seeds to train at once, and
 * hands each seed to the caller's callbacks: on_step and on_epoch during
 * training and trained after it (in the worker's thread, one seed each),
 * then done in input order as soon as the seed and every seed before it
 * are trained (the place to write records).
 */
#ifndef SV_RUNNER_H
#define SV_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "seeds.h"
#include "train.h"

/* One seed in the runner, as the callbacks see it. */
struct sv_job {
	uint64_t seed;
	int threads;                  /* CPU threads this seed trains on */
	double t_start;               /* when its training began
	                                 (CLOCK_MONOTONIC, seconds) */
	const struct sv_device *dev;  /* where it trains */
	const struct sv_net *net;     /* its network: the weights after
	                                 training, in trained() */
	void *user;                   /* the caller's, from job_new */
};

struct sv_runner_ops {
	void *ctx;
	/* the caller's state for a new seed (may be NULL) */
	void *(*job_new)(void *ctx, uint64_t seed);
	/* during training, in the seed's thread; may be NULL */
	void (*on_step)(void *ctx, struct sv_job *j, int epoch, int step,
	                int nsteps, double loss, float lr);
	void (*on_epoch)(void *ctx, struct sv_job *j,
	                 const struct sv_epoch_result *e);
	/* after training, in the seed's thread */
	void (*trained)(void *ctx, struct sv_job *j,
	                const struct sv_train_result *res);
	/* in input order, one at a time: write the seed out, free j->user */
	void (*done)(void *ctx, struct sv_job *j);
	/* a seed that was not trained (after a failure): free j->user; may
	 * be NULL */
	void (*drop)(void *ctx, struct sv_job *j);
};

struct sv_runner_cfg {
	const struct sv_model_def *model;
	const struct sv_dataset *data;
	struct sv_train_opts o;   /* on_step, on_epoch and ctx: the runner's */
	const char *device;       /* "cpu" or "gpu" */
	int threads;              /* CPU threads in all */
	int inflight;             /* seeds at once; 0: chosen (device.h) */
	int gpu_seeds;            /* --device gpu: seeds a cohort (cohort.h),
	                             0: as many as fit */
	int gpu_math;             /* --device gpu: enum sv_gpu_math */
	const char *device_label; /* the record's device column for a GPU
	                             run; NULL: "gpu" */
	int cohort_cpu;           /* --device cpu: seeds in cohorts of
	                             gpu_seeds (default 4) through the CPU
	                             executor (SV_COHORT=cpu, for tests) */
	uint64_t count;           /* seeds to come, 0: unknown (a hint) */
	const uint64_t *skip;     /* seeds not to train, sorted; may be NULL */
	size_t nskip;
};

/* On a GPU the seeds train in cohorts (cohort.h): the runner reads as
 * many seeds as a cohort holds (or what is left of the input), trains
 * them together and writes them out in input order; a recipe the cohort
 * cannot run (augmentation) trains one seed after another instead. */

/* Train every seed of src not in cfg->skip.  Returns 0; or 2 or 3 with err
 * set (a network the data cannot feed, a device that cannot be opened, a
 * pass that failed, a bad line in src): the seeds before the failure are
 * trained and done, none after it. */
int sv_runner_run(const struct sv_runner_cfg *cfg,
                  struct sv_seed_source *src,
                  const struct sv_runner_ops *ops, char *err, size_t errsz);

#endif
