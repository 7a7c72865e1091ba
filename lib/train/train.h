/* train.h - training one model for one seed, and evaluating it */
#ifndef SV_TRAIN_H
#define SV_TRAIN_H

#include <stdint.h>

#include "dataset.h"
#include "model.h"

/* Which sources of randomness take the record's seed (--vary). */
enum sv_vary {
	SV_VARY_INIT = 1,
	SV_VARY_ORDER = 2,
	SV_VARY_AUG = 4,
	SV_VARY_SPLIT = 8,
	SV_VARY_ALL = 15
};

/* Parse "all", "none" or a comma list of init,order,aug,split.
 * Returns 0 and sets *mask, or -1 for an unknown word. */
int sv_vary_parse(const char *s, unsigned *mask);
/* The canonical text of a mask: "all", "none" or "init,order"... */
void sv_vary_name(unsigned mask, char *buf, size_t n);

struct sv_epoch_result {
	int epoch;                /* 1-based */
	uint32_t correct, total;
	double test_loss, train_loss;
	char hash[33];            /* weights after this epoch */
	char init_hash[33];       /* the initial weights */
};

struct sv_train_opts {
	struct sv_recipe r;
	unsigned vary;
	uint64_t base_seed;
	uint32_t train_size;      /* 0: the whole training set */
	int every_epoch;          /* evaluate after every epoch */
	/* called after every step and after every evaluated epoch; may be
	 * NULL.  ctx is passed back. */
	void (*on_step)(void *ctx, int epoch, int step, int nsteps,
	                double loss, float lr);
	void (*on_epoch)(void *ctx, const struct sv_epoch_result *e);
	void *ctx;
};

struct sv_train_result {
	struct sv_epoch_result last;
};

/* Where the passes of a run happen.  The training loop, the data order,
 * the initial weights, the loss and the bookkeeping are the same code for
 * every device; a device only provides these.  Each returns 0 or an exit
 * status (the device keeps its own message).  NULL ops means the CPU. */
struct sv_train_ops {
	void *ctx;
	/* > 0: the device takes a batch in consecutive parts of at most this
	 * many images, each part forward then backward with the gradients
	 * accumulating (the same bits as one pass; parts keep the working
	 * set in cache).  0: whole batches. */
	int part;
	/* copy net->param to the device (after initialisation) */
	int (*push)(void *ctx, struct sv_net *net);
	/* net->x (n,H,W,C) -> *logits (n,nclass), valid until the next call */
	int (*forward)(void *ctx, struct sv_net *net, int n, int train,
	               const float **logits);
	int (*backward)(void *ctx, struct sv_net *net, const float *dlogits,
	                int n, int accumulate);
	int (*sgd)(void *ctx, struct sv_net *net, float lr, float momentum,
	           float wd, int nesterov);
	/* copy the device's weights back into net->param */
	int (*pull)(void *ctx, struct sv_net *net);
};

/* sv_train_seed with the passes on the device of ops; returns 0 or the
 * first non-zero status an op returned (the run stops there). */
int sv_train_seed_on(const struct sv_train_ops *ops, struct sv_net *net,
                     const struct sv_dataset *d,
                     const struct sv_train_opts *o, uint64_t seed,
                     struct sv_train_result *res);

/* Train net (built for d's shapes) from scratch for seed.
 * The result depends only on (data, model, options, seed): not on the
 * thread count, the instruction set or the machine's load. */
void sv_train_seed(struct sv_net *net, const struct sv_dataset *d,
                   const struct sv_train_opts *o, uint64_t seed,
                   struct sv_train_result *res);

/* Test-set accuracy and mean cross-entropy of net's current weights. */
void sv_evaluate(struct sv_net *net, const struct sv_dataset *d,
                 uint32_t *correct, uint32_t *total, double *loss);
/* The same with the forward passes on the device of ops; 0 or a status. */
int sv_evaluate_on(const struct sv_train_ops *ops, struct sv_net *net,
                   const struct sv_dataset *d, uint32_t *correct,
                   uint32_t *total, double *loss);

/* The learning-rate multiplier of an epoch (0-based) under a schedule. */
float sv_lr_factor(enum sv_schedule s, int epoch, int epochs);

#endif
