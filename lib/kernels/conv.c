/* conv.c - 3x3 convolution kernels: the scalar reference and the
 * dispatcher that picks the fastest implementation this CPU can run
 *
 * The scalar kernels below are the contract of conv.h written as plain
 * loops: one fmaf() per multiply-add, in the stated nesting.  The vector
 * kernels (conv_kern.h) must match them bit for bit; the unit test checks
 * it with memcmp. */
#include "conv.h"
#include "conv_impl.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* in (N,H,W,C), w (3,3,C,K), b (K) -> out (N,H,W,K) */
void
sv_conv3x3_fwd_scalar(const float *in, const float *w, const float *b,
                      float *out, int N, int H, int W, int C, int K,
                      int nthreads)
{
	#pragma omp parallel for schedule(static) num_threads(nthreads)
	for (int n = 0; n < N; n++)
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				for (int k = 0; k < K; k++) {
					float acc = b ? b[k] : 0.0f;

					for (int ky = 0; ky < 3; ky++)
						for (int kx = 0; kx < 3; kx++)
							for (int c = 0; c < C; c++) {
								int iy = y + ky - 1, ix = x + kx - 1;
								float v = 0.0f;

								if (iy >= 0 && iy < H && ix >= 0 && ix < W)
									v = in[(((size_t)n * H + iy) * W + ix) * C + c];
								acc = fmaf(v, w[((size_t)(ky * 3 + kx) * C + c) * K + k], acc);
							}
					out[(((size_t)n * H + y) * W + x) * K + k] = acc;
				}
}

/* dout (N,H,W,K), w (3,3,C,K) -> din (N,H,W,C) */
void
sv_conv3x3_bwd_data_scalar(const float *dout, const float *w, float *din,
                           int N, int H, int W, int C, int K, int nthreads)
{
	#pragma omp parallel for schedule(static) num_threads(nthreads)
	for (int n = 0; n < N; n++)
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				for (int c = 0; c < C; c++) {
					float acc = 0.0f;

					for (int ky = 0; ky < 3; ky++)
						for (int kx = 0; kx < 3; kx++)
							for (int k = 0; k < K; k++) {
								int oy = y - ky + 1, ox = x - kx + 1;
								float v = 0.0f;

								if (oy >= 0 && oy < H && ox >= 0 && ox < W)
									v = dout[(((size_t)n * H + oy) * W + ox) * K + k];
								acc = fmaf(v, w[((size_t)(ky * 3 + kx) * C + c) * K + k], acc);
							}
					din[(((size_t)n * H + y) * W + x) * C + c] = acc;
				}
}

/* in (N,H,W,C), dout (N,H,W,K) -> dw (3,3,C,K), db (K) or NULL.
 * Threads split the 9*C rows (tap, c) of dw; each row of K accumulators
 * lives in dw itself and runs over all pixels in order. */
void
sv_conv3x3_bwd_filter_scalar(const float *in, const float *dout, float *dw,
                             float *db, int N, int H, int W, int C, int K,
                             int nthreads, int accumulate)
{
	#pragma omp parallel num_threads(nthreads)
	{
		#pragma omp for schedule(static)
		for (int r = 0; r < 9 * C; r++) {
			int tap = r / C, c = r % C, ky = tap / 3, kx = tap % 3;
			float *acc = dw + (size_t)r * K;

			for (int k = 0; k < K && !accumulate; k++)
				acc[k] = 0.0f;
			for (int n = 0; n < N; n++)
				for (int y = 0; y < H; y++)
					for (int x = 0; x < W; x++) {
						int iy = y + ky - 1, ix = x + kx - 1;
						const float *g = dout + (((size_t)n * H + y) * W + x) * K;
						float v = 0.0f;

						if (iy >= 0 && iy < H && ix >= 0 && ix < W)
							v = in[(((size_t)n * H + iy) * W + ix) * C + c];
						for (int k = 0; k < K; k++)
							acc[k] = fmaf(v, g[k], acc[k]);
					}
		}
		if (db) {
			#pragma omp for schedule(static)
			for (int k = 0; k < K; k++) {
				float acc = accumulate ? db[k] : 0.0f;

				for (size_t p = 0; p < (size_t)N * H * W; p++)
					acc = acc + dout[p * K + k];
				db[k] = acc;
			}
		}
	}
}

/* CPU checks: __builtin_cpu_supports also checks that the OS saves the
 * registers (XCR0).  The avx512 row needs every extension its file is
 * compiled with (see ISA_avx512 in the Makefile). */
static int
usable_avx512(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512dq") &&
	       __builtin_cpu_supports("avx512vl") &&
	       __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int
usable_avx2(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int
usable_scalar(void)
{
	return 1;
}

const struct sv_conv_impl sv_conv_impls[] = {
	{ "avx512", usable_avx512, sv_conv3x3_fwd_avx512,
	  sv_conv3x3_bwd_data_avx512, sv_conv3x3_bwd_filter_avx512 },
	{ "avx2", usable_avx2, sv_conv3x3_fwd_avx2,
	  sv_conv3x3_bwd_data_avx2, sv_conv3x3_bwd_filter_avx2 },
	{ "scalar", usable_scalar, sv_conv3x3_fwd_scalar,
	  sv_conv3x3_bwd_data_scalar, sv_conv3x3_bwd_filter_scalar },
};
const size_t sv_conv_nimpls = sizeof sv_conv_impls / sizeof sv_conv_impls[0];

const struct sv_conv_impl *
sv_conv_pick(const char *env)
{
	const struct sv_conv_impl *scalar = &sv_conv_impls[sv_conv_nimpls - 1];

	for (size_t i = 0; i < sv_conv_nimpls; i++) {
		const struct sv_conv_impl *im = &sv_conv_impls[i];

		if (!env || !*env) {
			if (im->usable())
				return im;	/* automatic: the first usable row */
		} else if (strcmp(env, im->name) == 0) {
			return im->usable() ? im : scalar;
		}
	}
	return scalar;
}

static const struct sv_conv_impl *chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static void
choose(void)
{
	chosen = sv_conv_pick(getenv("SV_KERNELS"));
}

static const struct sv_conv_impl *
impl(void)
{
	pthread_once(&chosen_once, choose);
	return chosen;
}

const char *
sv_conv_isa(void)
{
	return impl()->name;
}

void
sv_conv3x3_fwd(const float *in, const float *w, const float *b, float *out,
               int N, int H, int W, int C, int K, int nthreads)
{
	impl()->fwd(in, w, b, out, N, H, W, C, K, nthreads < 1 ? 1 : nthreads);
}

void
sv_conv3x3_bwd_data(const float *dout, const float *w, float *din, int N,
                    int H, int W, int C, int K, int nthreads)
{
	impl()->bwd_data(dout, w, din, N, H, W, C, K, nthreads < 1 ? 1 : nthreads);
}

void
sv_conv3x3_bwd_filter(const float *in, const float *dout, float *dw,
                      float *db, int N, int H, int W, int C, int K,
                      int nthreads)
{
	impl()->bwd_filter(in, dout, dw, db, N, H, W, C, K,
	                   nthreads < 1 ? 1 : nthreads, 0);
}

void
sv_conv3x3_bwd_filter_acc(const float *in, const float *dout, float *dw,
                          float *db, int N, int H, int W, int C, int K,
                          int nthreads)
{
	impl()->bwd_filter(in, dout, dw, db, N, H, W, C, K,
	                   nthreads < 1 ? 1 : nthreads, 1);
}
