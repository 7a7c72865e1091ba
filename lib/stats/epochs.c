/* epochs.c - per-epoch records */
#include "epochs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "base/util.h"

size_t
sv_last_epoch(const double *x, const double *ep, size_t n, double *out)
{
	double emax = -INFINITY;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		emax = fmax(emax, ep[i]);
	for (size_t i = 0; i < n; i++)
		if (ep[i] == emax)
			out[k++] = x[i];
	return k;
}

void
sv_epoch_table(const double *x, const double *ep, size_t n,
               struct sv_epoch_table *t)
{
	size_t k = 0;
	double *e = sv_mallocarray(n ? n : 1, sizeof *e);

	memcpy(e, ep, n * sizeof *e);
	sv_sort_double(e, n);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || e[i] != e[k - 1])
			e[k++] = e[i];
	t->epoch = e;
	t->n = k;
	t->mean = sv_calloc(k ? k : 1, sizeof *t->mean);
	t->sd = sv_calloc(k ? k : 1, sizeof *t->sd);
	t->min = sv_mallocarray(k ? k : 1, sizeof *t->min);
	t->max = sv_mallocarray(k ? k : 1, sizeof *t->max);
	/* two passes per epoch: the mean, then squares about it */
	for (size_t j = 0; j < k; j++) {
		size_t c = 0;
		double s = 0, ss = 0, m;

		t->min[j] = INFINITY, t->max[j] = -INFINITY;
		for (size_t i = 0; i < n; i++)
			if (ep[i] == e[j]) {
				c++;
				s += x[i];
				t->min[j] = fmin(t->min[j], x[i]);
				t->max[j] = fmax(t->max[j], x[i]);
			}
		m = s / (double)c;
		for (size_t i = 0; i < n; i++)
			if (ep[i] == e[j])
				ss += (x[i] - m) * (x[i] - m);
		t->mean[j] = m;
		t->sd[j] = c > 1 ? sqrt(ss / (double)(c - 1)) : NAN;
	}
}

void
sv_epoch_table_free(struct sv_epoch_table *t)
{
	free(t->epoch);
	free(t->mean);
	free(t->sd);
	free(t->min);
	free(t->max);
	memset(t, 0, sizeof *t);
}
