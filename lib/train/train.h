/* train.h - training one model for one seed, and evaluating it */
#ifndef SV_TRAIN_H
#define SV_TRAIN_H

#include <stdint.h>

#include "dataset.h"
#include "device.h"
#include "net.h"

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

struct sv_transfer;

struct sv_train_opts {
	struct sv_recipe r;
	/* start from a checkpoint, re-initialise or freeze layers
	 * (transfer.h); NULL: every seed from its own initial weights */
	const struct sv_transfer *transfer;
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

/* The key of one source of randomness (SV_VARY_INIT ...) for seed: the
 * seed when o varies that source, else o's base seed. */
static inline uint64_t
sv_stream_key(const struct sv_train_opts *o, unsigned source, uint64_t seed)
{
	return o->vary & source ? seed : o->base_seed;
}

/* The training images a run uses: pool[0..n-1] = 0..n-1, or with a train
 * size below n that many of them, drawn with the split stream of k_split
 * and sorted.  Returns how many. */
uint32_t sv_train_pool(const struct sv_train_opts *o, uint64_t k_split,
                       uint32_t n, uint32_t *pool);

/* Fisher-Yates over idx[0..n-1], i from n-1 down to 1, j drawn from
 * counter i of (seed, stream, sub): the data order of an epoch (stream
 * order, sub the epoch) and the split. */
void sv_permute(uint32_t *idx, uint32_t n, uint64_t seed, int stream,
                uint32_t sub);

/* Train net (built for d's shapes, batch at least o->r.batch) from
 * scratch for seed, with the passes on dev (NULL: the CPU).  The result
 * depends only on (data, model, options, seed): not on the device, the
 * thread count, the instruction set or the machine's load.  Returns 0, 2
 * (a batch larger than the network's) or the first non-zero status a pass
 * returned (the run stops there; sv_device_error says why). */
int sv_train_seed_on(const struct sv_device *dev, struct sv_net *net,
                     const struct sv_dataset *d,
                     const struct sv_train_opts *o, uint64_t seed,
                     struct sv_train_result *res);

/* sv_train_seed_on() on the CPU (for a batch the network was built for). */
void sv_train_seed(struct sv_net *net, const struct sv_dataset *d,
                   const struct sv_train_opts *o, uint64_t seed,
                   struct sv_train_result *res);

/* The recipe and randomness options of o as one canonical string
 * ("epochs=1 batch=128 lr=0.0500000007 ... train_size=0"), as checkpoints
 * store it. */
void sv_train_opts_string(const struct sv_train_opts *o, char *buf,
                          size_t n);

/* The options that make a record, as one sv-train command line (the
 * record's recipe column): "-m MODEL -d DATA --epochs N --batch N --lr X
 * --momentum X --nesterov|--no-nesterov --wd X --schedule NAME
 * --augment|--no-augment --vary LIST
 * --base-seed N [--train-size N]" and then extra (the caller's further
 * options, "" for none, its values quoted by the caller), numbers in the
 * shortest form that reads back to the same float, MODEL and DATA quoted
 * as shell words (sv_word_put: a path with a blank).  Returns 0, or -1
 * when it does not fit in n. */
int sv_recipe_line(const char *model, const char *data,
                   const struct sv_train_opts *o, const char *extra,
                   char *buf, size_t n);

/* Test-set accuracy and mean cross-entropy of net's current weights. */
void sv_evaluate(struct sv_net *net, const struct sv_dataset *d,
                 uint32_t *correct, uint32_t *total, double *loss);
/* The same with the forward passes on dev (NULL: the CPU); 0 or a status. */
int sv_evaluate_on(const struct sv_device *dev, struct sv_net *net,
                   const struct sv_dataset *d, uint32_t *correct,
                   uint32_t *total, double *loss);

#endif
