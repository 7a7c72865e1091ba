/* gpu_vs_cpu.c - the GPU backend against the CPU reference (needs a GPU)
 *
 * usage: gpu_vs_cpu [DATA]   (DATA: a --data spec, default fashion-mnist)
 *
 * Tolerance: 0.  Every GPU kernel is a twin of its CPU function (same
 * reduction order, fmaf for each multiply-add, -fmad=false), so each
 * output element must have the CPU's bits; a failure prints the number of
 * differing elements and the largest difference.  The full training runs
 * check the same promise end to end: the GPU's weight hash equals the
 * CPU's (and so the accuracy, bound 0; a looser bound |acc difference| <=
 * 0.005 is checked first so that a broken twin shows how far off it is),
 * and two GPU runs give the same hash.  Bad descriptions are refused with
 * a message.  TAP output; exit 3 when no GPU is there. */
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "kernels/conv.h"
#include "train/cohort.h"
#include "train/gpu.h"
#include "kernels/layers.h"
#include "train/model.h"
#include "kernels/philox.h"
#include "train/train.h"
#include "base/util.h"

static const struct sv_cuda_api *api;
static int nthreads = 2;

/* n floats uniform in [-1, 1) from (seed, sub); quant > 0 rounds them
 * to multiples of 1/quant so that ties and zeros occur */
static float *
rnd(size_t n, uint32_t sub, int quant)
{
	float *p = sv_mallocarray(n ? n : 1, sizeof *p);

	for (size_t i = 0; i < n; i += 4) {
		uint32_t r[4];

		sv_rand4(12345, SV_STREAM_DATA, sub, i / 4, r);
		for (size_t q = 0; q < 4 && i + q < n; q++) {
			float v = 2.0f * sv_u01f(r[q]) - 1.0f;

			p[i + q] = quant ? (float)(int)(v * quant) / quant : v;
		}
	}
	return p;
}

/* 0 differing elements (bitwise) between got and want */
static int
same(const char *what, const void *got, const void *want, size_t n, int isf)
{
	size_t bad = 0;
	double maxd = 0;

	for (size_t i = 0; i < n; i++) {
		if (memcmp((const char *)got + 4 * i, (const char *)want + 4 * i, 4) == 0)
			continue;
		bad++;
		if (isf) {
			double d = fabs((double)((const float *)got)[i] -
			                ((const float *)want)[i]);

			if (!(d <= maxd))
				maxd = d;
		}
	}
	ok(bad == 0, "%s: %zu elements bitwise equal", what, n);
	if (bad)
		printf("#   %zu differ, max |diff| %.9g\n", bad, maxd);
	return bad == 0;
}

static void
test_conv(int N, int H, int W, int C, int K, uint32_t sub)
{
	size_t pi = (size_t)N * H * W * C, po = (size_t)N * H * W * K;
	size_t nw = 9 * (size_t)C * K;
	float *in = rnd(pi, sub, 0), *w = rnd(nw, sub + 1, 0);
	float *b = rnd(K, sub + 2, 0), *dout = rnd(po, sub + 3, 0);
	float *cg = sv_mallocarray(po + pi + nw + K, sizeof(float));
	float *cc = sv_mallocarray(po + pi + nw + K, sizeof(float));
	char what[128];

	for (int bias = 0; bias < 2; bias++) {
		snprintf(what, sizeof what, "conv3x3_fwd N%d H%d W%d C%d K%d%s",
		         N, H, W, C, K, bias ? " bias" : "");
		sv_conv3x3_fwd(in, w, bias ? b : NULL, cc, N, H, W, C, K, nthreads);
		if (ok(api->conv3x3_fwd(in, w, bias ? b : NULL, cg, N, H, W, C, K) == 0,
		       "%s runs", what))
			same(what, cg, cc, po, 1);
		else
			printf("#   %s\n", api->last_error());
	}
	snprintf(what, sizeof what, "conv3x3_bwd_data N%d H%d W%d C%d K%d",
	         N, H, W, C, K);
	sv_conv3x3_bwd_data(dout, w, cc, N, H, W, C, K, nthreads);
	if (ok(api->conv3x3_bwd_data(dout, w, cg, N, H, W, C, K) == 0, "%s runs", what))
		same(what, cg, cc, pi, 1);
	for (int withdb = 0; withdb < 2; withdb++) {
		snprintf(what, sizeof what, "conv3x3_bwd_filter N%d H%d W%d C%d K%d%s",
		         N, H, W, C, K, withdb ? " db" : "");
		sv_conv3x3_bwd_filter(in, dout, cc, withdb ? cc + nw : NULL, N, H,
		                      W, C, K, nthreads);
		if (ok(api->conv3x3_bwd_filter(in, dout, cg, withdb ? cg + nw : NULL,
		                               N, H, W, C, K) == 0, "%s runs", what))
			same(what, cg, cc, nw + (withdb ? K : 0), 1);
	}
	free(in), free(w), free(b), free(dout), free(cg), free(cc);
}

static void
test_pool_relu(int N, int H, int W, int C, uint32_t sub)
{
	size_t pi = (size_t)N * H * W * C, po = (size_t)N * (H / 2) * (W / 2) * C;
	float *in = rnd(pi, sub, 4), *dout = rnd(po, sub + 1, 0);
	float *og = sv_mallocarray(pi + 1, sizeof(float)), *oc = sv_mallocarray(pi + 1, sizeof(float));
	int32_t *ag = sv_mallocarray(po + 1, 4), *ac = sv_mallocarray(po + 1, 4);
	char what[128];

	/* quantised to quarters: many ties, zeros and negative zeros */
	snprintf(what, sizeof what, "maxpool2_fwd N%d H%d W%d C%d (ties)", N, H, W, C);
	sv_maxpool2_fwd(in, oc, ac, N, H, W, C, nthreads);
	if (ok(api->maxpool2_fwd(in, og, ag, N, H, W, C) == 0, "%s runs", what)) {
		same(what, og, oc, po, 1);
		same("maxpool2_fwd argmax", ag, ac, po, 0);
	}
	snprintf(what, sizeof what, "maxpool2_bwd N%d H%d W%d C%d", N, H, W, C);
	sv_maxpool2_bwd(dout, ac, oc, N, H, W, C, nthreads);
	if (ok(api->maxpool2_bwd(dout, ac, og, N, H, W, C) == 0, "%s runs", what))
		same(what, og, oc, pi, 1);
	snprintf(what, sizeof what, "relu_fwd n%zu", pi);
	sv_relu_fwd(in, oc, (long)pi);
	if (ok(api->relu_fwd(in, og, (long)pi) == 0, "%s runs", what))
		same(what, og, oc, pi, 1);
	snprintf(what, sizeof what, "relu_bwd n%zu", pi);
	{
		float *dy = rnd(pi, sub + 2, 0);

		sv_relu_bwd(in, dy, oc, (long)pi);
		if (ok(api->relu_bwd(in, dy, og, (long)pi) == 0, "%s runs", what))
			same(what, og, oc, pi, 1);
		free(dy);
	}
	free(in), free(dout), free(og), free(oc), free(ag), free(ac);
}

static void
test_linear(int N, int I, int O, uint32_t sub)
{
	float *in = rnd((size_t)N * I, sub, 0), *w = rnd((size_t)O * I, sub + 1, 0);
	float *b = rnd(O, sub + 2, 0), *dout = rnd((size_t)N * O, sub + 3, 0);
	size_t tot = (size_t)N * O + (size_t)O * I + O + (size_t)N * I;
	float *g = sv_mallocarray(tot, sizeof(float)), *c = sv_mallocarray(tot, sizeof(float));
	char what[128];

	for (int bias = 0; bias < 2; bias++) {
		snprintf(what, sizeof what, "linear_fwd N%d I%d O%d%s", N, I, O,
		         bias ? " bias" : "");
		sv_linear_fwd(in, w, bias ? b : NULL, c, N, I, O, nthreads);
		if (ok(api->linear_fwd(in, w, bias ? b : NULL, g, N, I, O) == 0,
		       "%s runs", what))
			same(what, g, c, (size_t)N * O, 1);
	}
	for (int full = 0; full < 2; full++) {
		float *dwc = c, *dbc = c + (size_t)O * I, *dinc = dbc + O;
		float *dwg = g, *dbg = g + (size_t)O * I, *ding = dbg + O;

		snprintf(what, sizeof what, "linear_bwd N%d I%d O%d%s", N, I, O,
		         full ? " db din" : "");
		sv_linear_bwd(dout, in, w, dwc, full ? dbc : NULL, full ? dinc : NULL,
		              N, I, O, nthreads, 0);
		if (ok(api->linear_bwd(dout, in, w, dwg, full ? dbg : NULL,
		                       full ? ding : NULL, N, I, O) == 0, "%s runs", what))
			same(what, g, c, full ? tot - (size_t)N * O : (size_t)O * I, 1);
	}
	free(in), free(w), free(b), free(dout), free(g), free(c);
}

static void
test_sgd(long n, uint32_t sub)
{
	for (int k = 0; k < 4; k++) {
		int first = k & 1, nest = k >> 1;
		float *p = rnd(n, sub, 0), *gr = rnd(n, sub + 1, 0), *m = rnd(n, sub + 2, 0);
		float *pg = sv_mallocarray(n, 4), *mg = sv_mallocarray(n, 4);
		struct sv_net net;
		struct sv_tensor t;
		char what[96];

		memcpy(pg, p, n * 4);
		memcpy(mg, m, n * 4);
		/* the CPU twin: sv_net_sgd on a one-tensor network */
		memset(&net, 0, sizeof net);
		memset(&t, 0, sizeof t);
		t.ndim = 1, t.dim[0] = (uint64_t)n, t.data = p;
		net.param = &t, net.ntrain = net.nparam = 1;
		net.grad = &gr, net.mom = &m, net.have_mom = !first;
		sv_net_sgd(&net, 0.05f, 0.9f, 5e-4f, nest);
		snprintf(what, sizeof what, "sgd n%ld%s%s", n, first ? " first" : "",
		         nest ? " nesterov" : "");
		if (ok(api->sgd_step(pg, gr, mg, n, 0.05f, 0.9f, 5e-4f, nest, first) == 0,
		       "%s runs", what)) {
			same(what, pg, p, n, 1);
			same("sgd momentum", mg, m, n, 1);
		}
		free(p), free(gr), free(m), free(pg), free(mg);
	}
}

/* --- bad descriptions and calls are refused with a message */

static void
refused(struct sv_cuda_net_desc *d, const char *what, const char *msg)
{
	struct sv_cuda_net *g = api->net_new(d);

	ok(g == NULL, "refused: %s", what);
	if (g)
		api->net_free(g);
	else if (!ok(strstr(api->last_error(), msg) != NULL, "message: %s", msg))
		printf("#   got '%s'\n", api->last_error());
}

static void
test_refusals(void)
{
	/* a good mlp: 4x1x1 -> linear 3 -> relu -> linear 2 */
	struct sv_cuda_layer good[3] = {
		{ SV_CUDA_LINEAR, 4, 1, 1, 1, 1, 3, 0, 1, -1, -1, -1, 0 },
		{ SV_CUDA_RELU, 1, 1, 3, 1, 1, 3, -1, -1, -1, -1, -1, 0 },
		{ SV_CUDA_LINEAR, 1, 1, 3, 1, 1, 2, 2, 3, -1, -1, -1, 0 },
	};
	struct sv_cuda_layer l[3];
	uint64_t count[4] = { 12, 3, 6, 2 };
	struct sv_cuda_net_desc d = { 2, 4, 1, 1, 2, 3, l, 4, 4, count };
	struct sv_cuda_net *g;
	float x[8] = { 0 }, z[8];

	memcpy(l, good, sizeof l);
	g = api->net_new(&d);
	if (ok(g != NULL, "a good description is accepted")) {
		is_int(api->forward(g, x, 3, 1, z), 2, "forward of 3 images with batch 2 refused");
		ok(strstr(api->last_error(), "3 images") != NULL, "message names the count");
		is_int(api->backward(g, x, 0), 2, "backward of 0 images refused");
		is_int(api->forward(g, x, 2, 1, z), 0, "forward of 2 images runs");
		api->net_free(g);
	}
	d.batch = 0;
	refused(&d, "batch 0", "bad network description");
	d.batch = 2;
	l[1].ic = 4;
	refused(&d, "input shape unlike the previous output", "layer 2: input");
	memcpy(l, good, sizeof l);
	count[0] = 11;
	refused(&d, "weight count unlike the shapes", "layer 1: bad linear shapes");
	count[0] = 12;
	l[1].op = SV_CUDA_ADD;
	l[1].save = 0;
	refused(&d, "a residual add without a save", "a residual add without");
	memcpy(l, good, sizeof l);
	d.ntrain = 2;
	refused(&d, "a trained tensor described as a buffer",
	        "layer 3: bad linear shapes");
	count[0] = 12;
	l[1].op = 99;
	refused(&d, "unknown layer kind", "no GPU kernel for layer kind 99");
	memcpy(l, good, sizeof l);
	d.nclass = 5;
	refused(&d, "last layer unlike the classes", "ends with 1x1x2");
	d.nclass = 2;
	l[0].op = SV_CUDA_POOL;
	l[0].oh = l[0].ow = 0;
	refused(&d, "pool of a 4x1 input", "bad pool shapes");
}

/* --- whole training runs */

struct steps {
	int n;
	double first, last;
};

static void
on_step(void *ctx, int epoch, int step, int nsteps, double loss, float lr)
{
	struct steps *s = ctx;

	(void)epoch, (void)nsteps, (void)lr;
	if (step == 0 && epoch == 0)
		s->first = loss;
	s->last = loss;
	s->n++;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
test_training(const char *model, const char *spec, int epochs,
              uint32_t train_size, uint64_t seed)
{
	struct sv_dataset d;
	struct sv_net net;
	struct sv_train_opts o;
	struct sv_train_result rc, rg1, rg2;
	struct sv_device dev;
	struct steps sc = { 0, 0, 0 }, sg = { 0, 0, 0 };
	char err[1024];
	const struct sv_model_def *m = sv_model_find(model);
	double t0, tcpu, tgpu;
	int st;

	if (!ok(sv_dataset_load(spec, &d, err, sizeof err) == 0, "load %s", spec)) {
		printf("#   %s\n", err);
		return;
	}
	if (!ok(sv_net_init(&net, m, m->recipe.batch, (int)d.train.h,
	                    (int)d.train.w, (int)d.train.c, d.nclass, nthreads,
	                    err, sizeof err) == 0, "build %s", model))
		return;
	memset(&o, 0, sizeof o);
	o.r = m->recipe;
	o.r.epochs = epochs;
	o.vary = SV_VARY_ALL;
	o.train_size = train_size;
	o.on_step = on_step;
	o.ctx = &sc;
	t0 = now();
	sv_train_seed(&net, &d, &o, seed, &rc);
	tcpu = now() - t0;
	o.ctx = &sg;
	if (!ok(sv_device_open(&dev, "gpu", &net, err, sizeof err) == 0,
	        "%s: the GPU device opens", model)) {
		printf("#   %s\n", err);
		return;
	}
	t0 = now();
	st = sv_train_seed_on(&dev, &net, &d, &o, seed, &rg1);
	tgpu = now() - t0;
	if (!ok(st == 0, "%s on the GPU trains", model)) {
		printf("#   %s\n", sv_device_error(&dev));
		sv_device_close(&dev);
		return;
	}
	o.ctx = NULL;
	o.on_step = NULL;
	/* the same device (the network built once) for a second run */
	st = sv_train_seed_on(&dev, &net, &d, &o, seed, &rg2);
	ok(st == 0, "%s on the GPU trains again", model);
	sv_device_close(&dev);
	printf("# %s, %s, %d epoch(s), %d steps: cpu (%d threads) %.3f s, "
	       "gpu %.3f s; acc cpu %u/%u gpu %u/%u\n", model, spec, epochs,
	       sc.n, nthreads, tcpu, tgpu, rc.last.correct, rc.last.total,
	       rg1.last.correct, rg1.last.total);
	is_int(sg.n, sc.n, "%s: as many steps on the GPU as on the CPU", model);
	is_str(rg1.last.init_hash, rc.last.init_hash, "%s: same initial weights", model);
	is_str(rg1.last.hash, rg2.last.hash, "%s: two GPU runs, same weights", model);
	ok(fabs((double)rg1.last.correct - rc.last.correct) <= 0.005 * rc.last.total,
	   "%s: |acc gpu - acc cpu| <= 0.005", model);
	is_str(rg1.last.hash, rc.last.hash, "%s: GPU weights = CPU weights (bitwise)", model);
	is_int(rg1.last.correct, rc.last.correct, "%s: same test accuracy", model);
	ok(rg1.last.test_loss == rc.last.test_loss, "%s: same test loss", model);
	ok(rg1.last.train_loss == rc.last.train_loss && sg.first == sc.first &&
	   sg.last == sc.last, "%s: same training losses", model);
	sv_net_free(&net);
	sv_dataset_free(&d);
}

/* refusals of the GPU device */
static void
test_train_refusals(void)
{
	struct sv_dataset d;
	struct sv_net net;
	struct sv_train_opts o;
	struct sv_train_result r;
	struct sv_device dev;
	char err[1024];

	if (sv_dataset_load("synthetic:n=64,test=16,h=32,w=32,c=3", &d, err, sizeof err))
		return;
	if (sv_net_init(&net, sv_model_find("resnet9"), 2, 32, 32, 3, 10, 1,
	                err, sizeof err) == 0) {
		memset(&o, 0, sizeof o);
		o.r = net.def->recipe;
		o.r.batch = 2;
		if (ok(sv_device_open(&dev, "gpu", &net, err, sizeof err) == 0,
		       "resnet9 (batchnorm, residuals) opens on the GPU"))
			sv_device_close(&dev);
		else
			printf("#   %s\n", err);
		sv_net_free(&net);
	}
	if (sv_net_init(&net, sv_model_find("mlp"), 16, 32, 32, 3, 10, 1,
	                err, sizeof err) == 0) {
		memset(&o, 0, sizeof o);
		o.r = net.def->recipe;
		o.r.batch = 32;
		if (ok(sv_device_open(&dev, "gpu", &net, err, sizeof err) == 0,
		       "mlp on the GPU device")) {
			is_int(sv_train_seed_on(&dev, &net, &d, &o, 1, &r), 2,
			       "a batch larger than the network's refused");
			sv_device_close(&dev);
		}
		sv_net_free(&net);
	}
	sv_dataset_free(&d);
}

/* A cohort of S slots on the GPU against the CPU executor (the same loop
 * and bodies on the CPU, which test_cohort checks against seeds trained
 * alone): every seed's record, bit for bit.  ns < S leaves idle slots. */
static void
test_cohort(const char *model, const char *spec, int S, int ns, int epochs,
            int batch, uint32_t train_size, int augment)
{
	const struct sv_model_def *m = sv_model_find(model);
	struct sv_dataset d;
	struct sv_net net;
	struct sv_cohort_exec eg, ec;
	struct sv_train_opts *o = calloc((size_t)ns, sizeof *o);
	struct sv_train_result *rg = calloc((size_t)S, sizeof *rg);
	struct sv_train_result *rcpu = calloc((size_t)S, sizeof *rcpu);
	uint64_t *seeds = calloc((size_t)ns, sizeof *seeds);
	char err[1024];
	double t0, tg, tc;
	int st, good = 1;

	if (!ok(sv_dataset_load(spec, &d, err, sizeof err) == 0, "load %s", spec) ||
	    !ok(sv_net_init(&net, m, batch, (int)d.train.h, (int)d.train.w,
	                    (int)d.train.c, d.nclass, nthreads, err,
	                    sizeof err) == 0, "build %s", model))
		goto out;
	for (int i = 0; i < ns; i++) {
		o[i].r = m->recipe;
		o[i].r.epochs = epochs;
		o[i].r.batch = batch;
		o[i].r.augment = augment;
		o[i].vary = SV_VARY_ALL;
		o[i].train_size = train_size;
		seeds[i] = 1000 + 17 * (uint64_t)i;
	}
	st = sv_gpu_cohort(&eg, &net, &d, S, batch, SV_GPU_EXACT, err,
	                   sizeof err);
	if (!ok(st == 0, "%s: a cohort of %d slots on the GPU", model, S)) {
		printf("#   %s\n", err);
		goto out;
	}
	t0 = now();
	st = sv_cohort_train(&eg, &net, &d, o, seeds, ns, rg, err, sizeof err);
	tg = now() - t0;
	eg.close(eg.ctx);
	if (!ok(st == 0, "%s: %d seeds in %d GPU slots train", model, ns, S)) {
		printf("#   %s\n", err);
		goto out;
	}
	sv_cohort_cpu(&ec, &net, &d, S, batch, nthreads, err, sizeof err);
	t0 = now();
	st = sv_cohort_train(&ec, &net, &d, o, seeds, ns, rcpu, err, sizeof err);
	tc = now() - t0;
	ec.close(ec.ctx);
	ok(st == 0, "%s: the same on the CPU executor", model);
	for (int i = 0; i < ns && st == 0; i++)
		if (strcmp(rg[i].last.hash, rcpu[i].last.hash) != 0 ||
		    strcmp(rg[i].last.init_hash, rcpu[i].last.init_hash) != 0 ||
		    rg[i].last.correct != rcpu[i].last.correct ||
		    rg[i].last.test_loss != rcpu[i].last.test_loss ||
		    rg[i].last.train_loss != rcpu[i].last.train_loss) {
			printf("#   slot %d (seed %llu): gpu %s %u, cpu %s %u\n", i,
			       (unsigned long long)seeds[i], rg[i].last.hash,
			       rg[i].last.correct, rcpu[i].last.hash,
			       rcpu[i].last.correct);
			good = 0;
			break;
		}
	ok(st == 0 && good, "%s, %s: %d seeds in %d slots, %d epoch(s), batch "
	   "%d%s%s: every record = the CPU's (bitwise)", model, spec, ns, S,
	   epochs, batch, train_size ? ", a subset" : "",
	   augment ? ", augmented" : "");
	printf("# cohort %s S=%d: gpu %.3f s (%.4f s a seed), cpu executor %.3f s\n",
	       model, S, tg, tg / ns, tc);
	sv_net_free(&net);
	sv_dataset_free(&d);
out:
	free(o), free(rg), free(rcpu), free(seeds);
}

/* A cudnn mode (not the CPU's bits): a cohort trained twice on this GPU
 * gives the same records, its initial weights are the CPU's, and its
 * accuracy is near the exact mode's. */
static void
test_cudnn(const char *model, const char *spec, int S, int epochs, int batch,
           int math, const char *mname)
{
	const struct sv_model_def *m = sv_model_find(model);
	struct sv_dataset d;
	struct sv_net net;
	struct sv_cohort_exec ex;
	struct sv_train_opts *o = calloc((size_t)S, sizeof *o);
	struct sv_train_result *r[3];
	uint64_t *seeds = calloc((size_t)S, sizeof *seeds);
	char err[1024];
	int st = 0, same = 1, init = 1;
	double acc[3] = { 0, 0, 0 };

	for (int k = 0; k < 3; k++)
		r[k] = calloc((size_t)S, sizeof *r[k]);
	if (!ok(sv_dataset_load(spec, &d, err, sizeof err) == 0, "load %s", spec) ||
	    !ok(sv_net_init(&net, m, batch, (int)d.train.h, (int)d.train.w,
	                    (int)d.train.c, d.nclass, nthreads, err,
	                    sizeof err) == 0, "build %s", model))
		goto out;
	for (int i = 0; i < S; i++) {
		o[i].r = m->recipe;
		o[i].r.epochs = epochs;
		o[i].r.batch = batch;
		o[i].vary = SV_VARY_ALL;
		seeds[i] = 500 + (uint64_t)i;
	}
	/* cudnn twice, then exact */
	for (int k = 0; k < 3 && st == 0; k++) {
		st = sv_gpu_cohort(&ex, &net, &d, S, batch, k < 2 ? math : SV_GPU_EXACT,
		                   err, sizeof err);
		if (st == 0) {
			st = sv_cohort_train(&ex, &net, &d, o, seeds, S, r[k], err,
			                     sizeof err);
			ex.close(ex.ctx);
		}
	}
	if (!ok(st == 0, "%s %s: %d seeds trained twice, and in exact mode",
	        model, mname, S)) {
		printf("#   %s\n", err);
		goto done;
	}
	for (int i = 0; i < S; i++) {
		same &= strcmp(r[0][i].last.hash, r[1][i].last.hash) == 0 &&
		        r[0][i].last.correct == r[1][i].last.correct;
		init &= strcmp(r[0][i].last.init_hash, r[2][i].last.init_hash) == 0;
		for (int k = 0; k < 3; k++)
			acc[k] += (double)r[k][i].last.correct / r[k][i].last.total / S;
	}
	ok(same, "%s %s: the same seeds twice on this GPU give the same hash",
	   model, mname);
	ok(init, "%s %s: init_hash = the exact mode's (the CPU's)", model, mname);
	ok(fabs(acc[0] - acc[2]) < 0.05, "%s %s: mean accuracy %.4f, exact "
	   "%.4f", model, mname, acc[0], acc[2]);
done:
	sv_net_free(&net);
	sv_dataset_free(&d);
out:
	for (int k = 0; k < 3; k++)
		free(r[k]);
	free(o), free(seeds);
}

int
main(int argc, char **argv)
{
	char name[256], err[2048];
	const char *spec = argc > 1 ? argv[1] : "fashion-mnist";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	sv_set_progname(argv[0]);
	nthreads = ncpu > 1 ? (int)(ncpu < 64 ? ncpu : 64) : 1;
	rc = sv_gpu_open(name, sizeof name, err, sizeof err);
	if (rc != 0) {
		/* no usable GPU here: say so as a skip, never as a pass */
		for (char *p = err; *p; p++)
			if (*p == '\n')
				*p = ' ';
		printf("1..0 # SKIP no usable GPU: %s\n", err);
		return 0;
	}
	api = sv_gpu_api();
	printf("# GPU: %s; CPU kernels: %s, %d threads\n", name, sv_conv_isa(),
	       nthreads);
	/* fmnist-small's shapes, then odd ones */
	test_conv(8, 28, 28, 1, 16, 100);
	test_conv(8, 14, 14, 16, 32, 110);
	test_conv(2, 5, 7, 3, 5, 120);
	test_conv(1, 1, 1, 2, 3, 130);
	test_conv(3, 6, 5, 32, 8, 140);
	test_conv(1, 2, 200, 2, 64, 150); /* a row too wide to tile */
	test_pool_relu(8, 28, 28, 16, 200);
	test_pool_relu(2, 5, 7, 3, 210);
	test_pool_relu(3, 2, 2, 1, 220);
	test_linear(128, 1568, 10, 300);
	test_linear(128, 784, 64, 310);
	test_linear(3, 17, 5, 320);
	test_linear(1, 1, 1, 330);
	test_sgd(5000, 400);
	test_sgd(3, 410);
	test_refusals();
	test_train_refusals();
	test_training("mlp", "synthetic:n=600,test=200", 3, 0, 7);
	test_training("fmnist-small", "synthetic:n=700,test=300", 2, 0, 3);
	/* a full epoch: 469 steps */
	test_training("fmnist-small", spec, 1, 0, 1);
	/* cohorts: 1, 7 and 64 slots, idle slots, a partial last batch, a
	 * training size that is not a multiple of the batch */
	test_cohort("mlp", "synthetic:n=600,test=200", 1, 1, 2, 128, 0, 0);
	test_cohort("mlp", "synthetic:n=600,test=200", 7, 5, 2, 100, 530, 0);
	test_cohort("fmnist-small", "synthetic:n=700,test=300", 7, 7, 1, 128, 0, 0);
	test_cohort("fmnist-small", "synthetic:n=300,test=100", 64, 61, 1, 128,
	            250, 0);
	/* resnet9: BatchNorm (training and running statistics), residuals,
	 * global max pool, scale, augmentation over three chunks */
	test_cohort("resnet9", "synthetic:n=1100,test=40,h=12,w=12,c=3", 3, 2, 2,
	            10, 40, 1);
	test_cohort("resnet9", "synthetic:n=1100,test=40,h=12,w=12,c=3", 9, 9, 1,
	            16, 48, 1);
	/* the single-seed GPU device against the CPU reference at the
	 * paper's shapes: one step of 500 augmented 32x32 images */
	test_training("resnet9", "synthetic:n=500,test=100,h=32,w=32,c=3", 1, 0, 5);
	/* the cudnn modes, where cuDNN can be loaded */
	if (sv_gpu_dnn_version(name, sizeof name, err, sizeof err) != 0) {
		printf("# no cuDNN: %s\n", err);
		printf("ok %d # SKIP no cuDNN: the cudnn modes are not tested\n",
		       ++tap_n);
	} else {
		printf("# %s\n", name);
		test_cudnn("resnet9", "synthetic:n=2000,test=500,h=32,w=32,c=3", 4,
		           2, 100, SV_GPU_CUDNN_FP32, "cudnn fp32");
		test_cudnn("resnet9", "synthetic:n=2000,test=500,h=32,w=32,c=3", 4,
		           2, 100, SV_GPU_CUDNN_TF32, "cudnn tf32");
		test_cudnn("resnet9", "synthetic:n=2000,test=500,h=32,w=32,c=3", 4,
		           2, 100, SV_GPU_CUDNN_FP16, "cudnn fp16");
		test_cudnn("fmnist-small", "synthetic:n=2000,test=500", 4, 1, 128,
		           SV_GPU_CUDNN_FP32, "cudnn fp32 (conv bias)");
	}
	return tap_done();
}
