/* net.c - the network engine: building a model's layers, initial weights,
 * forward and backward passes on the CPU kernels */
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kernels/conv.h"
#include "kernels/layers.h"
#include "kernels/philox.h"
#include "kernels/simd.h"

struct sv_layer {
	struct sv_layer_def d;
	int ih, iw, ic, oh, ow, oc;
	long isz, osz;           /* per image */
	float *out;              /* (batch, osz); SAVE aliases its input */
	int32_t *arg;            /* pool argmax */
	int w, b, rm, rv;        /* tensor indices or -1 */
	float *mean, *invstd;    /* BatchNorm batch statistics */
	int save;                /* ADD: index of its SAVE layer */
	float *skipgrad;         /* SAVE: gradient arriving through the skip */
};

static int
add_tensor(struct sv_net *net, const char *name, int ndim, const uint64_t *dims)
{
	struct sv_tensor *t;

	net->param = sv_realloc(net->param, (net->nparam + 1) * sizeof *t);
	t = &net->param[net->nparam];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->ndim = (uint32_t)ndim;
	memcpy(t->dim, dims, ndim * sizeof *dims);
	t->data = sv_calloc(sv_tensor_count(t), sizeof(float));
	return (int)net->nparam++;
}

int
sv_net_init(struct sv_net *net, const struct sv_model_def *def, int batch,
            int h, int w, int c, int nclass, int nthreads, char *err,
            size_t errsz)
{
	int stack[8], sp = 0, nconv = 0, nbn = 0, nfc = 0;
	int ch = h, cw = w, cc = c;
	/* buffers are added after the trainable tensors: remember them */
	struct { int layer; char name[32]; int C; } pend[64];
	int npend = 0;

	memset(net, 0, sizeof *net);
	net->def = def;
	net->nl = def->nlayers;
	net->l = sv_calloc((size_t)def->nlayers, sizeof *net->l);
	net->batch = batch;
	net->in_h = h, net->in_w = w, net->in_c = c;
	net->nclass = nclass;
	net->nthreads = nthreads;
	net->maxact = (size_t)h * w * c;
	for (int i = 0; i < def->nlayers; i++)
		net->l[i].d = def->layers[i];
	/* A ReLU followed by a max pool runs after it instead: the two
	 * commute exactly, in the values and in the gradient (the pool picks
	 * the same first maximum when it is positive, and everything is zero
	 * when it is not), and the ReLU then touches a quarter of the data. */
	for (int i = 0; i + 1 < def->nlayers; i++)
		if (net->l[i].d.op == SV_OP_RELU && net->l[i + 1].d.op == SV_OP_POOL) {
			struct sv_layer_def t = net->l[i].d;

			net->l[i].d = net->l[i + 1].d;
			net->l[i + 1].d = t;
			i++;
		}
	for (int i = 0; i < def->nlayers; i++) {
		struct sv_layer *l = &net->l[i];
		char name[48];

		l->ih = ch, l->iw = cw, l->ic = cc;
		l->isz = (long)ch * cw * cc;
		l->w = l->b = l->rm = l->rv = -1;
		switch (l->d.op) {
		case SV_OP_CONV: {
			uint64_t wd[4] = { 3, 3, (uint64_t)cc, (uint64_t)l->d.arg };
			uint64_t bd[1] = { (uint64_t)l->d.arg };

			nconv++;
			snprintf(name, sizeof name, "conv%d.weight", nconv);
			l->w = add_tensor(net, name, 4, wd);
			if (l->d.bias) {
				snprintf(name, sizeof name, "conv%d.bias", nconv);
				l->b = add_tensor(net, name, 1, bd);
			}
			cc = l->d.arg;
			break;
		}
		case SV_OP_POOL:
			if (ch < 2 || cw < 2) {
				snprintf(err, errsz, "model %s: layer %d: a 2x2 "
				         "pool needs at least 2x2 input, has %dx%d",
				         def->name, i + 1, ch, cw);
				return 2;
			}
			ch /= 2, cw /= 2;
			break;
		case SV_OP_LINEAR: {
			int o = l->d.arg ? l->d.arg : nclass;
			uint64_t wd[2] = { (uint64_t)o, (uint64_t)l->isz };
			uint64_t bd[1] = { (uint64_t)o };

			nfc++;
			snprintf(name, sizeof name, "fc%d.weight", nfc);
			l->w = add_tensor(net, name, 2, wd);
			if (l->d.bias) {
				snprintf(name, sizeof name, "fc%d.bias", nfc);
				l->b = add_tensor(net, name, 1, bd);
			}
			ch = cw = 1, cc = o;
			break;
		}
		case SV_OP_BN: {
			uint64_t d1[1] = { (uint64_t)cc };

			nbn++;
			snprintf(name, sizeof name, "bn%d.weight", nbn);
			l->w = add_tensor(net, name, 1, d1);
			snprintf(name, sizeof name, "bn%d.bias", nbn);
			l->b = add_tensor(net, name, 1, d1);
			pend[npend].layer = i, pend[npend].C = cc;
			snprintf(pend[npend].name, sizeof pend[npend].name, "bn%d", nbn);
			npend++;
			l->mean = sv_calloc((size_t)cc, sizeof(float));
			l->invstd = sv_calloc((size_t)cc, sizeof(float));
			break;
		}
		case SV_OP_GMAX:
			ch = cw = 1;
			break;
		case SV_OP_SAVE:
			if (sp == 8) {
				snprintf(err, errsz, "model %s: residuals nested "
				         "too deep", def->name);
				return 2;
			}
			stack[sp++] = i;
			break;
		case SV_OP_ADD:
			if (sp == 0) {
				snprintf(err, errsz, "model %s: layer %d: add "
				         "without save", def->name, i + 1);
				return 2;
			}
			l->save = stack[--sp];
			if (net->l[l->save].isz != l->isz ||
			    net->l[l->save].ic != cc) {
				snprintf(err, errsz, "model %s: layer %d: residual "
				         "shapes differ", def->name, i + 1);
				return 2;
			}
			break;
		case SV_OP_RELU:
		case SV_OP_SCALE:
			break;
		}
		l->oh = ch, l->ow = cw, l->oc = cc;
		l->osz = (long)ch * cw * cc;
		if ((size_t)l->osz > net->maxact)
			net->maxact = (size_t)l->osz;
	}
	if (cc != nclass || ch != 1 || cw != 1) {
		snprintf(err, errsz, "model %s ends with %dx%dx%d outputs, the "
		         "data has %d classes", def->name, ch, cw, cc, nclass);
		return 2;
	}
	net->ntrain = net->nparam;
	for (int i = 0; i < npend; i++) {
		uint64_t d1[1] = { (uint64_t)pend[i].C };
		char name[48];
		struct sv_layer *l = &net->l[pend[i].layer];

		snprintf(name, sizeof name, "%s.running_mean", pend[i].name);
		l->rm = add_tensor(net, name, 1, d1);
		snprintf(name, sizeof name, "%s.running_var", pend[i].name);
		l->rv = add_tensor(net, name, 1, d1);
	}
	net->grad = sv_calloc(net->ntrain, sizeof *net->grad);
	net->mom = sv_calloc(net->ntrain, sizeof *net->mom);
	net->frozen = sv_calloc(net->ntrain + 1, 1);
	for (size_t i = 0; i < net->ntrain; i++) {
		net->grad[i] = sv_calloc(sv_tensor_count(&net->param[i]), sizeof(float));
		net->mom[i] = sv_calloc(sv_tensor_count(&net->param[i]), sizeof(float));
	}
	net->x = sv_mallocarray((size_t)batch * h * w, (size_t)c * sizeof(float));
	for (int i = 0; i < net->nl; i++) {
		struct sv_layer *l = &net->l[i];

		if (l->d.op != SV_OP_SAVE)
			l->out = sv_mallocarray((size_t)batch, l->osz * sizeof(float));
		else
			l->skipgrad = sv_mallocarray((size_t)batch, l->osz * sizeof(float));
		if (l->d.op == SV_OP_POOL || l->d.op == SV_OP_GMAX)
			l->arg = sv_mallocarray((size_t)batch, l->osz * sizeof(int32_t));
	}
	for (int k = 0; k < 2; k++)
		net->gbuf[k] = sv_mallocarray((size_t)batch, net->maxact * sizeof(float));
	return 0;
}

void
sv_net_list_layers(const struct sv_net *net, FILE *fp)
{
	for (size_t i = 0; i < net->nparam; i++) {
		const struct sv_tensor *t = &net->param[i];

		fprintf(fp, "%.*s\t%s\t", (int)strcspn(t->name, "."), t->name,
		        t->name);
		for (uint32_t d = 0; d < t->ndim; d++)
			fprintf(fp, "%s%llu", d ? "x" : "",
			        (unsigned long long)t->dim[d]);
		fprintf(fp, "\t%s\n", i < net->ntrain ? "trained" : "buffer");
	}
}

size_t
sv_net_bytes(const struct sv_net *net)
{
	size_t b = 0, batch = (size_t)net->batch;

	for (size_t i = 0; i < net->nparam; i++)
		b += sv_tensor_count(&net->param[i]) * sizeof(float) *
		     (i < net->ntrain ? 3 : 1);   /* weight, gradient, momentum */
	b += batch * (size_t)net->in_h * net->in_w * net->in_c * sizeof(float);
	for (int i = 0; i < net->nl; i++) {
		const struct sv_layer *l = &net->l[i];

		b += batch * (size_t)l->osz * sizeof(float);
		if (l->d.op == SV_OP_POOL || l->d.op == SV_OP_GMAX)
			b += batch * (size_t)l->osz * sizeof(int32_t);
	}
	return b + 2 * batch * net->maxact * sizeof(float);
}

void
sv_net_free(struct sv_net *net)
{
	if (!net->l)
		return;
	for (int i = 0; i < net->nl; i++) {
		struct sv_layer *l = &net->l[i];

		if (l->d.op != SV_OP_SAVE)
			free(l->out);
		free(l->arg);
		free(l->mean);
		free(l->invstd);
		free(l->skipgrad);
	}
	for (size_t i = 0; i < net->nparam; i++)
		free(net->param[i].data);
	for (size_t i = 0; i < net->ntrain; i++) {
		free(net->grad[i]);
		free(net->mom[i]);
	}
	free(net->param);
	free(net->grad);
	free(net->mom);
	free(net->frozen);
	free(net->l);
	free(net->x);
	free(net->gbuf[0]);
	free(net->gbuf[1]);
	memset(net, 0, sizeof *net);
}

void
sv_net_init_weights(struct sv_net *net, uint64_t seed)
{
	for (int i = 0; i < net->nl; i++) {
		struct sv_layer *l = &net->l[i];
		float bound;

		if (l->d.op == SV_OP_BN) {
			struct sv_tensor *g = &net->param[l->w], *b = &net->param[l->b];

			for (uint64_t j = 0; j < g->dim[0]; j++) {
				g->data[j] = 1.0f;
				b->data[j] = 0.0f;
				net->param[l->rm].data[j] = 0.0f;
				net->param[l->rv].data[j] = 1.0f;
			}
			continue;
		}
		if (l->d.op != SV_OP_CONV && l->d.op != SV_OP_LINEAR)
			continue;
		/* fan_in = C*3*3 or the inputs of the linear layer */
		bound = 1.0f / sqrtf((float)(l->d.op == SV_OP_CONV ? l->ic * 9
		                                                   : l->isz));
		for (int k = 0; k < 2; k++) {
			int ti = k ? l->b : l->w;
			struct sv_tensor *t;
			uint64_t n;

			if (ti < 0)
				continue;
			t = &net->param[ti];
			n = sv_tensor_count(t);
			for (uint64_t j = 0; j < n; j += 4) {
				uint32_t r[4];

				sv_rand4(seed, SV_STREAM_INIT, (uint32_t)ti, j / 4, r);
				for (uint64_t q = 0; q < 4 && j + q < n; q++)
					t->data[j + q] = (2.0f * sv_u01f(r[q]) - 1.0f) * bound;
			}
		}
	}
	net->have_mom = 0;
}

static const float *
layer_in(const struct sv_net *net, int i)
{
	return i == 0 ? net->x : net->l[i - 1].out;
}

const float *
sv_net_forward(struct sv_net *net, int n, int train)
{
	int nt = net->nthreads;

	for (int i = 0; i < net->nl; i++) {
		struct sv_layer *l = &net->l[i];
		const float *in = layer_in(net, i);
		long all = (long)n * l->osz;

		switch (l->d.op) {
		case SV_OP_CONV:
			sv_conv3x3_fwd(in, net->param[l->w].data,
			               l->b >= 0 ? net->param[l->b].data : NULL,
			               l->out, n, l->ih, l->iw, l->ic, l->oc, nt);
			break;
		case SV_OP_RELU:
			sv_relu_fwd(in, l->out, all);
			break;
		case SV_OP_POOL:
			sv_maxpool2_fwd(in, l->out, l->arg, n, l->ih, l->iw, l->ic, nt);
			break;
		case SV_OP_LINEAR:
			sv_linear_fwd(in, net->param[l->w].data,
			              l->b >= 0 ? net->param[l->b].data : NULL,
			              l->out, n, (int)l->isz, l->oc, nt);
			break;
		case SV_OP_BN:
			sv_bn_fwd(in, l->out, net->param[l->w].data,
			          net->param[l->b].data, net->param[l->rm].data,
			          net->param[l->rv].data, l->mean, l->invstd, n,
			          (long)l->ih * l->iw, l->ic, 1e-5f, 0.1f, !train,
			          nt);
			break;
		case SV_OP_GMAX:
			sv_gmaxpool_fwd(in, l->out, l->arg, n, l->ih * l->iw, l->ic);
			break;
		case SV_OP_SCALE:
			for (long j = 0; j < all; j++)
				l->out[j] = in[j] * l->d.scale;
			break;
		case SV_OP_SAVE:
			l->out = (float *)in;
			break;
		case SV_OP_ADD: {
			const float *s = net->l[l->save].out;

			for (long j = 0; j < all; j++)
				l->out[j] = in[j] + s[j];
			break;
		}
		}
	}
	return net->l[net->nl - 1].out;
}

void
sv_net_backward(struct sv_net *net, const float *dlogits, int n,
                int accumulate)
{
	int nt = net->nthreads, cur = 0;

	memcpy(net->gbuf[0], dlogits, sizeof(float) * (size_t)n * net->nclass);
	for (int i = net->nl - 1; i >= 0; i--) {
		struct sv_layer *l = &net->l[i];
		const float *in = layer_in(net, i);
		const float *dout = net->gbuf[cur];
		float *din = i > 0 ? net->gbuf[1 - cur] : NULL;
		long all = (long)n * l->isz;

		switch (l->d.op) {
		case SV_OP_CONV:
			(accumulate ? sv_conv3x3_bwd_filter_acc
			            : sv_conv3x3_bwd_filter)(in, dout, net->grad[l->w],
			                      l->b >= 0 ? net->grad[l->b] : NULL,
			                      n, l->ih, l->iw, l->ic, l->oc, nt);
			if (din)
				sv_conv3x3_bwd_data(dout, net->param[l->w].data, din,
				                    n, l->ih, l->iw, l->ic, l->oc, nt);
			break;
		case SV_OP_RELU:
			if (din)
				sv_relu_bwd(l->out, dout, din, all);
			break;
		case SV_OP_POOL:
			if (din)
				sv_maxpool2_bwd(dout, l->arg, din, n, l->ih, l->iw,
				                l->ic, nt);
			break;
		case SV_OP_LINEAR:
			sv_linear_bwd(dout, in, net->param[l->w].data,
			              net->grad[l->w],
			              l->b >= 0 ? net->grad[l->b] : NULL, din, n,
			              (int)l->isz, l->oc, nt, accumulate);
			break;
		case SV_OP_BN:
			if (din)
				sv_bn_bwd(in, dout, net->param[l->w].data, l->mean,
				          l->invstd, din, net->grad[l->w],
				          net->grad[l->b], n, (long)l->ih * l->iw,
				          l->ic, nt);
			break;
		case SV_OP_GMAX:
			if (din)
				sv_gmaxpool_bwd(dout, l->arg, din, n, l->ih * l->iw, l->ic);
			break;
		case SV_OP_SCALE:
			if (din)
				for (long j = 0; j < all; j++)
					din[j] = dout[j] * l->d.scale;
			break;
		case SV_OP_SAVE:
			if (din)
				for (long j = 0; j < all; j++)
					din[j] = dout[j] + l->skipgrad[j];
			break;
		case SV_OP_ADD:
			memcpy(net->l[l->save].skipgrad, dout, sizeof(float) * all);
			if (din)
				memcpy(din, dout, sizeof(float) * all);
			break;
		}
		cur = 1 - cur;
	}
}

int
sv_net_has_batchnorm(const struct sv_net *net)
{
	for (int i = 0; i < net->nl; i++)
		if (net->l[i].d.op == SV_OP_BN)
			return 1;
	return 0;
}
