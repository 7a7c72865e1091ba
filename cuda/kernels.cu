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

/* Every index 0..total-1 of a body in one thread: f(i) is a device
 * lambda holding the body's arguments by value. */
template <class F>
__global__ static void
each_k(F f, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		f(i);
}

template <class F>
static cudaError_t
each(long total, cudaStream_t s, F f)
{
	if (total > 0)
		each_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(f, total);
	return cudaGetLastError();
}

/* One thread per index of a batched body (lib/kernels/batched.h); the
 * arguments travel by value. */
__global__ static void
bconv_fwd_k(struct sv_bconv a, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		sv_bconv_fwd(&a, i);
}

__global__ static void
bconv_bwd_data_k(struct sv_bconv a, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		sv_bconv_bwd_data(&a, i);
}

/* the weight and bias gradient chains reading global memory */
__global__ static void
bconv_bwd_filter_k(struct sv_bconv a, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		sv_bconv_bwd_filter(&a, i);
}

/* The sums of sv_bconv_bwd_filter, in the same order, from shared memory:
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
	/* seed slot blockIdx.y: its N images, its gradients */
	in += (long)blockIdx.y * N * H * W * C;
	dout += (long)blockIdx.y * N * H * W * K;
	dw += (long)blockIdx.y * 9L * C * K;
	if (db)
		db += (long)blockIdx.y * K;
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

__global__ static void
blinear_fwd_k(struct sv_blinear a, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		sv_blinear_fwd(&a, i);
}

__global__ static void
blinear_dw_k(struct sv_blinear a, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		sv_blinear_dw(&a, i);
}

__global__ static void
blinear_db_k(struct sv_blinear a, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		sv_blinear_db(&a, i);
}

__global__ static void
blinear_din_k(struct sv_blinear a, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < total)
		sv_blinear_din(&a, i);
}

__global__ static void
bgather_k(struct sv_bgather a, long npx, long total)
{
	long i = (long)blockIdx.x * blockDim.x + threadIdx.x;

	if (i < npx)
		sv_bgather_px(&a, i);
	else if (i < total)
		sv_bgather_label(&a, i - npx);
}

cudaError_t
svk_bconv_fwd(const struct sv_bconv *a, cudaStream_t s)
{
	long total = (long)a->S * a->N * a->H * a->W * a->K;

	if (total > 0)
		bconv_fwd_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(*a, total);
	return cudaGetLastError();
}

cudaError_t
svk_bconv_bwd_data(const struct sv_bconv *a, cudaStream_t s)
{
	long total = (long)a->S * a->N * a->H * a->W * a->C;

	if (total > 0)
		bconv_bwd_data_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(*a,
		                                                            total);
	return cudaGetLastError();
}

cudaError_t
svk_bconv_bwd_filter(const struct sv_bconv *a, cudaStream_t s)
{
	enum { SMEM = 48 * 1024, TB = 256 };
	int N = a->N, H = a->H, W = a->W, C = a->C, K = a->K;
	long total = sv_bconv_filter_outputs(a);
	long per = 9L * C * K + (a->db ? K : 0);   /* outputs a slot */
	long row = (long)W * K + (long)(W + 2) * C; /* floats per tile row */
	long R = row > 0 ? (SMEM / 4 - 2L * (W + 2) * C) / row : 0;

	if (total <= 0)
		return cudaSuccess;
	if ((long)N * H * W > 0 && R >= 1 && a->S <= 65535) {
		size_t bytes;
		dim3 grid(nblocks(per, TB), (unsigned)a->S);

		if (R > H)
			R = H;
		bytes = sizeof(float) * (size_t)((R + 2) * (W + 2) * C + R * W * K);
		conv_bwd_filter_tiled_k<<<grid, TB, bytes, s>>>(
			a->in, a->dout, a->dw, a->db, N, H, W, C, K, (int)R);
	} else {
		/* no pixels (every sum 0), or a row does not fit: the chains
		 * read global memory */
		bconv_bwd_filter_k<<<nblocks(total, 32), 32, 0, s>>>(*a, total);
	}
	return cudaGetLastError();
}

cudaError_t
svk_conv3x3_fwd(const float *in, const float *w, const float *b, float *out,
                int N, int H, int W, int C, int K, cudaStream_t s)
{
	struct sv_bconv a = { in, w, b, NULL, out, NULL, NULL, NULL,
	                      1, N, H, W, C, K };

	return svk_bconv_fwd(&a, s);
}

cudaError_t
svk_conv3x3_bwd_data(const float *dout, const float *w, float *din, int N,
                     int H, int W, int C, int K, cudaStream_t s)
{
	struct sv_bconv a = { NULL, w, NULL, dout, NULL, din, NULL, NULL,
	                      1, N, H, W, C, K };

	return svk_bconv_bwd_data(&a, s);
}

cudaError_t
svk_conv3x3_bwd_filter(const float *in, const float *dout, float *dw,
                       float *db, int N, int H, int W, int C, int K,
                       cudaStream_t s)
{
	struct sv_bconv a = { in, NULL, NULL, dout, NULL, NULL, dw, db,
	                      1, N, H, W, C, K };

	return svk_bconv_bwd_filter(&a, s);
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
svk_blinear_fwd(const struct sv_blinear *a, cudaStream_t s)
{
	long total = (long)a->S * a->N * a->O;

	if (total > 0)
		blinear_fwd_k<<<nblocks(total, 64), 64, 0, s>>>(*a, total);
	return cudaGetLastError();
}

cudaError_t
svk_blinear_bwd(const struct sv_blinear *a, cudaStream_t s)
{
	long nw = (long)a->S * a->O * a->I, nb = (long)a->S * a->O;
	long nin = (long)a->S * a->N * a->I;

	if (nw > 0)
		blinear_dw_k<<<nblocks(nw, THREADS), THREADS, 0, s>>>(*a, nw);
	if (a->db && nb > 0)
		blinear_db_k<<<nblocks(nb, 32), 32, 0, s>>>(*a, nb);
	if (a->din && nin > 0)
		blinear_din_k<<<nblocks(nin, THREADS), THREADS, 0, s>>>(*a, nin);
	return cudaGetLastError();
}

cudaError_t
svk_linear_fwd(const float *in, const float *w, const float *b, float *out,
               int N, int I, int O, cudaStream_t s)
{
	struct sv_blinear a = { in, w, b, NULL, out, NULL, NULL, NULL,
	                        1, N, I, O };

	return svk_blinear_fwd(&a, s);
}

cudaError_t
svk_linear_bwd(const float *dout, const float *in, const float *w, float *dw,
               float *db, float *din, int N, int I, int O, cudaStream_t s)
{
	struct sv_blinear a = { in, w, NULL, dout, NULL, din, dw, db,
	                        1, N, I, O };

	return svk_blinear_bwd(&a, s);
}

cudaError_t
svk_bgather(const struct sv_bgather *a, cudaStream_t s)
{
	long npx = (long)a->S * a->N * a->per;
	long total = npx + (a->y ? (long)a->S * a->N : 0);

	if (total > 0)
		bgather_k<<<nblocks(total, THREADS), THREADS, 0, s>>>(*a, npx,
		                                                      total);
	return cudaGetLastError();
}

cudaError_t
svk_sgd(float *p, const float *g, float *m, long n, float lr, float momentum,
        float wd, int nesterov, int first, cudaStream_t s)
{
	return each(n, s, [=] __device__ (long j) {
		sv_bsgd(p, g, m, j, lr, momentum, wd, nesterov, first);
	});
}

/* a chain of calls that stops at the first failed launch */
#define THEN(e, call) ((e) == cudaSuccess ? (call) : (e))

cudaError_t
svk_bbn_fwd(const struct sv_bbn *a, int train, cudaStream_t s)
{
	struct sv_bbn b = *a;
	long nc = (long)b.S * b.N * b.C, sc = (long)b.S * b.C;
	cudaError_t e = cudaSuccess;

	if (train) {
		e = each(nc, s, [=] __device__ (long i) { sv_bbn_part_sum(&b, i); });
		e = THEN(e, each(sc, s, [=] __device__ (long i) { sv_bbn_mean(&b, i); }));
		e = THEN(e, each(nc, s, [=] __device__ (long i) { sv_bbn_part_sq(&b, i); }));
	}
	e = THEN(e, each(sc, s, [=] __device__ (long i) {
		sv_bbn_stats(&b, i, !train);
	}));
	return THEN(e, each(nc * b.P, s, [=] __device__ (long i) {
		sv_bbn_apply(&b, i);
	}));
}

cudaError_t
svk_bbn_bwd(const struct sv_bbn *a, cudaStream_t s)
{
	struct sv_bbn b = *a;
	long nc = (long)b.S * b.N * b.C, sc = (long)b.S * b.C;
	cudaError_t e;

	e = each(nc, s, [=] __device__ (long i) { sv_bbn_part_grad(&b, i); });
	e = THEN(e, each(sc, s, [=] __device__ (long i) { sv_bbn_grads(&b, i); }));
	return THEN(e, each(nc * b.P, s, [=] __device__ (long i) {
		sv_bbn_dx(&b, i);
	}));
}

cudaError_t
svk_bgmax_fwd(const float *in, float *out, int32_t *arg, long N, int P,
              int C, cudaStream_t s)
{
	return each(N * C, s, [=] __device__ (long i) {
		sv_bgmax_fwd(in, out, arg, P, C, i);
	});
}

cudaError_t
svk_bgmax_bwd(const float *dout, const int32_t *arg, float *din, long N,
              int P, int C, cudaStream_t s)
{
	cudaError_t e = cudaMemsetAsync(din, 0, sizeof(float) * N * P * C, s);

	if (e != cudaSuccess)
		return e;
	return each(N * C, s, [=] __device__ (long i) {
		sv_bgmax_bwd(dout, arg, din, P, C, i);
	});
}

cudaError_t
svk_scale(const float *in, float *out, float scale, long n, cudaStream_t s)
{
	return each(n, s, [=] __device__ (long i) {
		sv_bscale(in, out, scale, i);
	});
}

cudaError_t
svk_add(const float *x, const float *y, float *out, long n, cudaStream_t s)
{
	return each(n, s, [=] __device__ (long i) {
		sv_badd(x, y, out, i);
	});
}

cudaError_t
svk_baug_draw(const uint64_t *keys, uint32_t epoch, struct sv_aug *aug,
              int S, long nchunk, int h, int w, cudaStream_t s)
{
	return each((long)S * nchunk, s, [=] __device__ (long i) {
		sv_baug_draw(keys, epoch, aug, nchunk, h, w, i);
	});
}
