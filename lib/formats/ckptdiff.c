/* ckptdiff.c - where the weights of two checkpoints differ, bit for bit */
#include "ckptdiff.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "tensor.h"

void
sv_tensor_shape(char *s, size_t sz, const struct sv_tensor *t)
{
	size_t k = 0;

	s[0] = '\0';
	for (uint32_t d = 0; d < t->ndim && k < sz; d++)
		k += (size_t)snprintf(s + k, sz - k, "%s%llu", d ? "x" : "",
		                      (unsigned long long)t->dim[d]);
}

uint32_t
sv_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static void
compare_tensor(const struct sv_tensor *x, const struct sv_tensor *y,
               struct sv_tensor_cmp *r)
{
	memset(r, 0, sizeof *r);
	r->a = x;
	r->b = y;
	r->count = sv_tensor_count(x);
	for (uint64_t j = 0; j < r->count; j++) {
		double d;

		if (sv_f32_bits(x->data[j]) == sv_f32_bits(y->data[j]))
			continue;
		if (r->ndiff++ == 0)
			r->first = j;
		d = fabs((double)x->data[j] - (double)y->data[j]);
		if (isnan(d))
			r->nan = 1;
		else if (d > r->max_abs)
			r->max_abs = d;
	}
}

void
sv_ckpt_compare(const struct sv_ckpt *a, const struct sv_ckpt *b,
                struct sv_ckpt_cmp *out)
{
	const char *fa[3] = { a->model, a->data, a->options };
	const char *fb[3] = { b->model, b->data, b->options };
	size_t nt = a->ntensor < b->ntensor ? a->ntensor : b->ntensor;

	memset(out, 0, sizeof *out);
	out->mismatch = -1;
	out->first = -1;
	for (int i = 0; i < 3; i++)
		out->differ |= out->meta_differs[i] = strcmp(fa[i], fb[i]) != 0;
	out->differ |= out->seed_differs = a->seed != b->seed;
	out->differ |= out->count_differs = a->ntensor != b->ntensor;
	for (size_t i = 0; i < nt; i++) {
		char sa[96], sb[96];

		sv_tensor_shape(sa, sizeof sa, &a->t[i]);
		sv_tensor_shape(sb, sizeof sb, &b->t[i]);
		if (strcmp(a->t[i].name, b->t[i].name) != 0 || strcmp(sa, sb) != 0) {
			out->mismatch = (long)i;
			out->differ = 1;
			nt = i;
			break;
		}
	}
	out->ncmp = nt;
	out->t = nt ? sv_mallocarray(nt, sizeof *out->t) : NULL;
	for (size_t i = 0; i < nt; i++) {
		compare_tensor(&a->t[i], &b->t[i], &out->t[i]);
		if (out->t[i].ndiff) {
			out->differ = 1;
			if (out->first < 0)
				out->first = (long)i;
		}
	}
}

void
sv_ckpt_cmp_free(struct sv_ckpt_cmp *c)
{
	free(c->t);
	memset(c, 0, sizeof *c);
}
