/* scan.h - a scan file of sv-train records, continued with --resume */
#ifndef SV_SCAN_H
#define SV_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* What the records of this run say in the columns that must match. */
struct sv_scan_key {
	const char *header;  /* the header line without '#' */
	const char *model, *data, *vary;
	int epochs;
	int every_epoch;     /* records have an 'epoch' column: only the
	                        final epoch's record marks a seed done */
};

/* The seeds already in path, for --resume.  A partial last line (a killed
 * run's) is cut off first; *dropped says how many bytes (0: none).
 * *seeds (malloc'ed, the caller frees it; NULL when there are none) holds
 * *n seeds sorted ascending; *empty is 1 when the file is missing or
 * empty (the caller writes the header).  Returns 0, 2 (SV_EXIT_USAGE: not
 * a record file, other columns, records made with other options) or 3
 * (SV_EXIT_ENV: the file cannot be read or cut), with err set. */
int sv_scan_resume(const char *path, const struct sv_scan_key *key,
                   uint64_t **seeds, size_t *n, int *empty, long *dropped,
                   char *err, size_t errsz);

/* Is v among seeds[0..n-1] (sorted ascending)? */
int sv_scan_has(const uint64_t *seeds, size_t n, uint64_t v);

#endif
