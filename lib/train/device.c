/* device.c - opening the CPU or a GPU as the device of a run */
#include <string.h>

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
