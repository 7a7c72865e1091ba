/* conv_kern.h - the vector body of the 3x3 convolution kernels, written
 * once and built once per instruction set (conv_avx512.c, conv_avx2.c)
 *
 * Accumulation order (the conv.h contract, the same as conv.c's scalar
 * reference, bit for bit):
 * - fwd:        out[n,y,x,k] = b[k], then for ky, kx, c ascending one
 *               V_FMA(in[n,y+ky-1,x+kx-1,c], w[ky,kx,c,k], acc);
 * - bwd_data:   din[n,y,x,c] = +0, then for ky, kx, k ascending one
 *               V_FMA(dout[n,y-ky+1,x-kx+1,k], w[ky,kx,c,k], acc);
 * - bwd_filter: dw[ky,kx,c,k] = +0, then for n, y, x ascending one
 *               V_FMA(in[n,y+ky-1,x+kx-1,c], dout[n,y,x,k], acc);
 *               db[k] = +0, then for n, y, x ascending acc = acc + dout.
 * Vector lanes hold independent outputs (k for fwd and bwd_filter, c for
 * bwd_data); a reduction never runs across lanes, only down one lane in
 * the order above, so the lane count and the thread count do not change
 * a bit.  The register blocks (several pixels for fwd/bwd_data, several
 * (tap, c) rows for bwd_filter) only interleave independent chains.
 * bwd_filter keeps its accumulators in dw between images: a store and a
 * reload are exact, so running image by image keeps the order.
 * Out-of-image taps read the +0 border of a padded copy of the input and
 * really do V_FMA(+0, w, acc), as the contract says.
 *
 * The including file defines, before including this one:
 *   VL            lanes of one vector
 *   vec_t mask_t  vector and lane-mask types
 *   V_MASK(n)     mask of the first n lanes, 1 <= n <= VL
 *   V_LOAD(p)     load (unaligned)
 *   V_LOADM(p,m)  load with masked-off lanes read as +0 (no access there)
 *   V_STOREM(p,m,v) store the masked lanes only
 *   V_BCAST(p)    every lane = *p
 *   idx_t V_STRIDE(n)  lane offsets 0, n, 2n, ... (in floats)
 *   V_GATHERM(p,i,m)  lane l = p[i[l]] for the masked lanes, +0 elsewhere
 *   V_FMA(a,b,c)  a*b+c with one rounding
 *   V_ADD(a,b)    a+b
 *   V_ZERO()      every lane +0
 *   KERN(name)    the exported name for this ISA (name##_avx512)
 *   FWD_P1, FWD_P2  pixels per block with 1 and 2 vectors of outputs
 *   BF_R1, BF_R2    (tap, c) rows per block in bwd_filter, with
 *                   BF_R2 <= BF_R1
 *   BF_Y1, BF_Y2    the same for blocks of all three tap rows (small C):
 *                   3 * BF_Y rows, BF_Y2 <= BF_Y1
 *   each of these is 2, 4, 6, 9, 12, 14 or 28
 */
#include "conv_impl.h"
#include "base/util.h"

#include <omp.h>
#include <stddef.h>
#include <string.h>

#define KI static inline __attribute__((always_inline))

/* SEQn(M, a): M(1, a) ... M(n, a); SEQ_OF(n) names SEQn for a macro n */
#define SEQ2(M, a) M(1, a) M(2, a)
#define SEQ4(M, a) SEQ2(M, a) M(3, a) M(4, a)
#define SEQ6(M, a) SEQ4(M, a) M(5, a) M(6, a)
#define SEQ9(M, a) SEQ6(M, a) M(7, a) M(8, a) M(9, a)
#define SEQ12(M, a) SEQ9(M, a) M(10, a) M(11, a) M(12, a)
#define SEQ14(M, a) SEQ12(M, a) M(13, a) M(14, a)
#define SEQ28(M, a) SEQ14(M, a) M(15, a) M(16, a) M(17, a) M(18, a) \
	M(19, a) M(20, a) M(21, a) M(22, a) M(23, a) M(24, a) M(25, a) \
	M(26, a) M(27, a) M(28, a)

/* UNROLLk(i, n, body): body for i = 0..n-1 (n a constant, at most k),
 * written out so that i is a constant in each copy: the accumulator
 * arrays then live in registers (GCC scalarises arrays indexed by
 * constants only; a loop it unrolls later would leave them in memory).
 * One compound statement, safe as the body of an if. */
#define UNROLL2(i, n, ...) { \
	{ const int i = 0; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 1; if (i < (n)) { __VA_ARGS__ } } }
#define UNROLL3(i, n, ...) { \
	{ const int i = 0; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 1; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 2; if (i < (n)) { __VA_ARGS__ } } }
#define UNROLL28(i, n, ...) { \
	{ const int i = 0; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 1; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 2; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 3; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 4; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 5; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 6; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 7; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 8; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 9; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 10; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 11; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 12; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 13; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 14; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 15; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 16; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 17; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 18; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 19; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 20; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 21; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 22; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 23; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 24; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 25; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 26; if (i < (n)) { __VA_ARGS__ } } \
	{ const int i = 27; if (i < (n)) { __VA_ARGS__ } } }

/* Masks of the nv vectors of a block of n outputs starting at a vector
 * boundary: full vectors, then the last one possibly partial. */
static void
block_masks(int n, int nv, mask_t m[2])
{
	for (int v = 0; v < nv; v++) {
		int left = n - v * VL;

		m[v] = V_MASK(left >= VL ? VL : left);
	}
}

/* --- fwd and bwd_data: a block of NP pixels of one row times NV vectors
 * of outputs, the whole reduction in registers.
 * pad: the image padded by one pixel, planar rows: pad[yy][c][xx] with
 * yy < H+2, c < Cin, xx < Wp = W+2, so the NP pixels of one (tap, c) are
 * consecutive floats.  wt (9, Cin, Kp), Kp = Kout rounded up to whole
 * vectors, the extra lanes +0, so that the inner loop needs no masks.
 * Tap t = ky*3+kx reads padded pixel (y+ky, x+kx), or (y+2-ky, x+2-kx)
 * when flip (bwd_data).
 * init: NV vectors of start values (bias or +0), dst: the first output. */
KI void
rows_body(const float *pad, int y, int x, int Cin, int Wp, int flip,
          const float *wt, int Kp, int Kout, const mask_t *m,
          const vec_t *init, float *dst, const int NP, const int NV)
{
	vec_t acc[28][2]; /* fixed sizes: a VLA would stay in memory */

	UNROLL28(p, NP, UNROLL2(v, NV, acc[p][v] = init[v];))
	for (int t = 0; t < 9; t++) {
		int dy = flip ? 2 - t / 3 : t / 3, dx = flip ? 2 - t % 3 : t % 3;
		const float *s = pad + (size_t)(y + dy) * Cin * Wp + x + dx;
		const float *wp = wt + (size_t)t * Cin * Kp;

		for (int c = 0; c < Cin; c++, s += Wp, wp += Kp) {
			vec_t wv[2];

			UNROLL2(v, NV, wv[v] = V_LOAD(wp + v * VL);)
			UNROLL28(p, NP,
				vec_t xb = V_BCAST(s + p);
				UNROLL2(v, NV, acc[p][v] = V_FMA(xb, wv[v], acc[p][v]);))
		}
	}
	UNROLL28(p, NP, UNROLL2(v, NV,
		V_STOREM(dst + (size_t)p * Kout + v * VL, m[v], acc[p][v]);))
}

typedef void rows_fn(const float *pad, int y, int x, int Cin, int Wp,
                     int flip, const float *wt, int Kp, int Kout,
                     const mask_t *m, const vec_t *init, float *dst);

#define ROWS_DEF(np, nv)                                                   \
	static void rows_##np##_##nv(const float *pad, int y, int x, int Cin, \
	    int Wp, int flip, const float *wt, int Kp, int Kout,          \
	    const mask_t *m, const vec_t *init, float *dst)                \
	{                                                                  \
		rows_body(pad, y, x, Cin, Wp, flip, wt, Kp, Kout, m, init,  \
		          dst, np, nv);                                    \
	}
#define ROWS_PTR(np, nv) rows_##np##_##nv,
#define SEQ_OF(n) SEQ_OF_(n)
#define SEQ_OF_(n) SEQ##n

SEQ_OF(FWD_P1)(ROWS_DEF, 1)
SEQ_OF(FWD_P2)(ROWS_DEF, 2)
static rows_fn *const rows_tab1[] = { SEQ_OF(FWD_P1)(ROWS_PTR, 1) };
static rows_fn *const rows_tab2[] = { SEQ_OF(FWD_P2)(ROWS_PTR, 2) };

/* Copy image src (H,W,Cin) into the planar padded pad (H+2, Cin, W+2)
 * whose border is already +0 and stays so: one gather of up to VL pixels
 * of one channel at a time (a pure copy: every bit kept). */
static void
pad_planar(const float *src, float *pad, int H, int W, int Cin)
{
	int Wp = W + 2;
	idx_t idx = V_STRIDE(Cin);

	for (int y = 0; y < H; y++)
		for (int c = 0; c < Cin; c++) {
			float *d = pad + ((size_t)(y + 1) * Cin + c) * Wp + 1;
			const float *s = src + (size_t)y * W * Cin + c;

			if (Cin == 1) {
				memcpy(d, s, (size_t)W * sizeof *d);
				continue;
			}
			for (int x = 0; x < W; x += VL) {
				mask_t m = V_MASK(W - x < VL ? W - x : VL);

				V_STOREM(d + x, m, V_GATHERM(s + (size_t)x * Cin, idx, m));
			}
		}
}

/* The shared driver of fwd and bwd_data: images split over threads
 * (static), each image padded into the thread's own buffer, then every
 * row in blocks of up to 2 vectors of outputs times up to FWD_P pixels.
 * wt is (9, Cin, Kp) with +0 in the lanes past Kout. */
static void
conv_rows(const float *in, const float *wt, const float *bias, float *out,
          int N, int H, int W, int Cin, int Kout, int flip, int nthreads)
{
	int Kp = (Kout + VL - 1) / VL * VL;
	int Wp = W + 2;
	size_t padsz = (size_t)(H + 2) * Cin * Wp;
	float *pads = sv_calloc((size_t)nthreads * padsz, sizeof *pads);

	#pragma omp parallel num_threads(nthreads)
	{
		float *pad = pads + (size_t)omp_get_thread_num() * padsz;

		#pragma omp for schedule(static)
		for (int n = 0; n < N; n++) {
			const float *src = in + (size_t)n * H * W * Cin;
			float *img = out + (size_t)n * H * W * Kout;

			pad_planar(src, pad, H, W, Cin);
			for (int k0 = 0; k0 < Kout; k0 += 2 * VL) {
				int nk = Kout - k0 < 2 * VL ? Kout - k0 : 2 * VL;
				int nv = (nk + VL - 1) / VL;
				int pmax = nv == 1 ? FWD_P1 : FWD_P2;
				rows_fn *const *tab = nv == 1 ? rows_tab1 : rows_tab2;
				mask_t m[2];
				vec_t init[2];

				block_masks(nk, nv, m);
				for (int v = 0; v < nv; v++)
					init[v] = bias ? V_LOADM(bias + k0 + v * VL, m[v]) : V_ZERO();
				for (int y = 0; y < H; y++)
					for (int x = 0; x < W;) {
						int np = W - x < pmax ? W - x : pmax;

						tab[np - 1](pad, y, x, Cin, Wp, flip, wt + k0, Kp, Kout, m,
						            init, img + ((size_t)y * W + x) * Kout + k0);
						x += np;
					}
			}
		}
	}
	free(pads);
}

/* in (N,H,W,C), w (3,3,C,K), b (K) -> out (N,H,W,K) */
void
KERN(sv_conv3x3_fwd)(const float *in, const float *w, const float *b,
                     float *out, int N, int H, int W, int C, int K,
                     int nthreads)
{
	int Kp = (K + VL - 1) / VL * VL;
	float *wp = NULL;

	if (Kp != K) {
		wp = sv_calloc((size_t)9 * C * Kp, sizeof *wp);
		for (size_t r = 0; r < (size_t)9 * C; r++)
			memcpy(wp + r * Kp, w + r * K, (size_t)K * sizeof *wp);
	}
	conv_rows(in, wp ? wp : w, b, out, N, H, W, C, K, 0, nthreads);
	free(wp);
}

/* dout (N,H,W,K), w (3,3,C,K) -> din (N,H,W,C); w is transposed to
 * (3,3,K,Cp) so that lanes run over c (Cp: C in whole vectors, +0 after). */
void
KERN(sv_conv3x3_bwd_data)(const float *dout, const float *w, float *din,
                          int N, int H, int W, int C, int K, int nthreads)
{
	int Cp = (C + VL - 1) / VL * VL;
	float *wt = sv_calloc((size_t)9 * K * Cp, sizeof *wt);

	for (int t = 0; t < 9; t++)
		for (int c = 0; c < C; c++)
			for (int k = 0; k < K; k++)
				wt[((size_t)t * K + k) * Cp + c] = w[((size_t)t * C + c) * K + k];
	conv_rows(dout, wt, NULL, din, N, H, W, K, C, 1, nthreads);
	free(wt);
}

/* --- bwd_filter: a block of NY tap rows ky times NR rows of dw times NV
 * vectors of k.  For one ky the 3C rows j = kx*C + c of dw (row ky*3C + j)
 * read the padded NHWC image at (y+ky, x)*C + j: consecutive floats, so
 * the broadcasts of a pixel sit at fixed offsets from NY pointers.
 * pad: this image padded (H+2, W+2, C), at the block's first ky and j;
 * g: dout of this image at k0, padded to Kp = K in whole vectors (+0
 * after K), so the inner loop needs no masks; acc: dw at the block's
 * first row and k0 (row stride K, ky stride 3C rows); first: start from
 * +0.  DB: also sum db (at dbp, k0) in the same pass over the pixels;
 * its chain of adds then hides behind the FMAs. */
KI void
filt_body(const float *pad, const float *g, float *acc, float *dbp, int H,
          int W, int C, int K, int Kp, const mask_t *m, int first,
          const int NY, const int NR, const int NV, const int DB)
{
	size_t Wp = W + 2, kys = (size_t)Wp * C, rows = 3 * (size_t)C;
	vec_t a[3][28][2], d[2];

	if (DB) {
		UNROLL2(v, NV, d[v] = first ? V_ZERO() : V_LOADM(dbp + v * VL, m[v]);)
	}

	UNROLL3(q, NY, UNROLL28(r, NR, UNROLL2(v, NV,
		a[q][r][v] = first ? V_ZERO() :
			V_LOADM(acc + (q * rows + r) * K + v * VL, m[v]);)))
	for (int y = 0; y < H; y++) {
		const float *s = pad + (size_t)y * kys;
		const float *gy = g + (size_t)y * W * Kp;

		for (int x = 0; x < W; x++, s += C, gy += Kp) {
			vec_t gv[2];

			UNROLL2(v, NV, gv[v] = V_LOAD(gy + v * VL);)
			if (DB) {
				UNROLL2(v, NV, d[v] = V_ADD(d[v], gv[v]);)
			}
			UNROLL3(q, NY, UNROLL28(r, NR,
				vec_t xb = V_BCAST(s + q * kys + r);
				UNROLL2(v, NV, a[q][r][v] = V_FMA(xb, gv[v], a[q][r][v]);)))
		}
	}
	UNROLL3(q, NY, UNROLL28(r, NR, UNROLL2(v, NV,
		V_STOREM(acc + (q * rows + r) * K + v * VL, m[v], a[q][r][v]);)))
	if (DB) {
		UNROLL2(v, NV, V_STOREM(dbp + v * VL, m[v], d[v]);)
	}
}

typedef void filt_fn(const float *pad, const float *g, float *acc,
                     float *dbp, int H, int W, int C, int K, int Kp,
                     const mask_t *m, int first);

#define FILT_DEF(nr, nv, ny, db)                                           \
	static void filt_##ny##_##db##_##nr##_##nv(const float *pad,       \
	    const float *g, float *acc, float *dbp, int H, int W, int C,   \
	    int K, int Kp, const mask_t *m, int first)                     \
	{                                                                  \
		filt_body(pad, g, acc, dbp, H, W, C, K, Kp, m, first, ny,  \
		          nr, nv, db);                                     \
	}
#define FILT_DEF1(nr, nv) FILT_DEF(nr, nv, 1, 0)
#define FILT_DEF3(nr, nv) FILT_DEF(nr, nv, 3, 0) FILT_DEF(nr, nv, 3, 1)
#define FILT_PTR1(nr, nv) filt_1_0_##nr##_##nv,
#define FILT_PTR3(nr, nv) filt_3_0_##nr##_##nv,
#define FILT_PTR3DB(nr, nv) filt_3_1_##nr##_##nv,

SEQ_OF(BF_R1)(FILT_DEF1, 1)
SEQ_OF(BF_R2)(FILT_DEF1, 2)
SEQ_OF(BF_Y1)(FILT_DEF3, 1)
SEQ_OF(BF_Y2)(FILT_DEF3, 2)
/* by nr - 1: one tap row, 1 or 2 vectors; three tap rows, 1 or 2
 * vectors, without and with db */
static filt_fn *const filt_tab[3][2][28] = {
	{ { SEQ_OF(BF_R1)(FILT_PTR1, 1) }, { SEQ_OF(BF_R2)(FILT_PTR1, 2) } },
	{ { SEQ_OF(BF_Y1)(FILT_PTR3, 1) }, { SEQ_OF(BF_Y2)(FILT_PTR3, 2) } },
	{ { SEQ_OF(BF_Y1)(FILT_PTR3DB, 1) }, { SEQ_OF(BF_Y2)(FILT_PTR3DB, 2) } },
};

/* One work item of bwd_filter: tap rows [ky, ky+ny), in each the rows
 * [j0, j0+nr) of the 3C, k-block [k0, k0+nk). */
struct filt_item {
	int ky, ny, j0, nr, k0, nk;
};

/* in (N,H,W,C), dout (N,H,W,K) -> dw (3,3,C,K), db (K) or NULL.
 * Work items (ky, row block, k block) are split statically over the
 * threads; every thread walks all images in order, padding each into its
 * own buffer, and runs its items on it.  When the 3C rows of a tap row are
 * few (small C) one item takes all three tap rows, so that enough
 * independent accumulators hide the FMA latency. */
void
KERN(sv_conv3x3_bwd_filter)(const float *in, const float *dout, float *dw,
                            float *db, int N, int H, int W, int C, int K,
                            int nthreads, int accumulate)
{
	int Wp = W + 2, rows = 3 * C, nkb = (K + 2 * VL - 1) / (2 * VL);
	int rmax = K <= VL ? BF_R1 : BF_R2, ylim = K <= VL ? BF_Y1 : BF_Y2;
	int ny = rows <= ylim ? 3 : 1;
	int nrb = (rows + rmax - 1) / rmax, nitems = 3 / ny * nrb * nkb;
	int Kp = (K + VL - 1) / VL * VL;
	/* per thread: the padded image, then (K not in whole vectors) dout
	 * of the image with rows of Kp */
	size_t padsz = (size_t)(H + 2) * Wp * C;
	size_t gsz = Kp == K ? 0 : (size_t)H * W * Kp;
	float *pads = sv_calloc((size_t)nthreads * (padsz + gsz), sizeof *pads);
	struct filt_item *items = sv_mallocarray((size_t)nitems, sizeof *items);
	int ni = 0;

	if (N == 0 && !accumulate) {
		memset(dw, 0, (size_t)9 * C * K * sizeof *dw);
		if (db)
			memset(db, 0, (size_t)K * sizeof *db);
	}
	/* row blocks of nearly equal size, at most rmax each */
	for (int ky = 0; ky < 3; ky += ny)
		for (int b = 0; b < nrb; b++)
			for (int kb = 0; kb < nkb; kb++) {
				int j0 = (int)((long)rows * b / nrb);
				int j1 = (int)((long)rows * (b + 1) / nrb);
				int k0 = kb * 2 * VL;

				items[ni++] = (struct filt_item){ ky, ny, j0, j1 - j0, k0,
					K - k0 < 2 * VL ? K - k0 : 2 * VL };
			}

	#pragma omp parallel num_threads(nthreads)
	{
		int tid = omp_get_thread_num(), nth = omp_get_num_threads();
		int i0 = (int)((long)nitems * tid / nth);
		int i1 = (int)((long)nitems * (tid + 1) / nth);
		float *pad = pads + (size_t)tid * (padsz + gsz), *gbuf = pad + padsz;

		for (int n = 0; n < N && i0 < i1; n++) {
			const float *src = in + (size_t)n * H * W * C;
			const float *g = dout + (size_t)n * H * W * K;

			for (int y = 0; y < H; y++)
				memcpy(pad + ((size_t)(y + 1) * Wp + 1) * C,
				       src + (size_t)y * W * C, (size_t)W * C * sizeof *pad);
			if (gsz) {
				for (size_t p = 0; p < (size_t)H * W; p++)
					memcpy(gbuf + p * Kp, g + p * K, (size_t)K * sizeof *g);
				g = gbuf;
			}
			for (int i = i0; i < i1; i++) {
				const struct filt_item *it = &items[i];
				int nv = (it->nk + VL - 1) / VL;
				/* with all three tap rows, the first row block sums db */
				int withdb = db && it->ny == 3 && it->j0 == 0;
				mask_t m[2];

				block_masks(it->nk, nv, m);
				filt_tab[it->ny == 1 ? 0 : withdb ? 2 : 1][nv - 1][it->nr - 1](
					pad + (size_t)it->ky * Wp * C + it->j0, g + it->k0,
					dw + ((size_t)it->ky * rows + it->j0) * K + it->k0,
					withdb ? db + it->k0 : NULL, H, W, C, K, Kp, m,
					n == 0 && !accumulate);
			}
		}
		/* db, unless summed with dw above: vector kv by thread kv % nth;
		 * the dw items fill the last threads first (i0 rounds down), so
		 * db runs beside them */
		for (int k0 = tid * VL; db && ny == 1 && k0 < K; k0 += nth * VL) {
			mask_t m = V_MASK(K - k0 < VL ? K - k0 : VL);
			vec_t a = accumulate ? V_LOADM(db + k0, m) : V_ZERO();

			for (size_t p = 0; p < (size_t)N * H * W; p++)
				a = V_ADD(a, V_LOADM(dout + p * K + k0, m));
			V_STOREM(db + k0, m, a);
		}
	}
	free(items);
	free(pads);
}
