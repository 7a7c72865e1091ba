/* group.h - the values of records split by a key (the -g column, or the
 * input file), groups in order of first appearance */
#ifndef SV_GROUP_H
#define SV_GROUP_H

#include <stddef.h>

#include "base/util.h"

/* One column's values for the datamash operations: the count, the sum in
 * input order, min and max as they go, and the values themselves (in
 * input order) only when an operation needs them. */
struct sv_colvals {
	long double *v;    /* n values when kept, else NULL */
	size_t n, cap;
	long double sum, lo, hi; /* sum from +0 in input order; first of the
	                            smallest / largest */
	struct sv_buf first, last; /* texts, kept only for first/last */
};

struct sv_group {
	char *key;
	char *label;       /* a shorter name for text and figures, or NULL */
	double *x, *ep;    /* values; epochs when the input has them */
	size_t n, cap, na; /* na: NA values skipped */
	double total;      /* test-set size from a 'total' column, or NAN */
	struct sv_colvals *cv; /* operations: one per distinct column */
};

/* Owns every group and every pointer in them. */
struct sv_groups {
	struct sv_group *g;
	size_t n, cap;
	size_t ncv;        /* sv_colvals per group */
	size_t *slot;      /* hash table of 1 + group index, 0 empty */
	size_t nslot;
	size_t last;       /* the group of the previous lookup */
};

void sv_groups_init(struct sv_groups *G, size_t ncv);
void sv_groups_free(struct sv_groups *G);

/* The group of key (copied when new).  The previous lookup's group is
 * tried first: input is mostly sorted by group.  The pointer is valid
 * until the next call (the array moves). */
struct sv_group *sv_group_of(struct sv_groups *G, const char *key);

/* The name of g in text and figures: its label, else its key. */
static inline const char *
sv_group_name(const struct sv_group *g)
{
	return g->label ? g->label : g->key;
}

/* Label groups whose keys are option strings (the 'recipe' column:
 * "-m mlp --lr 0.05 ...") by the options in which they differ: an
 * option with its value that every key holds is left out of every label
 * and appended to common, space-separated, in the first key's order; a
 * key holding only those is labelled "(the common options)".  Nothing
 * changes (returns 0) with fewer than 2 groups, a key that is not an
 * option string, no option in common, or two keys with one label
 * (options in another order); else returns 1. */
int sv_groups_option_labels(struct sv_groups *G, struct sv_buf *common);

/* Room for more values in cv->v. */
void sv_colvals_grow(struct sv_colvals *cv);

/* Append x (and its epoch when with_ep) to g. */
void sv_group_add(struct sv_group *g, double x, int with_ep, double ep);
/* Count v into cv, and keep it when keep is not 0 (the same keep for
 * every value of cv). */
static inline void
sv_colvals_add(struct sv_colvals *cv, long double v, int keep)
{
	if (keep) {
		if (cv->n == cv->cap)
			sv_colvals_grow(cv);
		cv->v[cv->n] = v;
	}
	if (cv->n == 0 || v < cv->lo)
		cv->lo = v;
	if (cv->n == 0 || v > cv->hi)
		cv->hi = v;
	cv->sum += v;
	cv->n++;
}

#endif
