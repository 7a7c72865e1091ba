/* test_batched.c - the seed-batched kernel bodies (lib/kernels/batched.h)
 * against their single-seed CPU twins: for S = 1, 3 and 7 seed slots, each
 * slot with its own inputs and weights, odd sizes, every output element of
 * slot s equals (bit for bit) the twin run on slot s's data alone.  The
 * GPU runs the same bodies (cuda/kernels.cu); tests/gpu/gpu_vs_cpu checks
 * them there. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/batched.h"
#include "kernels/conv.h"
#include "kernels/layers.h"
#include "kernels/philox.h"
#include "tap.h"

static float *
randf(long n, uint64_t seed, float lo, float hi)
{
	float *v = malloc((size_t)(n ? n : 1) * sizeof *v);

	for (long i = 0; i < n; i++) {
		uint32_t r[4];

		sv_rand4(seed, SV_STREAM_DATA, 77, (uint64_t)i, r);
		v[i] = lo + (hi - lo) * sv_u01f(r[0]);
		/* some exact zeros, as after a ReLU */
		if ((r[1] & 7) == 0)
			v[i] = 0.0f;
	}
	return v;
}

/* Is slot s of got (S slots of per floats) the bits of want (per)? */
static int
same_slot(const float *got, const float *want, long per, int s)
{
	return memcmp(got + s * per, want, (size_t)per * sizeof *want) == 0;
}

static void
conv_case(int S, int N, int H, int W, int C, int K, int bias)
{
	long nin = (long)N * H * W * C, nout = (long)N * H * W * K;
	long nw = 9L * C * K;
	float *in = randf(S * nin, 1000 + S, -1, 1);
	float *w = randf(S * nw, 2000 + S, -0.5f, 0.5f);
	float *b = bias ? randf((long)S * K, 3000 + S, -0.2f, 0.2f) : NULL;
	float *dout = randf(S * nout, 4000 + S, -1, 1);
	float *out = calloc((size_t)(S * nout), sizeof *out);
	float *din = calloc((size_t)(S * nin), sizeof *din);
	float *dw = calloc((size_t)(S * nw), sizeof *dw);
	float *db = calloc((size_t)S * K, sizeof *db);
	float *wo = malloc((size_t)nout * sizeof *wo);
	float *wi = malloc((size_t)nin * sizeof *wi);
	float *ww = malloc((size_t)nw * sizeof *ww);
	float *wb = malloc((size_t)K * sizeof *wb);
	struct sv_bconv a = { in, w, b, dout, out, din, dw, bias ? db : NULL,
	                      S, N, H, W, C, K };
	int fwd = 1, bd = 1, bf = 1;

	for (long i = 0; i < S * nout; i++)
		sv_bconv_fwd(&a, i);
	for (long i = 0; i < S * nin; i++)
		sv_bconv_bwd_data(&a, i);
	/* the index space in reverse: no order between outputs */
	for (long i = sv_bconv_filter_outputs(&a) - 1; i >= 0; i--)
		sv_bconv_bwd_filter(&a, i);
	for (int s = 0; s < S; s++) {
		sv_conv3x3_fwd(in + s * nin, w + s * nw, b ? b + (long)s * K : NULL,
		               wo, N, H, W, C, K, 1);
		fwd &= same_slot(out, wo, nout, s);
		sv_conv3x3_bwd_data(dout + s * nout, w + s * nw, wi, N, H, W, C,
		                    K, 1);
		bd &= same_slot(din, wi, nin, s);
		sv_conv3x3_bwd_filter(in + s * nin, dout + s * nout, ww,
		                      bias ? wb : NULL, N, H, W, C, K, 1);
		bf &= same_slot(dw, ww, nw, s) &&
		      (!bias || same_slot(db, wb, K, s));
	}
	ok(fwd, "conv forward, S=%d N=%d %dx%dx%d -> %d%s: every slot = the "
	   "twin", S, N, H, W, C, K, bias ? " bias" : "");
	ok(bd, "conv input gradient, S=%d N=%d %dx%dx%d -> %d", S, N, H, W, C, K);
	ok(bf, "conv weight%s gradient, S=%d N=%d %dx%dx%d -> %d",
	   bias ? " and bias" : "", S, N, H, W, C, K);
	free(in), free(w), free(b), free(dout), free(out), free(din);
	free(dw), free(db), free(wo), free(wi), free(ww), free(wb);
}

static void
linear_case(int S, int N, int I, int O, int bias)
{
	float *in = randf((long)S * N * I, 5000 + S, -1, 1);
	float *w = randf((long)S * O * I, 6000 + S, -0.5f, 0.5f);
	float *b = bias ? randf((long)S * O, 7000 + S, -0.2f, 0.2f) : NULL;
	float *dout = randf((long)S * N * O, 8000 + S, -1, 1);
	float *out = calloc((size_t)S * N * O, sizeof *out);
	float *din = calloc((size_t)S * N * I, sizeof *din);
	float *dw = calloc((size_t)S * O * I, sizeof *dw);
	float *db = calloc((size_t)S * O, sizeof *db);
	float *wo = malloc((size_t)N * O * sizeof *wo);
	float *wi = malloc((size_t)N * I * sizeof *wi);
	float *ww = malloc((size_t)O * I * sizeof *ww);
	float *wb = malloc((size_t)O * sizeof *wb);
	struct sv_blinear a = { in, w, b, dout, out, din, dw, db, S, N, I, O };
	int fwd = 1, bwd = 1;

	for (long i = 0; i < (long)S * N * O; i++)
		sv_blinear_fwd(&a, i);
	for (long i = 0; i < (long)S * O * I; i++)
		sv_blinear_dw(&a, i);
	for (long i = 0; bias && i < (long)S * O; i++)
		sv_blinear_db(&a, i);
	for (long i = 0; i < (long)S * N * I; i++)
		sv_blinear_din(&a, i);
	for (int s = 0; s < S; s++) {
		sv_linear_fwd(in + (long)s * N * I, w + (long)s * O * I,
		              b ? b + (long)s * O : NULL, wo, N, I, O, 1);
		fwd &= same_slot(out, wo, (long)N * O, s);
		sv_linear_bwd(dout + (long)s * N * O, in + (long)s * N * I,
		              w + (long)s * O * I, ww, bias ? wb : NULL, wi, N, I, O,
		              1, 0);
		bwd &= same_slot(dw, ww, (long)O * I, s) &&
		       same_slot(din, wi, (long)N * I, s) &&
		       (!bias || same_slot(db, wb, O, s));
	}
	ok(fwd, "linear forward, S=%d N=%d %d -> %d%s", S, N, I, O,
	   bias ? " bias" : "");
	ok(bwd, "linear gradients, S=%d N=%d %d -> %d%s", S, N, I, O,
	   bias ? " bias" : "");
	free(in), free(w), free(b), free(dout), free(out), free(din);
	free(dw), free(db), free(wo), free(wi), free(ww), free(wb);
}

/* The batch of each slot from its own order, as train.c gathers it. */
static void
gather_case(int S, int N, int C)
{
	enum { NIMG = 11, HW = 6 };
	long per = (long)HW * C;
	uint8_t x[NIMG * HW * 3], labels[NIMG], y[7 * 5];
	uint32_t order[7 * NIMG];
	float lut[3 * 256], out[7 * 5 * HW * 3];
	struct sv_bgather a = { x, labels, order, lut, out, y, per, NIMG, 4,
	                        S, N, C, NULL, 1, 1, HW };
	int good = 1;

	for (int i = 0; i < NIMG * HW * 3; i++)
		x[i] = (uint8_t)(i * 37 + 11);
	for (int i = 0; i < NIMG; i++)
		labels[i] = (uint8_t)(i % 10);
	for (int c = 0; c < 3; c++)
		for (int v = 0; v < 256; v++)
			lut[c * 256 + v] = ((float)v / 255.0f - 0.1f * (float)c) /
			                   (0.3f + 0.05f * (float)c);
	for (int s = 0; s < S; s++)
		for (int i = 0; i < NIMG; i++)
			order[s * NIMG + i] = (uint32_t)((i * (s + 2) + s) % NIMG);
	for (long i = 0; i < S * N * per; i++)
		sv_bgather_px(&a, i);
	for (long i = 0; i < (long)S * N; i++)
		sv_bgather_label(&a, i);
	for (int s = 0; s < S; s++)
		for (int j = 0; j < N; j++) {
			uint32_t src = order[s * NIMG + 4 + j];

			good &= y[s * N + j] == labels[src];
			for (long p = 0; p < per; p++)
				good &= out[((long)s * N + j) * per + p] ==
				        lut[(p % C) * 256 + x[src * per + p]];
		}
	ok(good, "gather, S=%d N=%d C=%d: each slot's images in its order", S,
	   N, C);
}

/* The augmented gather: each slot's images cropped, flipped and cut out
 * by its own key's draw for the image's chunk, against the loops of the
 * augmentation written out here (shift, mirror, zero outside and under
 * the 8x8 cutout) */
static void
aug_case(int S, int H, int W, int C)
{
	enum { NIMG = 1300, N = 6 };
	long per = (long)H * W * C, nchunk = (NIMG + SV_AUG_CHUNK - 1) / SV_AUG_CHUNK;
	uint8_t *x = malloc((size_t)NIMG * per), labels[NIMG];
	uint32_t *order = malloc(sizeof *order * S * NIMG);
	uint64_t keys[4];
	struct sv_aug *aug = malloc(sizeof *aug * S * nchunk);
	float lut[3 * 256], *out = malloc(sizeof *out * S * N * per);
	struct sv_bgather a = { x, labels, order, lut, out, NULL, per, NIMG, 3,
	                        S, N, C, aug, nchunk, H, W };
	int good = 1, flips = 0, shifted = 0;

	for (long i = 0; i < NIMG * per; i++)
		x[i] = (uint8_t)(i * 37 + 11);
	for (int c = 0; c < 3; c++)
		for (int v = 0; v < 256; v++)
			lut[c * 256 + v] = (float)v / 255.0f + (float)c;
	for (int s = 0; s < S; s++) {
		keys[s] = 0x9e3779b97f4a7c15ull * (uint64_t)(s + 1);
		for (int i = 0; i < NIMG; i++)   /* images from every chunk */
			order[s * NIMG + i] = (uint32_t)((i * 431 + s * 97) % NIMG);
	}
	for (long i = 0; i < S * nchunk; i++)
		sv_baug_draw(keys, 5, aug, nchunk, H, W, i);
	for (long i = 0; i < S * N * per; i++)
		sv_bgather_px(&a, i);
	for (int s = 0; s < S; s++)
		for (int j = 0; j < N; j++) {
			uint32_t src = order[s * NIMG + 3 + j];
			struct sv_aug d = sv_aug_draw(keys[s], 5, src / 500, H, W);
			const float *img = out + ((long)s * N + j) * per;

			good &= d.dy >= -4 && d.dy <= 4 && d.dx >= -4 && d.dx <= 4 &&
			        d.cy >= 0 && d.cy <= (H >= 8 ? H - 8 : 0) &&
			        d.cx >= 0 && d.cx <= (W >= 8 ? W - 8 : 0);
			flips += d.flip;
			shifted += d.dy != 0 || d.dx != 0;
			for (int yy = 0; yy < H; yy++)
				for (int xx = 0; xx < W; xx++) {
					int sy = yy + d.dy;
					int sx = (d.flip ? W - 1 - xx : xx) + d.dx;
					int cut = yy >= d.cy && yy < d.cy + 8 &&
					          xx >= d.cx && xx < d.cx + 8;

					for (int c = 0; c < C; c++) {
						float want = 0.0f;

						if (!cut && sy >= 0 && sy < H && sx >= 0 &&
						    sx < W)
							want = lut[c * 256 +
							           x[src * per +
							             ((long)sy * W + sx) * C + c]];
						good &= img[((long)yy * W + xx) * C + c] == want;
					}
				}
		}
	ok(good, "augmented gather, S=%d %dx%dx%d: each image as its slot's "
	   "draw for its chunk makes it", S, H, W, C);
	ok(S < 3 || (flips > 0 && flips < S * N && shifted > 0),
	   "S=%d: the draws differ (%d of %d flipped, %d shifted)", S, flips,
	   S * N, shifted);
	free(x), free(order), free(aug), free(out);
}

/* BatchNorm of one slot written out plainly in the documented order
 * (two levels: each image's sum over its positions, then the image sums
 * in order), training mode: y, mean, invstd, running statistics, and the
 * gradients */
static void
bn_plain(const float *x, const float *dy, const float *g, const float *b,
         float *rm, float *rv, long N, long P, int C, float *y, float *mean,
         float *inv, float *dx, float *dg, float *db)
{
	long M = N * P;

	for (int c = 0; c < C; c++) {
		double sum = 0, q = 0, sbv = 0, sgv = 0, m, var;

		for (long n = 0; n < N; n++) {
			double part = 0;

			for (long p = 0; p < P; p++)
				part += x[(n * P + p) * C + c];
			sum += part;
		}
		m = sum / (double)M;
		for (long n = 0; n < N; n++) {
			double part = 0;

			for (long p = 0; p < P; p++) {
				double d = x[(n * P + p) * C + c] - m;

				part += d * d;
			}
			q += part;
		}
		var = q / (double)M;
		mean[c] = (float)m;
		inv[c] = (float)(1.0 / sqrt(var + 1e-5f));
		rm[c] = (1.0f - 0.1f) * rm[c] + 0.1f * (float)m;
		rv[c] = (1.0f - 0.1f) * rv[c] +
		        0.1f * (float)(M > 1 ? q / (double)(M - 1) : var);
		for (long k = 0; k < M; k++)
			y[k * C + c] = fmaf((x[k * C + c] - mean[c]) * inv[c], g[c],
			                    b[c]);
		for (long n = 0; n < N; n++) {
			double pb = 0, pg = 0;

			for (long p = 0; p < P; p++) {
				long k = (n * P + p) * C + c;
				float xh = (x[k] - mean[c]) * inv[c];

				pb += dy[k];
				pg += (double)dy[k] * xh;
			}
			sbv += pb;
			sgv += pg;
		}
		db[c] = (float)sbv;
		dg[c] = (float)sgv;
		for (long k = 0; k < M; k++) {
			float xh = (x[k * C + c] - mean[c]) * inv[c];
			double v = (double)M * dy[k * C + c] - sbv - xh * sgv;

			dx[k * C + c] = (float)((double)g[c] * inv[c] / (double)M * v);
		}
	}
}

/* BatchNorm (training and eval), slot by slot: the batched bodies and
 * sv_bn_fwd/sv_bn_bwd against the order written out in bn_plain */
static void
bn_case(int S, long N, long P, int C)
{
	long M = N * P, n = M * C;
	float *x = randf(S * n, 9000 + S, -2, 3);
	float *dy = randf(S * n, 9100 + S, -1, 1);
	float *g = randf((long)S * C, 9200 + S, 0.5f, 1.5f);
	float *b = randf((long)S * C, 9300 + S, -0.5f, 0.5f);
	float *rm = randf((long)S * C, 9400 + S, -0.1f, 0.1f);
	float *rv = randf((long)S * C, 9500 + S, 0.5f, 2);
	float *rm0 = malloc((size_t)S * C * sizeof *rm0);
	float *rv0 = malloc((size_t)S * C * sizeof *rv0);
	float *y = calloc((size_t)(S * n), sizeof *y), *dx = calloc((size_t)(S * n), sizeof *dx);
	float *mean = calloc((size_t)S * C, sizeof *mean);
	float *inv = calloc((size_t)S * C, sizeof *inv);
	float *dg = calloc((size_t)S * C, sizeof *dg), *db = calloc((size_t)S * C, sizeof *db);
	double *dm = calloc((size_t)S * C, sizeof *dm);
	double *sg = calloc((size_t)S * C, sizeof *sg), *sb = calloc((size_t)S * C, sizeof *sb);
	double *pa = calloc((size_t)S * N * C, sizeof *pa);
	double *pb = calloc((size_t)S * N * C, sizeof *pb);
	float *wy = malloc((size_t)n * sizeof *wy), *wdx = malloc((size_t)n * sizeof *wdx);
	float *ky = malloc((size_t)n * sizeof *ky), *kdx = malloc((size_t)n * sizeof *kdx);
	float wmean[64], winv[64], wdg[64], wdb[64], wrm[64], wrv[64];
	float kmean[64], kinv[64], kdg[64], kdb[64], krm[64], krv[64];
	struct sv_bbn a = { x, dy, g, b, y, dx, rm, rv, mean, inv, dg, db, dm,
	                    sg, sb, pa, pb, N, P, S, C, 1e-5f, 0.1f };
	int fwd = 1, bwd = 1, ev = 1, cpu = 1;

	memcpy(rm0, rm, (size_t)S * C * sizeof *rm);
	memcpy(rv0, rv, (size_t)S * C * sizeof *rv);
	/* each index space run backwards: no element depends on another's */
	for (long i = (long)S * N * C - 1; i >= 0; i--)
		sv_bbn_part_sum(&a, i);
	for (long i = (long)S * C - 1; i >= 0; i--)
		sv_bbn_mean(&a, i);
	for (long i = (long)S * N * C - 1; i >= 0; i--)
		sv_bbn_part_sq(&a, i);
	for (long i = (long)S * C - 1; i >= 0; i--)
		sv_bbn_stats(&a, i, 0);
	for (long i = S * n - 1; i >= 0; i--)
		sv_bbn_apply(&a, i);
	for (long i = (long)S * N * C - 1; i >= 0; i--)
		sv_bbn_part_grad(&a, i);
	for (long i = (long)S * C - 1; i >= 0; i--)
		sv_bbn_grads(&a, i);
	for (long i = S * n - 1; i >= 0; i--)
		sv_bbn_dx(&a, i);
	for (int s = 0; s < S; s++) {
		memcpy(wrm, rm0 + s * C, C * sizeof *wrm);
		memcpy(wrv, rv0 + s * C, C * sizeof *wrv);
		memcpy(krm, wrm, sizeof krm);
		memcpy(krv, wrv, sizeof krv);
		bn_plain(x + s * n, dy + s * n, g + s * C, b + s * C, wrm, wrv, N,
		         P, C, wy, wmean, winv, wdx, wdg, wdb);
		fwd &= same_slot(y, wy, n, s) && same_slot(mean, wmean, C, s) &&
		       same_slot(inv, winv, C, s) && same_slot(rm, wrm, C, s) &&
		       same_slot(rv, wrv, C, s);
		bwd &= same_slot(dx, wdx, n, s) && same_slot(dg, wdg, C, s) &&
		       same_slot(db, wdb, C, s);
		/* the CPU layer: the same bits, on 3 threads */
		sv_bn_fwd(x + s * n, ky, g + s * C, b + s * C, krm, krv, kmean,
		          kinv, N, P, C, 1e-5f, 0.1f, 0, 3);
		sv_bn_bwd(x + s * n, dy + s * n, g + s * C, kmean, kinv, kdx, kdg,
		          kdb, N, P, C, 3);
		cpu &= !memcmp(ky, wy, n * sizeof *ky) &&
		       !memcmp(kdx, wdx, n * sizeof *kdx) &&
		       !memcmp(kmean, wmean, C * sizeof *kmean) &&
		       !memcmp(kinv, winv, C * sizeof *kinv) &&
		       !memcmp(krm, wrm, C * sizeof *krm) &&
		       !memcmp(krv, wrv, C * sizeof *krv) &&
		       !memcmp(kdg, wdg, C * sizeof *kdg) &&
		       !memcmp(kdb, wdb, C * sizeof *kdb);
	}
	/* eval: the running statistics */
	for (long i = 0; i < (long)S * C; i++)
		sv_bbn_stats(&a, i, 1);
	for (long i = 0; i < S * n; i++)
		sv_bbn_apply(&a, i);
	for (int s = 0; s < S; s++) {
		memcpy(wrm, rm + s * C, C * sizeof *wrm);
		memcpy(wrv, rv + s * C, C * sizeof *wrv);
		sv_bn_fwd(x + s * n, wy, g + s * C, b + s * C, wrm, wrv, wmean, winv,
		          N, P, C, 1e-5f, 0.1f, 1, 1);
		ev &= same_slot(y, wy, n, s) && same_slot(inv, winv, C, s) &&
		      !memcmp(wrm, rm + s * C, C * sizeof *wrm);
		for (int c = 0; c < C; c++)
			ev &= winv[c] == (float)(1.0 / sqrt((double)wrv[c] + 1e-5f));
	}
	ok(fwd, "batchnorm forward (training), S=%d N=%ld P=%ld C=%d: outputs, "
	   "statistics and running statistics in the two-level order", S, N, P,
	   C);
	ok(bwd, "batchnorm gradients, S=%d N=%ld P=%ld C=%d", S, N, P, C);
	ok(cpu, "sv_bn_fwd/sv_bn_bwd give the same bits, S=%d N=%ld P=%ld C=%d",
	   S, N, P, C);
	ok(ev, "batchnorm forward (eval), S=%d N=%ld P=%ld C=%d", S, N, P, C);
	free(x), free(dy), free(g), free(b), free(rm), free(rv), free(rm0);
	free(rv0), free(y), free(dx), free(mean), free(inv), free(dg), free(db);
	free(dm), free(sg), free(sb), free(pa), free(pb), free(wy), free(wdx);
	free(ky), free(kdx);
}

static void
gmax_case(int S, int N, int P, int C)
{
	long nin = (long)N * P * C, nout = (long)N * C;
	float *in = randf(S * nin, 9600 + S, -1, 1);
	float *dout = randf(S * nout, 9700 + S, -1, 1);
	float *out = calloc((size_t)(S * nout), sizeof *out);
	int32_t *arg = calloc((size_t)(S * nout), sizeof *arg);
	float *din = calloc((size_t)(S * nin), sizeof *din);
	float *wo = malloc((size_t)nout * sizeof *wo), *wi = malloc((size_t)nin * sizeof *wi);
	int32_t *wa = malloc((size_t)nout * sizeof *wa);
	int good = 1;

	for (long i = 0; i < S * nout; i++)
		sv_bgmax_fwd(in, out, arg, P, C, i);
	for (long i = 0; i < S * nout; i++)
		sv_bgmax_bwd(dout, arg, din, P, C, i);
	for (int s = 0; s < S; s++) {
		sv_gmaxpool_fwd(in + s * nin, wo, wa, N, P, C);
		sv_gmaxpool_bwd(dout + s * nout, wa, wi, N, P, C);
		good &= same_slot(out, wo, nout, s) && same_slot(din, wi, nin, s) &&
		        memcmp(arg + s * nout, wa, (size_t)nout * sizeof *wa) == 0;
	}
	ok(good, "global max pool and its gradient, S=%d N=%d P=%d C=%d", S, N,
	   P, C);
	free(in), free(dout), free(out), free(arg), free(din), free(wo);
	free(wi), free(wa);
}

int
main(void)
{
	static const int slots[] = { 1, 3, 7 };

	for (size_t k = 0; k < sizeof slots / sizeof slots[0]; k++) {
		int S = slots[k];

		conv_case(S, 3, 5, 7, 3, 4, 1);
		conv_case(S, 2, 4, 4, 1, 5, 0);
		conv_case(S, 1, 1, 1, 2, 3, 1);
		linear_case(S, 3, 13, 10, 1);
		linear_case(S, 1, 5, 2, 0);
		gather_case(S, S == 7 ? 5 : 2, S == 1 ? 1 : 3);
		aug_case(S < 4 ? S : 4, S == 7 ? 9 : 12, 11, S == 1 ? 1 : 3);
		bn_case(S, 5, 37, 5);
		bn_case(S, 7, 1, 3);
		bn_case(S, 1, 2, 4);
		gmax_case(S, 3, 9, 4);
	}
	return tap_done();
}
