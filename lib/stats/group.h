/* group.h - the values of records split by a key (the -g column, or the
 * input file), groups in order of first appearance */
#ifndef SV_GROUP_H
#define SV_GROUP_H

#include <stddef.h>

#include "base/util.h"

/* One column's values for the datamash operations, in input order. */
struct sv_colvals {
	long double *v;
	size_t n, cap;
	struct sv_buf first, last; /* texts, kept only for first/last */
};

struct sv_group {
	char *key;
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

/* Append x (and its epoch when with_ep) to g. */
void sv_group_add(struct sv_group *g, double x, int with_ep, double ep);
/* Append v to cv. */
void sv_colvals_add(struct sv_colvals *cv, long double v);

#endif
