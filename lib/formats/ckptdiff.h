/* ckptdiff.h - where the weights of two checkpoints differ, bit for bit */
#ifndef SV_CKPTDIFF_H
#define SV_CKPTDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "ckpt.h"

/* One tensor of A against the same tensor of B (same name and shape). */
struct sv_tensor_cmp {
	const struct sv_tensor *a, *b;  /* into the checkpoints compared */
	uint64_t count;    /* elements */
	uint64_t ndiff;    /* elements whose bits differ */
	uint64_t first;    /* index of the first of them (when ndiff > 0) */
	double max_abs;    /* largest |a - b| over them, NaN ones left out */
	int nan;           /* one of the differences is NaN */
};

/* Two checkpoints compared.  t (ncmp rows) is malloc'ed: free with
 * sv_ckpt_cmp_free; the rows point into a and b, which must outlive it. */
struct sv_ckpt_cmp {
	int meta_differs[3];  /* model, data, options strings */
	int seed_differs;
	int count_differs;    /* tensor counts */
	long mismatch;        /* first tensor index differing in name or
	                       * shape, or -1: values are compared only
	                       * before it */
	size_t ncmp;          /* tensors compared value by value */
	struct sv_tensor_cmp *t;
	long first;           /* first row with a differing value, or -1 */
	int differ;           /* anything above differs */
};

/* Compare a and b: provenance, tensor names and shapes, then every value
 * by its bits (so -0 differs from +0 and NaNs are compared as bits). */
void sv_ckpt_compare(const struct sv_ckpt *a, const struct sv_ckpt *b,
                     struct sv_ckpt_cmp *out);
void sv_ckpt_cmp_free(struct sv_ckpt_cmp *c);

/* "2x3x3" for a tensor's shape, into s[sz]. */
void sv_tensor_shape(char *s, size_t sz, const struct sv_tensor *t);

/* The bits of a float, as stored. */
uint32_t sv_f32_bits(float f);

#endif
