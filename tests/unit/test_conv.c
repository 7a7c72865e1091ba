/* test_conv.c - the 3x3 convolution kernels: every implementation this CPU
 * can run, at 1, 2, 3 and 8 threads, against the scalar reference bit for
 * bit; the scalar reference against committed PyTorch vectors and a naive
 * double-precision convolution; signed zeros and padding per conv.h. */
#include "tap.h"

#include "kernels/conv.h"
#include "kernels/conv_impl.h"
#include "base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <xxhash.h>

#include "conv_vectors.h"

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
	{ 2, 6, 5, 1, 20, "C=1 -> K=20 (all tap rows, db, 2 vectors)" },
	{ 3, 3, 4, 1, 40, "C=1 -> K=40 (all tap rows, db, k blocks)" },
	{ 2, 5, 3, 2, 9, "C=2 -> K=9" },
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
		im->bwd_filter(in, dout, dw, db, s->N, s->H, s->W, s->C, s->K, nt, 0);
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

/* The same for bwd_data and bwd_filter (dw and db): the largest relative
 * error of the scalar results against textbook sums in double. */
static double
naive_bwd_err(const struct shape *s, const float *in, const float *w,
              const float *dout, const float *din, const float *dw,
              const float *db)
{
	int N = s->N, H = s->H, W = s->W, C = s->C, K = s->K;
	double worst = 0;

	for (int n = 0; n < N; n++)
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				for (int c = 0; c < C; c++) {
					double sum = 0, mag = 0, e;

					for (int ky = 0; ky < 3; ky++)
						for (int kx = 0; kx < 3; kx++) {
							int oy = y - ky + 1, ox = x - kx + 1;

							if (oy < 0 || oy >= H || ox < 0 || ox >= W)
								continue;
							for (int k = 0; k < K; k++) {
								double t = (double)dout[(((size_t)n * H + oy) * W + ox) * K + k] *
								           w[((size_t)(ky * 3 + kx) * C + c) * K + k];

								sum += t, mag += fabs(t);
							}
						}
					e = fabs(din[(((size_t)n * H + y) * W + x) * C + c] - sum) / (mag + 1e-30);
					worst = fmax(worst, e);
				}
	for (int t = 0; t < 9; t++)
		for (int c = 0; c < C; c++)
			for (int k = 0; k < K; k++) {
				double sum = 0, mag = 0, e;

				for (int n = 0; n < N; n++)
					for (int y = 0; y < H; y++)
						for (int x = 0; x < W; x++) {
							int iy = y + t / 3 - 1, ix = x + t % 3 - 1;
							double v;

							if (iy < 0 || iy >= H || ix < 0 || ix >= W)
								continue;
							v = (double)in[(((size_t)n * H + iy) * W + ix) * C + c] *
							    dout[(((size_t)n * H + y) * W + x) * K + k];
							sum += v, mag += fabs(v);
						}
				e = fabs(dw[((size_t)t * C + c) * K + k] - sum) / (mag + 1e-30);
				worst = fmax(worst, e);
			}
	for (int k = 0; k < K; k++) {
		double sum = 0, mag = 0;

		for (size_t p = 0; p < (size_t)N * H * W; p++)
			sum += dout[p * K + k], mag += fabs(dout[p * K + k]);
		worst = fmax(worst, fabs(db[k] - sum) / (mag + 1e-30));
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
		scalar->bwd_filter(in, dout, dw, db, s->N, s->H, s->W, s->C, s->K, 1, 0);
		ok(naive_fwd_err(s, in, w, b, out) < 1e-6,
		   "scalar %s fwd near the naive double convolution", s->name);
		ok(naive_bwd_err(s, in, w, dout, din, dw, db) < 1e-5,
		   "scalar %s bwd_data, dw, db near the naive double sums", s->name);
		for (size_t j = 0; j < sv_conv_nimpls; j++)
			if (sv_conv_impls[j].usable())
				check_impl(&sv_conv_impls[j], s, in, w, b, dout, out, din, dw, db);
		free(in), free(dout), free(w), free(b);
		free(out), free(din), free(dw), free(db);
	}
}

/* Every kernel of every usable implementation, the scalar one included,
 * against the committed PyTorch float64 values: within a few float32
 * roundings of each sum (values are in [-1, 1], at most 70 terms). */
static void
test_vectors(void)
{
	for (size_t i = 0; i < sizeof conv_vecs / sizeof conv_vecs[0]; i++) {
		const struct conv_vec *cv = &conv_vecs[i];
		size_t nin = (size_t)cv->N * cv->H * cv->W * cv->C;
		size_t nout = (size_t)cv->N * cv->H * cv->W * cv->K;
		size_t nw = (size_t)9 * cv->C * cv->K;
		float *out = sv_mallocarray(nout, 4), *din = sv_mallocarray(nin, 4);
		float *dw = sv_mallocarray(nw, 4), *db = sv_mallocarray(cv->K, 4);

		for (size_t j = 0; j < sv_conv_nimpls; j++) {
			const struct sv_conv_impl *im = &sv_conv_impls[j];
			double e_out = 0, e_din = 0, e_dw = 0, e_db = 0;

			if (!im->usable())
				continue;
			im->fwd(cv->in, cv->w, cv->b, out, cv->N, cv->H, cv->W, cv->C, cv->K, 2);
			im->bwd_data(cv->dout, cv->w, din, cv->N, cv->H, cv->W, cv->C, cv->K, 2);
			im->bwd_filter(cv->in, cv->dout, dw, db, cv->N, cv->H, cv->W, cv->C,
			               cv->K, 2, 0);
			for (size_t e = 0; e < nout; e++)
				e_out = fmax(e_out, fabs(out[e] - cv->out[e]));
			for (size_t e = 0; e < nin; e++)
				e_din = fmax(e_din, fabs(din[e] - cv->din[e]));
			for (size_t e = 0; e < nw; e++)
				e_dw = fmax(e_dw, fabs(dw[e] - cv->dw[e]));
			for (int e = 0; e < cv->K; e++)
				e_db = fmax(e_db, fabs(db[e] - cv->db[e]));
			ok(e_out < 1e-5, "%s %s fwd matches torch (max error %.3g)", im->name, cv->name, e_out);
			ok(e_din < 1e-5, "%s %s bwd_data matches torch (max error %.3g)", im->name, cv->name, e_din);
			ok(e_dw < 1e-5, "%s %s bwd_filter dw matches torch (max error %.3g)", im->name, cv->name, e_dw);
			ok(e_db < 1e-5, "%s %s bwd_filter db matches torch (max error %.3g)", im->name, cv->name, e_db);
			ok(e_out > 0 || e_dw > 0, "%s %s: float32 differs from float64 somewhere "
			   "(the comparison is not vacuous)", im->name, cv->name);
		}
		free(out), free(din), free(dw), free(db);
	}
}

static int
signbits(const float *p, size_t n, int want_neg)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0 || !!signbit(p[i]) != want_neg)
			return 0;
	return 1;
}

/* conv.h: padding taps do fmaf(+0, w, acc); start values are b (fwd) and
 * +0 (bwd).  With in = -0, w > 0, b = -0 an in-image tap keeps -0 and a
 * padding tap turns the sum to +0: on a 3x3 image only the centre pixel
 * stays -0.  bwd_data/bwd_filter start at +0, so -0 products give +0. */
static void
test_signed_zero(void)
{
	enum { C = 2, K = 3 };
	float in[9 * C], w[9 * C * K], b[K], out[9 * K], dout[9 * K];
	float din[9 * C], dw[9 * C * K], db[K];

	for (size_t i = 0; i < 9 * C; i++)
		in[i] = -0.0f;
	for (size_t i = 0; i < 9 * C * K; i++)
		w[i] = 0.5f;
	for (int k = 0; k < K; k++)
		b[k] = -0.0f;
	for (size_t i = 0; i < 9 * K; i++)
		dout[i] = -0.0f;
	for (size_t j = 0; j < sv_conv_nimpls; j++) {
		const struct sv_conv_impl *im = &sv_conv_impls[j];
		int border_pos = 1;

		if (!im->usable())
			continue;
		im->fwd(in, w, b, out, 1, 3, 3, C, K, 1);
		for (int p = 0; p < 9; p++)
			if (p != 4 && !signbits(out + p * K, K, 0))
				border_pos = 0;
		ok(border_pos, "%s fwd: border pixels +0 (padding taps add +0)", im->name);
		ok(signbits(out + 4 * K, K, 1), "%s fwd: centre pixel -0 (no padding tap)", im->name);
		im->bwd_data(dout, w, din, 1, 3, 3, C, K, 1);
		ok(signbits(din, 9 * C, 0), "%s bwd_data: starts at +0", im->name);
		for (size_t i = 0; i < 9 * K; i++)
			dout[i] = 1.0f;
		im->bwd_filter(in, dout, dw, db, 1, 3, 3, C, K, 1, 0);
		ok(signbits(dw, 9 * C * K, 0), "%s bwd_filter: dw starts at +0", im->name);
		for (size_t i = 0; i < 9 * K; i++)
			dout[i] = -0.0f;
		im->bwd_filter(in, dout, dw, db, 1, 3, 3, C, K, 1, 0);
		ok(signbits(db, K, 0), "%s bwd_filter: db starts at +0", im->name);
		/* the padding tap really is a multiply: 0 * inf is NaN */
		w[0] = INFINITY;
		for (size_t i = 0; i < 9 * C; i++)
			in[i] = 1.0f;
		im->fwd(in, w, NULL, out, 1, 3, 3, C, K, 1);
		ok(isnan(out[0]) && out[4 * K] == INFINITY,
		   "%s fwd: padding tap with w=inf gives NaN (fmaf(0, inf, acc)), "
		   "in-image gives inf", im->name);
		w[0] = 0.5f;
		for (size_t i = 0; i < 9 * C; i++)
			in[i] = -0.0f;
	}
}

/* A one-ulp change of one element, and the same sums in another order,
 * must both be caught by the comparison the tests rely on. */
static void
test_comparison_can_fail(void)
{
	enum { N = 1, H = 4, W = 5, C = 7, K = 6 };
	float in[N * H * W * C], w[9 * C * K], b[K], out[N * H * W * K];
	float alt[N * H * W * K];

	fill(in, sizeof in / 4), fill(w, sizeof w / 4), fill(b, K);
	sv_conv3x3_fwd_scalar(in, w, b, out, N, H, W, C, K, 1);
	memcpy(alt, out, sizeof out);
	alt[17] = nextafterf(alt[17], INFINITY);
	is_int(first_diff(alt, out, N * H * W * K), 17, "a one-ulp change is detected");
	alt[17] = out[17];
	is_int(first_diff(alt, out, N * H * W * K), -1, "and its undoing is equal");
	/* c descending instead of ascending: the same exact terms */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			for (int k = 0; k < K; k++) {
				float acc = b[k];

				for (int t = 0; t < 9; t++)
					for (int c = C - 1; c >= 0; c--) {
						int iy = y + t / 3 - 1, ix = x + t % 3 - 1;
						float v = iy < 0 || iy >= H || ix < 0 || ix >= W ? 0 :
						          in[(iy * W + ix) * C + c];

						acc = fmaf(v, w[(t * C + c) * K + k], acc);
					}
				alt[(y * W + x) * K + k] = acc;
			}
	ok(first_diff(alt, out, N * H * W * K) >= 0,
	   "another summation order is detected");
}

/* NaN, infinities and subnormals go through every implementation exactly
 * as through the scalar one (NaN payloads aside). */
static void
test_special_values(void)
{
	enum { N = 2, H = 5, W = 6, C = 5, K = 18 };
	size_t nin = N * H * W * C, nout = N * H * W * K, nw = 9 * C * K;
	float *in = sv_mallocarray(nin, 4), *dout = sv_mallocarray(nout, 4);
	float *w = sv_mallocarray(nw, 4), *b = sv_mallocarray(K, 4);
	float *r[4], *g[4];
	size_t sz[4] = { nout, nin, nw, K };
	static const float special[] = { NAN, INFINITY, -INFINITY, 0x1p-140f,
	                                 -0x1p-149f, 0x1.fffffep127f };

	fill(in, nin), fill(dout, nout), fill(w, nw), fill(b, K);
	for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
		in[(i * 131) % nin] = special[i];
		dout[(i * 197) % nout] = special[i];
		w[(i * 61) % nw] = special[(i + 3) % 6];
	}
	for (int i = 0; i < 4; i++)
		r[i] = sv_mallocarray(sz[i], 4), g[i] = sv_mallocarray(sz[i], 4);
	sv_conv3x3_fwd_scalar(in, w, b, r[0], N, H, W, C, K, 1);
	sv_conv3x3_bwd_data_scalar(dout, w, r[1], N, H, W, C, K, 1);
	sv_conv3x3_bwd_filter_scalar(in, dout, r[2], r[3], N, H, W, C, K, 1, 0);
	for (size_t j = 0; j + 1 < sv_conv_nimpls; j++) {
		const struct sv_conv_impl *im = &sv_conv_impls[j];
		char what[100];

		if (!im->usable())
			continue;
		im->fwd(in, w, b, g[0], N, H, W, C, K, 3);
		im->bwd_data(dout, w, g[1], N, H, W, C, K, 3);
		im->bwd_filter(in, dout, g[2], g[3], N, H, W, C, K, 3, 0);
		snprintf(what, sizeof what, "%s special values fwd", im->name);
		same(g[0], r[0], nout, what);
		snprintf(what, sizeof what, "%s special values bwd_data", im->name);
		same(g[1], r[1], nin, what);
		snprintf(what, sizeof what, "%s special values dw", im->name);
		same(g[2], r[2], nw, what);
		snprintf(what, sizeof what, "%s special values db", im->name);
		same(g[3], r[3], K, what);
	}
	for (int i = 0; i < 4; i++)
		free(r[i]), free(g[i]);
	free(in), free(dout), free(w), free(b);
}

/* The dispatcher: SV_KERNELS names a row; unknown names and rows this CPU
 * cannot run give scalar; empty or unset picks the best usable row. */
static void
test_dispatch(void)
{
	const struct sv_conv_impl *best = NULL;
	const char *isa = sv_conv_isa();
	const char *env = getenv("SV_KERNELS");
	int known = 0;

	for (size_t j = 0; j < sv_conv_nimpls && !best; j++)
		if (sv_conv_impls[j].usable())
			best = &sv_conv_impls[j];
	is_str(sv_conv_impls[sv_conv_nimpls - 1].name, "scalar", "last row is scalar");
	ok(sv_conv_pick(NULL) == best, "unset: the first usable row (%s)", best->name);
	ok(sv_conv_pick("") == best, "empty: the first usable row");
	is_str(sv_conv_pick("scalar")->name, "scalar", "scalar forced");
	is_str(sv_conv_pick("avx-512")->name, "scalar", "unknown name: scalar");
	is_str(sv_conv_pick("AVX512")->name, "scalar", "names are case-sensitive");
	is_str(sv_conv_pick("avx512 ")->name, "scalar", "no trailing blank");
	for (size_t j = 0; j < sv_conv_nimpls; j++) {
		const struct sv_conv_impl *im = &sv_conv_impls[j];

		is_str(sv_conv_pick(im->name)->name, im->usable() ? im->name : "scalar",
		       "SV_KERNELS=%s gives %s", im->name, im->usable() ? im->name : "scalar");
		if (strcmp(isa, im->name) == 0)
			known = 1;
	}
	ok(known, "sv_conv_isa() names a row: %s", isa);
	is_str(isa, sv_conv_pick(env)->name, "sv_conv_isa() follows SV_KERNELS=%s",
	       env ? env : "(unset)");
	ok(__builtin_cpu_supports("avx512f") ? sv_conv_pick("avx512")->fwd !=
	   sv_conv3x3_fwd_scalar : 1, "this CPU has AVX-512F: the avx512 row is usable");
}

/* The public entry points give the scalar bits, whichever row runs. */
static void
test_public_api(void)
{
	enum { N = 3, H = 7, W = 9, C = 6, K = 20 };
	size_t nin = N * H * W * C, nout = N * H * W * K, nw = 9 * C * K;
	float *in = sv_mallocarray(nin, 4), *dout = sv_mallocarray(nout, 4);
	float *w = sv_mallocarray(nw, 4), *b = sv_mallocarray(K, 4);
	float *r = sv_mallocarray(nout, 4), *g = sv_mallocarray(nout, 4);
	float *rw = sv_mallocarray(nw, 4), *gw = sv_mallocarray(nw, 4);

	fill(in, nin), fill(dout, nout), fill(w, nw), fill(b, K);
	sv_conv3x3_fwd_scalar(in, w, b, r, N, H, W, C, K, 1);
	sv_conv3x3_fwd(in, w, b, g, N, H, W, C, K, 2);
	same(g, r, nout, "sv_conv3x3_fwd");
	sv_conv3x3_bwd_data_scalar(dout, w, r, N, H, W, C, K, 1);
	sv_conv3x3_bwd_data(dout, w, g, N, H, W, C, K, 0);
	same(g, r, nin, "sv_conv3x3_bwd_data, nthreads 0 taken as 1");
	sv_conv3x3_bwd_filter_scalar(in, dout, rw, NULL, N, H, W, C, K, 1, 0);
	sv_conv3x3_bwd_filter(in, dout, gw, NULL, N, H, W, C, K, 8);
	same(gw, rw, nw, "sv_conv3x3_bwd_filter, db NULL");
	sv_conv3x3_bwd_filter(in, dout, gw, NULL, 0, H, W, C, K, 2);
	ok(signbits(gw, nw, 0), "N = 0: dw is +0");
	free(in), free(dout), free(w), free(b), free(r), free(g), free(rw), free(gw);
}

/* The same bits on every build and machine: XXH3-128 of the results of
 * every kernel on the fmnist shapes (inputs from fill()), recorded from
 * the baseline x86-64 build's scalar kernels.  The -march=native build
 * (make B=build/native CFLAGS='-O2 -march=native' units) and any other
 * little-endian machine must print the same; each usable row is checked
 * too. */
#define GOLDEN_CONV1 "809400fa4aec0865d4e398574793e350"
#define GOLDEN_CONV2 "5145138a787de9945d6b60066fb76981"
static const struct {
	const char *shape;
	const char *digest;
} golden[] = {
	{ "fmnist conv1", GOLDEN_CONV1 },
	{ "fmnist conv2", GOLDEN_CONV2 },
};

static void
digest_add(XXH3_state_t *st, const float *p, size_t n)
{
	XXH3_128bits_update(st, p, n * sizeof *p);
}

static void
test_golden(void)
{
	for (size_t g = 0; g < sizeof golden / sizeof golden[0]; g++) {
		const struct shape *s = &shapes[g];
		size_t nin = (size_t)s->N * s->H * s->W * s->C;
		size_t nout = (size_t)s->N * s->H * s->W * s->K;
		size_t nw = (size_t)9 * s->C * s->K;
		float *in = sv_mallocarray(nin, 4), *dout = sv_mallocarray(nout, 4);
		float *w = sv_mallocarray(nw, 4), *b = sv_mallocarray(s->K, 4);
		float *out = sv_mallocarray(nout, 4), *din = sv_mallocarray(nin, 4);
		float *dw = sv_mallocarray(nw, 4), *db = sv_mallocarray(s->K, 4);

		rng_state = 0x5eed0000ull + g;
		fill(in, nin), fill(dout, nout), fill(w, nw), fill(b, s->K);
		for (size_t j = 0; j < sv_conv_nimpls; j++) {
			const struct sv_conv_impl *im = &sv_conv_impls[j];
			XXH3_state_t *st;
			XXH128_canonical_t c;
			char hex[33];

			if (!im->usable())
				continue;
			st = XXH3_createState();
			im->fwd(in, w, b, out, s->N, s->H, s->W, s->C, s->K, 2);
			im->bwd_data(dout, w, din, s->N, s->H, s->W, s->C, s->K, 2);
			im->bwd_filter(in, dout, dw, db, s->N, s->H, s->W, s->C, s->K, 2, 0);
			XXH3_128bits_reset(st);
			digest_add(st, out, nout), digest_add(st, din, nin);
			digest_add(st, dw, nw), digest_add(st, db, s->K);
			XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
			for (int i = 0; i < 16; i++)
				snprintf(hex + 2 * i, 3, "%02x", c.digest[i]);
			XXH3_freeState(st);
			is_str(hex, golden[g].digest, "%s %s: digest of all results equals "
			       "the recorded one", im->name, s->name);
		}
		free(in), free(dout), free(w), free(b);
		free(out), free(din), free(dw), free(db);
	}
}

/* bwd_filter over a batch given in consecutive parts, each part but the
 * first continuing the sums (accumulate), must give the bits of one call
 * over the whole batch: every implementation, several splits and thread
 * counts, with and without db. */
static void
test_accumulate(void)
{
	static const struct { int N, H, W, C, K; } sh[] = {
		{ 7, 28, 28, 1, 16 }, { 7, 14, 14, 16, 32 }, { 5, 5, 7, 3, 5 },
	};
	static const int splits[][4] = { { 1, 6, 0 }, { 3, 3, 1 }, { 2, 2, 2, 1 } };

	for (size_t si = 0; si < sizeof sh / sizeof sh[0]; si++) {
		int N = sh[si].N, H = sh[si].H, W = sh[si].W, C = sh[si].C, K = sh[si].K;
		size_t nin = (size_t)N * H * W * C, nout = (size_t)N * H * W * K;
		size_t nw = (size_t)9 * C * K;
		float *in = malloc(nin * sizeof *in), *dout = malloc(nout * sizeof *dout);
		float *rw = malloc(nw * sizeof *rw), *rb = malloc(K * sizeof *rb);
		float *gw = malloc(nw * sizeof *gw), *gb = malloc(K * sizeof *gb);

		fill(in, nin);
		fill(dout, nout);
		sv_conv3x3_bwd_filter_scalar(in, dout, rw, rb, N, H, W, C, K, 1, 0);
		for (size_t j = 0; j < sv_conv_nimpls; j++) {
			const struct sv_conv_impl *im = &sv_conv_impls[j];

			if (!im->usable())
				continue;
			for (size_t sp = 0; sp < sizeof splits / sizeof splits[0]; sp++) {
				int nt = thread_counts[sp % 4], n0 = 0;
				char what[160];

				for (int part = 0; part < 4 && n0 < N; part++) {
					int n = splits[sp][part] ? splits[sp][part] : N - n0;

					if (n0 + n > N || part == 3)
						n = N - n0;
					im->bwd_filter(in + (size_t)n0 * H * W * C,
					               dout + (size_t)n0 * H * W * K, gw,
					               sp == 1 ? NULL : gb, n, H, W, C, K, nt,
					               part > 0);
					n0 += n;
				}
				snprintf(what, sizeof what, "%s bwd_filter %dx%dx%dx%d in parts "
				         "(split %zu, %d threads): dw", im->name, N, H, W, C, sp, nt);
				same(gw, rw, nw, what);
				if (sp != 1) {
					snprintf(what, sizeof what, "%s bwd_filter in parts "
					         "(split %zu): db", im->name, sp);
					same(gb, rb, (size_t)K, what);
				}
			}
		}
		free(in), free(dout), free(rw), free(rb), free(gw), free(gb);
	}
}

int
main(void)
{
	sv_setlocale();
	test_against_scalar();
	test_vectors();
	test_signed_zero();
	test_comparison_can_fail();
	test_special_values();
	test_dispatch();
	test_public_api();
	test_golden();
	test_accumulate();
	return tap_done();
}
