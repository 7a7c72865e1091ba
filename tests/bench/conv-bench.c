/* conv-bench.c - GFLOP/s of every convolution kernel this CPU can run on
 * the fmnist-small shapes (batch 128), with 1 and 2 threads, and the time
 * of one training epoch's convolutions (60000 images: fwd conv1+conv2,
 * bwd_data conv2, bwd_filter conv1+conv2) that follows from them.
 * Every timed result is also compared bit for bit with the scalar
 * reference (exit 1 on a difference).  The first lines give the machine's
 * FMA peak, measured with independent register-only FMA chains.
 * Built and run by conv-bench.sh.
 * Usage: conv-bench [seconds-per-case [implementation]] */
#include "kernels/conv.h"
#include "kernels/conv_impl.h"
#include "base/util.h"

#include <immintrin.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct shape {
	const char *name;
	int N, H, W, C, K;
};

static const struct shape shapes[] = {
	{ "conv1", 128, 28, 28, 1, 16 },
	{ "conv2", 128, 14, 14, 16, 32 },
};

enum { FWD, BWD_DATA, BWD_FILTER, NKERN };
static const char *const kern_names[NKERN] = { "fwd", "bwd_data", "bwd_filter" };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
run(const struct sv_conv_impl *im, int kern, const struct shape *s,
    float *in, float *w, float *b, float *out, float *dw, int nt)
{
	float db[64]; /* the shapes here have K <= 64 */

	switch (kern) {
	case FWD:
		im->fwd(in, w, b, out, s->N, s->H, s->W, s->C, s->K, nt);
		break;
	case BWD_DATA:
		im->bwd_data(out, w, in, s->N, s->H, s->W, s->C, s->K, nt);
		break;
	default:
		im->bwd_filter(in, out, dw, db, s->N, s->H, s->W, s->C, s->K, nt, 0);
		break;
	}
}

/* GFLOP/s of 24 independent AVX-512 FMA chains per thread (2 flops a
 * lane), the best of 50 short runs.  The results go to peak_sink so that
 * the chains stay. */
volatile float peak_sink[64];

__attribute__((target("avx512f")))
static void
peak_chains(long rounds, int tid)
{
	__m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
#define S(i) _mm512_set1_ps(0.01f * (i) + (float)tid)
	__m512 a0 = S(0), a1 = S(1), a2 = S(2), a3 = S(3), a4 = S(4), a5 = S(5);
	__m512 a6 = S(6), a7 = S(7), a8 = S(8), a9 = S(9), a10 = S(10), a11 = S(11);
	__m512 a12 = S(12), a13 = S(13), a14 = S(14), a15 = S(15), a16 = S(16);
	__m512 a17 = S(17), a18 = S(18), a19 = S(19), a20 = S(20), a21 = S(21);
	__m512 a22 = S(22), a23 = S(23);
#undef S

	for (long it = 0; it < rounds; it++) {
#define F(r) r = _mm512_fmadd_ps(r, x, y)
		F(a0); F(a1); F(a2); F(a3); F(a4); F(a5); F(a6); F(a7);
		F(a8); F(a9); F(a10); F(a11); F(a12); F(a13); F(a14); F(a15);
		F(a16); F(a17); F(a18); F(a19); F(a20); F(a21); F(a22); F(a23);
#undef F
		__asm__ volatile("" : "+v"(a0), "+v"(a8), "+v"(a16));
	}
	a0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
	                   _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
	a8 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)),
	                   _mm512_add_ps(_mm512_add_ps(a12, a13), _mm512_add_ps(a14, a15)));
	a16 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a16, a17), _mm512_add_ps(a18, a19)),
	                    _mm512_add_ps(_mm512_add_ps(a20, a21), _mm512_add_ps(a22, a23)));
	peak_sink[tid & 63] = _mm512_reduce_add_ps(_mm512_add_ps(a0, _mm512_add_ps(a8, a16)));
}

static double
peak_avx512(int nt)
{
	long rounds = 200000;
	double best = 0;

	for (int rep = 0; rep < 50; rep++) {
		double t0 = now(), g;

		#pragma omp parallel num_threads(nt)
		peak_chains(rounds, omp_get_thread_num());
		t0 = now() - t0;
		g = (double)nt * rounds * 24 * 32 / t0 * 1e-9;
		if (g > best)
			best = g;
	}
	return best;
}

/* Best seconds per call over about `budget` seconds of calls. */
static double
best_time(const struct sv_conv_impl *im, int kern, const struct shape *s,
          float *in, float *w, float *b, float *out, float *dw, int nt,
          double budget)
{
	double best = 1e30, start = now();

	run(im, kern, s, in, w, b, out, dw, nt); /* warm up */
	do {
		double t0 = now();

		run(im, kern, s, in, w, b, out, dw, nt);
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
	} while (now() - start < budget);
	return best;
}

int
main(int argc, char **argv)
{
	double budget = 0.5;
	int bad = 0;
	const char *only;
	double epoch[8][3] = { { 0 } };

	sv_setlocale();
	sv_set_progname(argv[0]);
	if (argc > 3)
		sv_die(2, "usage: conv-bench [seconds-per-case [implementation]]");
	if (argc > 1)
		budget = sv_opt_double("seconds", argv[1], 0.001, 60);
	only = argc > 2 ? argv[2] : NULL;
	if (only && strcmp(sv_conv_pick(only)->name, only) != 0)
		sv_die(2, "no usable implementation: '%s'", only);
	if (__builtin_cpu_supports("avx512f"))
		printf("# FMA peak (AVX-512, 24 chains): %.1f GFLOP/s 1 thread, "
		       "%.1f GFLOP/s 2 threads\n", peak_avx512(1), peak_avx512(2));
	printf("#impl\tthreads\tshape\tkernel\tms\tGFLOP/s\tbits\n");
	for (size_t j = 0; j < sizeof shapes / sizeof shapes[0]; j++) {
		const struct shape *s = &shapes[j];
		size_t nin = (size_t)s->N * s->H * s->W * s->C;
		size_t nout = (size_t)s->N * s->H * s->W * s->K;
		size_t nw = (size_t)9 * s->C * s->K;
		float *in = sv_calloc(nin, 4), *out = sv_calloc(nout, 4);
		float *w = sv_calloc(nw, 4), *dw = sv_calloc(nw, 4);
		float *b = sv_calloc(s->K, 4);
		float *ref[NKERN], *got = sv_mallocarray(nin > nout ? nin : nout, 4);
		size_t nres[NKERN] = { nout, nin, nw };
		double flop = 2.0 * s->N * s->H * s->W * 9.0 * s->C * s->K;

		for (size_t e = 0; e < nin; e++)
			in[e] = (float)((e * 37 % 101) / 101.0 - 0.5);
		for (size_t e = 0; e < nout; e++)
			out[e] = (float)((e * 53 % 97) / 97.0 - 0.5);
		for (size_t e = 0; e < nw; e++)
			w[e] = (float)((e * 11 % 89) / 89.0 - 0.5);
		/* the scalar results, the reference of the bit check */
		ref[FWD] = sv_mallocarray(nout, 4);
		ref[BWD_DATA] = sv_mallocarray(nin, 4);
		ref[BWD_FILTER] = sv_mallocarray(nw, 4);
		sv_conv3x3_fwd_scalar(in, w, b, ref[FWD], s->N, s->H, s->W, s->C, s->K, 2);
		sv_conv3x3_bwd_data_scalar(out, w, ref[BWD_DATA], s->N, s->H, s->W, s->C, s->K, 2);
		sv_conv3x3_bwd_filter_scalar(in, out, ref[BWD_FILTER], NULL, s->N, s->H,
		                             s->W, s->C, s->K, 2, 0);
		for (size_t i = 0; i < sv_conv_nimpls; i++) {
			const struct sv_conv_impl *im = &sv_conv_impls[i];

			if (!im->usable() || (only && strcmp(only, im->name) != 0))
				continue;
			for (int nt = 1; nt <= 2; nt++)
				for (int kern = 0; kern < NKERN; kern++) {
					float *res = kern == FWD ? got : kern == BWD_DATA ? in : dw;
					float *keep = NULL;
					double t;
					int same;

					if (kern == BWD_DATA) {	/* bwd_data writes in: keep it */
						keep = sv_mallocarray(nin, 4);
						memcpy(keep, in, nin * 4);
					}
					t = best_time(im, kern, s, in, w, b, kern == FWD ? got : out, dw, nt,
					              im->name[0] == 's' ? budget / 5 : budget);
					same = memcmp(res, ref[kern], nres[kern] * 4) == 0;
					bad |= !same;
					if (keep) {
						memcpy(in, keep, nin * 4);
						free(keep);
					}
					printf("%s\t%d\t%s\t%s\t%.3f\t%.1f\t%s\n", im->name, nt, s->name,
					       kern_names[kern], t * 1e3, flop / t * 1e-9,
					       same ? "same" : "DIFFER");
					/* conv1's bwd_data is not needed in training */
					if (!(j == 0 && kern == BWD_DATA))
						epoch[i][nt] += t * (60000.0 / s->N);
				}
		}
		for (int k = 0; k < NKERN; k++)
			free(ref[k]);
		free(in), free(out), free(w), free(dw), free(b), free(got);
	}
	for (size_t i = 0; i < sv_conv_nimpls && i < 8; i++)
		if (sv_conv_impls[i].usable() && (!only || strcmp(only, sv_conv_impls[i].name) == 0))
			printf("# %s: one epoch of convolutions (fwd conv1+conv2, bwd_data "
			       "conv2, bwd_filter conv1+conv2, 60000 images) %.2f s with 1 "
			       "thread, %.2f s with 2\n", sv_conv_impls[i].name,
			       epoch[i][1], epoch[i][2]);
	sv_close_stdout();
	return bad;
}
