/* batched.h - the layer kernels for S seeds at once, one body each for the
 * CPU and the GPU
 *
 * A group of S seeds trains S networks of one model side by side: seed
 * slot s owns its weights, gradients and momentum (tensor t of slot s at
 * t's base + s * t's count) and images s*N .. s*N+N-1 of every activation
 * (N images a seed, S*N in all, NHWC).  Each function below computes ONE
 * output element, number i of the kernel's index space, exactly as the
 * single-seed twin named beside it computes it (lib/kernels/conv.h,
 * lib/kernels/layers.h): the same reduction order, fmaf() for every
 * multiply-add and nothing else contracted.  So slot s of a batched pass
 * gives the bits of the twin run on seed s alone, for any S and any split
 * of the index space over threads.
 *
 * The same text compiles as C (the CPU runs the index space in loops:
 * batched.c, and the tests) and as CUDA (cuda/kernels.cu launches one
 * thread per index); SV_HD marks the functions for both.  Element-wise
 * layers (ReLU, max-pool, SGD) need no seed slot: their single-seed
 * kernels run over all S*N images or S*count weights as they are.
 */
#ifndef SV_BATCHED_H
#define SV_BATCHED_H

#include <stdint.h>

#include "hd.h"
#include "philox.h"

#ifndef __CUDACC__
/* The CPU's way through an index space: call (a body at index i) for
 * i = 0..total-1 on nthreads OpenMP threads. */
#define SV_EACH(nthreads, total, call) do {                                \
		long n_ = (total);                                         \
		int nt_ = (nthreads);                                      \
		_Pragma("omp parallel for num_threads(nt_)")              \
		for (long i = 0; i < n_; i++)                              \
			call;                                              \
	} while (0)
#endif

/* A conv3x3 layer (stride 1, pad 1) of S seeds: in (S*N,H,W,C); w
 * (S,3,3,C,K); b (S,K) or NULL; out (S*N,H,W,K). */
struct sv_bconv {
	const float *in, *w, *b, *dout;
	float *out, *din, *dw, *db;
	int S, N, H, W, C, K;
};

/* Output i of (S*N,H,W,K): sv_conv3x3_fwd on slot s. */
SV_HD void
sv_bconv_fwd(const struct sv_bconv *a, long i)
{
	int H = a->H, W = a->W, C = a->C, K = a->K;
	int k = (int)(i % K);
	long p = i / K;
	int x = (int)(p % W), y = (int)(p / W % H);
	long n = p / ((long)W * H);
	long s = n / a->N;
	const float *w = a->w + s * 9L * C * K;
	float acc = a->b ? a->b[s * K + k] : 0.0f;

	for (int ky = 0; ky < 3; ky++)
		for (int kx = 0; kx < 3; kx++) {
			int iy = y + ky - 1, ix = x + kx - 1;
			int inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
			const float *ip = inside ? a->in + ((n * H + iy) * W + ix) * C
			                         : a->in;
			const float *wp = w + (long)(ky * 3 + kx) * C * K + k;

			for (int c = 0; c < C; c++) {
				float v = inside ? ip[c] : 0.0f;

				acc = fmaf(v, wp[(long)c * K], acc);
			}
		}
	a->out[i] = acc;
}

/* Input gradient i of (S*N,H,W,C) from dout: sv_conv3x3_bwd_data. */
SV_HD void
sv_bconv_bwd_data(const struct sv_bconv *a, long i)
{
	int H = a->H, W = a->W, C = a->C, K = a->K;
	int c = (int)(i % C);
	long p = i / C;
	int x = (int)(p % W), y = (int)(p / W % H);
	long n = p / ((long)W * H);
	const float *w = a->w + n / a->N * 9L * C * K;
	float acc = 0.0f;

	for (int ky = 0; ky < 3; ky++)
		for (int kx = 0; kx < 3; kx++) {
			int oy = y - ky + 1, ox = x - kx + 1;
			int inside = oy >= 0 && oy < H && ox >= 0 && ox < W;
			const float *gp = inside ? a->dout + ((n * H + oy) * W + ox) * K
			                         : a->dout;
			const float *wp = w + ((long)(ky * 3 + kx) * C + c) * K;

			for (int k = 0; k < K; k++) {
				float v = inside ? gp[k] : 0.0f;

				acc = fmaf(v, wp[k], acc);
			}
		}
	a->din[i] = acc;
}

/* The index space of sv_bconv_bwd_filter: per slot 9*C*K weight
 * gradients, then K bias gradients when db is not NULL. */
SV_HD long
sv_bconv_filter_outputs(const struct sv_bconv *a)
{
	return (long)a->S * (9L * a->C * a->K + (a->db ? a->K : 0));
}

/* Weight or bias gradient i: sv_conv3x3_bwd_filter over slot s's N
 * images (chain over n, y, x from 0). */
SV_HD void
sv_bconv_bwd_filter(const struct sv_bconv *a, long i)
{
	int H = a->H, W = a->W, C = a->C, K = a->K;
	long ndw = 9L * C * K, per = ndw + (a->db ? K : 0);
	long s = i / per, t = i % per;
	long n0 = s * a->N, n1 = n0 + a->N;
	float acc = 0.0f;

	if (t < ndw) {
		int k = (int)(t % K);
		long r = t / K;
		int tap = (int)(r / C), c = (int)(r % C);
		int ky = tap / 3, kx = tap % 3;

		for (long n = n0; n < n1; n++)
			for (int y = 0; y < H; y++) {
				int iy = y + ky - 1;
				int rowin = iy >= 0 && iy < H;
				const float *gp = a->dout + (n * H + y) * W * K + k;
				const float *ip = rowin ? a->in + ((n * H + iy) * W) * C + c
				                        : a->in;

				for (int x = 0; x < W; x++) {
					int ix = x + kx - 1;
					float v = rowin && ix >= 0 && ix < W ?
					          ip[(long)ix * C] : 0.0f;

					acc = fmaf(v, gp[(long)x * K], acc);
				}
			}
		a->dw[s * ndw + t] = acc;
	} else {
		int k = (int)(t - ndw);
		long npix = (long)H * W;

		for (long p = n0 * npix; p < n1 * npix; p++)
			acc = acc + a->dout[p * K + k];
		a->db[s * K + k] = acc;
	}
}

/* A linear layer of S seeds: in (S*N,I), w (S,O,I), b (S,O) or NULL,
 * out (S*N,O). */
struct sv_blinear {
	const float *in, *w, *b, *dout;
	float *out, *din, *dw, *db;
	int S, N, I, O;
};

/* Output i of (S*N,O): sv_linear_fwd. */
SV_HD void
sv_blinear_fwd(const struct sv_blinear *a, long i)
{
	int I = a->I, O = a->O, o = (int)(i % O);
	long n = i / O, s = n / a->N;
	const float *ip = a->in + n * I, *wp = a->w + (s * O + o) * I;
	float acc = a->b ? a->b[s * O + o] : 0.0f;

	for (int j = 0; j < I; j++)
		acc = fmaf(ip[j], wp[j], acc);
	a->out[i] = acc;
}

/* Weight gradient i of (S,O,I): from 0, for slot s's n:
 * fmaf(dout[n,o], in[n,i], acc) (sv_linear_bwd). */
SV_HD void
sv_blinear_dw(const struct sv_blinear *a, long i)
{
	int I = a->I, O = a->O;
	long s = i / ((long)O * I), t = i % ((long)O * I);
	int j = (int)(t % I), o = (int)(t / I);
	float acc = 0.0f;

	for (long n = s * a->N; n < (s + 1) * a->N; n++)
		acc = fmaf(a->dout[n * O + o], a->in[n * I + j], acc);
	a->dw[i] = acc;
}

/* Bias gradient i of (S,O): from 0, for slot s's n: acc + dout[n,o]. */
SV_HD void
sv_blinear_db(const struct sv_blinear *a, long i)
{
	int O = a->O, o = (int)(i % O);
	long s = i / O;
	float acc = 0.0f;

	for (long n = s * a->N; n < (s + 1) * a->N; n++)
		acc = acc + a->dout[n * O + o];
	a->db[i] = acc;
}

/* Input gradient i of (S*N,I): from 0, for o: fmaf(dout[n,o], w[o,i],
 * acc). */
SV_HD void
sv_blinear_din(const struct sv_blinear *a, long i)
{
	int I = a->I, O = a->O, j = (int)(i % I);
	long n = i / I;
	const float *w = a->w + n / a->N * (long)O * I;
	float acc = 0.0f;

	for (int o = 0; o < O; o++)
		acc = fmaf(a->dout[n * O + o], w[(long)o * I + j], acc);
	a->din[i] = acc;
}

/* BatchNorm of S slots, each over its own N images of P positions and C
 * channels: x, y, dy, dx (S*N*P, C); g, b, rmean, rvar, mean, invstd,
 * dg, db (S, C).  Training mode: every statistic in double, summed in two
 * levels (sv_bn_fwd): each image's sum over its P positions in order,
 * then those N sums in image order -- the sum of x, of the squared
 * deviations from the (double) mean, and the backward pass's sums of dy
 * and dy * xhat.  The first level is S*N*C chains apart (pa, pb), the
 * second S*C chains of N.  eval: the running statistics. */
struct sv_bbn {
	const float *x, *dy, *g, *b;
	float *y, *dx, *rmean, *rvar, *mean, *invstd, *dg, *db;
	double *dmean, *sg, *sb;  /* (S, C): the mean; the backward sums */
	double *pa, *pb;          /* (S*N, C): each image's sums */
	long N, P;
	int S, C;
	float eps, mom;
};

/* Image sum i of (S*N, C): of x over the image's positions. */
SV_HD void
sv_bbn_part_sum(const struct sv_bbn *a, long i)
{
	int C = a->C;
	const float *x = a->x + i / C * a->P * C + i % C;
	double sum = 0;

	for (long p = 0; p < a->P; p++)
		sum += x[p * C];
	a->pa[i] = sum;
}

/* Mean i of (S, C): the slot's image sums in order, over N*P. */
SV_HD void
sv_bbn_mean(const struct sv_bbn *a, long i)
{
	int C = a->C;
	const double *pa = a->pa + i / C * a->N * C + i % C;
	double sum = 0;

	for (long n = 0; n < a->N; n++)
		sum += pa[n * C];
	a->dmean[i] = sum / (double)(a->N * a->P);
}

/* Image sum i of (S*N, C): of (x - mean)^2, in double. */
SV_HD void
sv_bbn_part_sq(const struct sv_bbn *a, long i)
{
	int C = a->C;
	const float *x = a->x + i / C * a->P * C + i % C;
	double m = a->dmean[i / C / a->N * C + i % C], q = 0;

	for (long p = 0; p < a->P; p++) {
		double d = x[p * C] - m;

		q += d * d;
	}
	a->pa[i] = q;
}

/* Statistics i of (S, C) after sv_bbn_part_sq: mean, invstd and the
 * running statistics (momentum mom, unbiased variance); eval != 0: from
 * the running statistics, nothing summed. */
SV_HD void
sv_bbn_stats(const struct sv_bbn *a, long i, int eval)
{
	int C = a->C;
	const double *pa = a->pa + i / C * a->N * C + i % C;
	long M = a->N * a->P;
	double q = 0, var, uvar;

	if (eval) {
		a->mean[i] = a->rmean[i];
		a->invstd[i] = (float)(1.0 / sqrt((double)a->rvar[i] + a->eps));
		return;
	}
	for (long n = 0; n < a->N; n++)
		q += pa[n * C];
	var = q / (double)M;
	uvar = M > 1 ? q / (double)(M - 1) : var;
	a->mean[i] = (float)a->dmean[i];
	a->invstd[i] = (float)(1.0 / sqrt(var + a->eps));
	a->rmean[i] = (1.0f - a->mom) * a->rmean[i] + a->mom * (float)a->dmean[i];
	a->rvar[i] = (1.0f - a->mom) * a->rvar[i] + a->mom * (float)uvar;
}

/* Output i of (S*N*P, C): y = fmaf((x - mean) * invstd, g, b). */
SV_HD void
sv_bbn_apply(const struct sv_bbn *a, long i)
{
	int C = a->C, c = (int)(i % C);
	long sc = i / C / (a->N * a->P) * C + c;

	a->y[i] = fmaf((a->x[i] - a->mean[sc]) * a->invstd[sc], a->g[sc],
	               a->b[sc]);
}

/* Image sums i of (S*N, C) of the backward pass: dy into pa, dy * xhat
 * into pb (xhat = (x - mean) * invstd in float). */
SV_HD void
sv_bbn_part_grad(const struct sv_bbn *a, long i)
{
	int C = a->C;
	long off = i / C * a->P * C + i % C, sc = i / C / a->N * C + i % C;
	const float *x = a->x + off, *dy = a->dy + off;
	double sb = 0, sg = 0;

	for (long p = 0; p < a->P; p++) {
		float xh = (x[p * C] - a->mean[sc]) * a->invstd[sc];

		sb += dy[p * C];
		sg += (double)dy[p * C] * xh;
	}
	a->pa[i] = sb;
	a->pb[i] = sg;
}

/* The backward sums i of (S, C) from the image sums, in image order,
 * into sb and sg, and rounded into db and dg. */
SV_HD void
sv_bbn_grads(const struct sv_bbn *a, long i)
{
	int C = a->C;
	long off = i / C * a->N * C + i % C;
	double sb = 0, sg = 0;

	for (long n = 0; n < a->N; n++) {
		sb += a->pa[off + n * C];
		sg += a->pb[off + n * C];
	}
	a->sb[i] = sb;
	a->sg[i] = sg;
	a->db[i] = (float)sb;
	a->dg[i] = (float)sg;
}

/* Input gradient i of (S*N*P, C), after sv_bbn_grads. */
SV_HD void
sv_bbn_dx(const struct sv_bbn *a, long i)
{
	int C = a->C, c = (int)(i % C);
	long M = a->N * a->P, sc = i / C / M * C + c;
	float xh = (a->x[i] - a->mean[sc]) * a->invstd[sc];
	double v = (double)M * a->dy[i] - a->sb[sc] - xh * a->sg[sc];

	a->dx[i] = (float)((double)a->g[sc] * a->invstd[sc] / (double)M * v);
}

/* Global max pool of S*N images: in (S*N, P, C) -> out (S*N, C), arg the
 * position of the first maximum (sv_gmaxpool_fwd); output i. */
SV_HD void
sv_bgmax_fwd(const float *in, float *out, int32_t *arg, int P, int C, long i)
{
	int c = (int)(i % C);
	const float *ip = in + i / C * P * C + c;
	float m = ip[0];
	int32_t best = 0;

	for (int p = 1; p < P; p++)
		if (ip[(long)p * C] > m)
			m = ip[(long)p * C], best = p;
	out[i] = m;
	arg[i] = best;
}

/* Its gradient: din (S*N, P, C) zeroed before; output i of (S*N, C) sends
 * dout[i] to the position it came from. */
SV_HD void
sv_bgmax_bwd(const float *dout, const int32_t *arg, float *din, int P, int C,
             long i)
{
	int c = (int)(i % C);

	din[(i / C * P + arg[i]) * C + c] = dout[i];
}

/* Element j of one tensor's SGD step (sv_net_sgd; the tensor of all S
 * slots is one array): g = fmaf(wd, p, grad); m = first ? g :
 * fmaf(momentum, m, g); d = nesterov ? fmaf(momentum, m, g) : m;
 * p = fmaf(-lr, d, p). */
SV_HD void
sv_bsgd(float *p, const float *g, float *m, long j, float lr, float momentum,
        float wd, int nesterov, int first)
{
	float gj = fmaf(wd, p[j], g[j]);
	float mj = first ? gj : fmaf(momentum, m[j], gj);
	float d = nesterov ? fmaf(momentum, mj, gj) : mj;

	m[j] = mj;
	p[j] = fmaf(-lr, d, p[j]);
}

/* Training-image augmentation (the recipe's augment): each chunk of
 * SV_AUG_CHUNK training images, in dataset order, gets one crop offset
 * (-4..4 each way, from zero padding), flip, and the top-left corner of
 * an 8x8 cutout a epoch, from the aug stream of the seed's key. */
#define SV_AUG_CHUNK 500

struct sv_aug {
	int dy, dx, flip, cy, cx;
};

SV_HD struct sv_aug
sv_aug_draw(uint64_t key, uint32_t epoch, uint32_t chunk, int h, int w)
{
	uint32_t r[4], q[4];
	struct sv_aug a;

	sv_rand4(key, SV_STREAM_AUG, epoch, 2 * (uint64_t)chunk, r);
	sv_rand4(key, SV_STREAM_AUG, epoch, 2 * (uint64_t)chunk + 1, q);
	a.dy = (int)sv_below(r[0], r[1], 9) - 4;
	a.dx = (int)sv_below(r[2], r[3], 9) - 4;
	a.flip = (int)(q[0] >> 31);
	a.cy = (int)sv_below(q[1], q[2], (uint32_t)(h >= 8 ? h - 7 : 1));
	a.cx = (int)sv_below(q[3], q[0], (uint32_t)(w >= 8 ? w - 7 : 1));
	return a;
}

/* Element p of (H,W,C) of image src (bytes) under a, normalised through
 * lut (C rows of 256); 0 where the crop leaves the image or the cutout
 * covers it. */
SV_HD float
sv_aug_px(const struct sv_aug *a, const uint8_t *src, const float *lut,
          int H, int W, int C, long p)
{
	int c = (int)(p % C);
	int x = (int)(p / C % W), y = (int)(p / C / W);
	int sy = y + a->dy, sx = a->flip ? W - 1 - x + a->dx : x + a->dx;
	int cut = y >= a->cy && y < a->cy + 8 && x >= a->cx && x < a->cx + 8;

	if (cut || sy < 0 || sy >= H || sx < 0 || sx >= W)
		return 0.0f;
	return lut[c * 256 + src[((long)sy * W + sx) * C + c]];
}

/* The augmentations of one epoch for S slots: aug (S, nchunk), entry i
 * from slot i / nchunk's key. */
SV_HD void
sv_baug_draw(const uint64_t *keys, uint32_t epoch, struct sv_aug *aug,
             long nchunk, int h, int w, long i)
{
	aug[i] = sv_aug_draw(keys[i / nchunk], epoch, (uint32_t)(i % nchunk), h, w);
}

/* The batch of every slot from the data: slot s takes images
 * order[s*ostride + at .. + N-1] of x (bytes, per = H*W*C a image),
 * normalised through lut (C rows of 256), into out (S*N, per), and their
 * labels into y (S*N) -- train.c's gather.  aug (S, nchunk) or NULL: the
 * augmentations of this epoch (sv_baug_draw). */
struct sv_bgather {
	const uint8_t *x, *labels;
	const uint32_t *order;
	const float *lut;
	float *out;
	uint8_t *y;
	long per, ostride, at;
	int S, N, C;
	const struct sv_aug *aug;
	long nchunk;
	int H, W;
};

SV_HD void
sv_bgather_px(const struct sv_bgather *a, long i)
{
	long p = i % a->per, n = i / a->per;
	long s = n / a->N, j = n % a->N;
	uint32_t src = a->order[s * a->ostride + a->at + j];

	if (a->aug)
		a->out[i] = sv_aug_px(&a->aug[s * a->nchunk + src / SV_AUG_CHUNK],
		                      a->x + src * a->per, a->lut, a->H, a->W, a->C,
		                      p);
	else
		a->out[i] = a->lut[(p % a->C) * 256 + a->x[src * a->per + p]];
}

SV_HD void
sv_bgather_label(const struct sv_bgather *a, long i)
{
	long s = i / a->N, j = i % a->N;

	a->y[i] = a->labels[a->order[s * a->ostride + a->at + j]];
}

/* Element-wise layers of any number of slots: the loops of sv_net_forward
 * and sv_net_backward, element i. */
SV_HD void
sv_bscale(const float *in, float *out, float scale, long i)
{
	out[i] = in[i] * scale;
}

/* the residual add forward (in + saved), and the gradient arriving at a
 * save point (the gradient from above + the one through the skip) */
SV_HD void
sv_badd(const float *x, const float *y, float *out, long i)
{
	out[i] = x[i] + y[i];
}

#endif
