/* scan.h - a scan file of sv-train records, continued with --resume */
#ifndef SV_SCAN_H
#define SV_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* What this run's records say in the columns that must match. */
struct sv_scan_key {
	const char *header;     /* the header line without '#' */
	const char *model, *data, *vary;
	const char *recipe;     /* sv_recipe_line() */
	const char *data_hash;  /* sv_dataset_hash() */
	const char *init_from;  /* the --init-from checkpoint's hash, or "-" */
	int epochs;
	int every_epoch;        /* records have an 'epoch' column: only the
	                           final epoch's record marks a seed done */
};

/* The seeds already in the scan file open on fd (named path), for
 * --resume.  Nothing is changed until the file has been read and found
 * to be a scan of this run: then a partial last line (a killed run's) is
 * cut off, and *dropped says how many bytes (0: none).  *seeds
 * (malloc'ed, the caller frees it; NULL when none) holds *n seeds sorted
 * ascending; *empty is 1 when the file is empty (the caller writes the
 * header).  Returns 0; 2 (SV_EXIT_USAGE: not a regular file, not a scan
 * of sv-train, other columns, records made with another recipe or other
 * data; the file is left as it was) or 3 (SV_EXIT_ENV: it cannot be read
 * or cut), with err set. */
int sv_scan_resume(int fd, const char *path, const struct sv_scan_key *key,
                   uint64_t **seeds, size_t *n, int *empty, long *dropped,
                   char *err, size_t errsz);

/* Is v among seeds[0..n-1] (sorted ascending)? */
int sv_scan_has(const uint64_t *seeds, size_t n, uint64_t v);

#endif
