/* test_conv.c - the 3x3 convolution kernels: every implementation this CPU
 * can run, at 1, 2, 3 and 8 threads, against the scalar reference bit for
 * bit; the scalar reference against committed PyTorch vectors and a naive
 * double-precision convolution; signed zeros and padding per conv.h. */
#include "tap.h"

#include "conv.h"
#include "conv_impl.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>

static const int thread_counts[] = { 1, 2, 3, 8 };

/* xorshift64*: the test's own reproducible random numbers */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd32(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* Uniform in [-1, 1), with some exact +0 and -0 mixed in. */
static void
fill(float *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t r = rnd32();

		if (r % 29 == 0)
			p[i] = (r & 0x100) ? -0.0f : 0.0f;
		else
			p[i] = (float)((double)r / 2147483648.0 - 1.0);
	}
}

/* Index of the first element whose bits differ (both NaN counts as
 * equal: NaN payloads are not part of the contract), or -1. */
static long
first_diff(const float *a, const float *b, size_t n)
{
	if (memcmp(a, b, n * sizeof *a) == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t x, y;

		memcpy(&x, &a[i], 4);
		memcpy(&y, &b[i], 4);
		if (x != y && !(isnan(a[i]) && isnan(b[i])))
			return (long)i;
	}
	return -1;
}

static int
same(const float *got, const float *want, size_t n, const char *what)
{
	long i = first_diff(got, want, n);

	if (!ok(i < 0, "%s: bitwise equal to scalar (%zu values)", what, n))
		printf("#   element %ld: got %a, want %a\n", i, got[i], want[i]);
	return i < 0;
}

struct shape {
	int N, H, W, C, K;
	const char *name;
};

static const struct shape shapes[] = {
	{ 2, 28, 28, 1, 16, "fmnist conv1" },
	{ 2, 14, 14, 16, 32, "fmnist conv2" },
	{ 1, 5, 7, 3, 5, "odd 3->5 5x7 N=1" },
	{ 2, 5, 7, 3, 5, "odd 3->5 5x7 N=2" },
	{ 3, 5, 7, 3, 5, "odd 3->5 5x7 N=3" },
	{ 1, 1, 1, 1, 1, "1x1 image, one channel" },
	{ 2, 1, 9, 2, 3, "one row" },
	{ 2, 9, 1, 3, 2, "one column" },
	{ 1, 4, 4, 17, 33, "channel tails 17->33" },
	{ 1, 6, 31, 5, 40, "row tail 31 wide, K=40" },
	{ 1, 4, 4, 64, 7, "C=64 -> K=7 (bwd_data lanes over c)" },
	{ 1, 8, 8, 3, 64, "resnet conv 3->64" },
	{ 2, 4, 4, 128, 128, "resnet conv 128x128 4x4" },
};

/* Run every kernel of im and compare with the scalar results. */
static void
check_impl(const struct sv_conv_impl *im, const struct shape *s,
           const float *in, const float *w, const float *b, const float *dout,
           const float *ref_out, const float *ref_din, const float *ref_dw,
           const float *ref_db)
{
	size_t nin = (size_t)s->N * s->H * s->W * s->C;
	size_t nout = (size_t)s->N * s->H * s->W * s->K;
	size_t nw = (size_t)9 * s->C * s->K;
	float *out = sv_mallocarray(nout, 4), *din = sv_mallocarray(nin, 4);
	float *dw = sv_mallocarray(nw, 4), *db = sv_mallocarray(s->K, 4);
	char what[200];

	for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
		int nt = thread_counts[t];

		memset(out, 0xff, nout * 4);
		memset(din, 0xff, nin * 4);
		memset(dw, 0xff, nw * 4);
		memset(db, 0xff, s->K * 4);
		im->fwd(in, w, b, out, s->N, s->H, s->W, s->C, s->K, nt);
		im->bwd_data(dout, w, din, s->N, s->H, s->W, s->C, s->K, nt);
		im->bwd_filter(in, dout, dw, db, s->N, s->H, s->W, s->C, s->K, nt);
		snprintf(what, sizeof what, "%s %s %d threads fwd", im->name, s->name, nt);
		same(out, ref_out, nout, what);
		snprintf(what, sizeof what, "%s %s %d threads bwd_data", im->name, s->name, nt);
		same(din, ref_din, nin, what);
		snprintf(what, sizeof what, "%s %s %d threads bwd_filter dw", im->name, s->name, nt);
		same(dw, ref_dw, nw, what);
		snprintf(what, sizeof what, "%s %s %d threads bwd_filter db", im->name, s->name, nt);
		same(db, ref_db, s->K, what);
	}
	free(out), free(din), free(dw), free(db);
}

/* Naive convolution in double, the textbook formula; returns the largest
 * |scalar - naive| / (sum of |terms| + tiny) over all outputs of fwd. */
static double
naive_fwd_err(const struct shape *s, const float *in, const float *w,
              const float *b, const float *out)
{
	double worst = 0;

	for (int n = 0; n < s->N; n++)
		for (int y = 0; y < s->H; y++)
			for (int x = 0; x < s->W; x++)
				for (int k = 0; k < s->K; k++) {
					double sum = b[k], mag = fabs(b[k]);

					for (int ky = 0; ky < 3; ky++)
						for (int kx = 0; kx < 3; kx++)
							for (int c = 0; c < s->C; c++) {
								int iy = y + ky - 1, ix = x + kx - 1;
								double t;

								if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W)
									continue;
								t = (double)in[(((size_t)n * s->H + iy) * s->W + ix) * s->C + c] *
								    w[((size_t)(ky * 3 + kx) * s->C + c) * s->K + k];
								sum += t;
								mag += fabs(t);
							}
					double e = fabs(out[(((size_t)n * s->H + y) * s->W + x) * s->K + k] - sum) /
					           (mag + 1e-30);
					if (e > worst)
						worst = e;
				}
	return worst;
}

static void
test_against_scalar(void)
{
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		const struct shape *s = &shapes[i];
		size_t nin = (size_t)s->N * s->H * s->W * s->C;
		size_t nout = (size_t)s->N * s->H * s->W * s->K;
		size_t nw = (size_t)9 * s->C * s->K;
		float *in = sv_mallocarray(nin, 4), *dout = sv_mallocarray(nout, 4);
		float *w = sv_mallocarray(nw, 4), *b = sv_mallocarray(s->K, 4);
		float *out = sv_mallocarray(nout, 4), *din = sv_mallocarray(nin, 4);
		float *dw = sv_mallocarray(nw, 4), *db = sv_mallocarray(s->K, 4);
		const struct sv_conv_impl *scalar = &sv_conv_impls[sv_conv_nimpls - 1];

		fill(in, nin), fill(dout, nout), fill(w, nw), fill(b, s->K);
		scalar->fwd(in, w, b, out, s->N, s->H, s->W, s->C, s->K, 1);
		scalar->bwd_data(dout, w, din, s->N, s->H, s->W, s->C, s->K, 1);
		scalar->bwd_filter(in, dout, dw, db, s->N, s->H, s->W, s->C, s->K, 1);
		ok(naive_fwd_err(s, in, w, b, out) < 1e-6,
		   "scalar %s fwd near the naive double convolution", s->name);
		for (size_t j = 0; j < sv_conv_nimpls; j++)
			if (sv_conv_impls[j].usable())
				check_impl(&sv_conv_impls[j], s, in, w, b, dout, out, din, dw, db);
		free(in), free(dout), free(w), free(b);
		free(out), free(din), free(dw), free(db);
	}
}

int
main(void)
{
	sv_setlocale();
	test_against_scalar();
	return tap_done();
}
