/* device.h - where the passes of training run: the CPU or a GPU
 *
 * A run opens one device for its network (sv_device_open), hands it to the
 * training loop of train.h for every seed, and closes it at the end.  The
 * loop (data order, batches, initial weights, loss, bookkeeping) is the
 * same code for every device; a device supplies only the passes below.
 * A GPU device builds its network on the GPU once, at open.
 */
#ifndef SV_DEVICE_H
#define SV_DEVICE_H

#include <stddef.h>

struct sv_net;

/* The passes.  Each returns 0 or an exit status, the device keeping its
 * message (sv_device_error). */
struct sv_device_ops {
	void *ctx;
	/* > 0: the device takes a batch in consecutive parts of at most this
	 * many images, each part forward then backward with the gradients
	 * accumulating (the same bits as one pass; parts keep the working
	 * set in cache).  0: whole batches. */
	int part;
	/* copy net->param to the device (after initialisation); may be NULL */
	int (*push)(void *ctx, struct sv_net *net);
	/* net->x (n,H,W,C) -> *logits (n,nclass), valid until the next call */
	int (*forward)(void *ctx, struct sv_net *net, int n, int train,
	               const float **logits);
	int (*backward)(void *ctx, struct sv_net *net, const float *dlogits,
	                int n, int accumulate);
	int (*sgd)(void *ctx, struct sv_net *net, float lr, float momentum,
	           float wd, int nesterov);
	/* copy the device's weights back into net->param; may be NULL */
	int (*pull)(void *ctx, struct sv_net *net);
	/* the message of the last failed pass; may be NULL */
	const char *(*error)(void *ctx);
};

enum sv_device_kind { SV_DEVICE_CPU, SV_DEVICE_GPU };

struct sv_device {
	enum sv_device_kind kind;
	const char *kind_name;   /* "cpu" or "gpu": the record's device column */
	char name[256];          /* "cpu" or the GPU's name */
	struct sv_device_ops ops;
	void (*close)(struct sv_device *dev);  /* may be NULL */
};

/* Open the device called kind ("cpu" or "gpu") for net.  Returns 0, 2
 * (SV_EXIT_USAGE: an unknown kind, a model the device cannot run) or 3
 * (SV_EXIT_ENV: no GPU backend, driver or GPU; out of GPU memory), with
 * err saying why. */
int sv_device_open(struct sv_device *dev, const char *kind,
                   struct sv_net *net, char *err, size_t errsz);
/* The CPU device for net (cannot fail). */
void sv_device_cpu(struct sv_device *dev, const struct sv_net *net);
void sv_device_close(struct sv_device *dev);

/* The message of the device's last failed pass ("" when none). */
const char *sv_device_error(const struct sv_device *dev);

/* How many seeds to train at once on the CPU: asked (> 0), else one seed
 * per thread but no more than the seeds there are (nseeds; fewer seeds
 * than threads share the threads); never more than half the available
 * memory holds at seed_bytes a seed.  err gets a warning when asked was
 * cut, else "". */
int sv_seeds_at_once(int asked, int threads, size_t nseeds,
                     size_t seed_bytes, char *warn, size_t warnsz);

#endif
