/* conv_impl.h - the implementations behind conv.h, for the dispatcher,
 * the unit test and the benchmark (not part of the public interface)
 *
 * Every row of sv_conv_impls computes exactly the same bits; rows differ
 * only in speed.  The scalar row is the reference (the oracle of the
 * tests) and the fallback on any CPU. */
#ifndef SV_CONV_IMPL_H
#define SV_CONV_IMPL_H

#include <stddef.h>

typedef void sv_conv_fwd_fn(const float *in, const float *w, const float *b,
                            float *out, int N, int H, int W, int C, int K,
                            int nthreads);
typedef void sv_conv_bwd_data_fn(const float *dout, const float *w,
                                 float *din, int N, int H, int W, int C,
                                 int K, int nthreads);
/* accumulate != 0: dw and db start from the values they hold (a batch
 * continued over several calls), else from +0 */
typedef void sv_conv_bwd_filter_fn(const float *in, const float *dout,
                                   float *dw, float *db, int N, int H, int W,
                                   int C, int K, int nthreads, int accumulate);

/* One implementation: its name (the SV_KERNELS value), whether this CPU
 * and OS can run it, and its three kernels. */
struct sv_conv_impl {
	const char *name;
	int (*usable)(void);
	sv_conv_fwd_fn *fwd;
	sv_conv_bwd_data_fn *bwd_data;
	sv_conv_bwd_filter_fn *bwd_filter;
};

/* Best first; the last row is "scalar", usable everywhere. */
extern const struct sv_conv_impl sv_conv_impls[];
extern const size_t sv_conv_nimpls;

/* The row the dispatcher takes for the SV_KERNELS value env (NULL or ""
 * for automatic: the first usable row).  A named row the CPU cannot run,
 * or an unknown name, gives the scalar row.  Never NULL. */
const struct sv_conv_impl *sv_conv_pick(const char *env);

/* The scalar reference kernels, plain loops in the contract's order. */
sv_conv_fwd_fn sv_conv3x3_fwd_scalar;
sv_conv_bwd_data_fn sv_conv3x3_bwd_data_scalar;
sv_conv_bwd_filter_fn sv_conv3x3_bwd_filter_scalar;

/* The vector kernels, one body (conv_kern.h) built for each ISA. */
sv_conv_fwd_fn sv_conv3x3_fwd_avx512;
sv_conv_bwd_data_fn sv_conv3x3_bwd_data_avx512;
sv_conv_bwd_filter_fn sv_conv3x3_bwd_filter_avx512;
sv_conv_fwd_fn sv_conv3x3_fwd_avx2;
sv_conv_bwd_data_fn sv_conv3x3_bwd_data_avx2;
sv_conv_bwd_filter_fn sv_conv3x3_bwd_filter_avx2;

#endif
