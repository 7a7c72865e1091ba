/* seeds.h - reading seeds: plain lines or records with a seed column */
#ifndef SV_SEEDS_H
#define SV_SEEDS_H

#include <stdint.h>

#include "formats/record.h"

/* Next seed from r.
 * Grammar: plain input is one unsigned 64-bit decimal integer per line
 * (no sign, no blanks, no other fields); record input (a header was seen)
 * takes the 'seed' column of each data line.  Blank and '#' lines are
 * skipped by the reader.  Returns SV_REC_DATA with *seed set, SV_REC_EOF,
 * or SV_REC_BAD with r->err naming the line and the text. */
enum sv_rec_status sv_next_seed(struct sv_reader *r, uint64_t *seed);

/* Seeds from a list of files read one after the other ("-" or no files:
 * standard input, named "stdin" in messages). */
struct sv_seed_source {
	char **files;
	int nfiles, at;
	FILE *fp;
	struct sv_reader rd;
	int started;
};

/* files[0..nfiles-1] are the caller's and must outlive src. */
void sv_seed_source_init(struct sv_seed_source *src, char **files,
                         int nfiles);
/* Next seed: SV_REC_DATA with *seed set, SV_REC_EOF after the last file,
 * or SV_REC_BAD with err set (a file that cannot be opened, a bad line;
 * *status says 2 or 3). */
enum sv_rec_status sv_seed_source_next(struct sv_seed_source *src,
                                       uint64_t *seed, int *status,
                                       char *err, size_t errsz);
void sv_seed_source_free(struct sv_seed_source *src);

#endif
