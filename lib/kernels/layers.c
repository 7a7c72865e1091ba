/* layers.c - CPU layer kernels other than convolution (NHWC, float32) */
#include "layers.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batched.h"
#include "simd.h"
#include "base/util.h"

SV_CLONES void
sv_relu_fwd(const float *x, float *y, long n)
{
	for (long i = 0; i < n; i++)
		y[i] = x[i] > 0 ? x[i] : 0.0f;
}

SV_CLONES void
sv_relu_bwd(const float *y, const float *dy, float *dx, long n)
{
	for (long i = 0; i < n; i++)
		dx[i] = y[i] > 0 ? dy[i] : 0.0f;
}

SV_CLONES void
sv_maxpool2_fwd(const float *in, float *out, int32_t *arg, int N, int H,
                int W, int C, int nthreads)
{
	int Ho = H / 2, Wo = W / 2;

#pragma omp parallel for schedule(static) num_threads(nthreads)
	for (int n = 0; n < N; n++) {
		const float *ip = in + (long)n * H * W * C;

		for (int y = 0; y < Ho; y++)
			for (int x = 0; x < Wo; x++) {
				long o = (((long)n * Ho + y) * Wo + x) * C;
				int32_t b0 = ((2 * y) * W + 2 * x) * C;
				int32_t b1 = b0 + C, b2 = b0 + W * C, b3 = b2 + C;

				/* branch-free so the loop over c vectorises */
				for (int c = 0; c < C; c++) {
					float m = ip[b0 + c], v;
					int32_t a = b0 + c;

					v = ip[b1 + c];
					a = v > m ? b1 + c : a;
					m = v > m ? v : m;
					v = ip[b2 + c];
					a = v > m ? b2 + c : a;
					m = v > m ? v : m;
					v = ip[b3 + c];
					a = v > m ? b3 + c : a;
					m = v > m ? v : m;
					out[o + c] = m;
					arg[o + c] = a;
				}
			}
	}
}

SV_CLONES void
sv_maxpool2_bwd(const float *dout, const int32_t *arg, float *din, int N,
                int H, int W, int C, int nthreads)
{
	int Ho = H / 2, Wo = W / 2;
	long per_in = (long)H * W * C, per_out = (long)Ho * Wo * C;

#pragma omp parallel for schedule(static) num_threads(nthreads)
	for (int n = 0; n < N; n++) {
		float *dp = din + n * per_in;
		const float *go = dout + n * per_out;
		const int32_t *ao = arg + n * per_out;

		/* the windows tile the input (but an odd last row or column,
		 * which no window reads): write each input once, the gradient
		 * where the max came from and zero elsewhere */
		if ((H | W) & 1)
			memset(dp, 0, sizeof(float) * per_in);
		for (int y = 0; y < Ho; y++)
			for (int x = 0; x < Wo; x++) {
				long o = ((long)y * Wo + x) * C;
				int32_t b0 = ((2 * y) * W + 2 * x) * C;
				int32_t b1 = b0 + C, b2 = b0 + W * C, b3 = b2 + C;

				for (int c = 0; c < C; c++) {
					int32_t a = ao[o + c];
					float g = go[o + c];

					dp[b0 + c] = a == b0 + c ? g : 0.0f;
					dp[b1 + c] = a == b1 + c ? g : 0.0f;
					dp[b2 + c] = a == b2 + c ? g : 0.0f;
					dp[b3 + c] = a == b3 + c ? g : 0.0f;
				}
			}
	}
}

void
sv_gmaxpool_fwd(const float *in, float *out, int32_t *arg, int N, int P,
                int C)
{
	for (int n = 0; n < N; n++)
		for (int c = 0; c < C; c++) {
			const float *ip = in + (long)n * P * C + c;
			float m = ip[0];
			int32_t best = 0;

			for (int p = 1; p < P; p++)
				if (ip[(long)p * C] > m)
					m = ip[(long)p * C], best = p;
			out[(long)n * C + c] = m;
			arg[(long)n * C + c] = best;
		}
}

void
sv_gmaxpool_bwd(const float *dout, const int32_t *arg, float *din, int N,
                int P, int C)
{
	memset(din, 0, sizeof(float) * (size_t)N * P * C);
	for (int n = 0; n < N; n++)
		for (int c = 0; c < C; c++)
			din[((long)n * P + arg[(long)n * C + c]) * C + c] =
				dout[(long)n * C + c];
}

SV_CLONES void
sv_linear_fwd(const float *in, const float *w, const float *b, float *out,
              int N, int I, int O, int nthreads)
{
	/* w transposed to (I,OP), OP = O rounded up to 16 with zero columns,
	 * so outputs go in blocks of 16 lanes; each out[n,o] still runs
	 * i = 0..I-1 in order.  Eight images at a time keep eight
	 * independent accumulator vectors in registers. */
	enum { NB = 8, OB = 16 };
	int OP = (O + OB - 1) / OB * OB, nblk = (N + NB - 1) / NB;
	float *wt = sv_calloc((size_t)I * OP, sizeof *wt);

	for (int o = 0; o < O; o++)
		for (int i = 0; i < I; i++)
			wt[(long)i * OP + o] = w[(long)o * I + i];
#pragma omp parallel for schedule(static) num_threads(nthreads)
	for (int t = 0; t < nblk * (OP / OB); t++) {
		int n0 = t / (OP / OB) * NB, o0 = t % (OP / OB) * OB;
		int nn = N - n0 < NB ? N - n0 : NB;
		float acc[NB][OB], x[NB];

		for (int q = 0; q < NB; q++)
			for (int j = 0; j < OB; j++)
				acc[q][j] = b && o0 + j < O ? b[o0 + j] : 0.0f;
		for (int i = 0; i < I; i++) {
			const float *wi = wt + (long)i * OP + o0;

			for (int q = 0; q < NB; q++)
				x[q] = in[(long)(n0 + (q < nn ? q : 0)) * I + i];
			for (int q = 0; q < NB; q++)
				for (int j = 0; j < OB; j++)
					acc[q][j] = fmaf(x[q], wi[j], acc[q][j]);
		}
		for (int q = 0; q < nn; q++)
			for (int j = 0; j < OB && o0 + j < O; j++)
				out[(long)(n0 + q) * O + o0 + j] = acc[q][j];
	}
	free(wt);
}

SV_CLONES void
sv_linear_bwd(const float *dout, const float *in, const float *w, float *dw,
              float *db, float *din, int N, int I, int O, int nthreads,
              int accumulate)
{
	enum { BLK = 256 };
	int nblk = (I + BLK - 1) / BLK;

	/* dw: split over (o, block of i); each element reduces over n */
#pragma omp parallel for schedule(static) num_threads(nthreads)
	for (int t = 0; t < O * nblk; t++) {
		int o = t / nblk, i0 = (t % nblk) * BLK;
		int i1 = i0 + BLK < I ? i0 + BLK : I;
		float *dp = dw + (long)o * I;

		for (int i = i0; i < i1 && !accumulate; i++)
			dp[i] = 0.0f;
		for (int n = 0; n < N; n++) {
			float g = dout[(long)n * O + o];
			const float *ip = in + (long)n * I;

			for (int i = i0; i < i1; i++)
				dp[i] = fmaf(g, ip[i], dp[i]);
		}
	}
	if (db)
		for (int o = 0; o < O; o++) {
			float acc = accumulate ? db[o] : 0.0f;

			for (int n = 0; n < N; n++)
				acc = acc + dout[(long)n * O + o];
			db[o] = acc;
		}
	if (!din)
		return;
#pragma omp parallel for schedule(static) num_threads(nthreads)
	for (int n = 0; n < N; n++) {
		float *dp = din + (long)n * I;

		for (int i = 0; i < I; i++)
			dp[i] = 0.0f;
		for (int o = 0; o < O; o++) {
			float g = dout[(long)n * O + o];
			const float *wp = w + (long)o * I;

			for (int i = 0; i < I; i++)
				dp[i] = fmaf(g, wp[i], dp[i]);
		}
	}
}

void
sv_bn_fwd(const float *x, float *y, const float *g, const float *b,
          float *rmean, float *rvar, float *mean, float *invstd, long N,
          long P, int C, float eps, float mom, int eval, int nthreads)
{
	double *pa = eval ? NULL : sv_mallocarray((size_t)(N > 0 ? N : 1) * C,
	                                          sizeof *pa);
	double *dm = sv_mallocarray((size_t)C, sizeof *dm);
	struct sv_bbn a = { x, NULL, g, b, y, NULL, rmean, rvar, mean, invstd,
	                    NULL, NULL, dm, NULL, NULL, pa, NULL, N, P, 1, C,
	                    eps, mom };
	int nt = nthreads > 0 ? nthreads : 1;

	if (!eval) {
		SV_EACH(nt, N * C, sv_bbn_part_sum(&a, i));
		SV_EACH(nt, C, sv_bbn_mean(&a, i));
		SV_EACH(nt, N * C, sv_bbn_part_sq(&a, i));
	}
	SV_EACH(nt, C, sv_bbn_stats(&a, i, eval));
	SV_EACH(nt, N * P * C, sv_bbn_apply(&a, i));
	free(pa);
	free(dm);
}

void
sv_bn_bwd(const float *x, const float *dy, const float *g, const float *mean,
          const float *invstd, float *dx, float *dg, float *db, long N,
          long P, int C, int nthreads)
{
	double *pa = sv_mallocarray((size_t)(N > 0 ? N : 1) * C, sizeof *pa);
	double *pb = sv_mallocarray((size_t)(N > 0 ? N : 1) * C, sizeof *pb);
	double *sg = sv_mallocarray((size_t)C, sizeof *sg);
	double *sb = sv_mallocarray((size_t)C, sizeof *sb);
	struct sv_bbn a = { x, dy, g, NULL, NULL, dx, NULL, NULL,
	                    (float *)mean, (float *)invstd, dg, db, NULL, sg,
	                    sb, pa, pb, N, P, 1, C, 0.0f, 0.0f };
	int nt = nthreads > 0 ? nthreads : 1;

	SV_EACH(nt, N * C, sv_bbn_part_grad(&a, i));
	SV_EACH(nt, C, sv_bbn_grads(&a, i));
	SV_EACH(nt, N * P * C, sv_bbn_dx(&a, i));
	free(pa), free(pb), free(sg), free(sb);
}

void
sv_softmax_xent_part(const float *logits, const uint8_t *y, float *dlogits,
                     int N, int K, float ls_weight, float eps, int ndiv,
                     double *total)
{
	for (int n = 0; n < N; n++) {
		const float *z = logits + (long)n * K;
		double m = z[0], s = 0, lse, mean_nll = 0;

		for (int k = 1; k < K; k++)
			if (z[k] > m)
				m = z[k];
		for (int k = 0; k < K; k++)
			s += exp((double)z[k] - m);
		lse = m + log(s);
		for (int k = 0; k < K; k++)
			mean_nll += lse - z[k];
		mean_nll /= K;
		*total += (lse - z[y[n]]) +
		          ls_weight * ((1.0 - eps) * (lse - z[y[n]]) + eps * mean_nll);
		if (dlogits)
			for (int k = 0; k < K; k++) {
				double p = exp((double)z[k] - lse);
				double hot = k == y[n];
				double d = (p - hot) + ls_weight *
				           (p - ((1.0 - eps) * hot + eps / K));

				dlogits[(long)n * K + k] = (float)(d / ndiv);
			}
	}
}

double
sv_softmax_xent(const float *logits, const uint8_t *y, float *dlogits, int N,
                int K, float ls_weight, float eps)
{
	double total = 0;

	sv_softmax_xent_part(logits, y, dlogits, N, K, ls_weight, eps, N, &total);
	return total / N;
}
