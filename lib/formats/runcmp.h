/* runcmp.h - two sv-train record files compared seed by seed: which runs
 * start from other weights, which train to other weights */
#ifndef SV_RUNCMP_H
#define SV_RUNCMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The columns that say how a run was made (sv-records(5)): two records
 * of one seed are compared only when these agree. */
enum { SV_RUN_RECIPE, SV_RUN_DATA_HASH, SV_RUN_INIT_FROM, SV_RUN_NSETUP };
extern const char *const sv_run_setup_col[SV_RUN_NSETUP];

/* One record's seed and weight hashes. */
struct sv_run {
	uint64_t seed;
	char hash[33], init[33];  /* lowercase; init "" without init_hash */
	char *setup[SV_RUN_NSETUP]; /* owned; NULL without the column */
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
 * 'seed' and 'hash' columns; 'init_hash', 'recipe', 'data_hash' and
 * 'init_from' are optional.  Returns SV_EXIT_OK,
 * or SV_EXIT_USAGE with err set: "name:LINE: field 'hash': not 32 hex
 * digits: 'xyz'". */
int sv_runs_read(FILE *fp, const char *name, int side, struct sv_runs *r,
                 char *err, size_t errsz);

/* How one seed differs; what is NULL when it does not. */
struct sv_run_diff {
	uint64_t seed;
	const char *what;         /* "only_a", "only_b"; "recipe",
	                           * "data_hash" or "init_from" (both files
	                           * have the column and it differs: the runs
	                           * were made otherwise, their weights are not
	                           * compared); "init" (both files have init
	                           * hashes and they differ) or "train" (the
	                           * trained hashes differ) */
	int setup;                /* for a setup difference, SV_RUN_RECIPE..;
	                           * else -1 */
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
