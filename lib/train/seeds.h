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

#endif
