/* cohort.h - S seeds trained side by side, each layer's pass once for all
 *
 * A cohort is the seeds of one group trained at once on an executor: each
 * seed has a slot with its own weights, momentum and data order, and each
 * pass (gather, forward, backward, SGD step) runs once over all slots.
 * The loop is sv_train_seed_on's, step for step: the initial weights, the
 * data order and the loss are made on the host with the same functions,
 * the passes are the batched twins of lib/kernels/batched.h.  So slot s's
 * record (correct, test_loss, train_loss, init_hash, hash) is the record
 * of its seed trained alone, bit for bit, for any number of slots.
 *
 * Executors: the GPU backend (the whole dataset on the device; the host
 * sends each epoch's orders and each step's loss gradient, and reads the
 * logits back), and the CPU through the same bodies (sv_cohort_cpu: slow,
 * for the tests that check the loop and the bodies together).
 */
#ifndef SV_COHORT_H
#define SV_COHORT_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "net.h"
#include "train.h"

/* The passes of an executor over its S slots.  Each returns 0 or an exit
 * status (error() then says why). */
struct sv_cohort_exec {
	void *ctx;
	int S;            /* slots */
	int batch;        /* images a slot a pass, at most */
	/* the weights of slot s from p[] (the network's tensors, count each),
	 * its momentum forgotten */
	int (*set_params)(void *ctx, int s, float *const *p);
	/* slot s's weights into p[] */
	int (*get_params)(void *ctx, int s, float *const *p);
	/* this epoch's data orders: order[s*n .. s*n+n-1] is slot s's (indexes
	 * into the training split); aug_keys[S] (or NULL: none) the slots'
	 * augmentation keys, drawn for this epoch (sv_aug_draw) on the
	 * executor */
	int (*set_order)(void *ctx, const uint32_t *order, long n,
	                 const uint64_t *aug_keys, int epoch);
	/* Images at .. at+n-1 (n <= batch) of each slot's order (test: of the
	 * test split, in order, the same for every slot) through the network:
	 * *logits (S*n, nclass), slot after slot, valid until the next call. */
	int (*forward)(void *ctx, int test, long at, int n, int train,
	               const float **logits);
	/* dlogits (S*n, nclass) after a training forward of n images a slot:
	 * every slot's gradients */
	int (*backward)(void *ctx, const float *dlogits, int n);
	/* one SGD step of every slot, tensors the network marks frozen left
	 * as they are (sv_net_sgd) */
	int (*sgd)(void *ctx, float lr, float momentum, float wd, int nesterov);
	const char *(*error)(void *ctx);
	void (*close)(void *ctx);
};

/* Train seeds[0..ns-1] (ns <= ex->S) for the recipe of o[0]; o[i] gives
 * seed i's callbacks (on_step after each step of every seed, on_epoch
 * after each evaluated epoch, slot after slot), res[i] its result.  net
 * is the host network of the model (built for the data; its tensors are
 * the staging area of the weights).  Slots past ns train a copy of seed
 * 0, and nothing of them is reported.  Returns 0, 2 (a batch larger than
 * the executor's; err says so) or a pass's status. */
int sv_cohort_train(const struct sv_cohort_exec *ex, struct sv_net *net,
                    const struct sv_dataset *d, const struct sv_train_opts *o,
                    const uint64_t *seeds, int ns, struct sv_train_result *res,
                    char *err, size_t errsz);

/* How many slots a cohort gets in free_bytes of device memory: half of
 * it, less the dataset's data_bytes, in slots of slot_bytes; asked (> 0)
 * when that many fit, else as many as fit, at most most.  Returns the
 * count, or minus SV_EXIT_ENV with err set (asked does not fit; not one
 * slot fits). */
int sv_cohort_fit(size_t free_bytes, size_t data_bytes, size_t slot_bytes,
                  int asked, int most, char *err, size_t errsz);

/* The CPU executor of S slots for net's model on d: the batched bodies
 * run in loops over their index spaces (nthreads threads).  Returns 0, or
 * 2 with err set for a model with a layer it has no body for. */
int sv_cohort_cpu(struct sv_cohort_exec *ex, const struct sv_net *net,
                  const struct sv_dataset *d, int S, int batch, int nthreads,
                  char *err, size_t errsz);

#endif
