/* input.h - the records of a tool's FILE arguments, read as one stream,
 * and the default value column (man/sv-records.5) */
#ifndef SV_INPUT_H
#define SV_INPUT_H

#include <stddef.h>

#include "record.h"

/* The name standard input has in every message ("-" on the command line,
 * or no FILE at all). */
#define SV_STDIN_NAME "stdin"

/* The FILEs one after the other through one sv_reader (so they share one
 * header, sv_reader_next_input); no FILE means standard input.  A first
 * line of names is a header, and a FILE named *.csv is read as CSV
 * (sv_reader_next).  Owns the
 * files it opens; files[] is borrowed and must outlive it. */
struct sv_input {
	struct sv_reader r;    /* r.name: the current FILE, or "stdin" */
	char *const *files;
	size_t nfiles, next;   /* next: index of the FILE to open next */
	FILE *fp;              /* the open FILE, or NULL between FILEs */
	int csv;               /* every input is CSV; else a FILE named
	                          *.csv (any case) is */
};

void sv_input_init(struct sv_input *in, char *const *files, size_t nfiles);
void sv_input_free(struct sv_input *in);

/* The next data line of the stream, in in->r (fields, line number,
 * header).  SV_REC_BAD: in->r.err says "file: reason" (a FILE that cannot
 * be opened) or "file:line: reason" (bad input). */
enum sv_rec_status sv_input_next(struct sv_input *in);

/* The default value column: the column 'acc' when the header has one;
 * else the only column, not counting those sv_train_columns marks
 * SV_COL_KEY (seed, epoch), whose field on the current data line is a
 * number or NA.  Before any data line (a header-only input) every column
 * but seed and epoch counts.  Returns the 0-based index, or -1 with r->err
 * set ("file:line: several numeric columns and none called 'acc': pick
 * one with -f"). */
int sv_default_column(struct sv_reader *r);

/* The column spec names ("acc" or "3", sv_reader_pick), or the default
 * column when spec is NULL.  -1 with r->err set when there is none. */
int sv_input_column(struct sv_reader *r, const char *spec);

/* " (the columns: 'a', 'b')" (at most n bytes, " ..." before the ')'
 * when cut) into buf, or "" without a header.  Returns buf. */
const char *sv_input_column_list(const struct sv_reader *r, char *buf,
                                 size_t n);

#endif
