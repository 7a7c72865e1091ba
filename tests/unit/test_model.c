/* test_model.c - the layer engine's gradients against finite differences,
 * and the recipe pieces (learning-rate schedule, SGD, loss) */
#include "tap.h"

#include <stdlib.h>

#include "kernels/layers.h"
#include "train/model.h"
#include "kernels/philox.h"
#include "train/train.h"

/* loss of the current weights on the fixed batch in net->x */
static double
batch_loss(struct sv_net *net, const uint8_t *y, int n, float ls)
{
	const float *z = sv_net_forward(net, n, 1);

	return sv_softmax_xent(z, y, NULL, n, net->nclass, ls, 0.2f);
}

/* Directional derivative check: (L(w + h d) - L(w - h d)) / 2h against
 * grad . d for a random direction d over every trainable tensor. */
static void
check_gradients(const char *name, const struct sv_model_def *def, int H,
                int W, int C, int K, float ls, double h)
{
	struct sv_net net;
	char err[256];
	int n = 6;
	uint8_t y[6];
	float *dz;
	double gd = 0, num;
	float **dir;

	if (sv_net_init(&net, def, n, H, W, C, K, 2, err, sizeof err) != 0) {
		ok(0, "%s: net builds: %s", name, err);
		return;
	}
	sv_net_init_weights(&net, 7);
	for (int i = 0; i < n * H * W * C; i++) {
		uint32_t r[4];

		sv_rand4(99, SV_STREAM_DATA, 0, (uint64_t)i, r);
		net.x[i] = 2.0f * sv_u01f(r[0]) - 1.0f;
	}
	for (int i = 0; i < n; i++)
		y[i] = (uint8_t)(i % K);
	dz = malloc(sizeof(float) * n * K);
	sv_softmax_xent(sv_net_forward(&net, n, 1), y, dz, n, K, ls, 0.2f);
	sv_net_backward(&net, dz, n, 0);
	dir = calloc(net.ntrain, sizeof *dir);
	for (size_t t = 0; t < net.ntrain; t++) {
		uint64_t cnt = sv_tensor_count(&net.param[t]);

		dir[t] = malloc(sizeof(float) * cnt);
		for (uint64_t j = 0; j < cnt; j++) {
			uint32_t r[4];

			sv_rand4(5, SV_STREAM_DATA, (uint32_t)t, j, r);
			dir[t][j] = 2.0f * sv_u01f(r[0]) - 1.0f;
			gd += (double)net.grad[t][j] * dir[t][j];
		}
	}
	{
		double lp, lm;

		for (int s = 0; s < 2; s++) {
			for (size_t t = 0; t < net.ntrain; t++)
				for (uint64_t j = 0; j < sv_tensor_count(&net.param[t]); j++)
					net.param[t].data[j] += (float)((s ? -2 : 1) * h) * dir[t][j];
			if (s == 0)
				lp = batch_loss(&net, y, n, ls);
			else
				lm = batch_loss(&net, y, n, ls);
		}
		num = (lp - lm) / (2 * h);
	}
	ok(fabs(num - gd) <= 0.01 * fabs(gd) + 1e-4,
	   "%s: gradient . d = %.6g, finite difference %.6g", name, gd, num);
	for (size_t t = 0; t < net.ntrain; t++)
		free(dir[t]);
	free(dir);
	free(dz);
	sv_net_free(&net);
}

#define L(op, arg, bias) { SV_OP_##op, arg, bias, 1.0f }

/* The fmnist-small network against PyTorch (tests/vectors/gen_model.py):
 * the same weights and inputs, converted to sv's layouts, must give
 * PyTorch's logits, loss and weight gradients (computed there in float64;
 * sv computes in float32, hence the tolerances). */
struct vec {
	char name[64];
	size_t n;
	double *v;
};

static size_t
read_vectors(const char *path, struct vec *out, size_t max)
{
	FILE *fp = fopen(path, "r");
	size_t k = 0;

	if (!fp)
		return 0;
	while (k < max && fscanf(fp, "%63s %zu", out[k].name, &out[k].n) == 2) {
		out[k].v = malloc(out[k].n * sizeof(double));
		for (size_t i = 0; i < out[k].n; i++)
			if (fscanf(fp, "%lf", &out[k].v[i]) != 1) {
				fclose(fp);
				return 0;
			}
		k++;
	}
	fclose(fp);
	return k;
}

static const struct vec *
find_vec(const struct vec *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* largest |got - want| over the largest |want| */
static double
rel_err(const float *got, const double *want, size_t n)
{
	double e = 0, m = 0;

	for (size_t i = 0; i < n; i++) {
		if (fabs(got[i] - want[i]) > e)
			e = fabs(got[i] - want[i]);
		if (fabs(want[i]) > m)
			m = fabs(want[i]);
	}
	return m > 0 ? e / m : e;
}

static void
check_against_torch(void)
{
	const char *dir = getenv("SV_SRC");
	char path[512], err[256];
	struct vec v[40];
	size_t nv;
	struct sv_net net;
	const struct vec *x, *y, *want;
	uint8_t labels[4];
	float dz[40];
	double loss = 0;
	const float *z;

	snprintf(path, sizeof path, "%s/tests/vectors/model/fmnist_small.txt",
	         dir ? dir : ".");
	nv = read_vectors(path, v, 40);
	if (!ok(nv == 20, "torch vectors read from %s", path))
		return;
	if (!ok(sv_net_init(&net, sv_model_find("fmnist-small"), 4, 28, 28, 1,
	                    10, 2, err, sizeof err) == 0, "fmnist-small builds"))
		return;
	x = find_vec(v, nv, "x");
	y = find_vec(v, nv, "y");
	for (size_t i = 0; i < x->n; i++)
		net.x[i] = (float)x->v[i];
	for (int i = 0; i < 4; i++)
		labels[i] = (uint8_t)y->v[i];
	for (size_t t = 0; t < net.nparam; t++) {
		const struct vec *p = find_vec(v, nv, net.param[t].name);

		if (!ok(p && p->n == sv_tensor_count(&net.param[t]),
		        "torch has %s with its size", net.param[t].name))
			return;
		for (size_t i = 0; i < p->n; i++)
			net.param[t].data[i] = (float)p->v[i];
	}
	z = sv_net_forward(&net, 4, 1);
	want = find_vec(v, nv, "logits");
	ok(rel_err(z, want->v, 40) < 1e-5, "logits equal PyTorch's (relative "
	   "error %.2g)", rel_err(z, want->v, 40));
	sv_softmax_xent_part(z, labels, dz, 4, 10, 0, 0, 4, &loss);
	want = find_vec(v, nv, "loss");
	is_near(loss / 4, want->v[0], 1e-6, "cross-entropy equals PyTorch's");
	sv_net_backward(&net, dz, 4, 0);
	for (size_t t = 0; t < net.ntrain; t++) {
		char name[80];
		double e;

		snprintf(name, sizeof name, "grad.%s", net.param[t].name);
		want = find_vec(v, nv, name);
		e = rel_err(net.grad[t], want->v, want->n);
		ok(e < 1e-4, "gradient of %s equals PyTorch's (relative error %.2g)",
		   net.param[t].name, e);
	}
	/* two SGD steps with the same gradient: the second uses momentum */
	sv_net_sgd(&net, 0.05f, 0.9f, 5e-4f, 1);
	sv_net_sgd(&net, 0.05f, 0.9f, 5e-4f, 1);
	for (size_t t = 0; t < net.ntrain; t++) {
		char name[80];

		snprintf(name, sizeof name, "sgd2.%s", net.param[t].name);
		if (!(want = find_vec(v, nv, name)))
			continue;
		ok(rel_err(net.param[t].data, want->v, want->n) < 1e-6,
		   "two SGD steps on %s equal PyTorch's (relative error %.2g)",
		   net.param[t].name, rel_err(net.param[t].data, want->v, want->n));
	}
	sv_net_free(&net);
	for (size_t i = 0; i < nv; i++)
		free(v[i].v);
}

int
main(void)
{
	/* Each layer kind, alone and in the combinations the models use.
	 * Small steps: larger ones cross ReLU and max kinks. */
	static const struct sv_layer_def
		lin[] = { L(LINEAR, 0, 1) },
		conv[] = { L(CONV, 3, 1), L(LINEAR, 0, 1) },
		cc[] = { L(CONV, 3, 1), L(CONV, 2, 1), L(LINEAR, 0, 1) },
		crl[] = { L(CONV, 3, 1), L(RELU, 0, 0), L(LINEAR, 0, 1) },
		crp[] = { L(CONV, 4, 1), L(RELU, 0, 0), L(POOL, 0, 0), L(CONV, 5, 1),
		          L(RELU, 0, 0), L(POOL, 0, 0), L(LINEAR, 0, 1) },
		mlp[] = { L(LINEAR, 5, 1), L(RELU, 0, 0), L(LINEAR, 0, 1) },
		bn[] = { L(CONV, 3, 0), L(BN, 0, 0), L(LINEAR, 0, 1) },
		cbrp[] = { L(CONV, 3, 0), L(BN, 0, 0), L(RELU, 0, 0), L(POOL, 0, 0),
		           L(LINEAR, 0, 1) },
		cbcb[] = { L(CONV, 3, 0), L(BN, 0, 0), L(CONV, 3, 0), L(BN, 0, 0),
		           L(LINEAR, 0, 1) },
		res[] = { L(CONV, 3, 0), L(BN, 0, 0), L(POOL, 0, 0), L(SAVE, 0, 0),
		          L(CONV, 3, 0), L(BN, 0, 0), L(RELU, 0, 0), L(ADD, 0, 0),
		          L(LINEAR, 0, 1) },
		gmax[] = { L(CONV, 3, 1), L(GMAX, 0, 0), L(LINEAR, 0, 1) },
		scale[] = { L(LINEAR, 0, 1), { SV_OP_SCALE, 0, 0, 0.2f } };
	static const struct {
		const char *name;
		const struct sv_layer_def *l;
		int nl, hw;
		float ls;
	} nets[] = {
		{ "linear", lin, 1, 4, 0 }, { "conv", conv, 2, 4, 0 },
		{ "conv-conv", cc, 3, 4, 0 }, { "conv-relu", crl, 3, 4, 0 },
		{ "fmnist-small shape", crp, 7, 8, 0 }, { "mlp shape", mlp, 3, 4, 0 },
		{ "batchnorm", bn, 3, 4, 0 }, { "conv-bn-relu-pool", cbrp, 5, 8, 0 },
		{ "conv-bn twice", cbcb, 5, 8, 0 }, { "residual block", res, 9, 8, 0 },
		{ "global max pool", gmax, 3, 4, 0 }, { "scale", scale, 2, 4, 0 },
		{ "scale, label smoothing", scale, 2, 4, 2.0f },
	};
	static const struct sv_layer_def bad_add[] = { L(ADD, 0, 0), L(LINEAR, 0, 0) };
	struct sv_model_def d3 = { "t-bad", "", "", 0, 0, 0, bad_add, 2, { 0 } };
	struct sv_net net;
	char err[256];

	for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
		struct sv_model_def d = { nets[i].name, "", "", 0, 0, 0, nets[i].l,
		                          nets[i].nl, { 0 } };

		check_gradients(nets[i].name, &d, nets[i].hw, nets[i].hw, 2, 3,
		                nets[i].ls, 1e-4);
	}
	is_int(sv_net_init(&net, &d3, 2, 4, 4, 1, 3, 1, err, sizeof err), 2,
	       "an add without a save is refused");
	ok(strstr(err, "add without save") != NULL, "and says so: %s", err);
	sv_net_free(&net);
	is_int(sv_net_init(&net, sv_model_find("fmnist-small"), 2, 1, 1, 1, 10,
	                   1, err, sizeof err), 2, "a 1x1 input cannot be pooled");
	sv_net_free(&net);
	ok(sv_model_find("fmnist-small") && sv_model_find("resnet9") &&
	   sv_model_find("mlp") && !sv_model_find("nope"), "model table lookup");

	/* the study's schedule: 0.5 e/3 + 0.01 below 4, then 0.5 (22-e)/19 + 0.01 */
	is_near(sv_lr_factor(SV_SCHED_PICARD, 0, 22), 0.01, 1e-7, "picard e=0");
	is_near(sv_lr_factor(SV_SCHED_PICARD, 3, 22), 0.51, 1e-6, "picard e=3");
	is_near(sv_lr_factor(SV_SCHED_PICARD, 4, 22), 0.5 * 18 / 19 + 0.01, 1e-6, "picard e=4");
	is_near(sv_lr_factor(SV_SCHED_PICARD, 21, 22), 0.5 / 19 + 0.01, 1e-6, "picard e=21");
	is_near(sv_lr_factor(SV_SCHED_PICARD, 30, 45), 0.01, 1e-7, "picard held at 0.01 after 22");
	is_near(sv_lr_factor(SV_SCHED_CONST, 5, 22), 1, 0, "const");

	{
		/* softmax cross-entropy: uniform logits give log K, gradient
		 * (1/K - onehot)/N */
		float z[6] = { 0, 0, 0, 1, 1, 1 }, dz[6];
		uint8_t yy[2] = { 1, 2 };
		double l = sv_softmax_xent(z, yy, dz, 2, 3, 0, 0);

		is_near(l, log(3.0), 1e-12, "cross-entropy of uniform logits is log 3");
		is_near(dz[1], (1.0 / 3 - 1) / 2, 1e-7, "its gradient at the label");
		is_near(dz[0], (1.0 / 3) / 2, 1e-7, "its gradient elsewhere");
		/* smoothing with uniform logits: smoothed CE is also log 3 */
		l = sv_softmax_xent(z, yy, dz, 2, 3, 2.0f, 0.2f);
		is_near(l, 3 * log(3.0), 1e-12, "CE + 2 x smoothed CE = 3 log 3");
	}
	{
		/* vary names round trip */
		unsigned m;
		char buf[64];

		is_int(sv_vary_parse("order,init", &m), 0, "vary list parses");
		sv_vary_name(m, buf, sizeof buf);
		is_str(buf, "init,order", "vary name is canonical");
		is_int(sv_vary_parse("init,,x", &m), -1, "vary unknown word refused");
		is_int(sv_vary_parse("", &m), -1, "vary empty refused");
		sv_vary_parse("init,order,aug,split", &m);
		sv_vary_name(m, buf, sizeof buf);
		is_str(buf, "all", "every source is 'all'");
	}
	check_against_torch();
	return tap_done();
}
