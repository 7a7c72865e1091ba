/* sgd.c - one SGD step with momentum (PyTorch semantics) */
#include <math.h>

#include "kernels/simd.h"
#include "net.h"

SV_CLONES void
sv_net_sgd(struct sv_net *net, float lr, float momentum, float wd,
           int nesterov)
{
	for (size_t i = 0; i < net->ntrain; i++) {
		float *p = net->param[i].data, *g = net->grad[i], *m = net->mom[i];
		uint64_t n = sv_tensor_count(&net->param[i]);

		if (net->frozen && net->frozen[i])
			continue;   /* --freeze: no update, no weight decay */
		for (uint64_t j = 0; j < n; j++) {
			float gj = fmaf(wd, p[j], g[j]);
			float d;

			m[j] = net->have_mom ? fmaf(momentum, m[j], gj) : gj;
			d = nesterov ? fmaf(momentum, m[j], gj) : m[j];
			p[j] = fmaf(-lr, d, p[j]);
		}
	}
	net->have_mom = 1;
}
