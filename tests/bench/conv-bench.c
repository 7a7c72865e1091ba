/* conv-bench.c - GFLOP/s of every convolution kernel this CPU can run on
 * the fmnist-small shapes (batch 128), with 1 and 2 threads, and the time
 * of one training epoch's convolutions (60000 images: fwd conv1+conv2,
 * bwd_data conv2, bwd_filter conv1+conv2) that follows from them.
 * Built and run by conv-bench.sh.  Usage: conv-bench [seconds-per-case] */
#include "conv.h"
#include "conv_impl.h"
#include "util.h"

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
	switch (kern) {
	case FWD:
		im->fwd(in, w, b, out, s->N, s->H, s->W, s->C, s->K, nt);
		break;
	case BWD_DATA:
		im->bwd_data(out, w, in, s->N, s->H, s->W, s->C, s->K, nt);
		break;
	default:
		im->bwd_filter(in, out, dw, b, s->N, s->H, s->W, s->C, s->K, nt);
		break;
	}
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

	sv_setlocale();
	sv_set_progname(argv[0]);
	if (argc > 1)
		budget = sv_opt_double("seconds", argv[1], 0.001, 60);
	printf("#impl\tthreads\tshape\tkernel\tms\tGFLOP/s\n");
	for (size_t i = 0; i < sv_conv_nimpls; i++) {
		const struct sv_conv_impl *im = &sv_conv_impls[i];

		if (!im->usable())
			continue;
		for (int nt = 1; nt <= 2; nt++) {
			double epoch = 0;

			for (size_t j = 0; j < sizeof shapes / sizeof shapes[0]; j++) {
				const struct shape *s = &shapes[j];
				size_t nin = (size_t)s->N * s->H * s->W * s->C;
				size_t nout = (size_t)s->N * s->H * s->W * s->K;
				size_t nw = (size_t)9 * s->C * s->K;
				float *in = sv_calloc(nin, 4), *out = sv_calloc(nout, 4);
				float *w = sv_calloc(nw, 4), *dw = sv_calloc(nw, 4);
				float *b = sv_calloc(s->K, 4);
				double flop = 2.0 * s->N * s->H * s->W * 9.0 * s->C * s->K;

				for (size_t e = 0; e < nin; e++)
					in[e] = (float)((e * 37 % 101) / 101.0 - 0.5);
				for (size_t e = 0; e < nout; e++)
					out[e] = (float)((e * 53 % 97) / 97.0 - 0.5);
				for (size_t e = 0; e < nw; e++)
					w[e] = (float)((e * 11 % 89) / 89.0 - 0.5);
				for (int kern = 0; kern < NKERN; kern++) {
					/* conv1's bwd_data is not needed in training */
					double t = best_time(im, kern, s, in, w, b, out, dw, nt,
					                     im->name[0] == 's' ? budget / 5 : budget);

					printf("%s\t%d\t%s\t%s\t%.3f\t%.1f\n", im->name, nt, s->name,
					       kern_names[kern], t * 1e3, flop / t * 1e-9);
					if (!(j == 0 && kern == BWD_DATA))
						epoch += t * (60000.0 / s->N);
				}
				free(in), free(out), free(w), free(dw), free(b);
			}
			printf("# %s, %d threads: one epoch of convolutions %.2f s\n",
			       im->name, nt, epoch);
			fflush(stdout);
		}
	}
	sv_close_stdout();
	return 0;
}
