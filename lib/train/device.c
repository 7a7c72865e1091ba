/* device.c - opening the CPU or a GPU as the device of a run */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "device.h"
#include "gpu.h"
#include "net.h"

/* --- the CPU: the passes are net.c's and sgd.c's */
static int
cpu_forward(void *ctx, struct sv_net *net, int n, int train,
            const float **logits)
{
	(void)ctx;
	*logits = sv_net_forward(net, n, train);
	return 0;
}

static int
cpu_backward(void *ctx, struct sv_net *net, const float *dlogits, int n,
             int accumulate)
{
	(void)ctx;
	sv_net_backward(net, dlogits, n, accumulate);
	return 0;
}

static int
cpu_sgd(void *ctx, struct sv_net *net, float lr, float momentum, float wd,
        int nesterov)
{
	(void)ctx;
	sv_net_sgd(net, lr, momentum, wd, nesterov);
	return 0;
}

/* Parts of 32 images keep most of fmnist-small's activations (about 2 MB)
 * in the core's cache through forward and backward. */
enum { CPU_PART = 32 };

void
sv_device_cpu(struct sv_device *dev, const struct sv_net *net)
{
	memset(dev, 0, sizeof *dev);
	dev->kind = SV_DEVICE_CPU;
	dev->kind_name = "cpu";
	strcpy(dev->name, "cpu");
	/* BatchNorm needs the whole batch at once */
	dev->ops.part = sv_net_has_batchnorm(net) ? 0 : CPU_PART;
	dev->ops.forward = cpu_forward;
	dev->ops.backward = cpu_backward;
	dev->ops.sgd = cpu_sgd;
}

int
sv_device_open(struct sv_device *dev, const char *kind, struct sv_net *net,
               char *err, size_t errsz)
{
	if (strcmp(kind, "cpu") == 0) {
		sv_device_cpu(dev, net);
		return SV_EXIT_OK;
	}
	if (strcmp(kind, "gpu") == 0)
		return sv_gpu_device(dev, net, err, errsz);
	return sv_seterr(err, errsz, SV_EXIT_USAGE,
	                 "unknown device '%s' (cpu, gpu)", kind);
}

void
sv_device_close(struct sv_device *dev)
{
	if (dev->close)
		dev->close(dev);
	dev->close = NULL;
}

const char *
sv_device_error(const struct sv_device *dev)
{
	const char *e = dev->ops.error ? dev->ops.error(dev->ops.ctx) : NULL;

	return e ? e : "";
}

/* How many seeds fit in half the available memory at seed_bytes each. */
static size_t
memory_cap(size_t seed_bytes)
{
	long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	size_t fit;

	if (pages <= 0 || psz <= 0 || seed_bytes == 0)
		return SIZE_MAX;
	fit = (size_t)pages / 2 * (size_t)psz / seed_bytes;
	return fit ? fit : 1;
}

int
sv_seeds_at_once(int asked, int threads, size_t nseeds, size_t seed_bytes,
                 char *warn, size_t warnsz)
{
	size_t n = asked > 0 ? (size_t)asked : (size_t)(threads > 0 ? threads : 1);
	size_t cap = memory_cap(seed_bytes);

	if (warnsz)
		*warn = '\0';
	if (asked <= 0 && nseeds < n)
		n = nseeds ? nseeds : 1;
	if (n > cap) {
		if (asked > 0)
			snprintf(warn, warnsz, "--in-flight %d: memory for %zu seeds "
			         "at once (%zu MB each)", asked, cap, seed_bytes >> 20);
		n = cap;
	}
	return (int)n;
}
