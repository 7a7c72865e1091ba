/* runcmp.h - two sv-train record files compared seed by seed: which runs
 * start from other weights, which train to other weights */
#ifndef SV_RUNCMP_H
#define SV_RUNCMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One record's seed and weight hashes. */
struct sv_run {
	uint64_t seed;
	char hash[33], init[33];  /* lowercase; init "" without init_hash */
	int side;                 /* 0 for A, 1 for B */
	unsigned long line;       /* line number, for messages */
};

/* The records of both files. */
struct sv_runs {
	struct sv_run *v;
	size_t n, cap;
	int has_init[2];          /* the file has an init_hash column */
	const char *name[2];      /* the files' names in messages */
};

/* Append the records of fp (side 0 or 1, named name: the caller keeps
 * name alive) to r, which starts zeroed.  The file needs a header with
 * 'seed' and 'hash' columns; 'init_hash' is optional.  Returns SV_EXIT_OK,
 * or SV_EXIT_USAGE with err set: "name:LINE: field 'hash': not 32 hex
 * digits: 'xyz'". */
int sv_runs_read(FILE *fp, const char *name, int side, struct sv_runs *r,
                 char *err, size_t errsz);

/* How one seed differs; what is NULL when it does not. */
struct sv_run_diff {
	uint64_t seed;
	const char *what;         /* "only_a", "only_b", "init" (both files
	                           * have init hashes and they differ) or
	                           * "train" (the trained hashes differ) */
	const struct sv_run *a, *b; /* NULL for the side without the seed */
};

/* Sort r by (seed, side, line).  A seed twice in one file cannot be
 * compared: SV_EXIT_USAGE with err set ("name:LINE: seed 1 appears
 * twice"); else SV_EXIT_OK. */
int sv_runs_sort(struct sv_runs *r, char *err, size_t errsz);

/* Call fn for each seed of the sorted r that differs, in seed order;
 * *nseed gets the number of seeds, *ndiff the number that differ. */
void sv_runs_compare(const struct sv_runs *r,
                     void (*fn)(const struct sv_run_diff *d, void *ctx),
                     void *ctx, size_t *nseed, size_t *ndiff);

void sv_runs_free(struct sv_runs *r);

#endif
