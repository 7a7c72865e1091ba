/* kernels.cu - CUDA twins of the CPU layer kernels (see kernels.h)
 *
 * One thread per output element; the loop inside a thread is the CPU
 * twin's reduction, in its order, with fmaf().  Consecutive threads take
 * consecutive channels (NHWC), so loads of weights and gradients are
 * coalesced and loads of activations are broadcast. */
#include "kernels.h"

enum { THREADS = 256 };

static unsigned
nblocks(long n, int threads)
{
	return (unsigned)((n + threads - 1) / threads);
}

/* in (N,H,W,C), w (3,3,C,K), b (K) or NULL -> out (N,H,W,K);
 * out = b[k]; for ky, kx, c: fmaf(in or 0, w, acc) (sv_conv3x3_fwd) */
__global__ static void
conv_fwd_k(const float *in, const float *w, const float *b, float *out,
           int N, int H, int W, int C, int K)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
	long total = (long)N * H * W * K;

	if (i >= total)
		return;
	int k = (int)(i % K);
	long p = i / K;
	int x = (int)(p % W), y = (int)(p / W % H), n = (int)(p / ((long)W * H));
	float acc = b ? b[k] : 0.0f;

	for (int ky = 0; ky < 3; ky++)
		for (int kx = 0; kx < 3; kx++) {
			int iy = y + ky - 1, ix = x + kx - 1;
			bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
			const float *ip = in + (((long)n * H + iy) * W + ix) * C;
			const float *wp = w + (long)(ky * 3 + kx) * C * K + k;

			for (int c = 0; c < C; c++) {
				float v = inside ? ip[c] : 0.0f;

				acc = fmaf(v, wp[(long)c * K], acc);
			}
		}
	out[i] = acc;
}

/* dout (N,H,W,K), w (3,3,C,K) -> din (N,H,W,C);
 * din = 0; for ky, kx, k: fmaf(dout[y-ky+1, x-kx+1] or 0, w, acc) */
__global__ static void
conv_bwd_data_k(const float *dout, const float *w, float *din, int N, int H,
                int W, int C, int K)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
	long total = (long)N * H * W * C;

	if (i >= total)
		return;
	int c = (int)(i % C);
	long p = i / C;
	int x = (int)(p % W), y = (int)(p / W % H), n = (int)(p / ((long)W * H));
	float acc = 0.0f;

	for (int ky = 0; ky < 3; ky++)
		for (int kx = 0; kx < 3; kx++) {
			int oy = y - ky + 1, ox = x - kx + 1;
			bool inside = oy >= 0 && oy < H && ox >= 0 && ox < W;
			const float *gp = dout + (((long)n * H + oy) * W + ox) * K;
			const float *wp = w + ((long)(ky * 3 + kx) * C + c) * K;

			for (int k = 0; k < K; k++) {
				float v = inside ? gp[k] : 0.0f;

				acc = fmaf(v, wp[k], acc);
			}
		}
	din[i] = acc;
}

/* in (N,H,W,C), dout (N,H,W,K) -> dw (3,3,C,K), db (K) or NULL.
 * Threads 0..9CK-1 own dw[r,k] (r = tap*C + c): from 0, for n, y, x:
 * fmaf(in[n, y+ky-1, x+kx-1, c] or 0, dout[n,y,x,k], acc).  Threads
 * 9CK..9CK+K-1 own db[k]: from 0, for n, y, x: acc + dout[n,y,x,k]. */
__global__ static void
conv_bwd_filter_k(const float *in, const float *dout, float *dw, float *db,
                  int N, int H, int W, int C, int K)
{
	long t = (long)blockIdx.x * blockDim.x + threadIdx.x;
	long ndw = 9L * C * K;
	long npix = (long)N * H * W;

	if (t < ndw) {
		int k = (int)(t % K);
		long r = t / K;
		int tap = (int)(r / C), c = (int)(r % C);
		int ky = tap / 3, kx = tap % 3;
		float acc = 0.0f;

		for (int n = 0; n < N; n++)
			for (int y = 0; y < H; y++) {
				int iy = y + ky - 1;
				bool rowin = iy >= 0 && iy < H;
				const float *gp = dout + ((long)n * H + y) * W * K + k;
				const float *ip = in + (((long)n * H + iy) * W) * C + c;

				for (int x = 0; x < W; x++) {
					int ix = x + kx - 1;
					float v = rowin && ix >= 0 && ix < W ?
					          ip[(long)ix * C] : 0.0f;

					acc = fmaf(v, gp[(long)x * K], acc);
				}
			}
		dw[t] = acc;
	} else if (db && t < ndw + K) {
		int k = (int)(t - ndw);
		float acc = 0.0f;

		for (long p = 0; p < npix; p++)
			acc = acc + dout[p * K + k];
		db[k] = acc;
	}
}

/* The sums of conv_bwd_filter_k, in the same order, from shared memory:
 * the block stages R rows of dout (R,W,K) and the R+2 input rows around
 * them, zero-padded to (R+2,W+2,C) with the CPU's explicit zeros; then
 * each thread runs its chain over those pixels (n, then y, then x).  All
 * threads of the block stage; the first ones own outputs as above. */
__global__ static void
conv_bwd_filter_tiled_k(const float *__restrict__ in,
                        const float *__restrict__ dout, float *dw, float *db,
                        int N, int H, int W, int C, int K, int R)
{
	extern __shared__ float sm[];
	int WP = W + 2;
	float *sin = sm, *sg = sm + (long)(R + 2) * WP * C;
	long t = (long)blockIdx.x * blockDim.x + threadIdx.x;
	long ndw = 9L * C * K;
	int role = 2, k = 0, c = 0, ky = 0, kx = 0;
	float acc = 0.0f;

	if (t < ndw) {
		long r = t / K;
		int tap = (int)(r / C);

		role = 0, k = (int)(t % K), c = (int)(r % C);
		ky = tap / 3, kx = tap % 3;
	} else if (db && t < ndw + K) {
		role = 1, k = (int)(t - ndw);
	}
	for (int n = 0; n < N; n++)
		for (int y0 = 0; y0 < H; y0 += R) {
			int rows = H - y0 < R ? H - y0 : R;
			long nin = (long)(rows + 2) * WP * C, ng = (long)rows * W * K;
			const float *gsrc = dout + ((long)n * H + y0) * W * K;

			__syncthreads();
#pragma unroll 4
			for (long j = threadIdx.x; j < ng; j += blockDim.x)
				sg[j] = gsrc[j];
#pragma unroll 4
			for (long j = threadIdx.x; j < nin; j += blockDim.x) {
				int cc = (int)(j % C);
				long q = j / C;
				int xx = (int)(q % WP) - 1, yy = (int)(q / WP) + y0 - 1;

				sin[j] = yy >= 0 && yy < H && xx >= 0 && xx < W ?
				         in[(((long)n * H + yy) * W + xx) * C + cc] : 0.0f;
			}
			__syncthreads();
			if (role == 0) {
				for (int y = 0; y < rows; y++) {
					const float *ip = sin + ((long)(y + ky) * WP + kx) * C + c;
					const float *gp = sg + (long)y * W * K + k;

#pragma unroll 4
					for (int x = 0; x < W; x++)
						acc = fmaf(ip[(long)x * C], gp[(long)x * K], acc);
				}
			} else if (role == 1) {
				for (long p = 0; p < (long)rows * W; p++)
					acc = acc + sg[p * K + k];
			}
		}
	if (role == 0)
		dw[t] = acc;
	else if (role == 1)
		db[k] = acc;
}

__global__ static void
relu_fwd_k(const float *x, float *y, long n)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < n)
		y[i] = x[i] > 0 ? x[i] : 0.0f;
}

__global__ static void
relu_bwd_k(const float *y, const float *dy, float *dx, long n)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < n)
		dx[i] = y[i] > 0 ? dy[i] : 0.0f;
}

/* in (N,H,W,C) -> out (N,H/2,W/2,C), arg: window order (0,0) (0,1) (1,0)
 * (1,1), the first of equal maxima wins (sv_maxpool2_fwd) */
__global__ static void
maxpool2_fwd_k(const float *in, float *out, int32_t *arg, int N, int H,
               int W, int C)
{
	int Ho = H / 2, Wo = W / 2;
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
	long total = (long)N * Ho * Wo * C;

	if (i >= total)
		return;
	int c = (int)(i % C);
	long p = i / C;
	int x = (int)(p % Wo), y = (int)(p / Wo % Ho), n = (int)(p / ((long)Wo * Ho));
	const float *ip = in + (long)n * H * W * C;
	int32_t b0 = ((2 * y) * W + 2 * x) * C;
	int32_t b1 = b0 + C, b2 = b0 + W * C, b3 = b2 + C;
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
	out[i] = m;
	arg[i] = a;
}

/* dout (N,H/2,W/2,C), arg -> din (N,H,W,C), din zeroed before: each
 * output owns the one input element it names (windows do not overlap) */
__global__ static void
maxpool2_scatter_k(const float *dout, const int32_t *arg, float *din,
                   long per_in, long per_out, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		din[i / per_out * per_in + arg[i]] = dout[i];
}

/* in (N,I), w (O,I), b (O) or NULL -> out (N,O);
 * out = b[o] or 0; for i: fmaf(in[n,i], w[o,i], acc) */
__global__ static void
linear_fwd_k(const float *in, const float *w, const float *b, float *out,
             int N, int I, int O)
{
	long t = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (t >= (long)N * O)
		return;
	int o = (int)(t % O), n = (int)(t / O);
	const float *ip = in + (long)n * I, *wp = w + (long)o * I;
	float acc = b ? b[o] : 0.0f;

	for (int i = 0; i < I; i++)
		acc = fmaf(ip[i], wp[i], acc);
	out[t] = acc;
}

/* dw (O,I): from 0, for n: fmaf(dout[n,o], in[n,i], acc) */
__global__ static void
linear_dw_k(const float *dout, const float *in, float *dw, int N, int I, int O)
{
	long t = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (t >= (long)O * I)
		return;
	int i = (int)(t % I), o = (int)(t / I);
	float acc = 0.0f;

	for (int n = 0; n < N; n++)
		acc = fmaf(dout[(long)n * O + o], in[(long)n * I + i], acc);
	dw[t] = acc;
}

/* db (O): from 0, for n: acc + dout[n,o] */
__global__ static void
linear_db_k(const float *dout, float *db, int N, int O)
{
	int o = blockIdx.x * blockDim.x + threadIdx.x;

	if (o >= O)
		return;
	float acc = 0.0f;

	for (int n = 0; n < N; n++)
		acc = acc + dout[(long)n * O + o];
	db[o] = acc;
}

/* din (N,I): from 0, for o: fmaf(dout[n,o], w[o,i], acc) */
__global__ static void
linear_din_k(const float *dout, const float *w, float *din, int N, int I, int O)
{
	long t = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (t >= (long)N * I)
		return;
	int i = (int)(t % I), n = (int)(t / I);
	float acc = 0.0f;

	for (int o = 0; o < O; o++)
		acc = fmaf(dout[(long)n * O + o], w[(long)o * I + i], acc);
	din[t] = acc;
}

/* sv_net_sgd for one tensor:
 * g = fmaf(wd, p, grad); m = first ? g : fmaf(mom, m, g);
 * d = nesterov ? fmaf(mom, m, g) : m; p = fmaf(-lr, d, p) */
__global__ static void
sgd_k(float *p, const float *g, float *m, long n, float lr, float momentum,
      float wd, int nesterov, int first)
{
	long j = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (j >= n)
		return;
	float gj = fmaf(wd, p[j], g[j]);
	float mj = first ? gj : fmaf(momentum, m[j], gj);
	float d = nesterov ? fmaf(momentum, mj, gj) : mj;

	m[j] = mj;
	p[j] = fmaf(-lr, d, p[j]);
}

cudaError_t
svk_conv3x3_fwd(const float *in, const float *w, const float *b, float *out,
                int N, int H, int W, int C, int K, cudaStream_t s)
{
	long total = (long)N * H * W * K;

	if (total > 0)
		conv_fwd_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(in, w, b, out,
		                                                       N, H, W, C, K);
	return cudaGetLastError();
}

cudaError_t
svk_conv3x3_bwd_data(const float *dout, const float *w, float *din, int N,
                     int H, int W, int C, int K, cudaStream_t s)
{
	long total = (long)N * H * W * C;

	if (total > 0)
		conv_bwd_data_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(
			dout, w, din, N, H, W, C, K);
	return cudaGetLastError();
}

cudaError_t
svk_conv3x3_bwd_filter(const float *in, const float *dout, float *dw,
                       float *db, int N, int H, int W, int C, int K,
                       cudaStream_t s)
{
	enum { SMEM = 48 * 1024, TB = 256 };
	long total = 9L * C * K + (db ? K : 0);
	long row = (long)W * K + (long)(W + 2) * C; /* floats per tile row */
	long R = row > 0 ? (SMEM / 4 - 2L * (W + 2) * C) / row : 0;

	if (total <= 0 || (long)N * H * W == 0) {
		/* no pixels: every sum is 0 */
		if (total > 0)
			conv_bwd_filter_k<<<nblocks(total, 32), 32, 0, s>>>(
				in, dout, dw, db, N, H, W, C, K);
		return cudaGetLastError();
	}
	if (R >= 1) {
		size_t bytes;

		if (R > H)
			R = H;
		bytes = sizeof(float) * (size_t)((R + 2) * (W + 2) * C + R * W * K);
		conv_bwd_filter_tiled_k<<<nblocks(total, TB), TB, bytes, s>>>(
			in, dout, dw, db, N, H, W, C, K, (int)R);
	} else {
		/* a row does not fit: the chains read global memory */
		conv_bwd_filter_k<<<nblocks(total, 32), 32, 0, s>>>(
			in, dout, dw, db, N, H, W, C, K);
	}
	return cudaGetLastError();
}

cudaError_t
svk_relu_fwd(const float *x, float *y, long n, cudaStream_t s)
{
	if (n > 0)
		relu_fwd_k<<<nblocks(n, THREADS), THREADS, 0, s>>>(x, y, n);
	return cudaGetLastError();
}

cudaError_t
svk_relu_bwd(const float *y, const float *dy, float *dx, long n,
             cudaStream_t s)
{
	if (n > 0)
		relu_bwd_k<<<nblocks(n, THREADS), THREADS, 0, s>>>(y, dy, dx, n);
	return cudaGetLastError();
}

cudaError_t
svk_maxpool2_fwd(const float *in, float *out, int32_t *arg, int N, int H,
                 int W, int C, cudaStream_t s)
{
	long total = (long)N * (H / 2) * (W / 2) * C;

	if (total > 0)
		maxpool2_fwd_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(
			in, out, arg, N, H, W, C);
	return cudaGetLastError();
}

cudaError_t
svk_maxpool2_bwd(const float *dout, const int32_t *arg, float *din, int N,
                 int H, int W, int C, cudaStream_t s)
{
	long per_in = (long)H * W * C, per_out = (long)(H / 2) * (W / 2) * C;
	long total = (long)N * per_out;
	cudaError_t e;

	if ((long)N * per_in == 0)
		return cudaSuccess;
	e = cudaMemsetAsync(din, 0, sizeof(float) * (size_t)N * per_in, s);
	if (e != cudaSuccess)
		return e;
	if (total > 0)
		maxpool2_scatter_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(
			dout, arg, din, per_in, per_out, total);
	return cudaGetLastError();
}

cudaError_t
svk_linear_fwd(const float *in, const float *w, const float *b, float *out,
               int N, int I, int O, cudaStream_t s)
{
	long total = (long)N * O;

	if (total > 0)
		linear_fwd_k<<<nblocks(total, 64), 64, 0, s>>>(in, w, b, out, N, I, O);
	return cudaGetLastError();
}

cudaError_t
svk_linear_bwd(const float *dout, const float *in, const float *w, float *dw,
               float *db, float *din, int N, int I, int O, cudaStream_t s)
{
	long nw = (long)O * I, nin = (long)N * I;

	if (nw > 0)
		linear_dw_k<<<nblocks(nw, THREADS), THREADS, 0, s>>>(dout, in, dw,
		                                                     N, I, O);
	if (db && O > 0)
		linear_db_k<<<nblocks(O, 32), 32, 0, s>>>(dout, db, N, O);
	if (din && nin > 0)
		linear_din_k<<<nblocks(nin, THREADS), THREADS, 0, s>>>(dout, w, din,
		                                                       N, I, O);
	return cudaGetLastError();
}

cudaError_t
svk_sgd(float *p, const float *g, float *m, long n, float lr, float momentum,
        float wd, int nesterov, int first, cudaStream_t s)
{
	if (n > 0)
		sgd_k<<<nblocks(n, THREADS), THREADS, 0, s>>>(p, g, m, n, lr,
		                                              momentum, wd,
		                                              nesterov, first);
	return cudaGetLastError();
}
