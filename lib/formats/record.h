/* record.h - the TSV record protocol between the tools (man/sv-records.5) */
#ifndef SV_RECORD_H
#define SV_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/util.h"

enum sv_rec_status {
	SV_REC_DATA = 0, /* a data line: r->field[0..nfield-1] are set */
	SV_REC_EOF,      /* end of this input */
	SV_REC_BAD       /* malformed input: r->err says where and why */
};

/* A reader over one or more inputs that share one header.
 * Owns every pointer inside it; field[] and col[] point into its own
 * buffers and stay valid until the next call to sv_reader_next(). */
struct sv_reader {
	FILE *fp;
	const char *name;      /* for messages; not owned */
	unsigned long lineno;  /* line number of the last line read */
	char *line;            /* the current line, NUL-terminated, inside buf */
	size_t len;            /* its length without the newline */
	char *buf;             /* block buffer: bytes [beg, end) not yet read */
	size_t bufcap, beg, end;
	int eof;
	int nul;               /* the current line holds a NUL byte */
	size_t tabs;           /* the current line's tab count */
	char **field;          /* split fields of the current data line */
	size_t nfield, fieldcap;
	char *header;          /* header text after '#', or NULL (plain input) */
	char **col;            /* header column names, ncol of them */
	size_t ncol;
	int saw_data;          /* a data line was seen (in any input) */
	int csv;               /* this input is CSV (set by the caller) */
	int at_start;          /* no line of this input taken yet */
	int names_header;      /* a first line of names is a header (set by
	                          the caller; sv_input does) */
	int plain_header;      /* the header was a first line without '#' */
	char err[1024];
};

void sv_reader_init(struct sv_reader *r, FILE *fp, const char *name);
/* Continue with another input; the header seen so far is kept, so an
 * identical header in the next file is skipped and a different one is an
 * error.  Line numbers restart. */
void sv_reader_next_input(struct sv_reader *r, FILE *fp, const char *name);
void sv_reader_free(struct sv_reader *r);

/* Read the next data line.
 * Grammar (one line, LF-terminated, a trailing CR is dropped):
 *   blank line            skipped
 *   '#' then ' ' or EOL   comment, skipped
 *   '#' NAME ('\t' NAME)* header; NAME is non-empty and holds no tab
 *   FIELD ('\t' FIELD)*   data; with a header, exactly ncol fields
 * With r->csv the fields are separated by commas instead, RFC 4180
 * style: a field in double quotes may hold commas, and "" inside it is
 * one quote (a quoted field ends on its line: no newlines inside).
 * A plain header, with r->names_header: the first line of the first input (no '#' header
 * before it) whose fields are all names -- none is a number or NA, one
 * at least is not empty -- is the header; an empty name there becomes
 * the column's 1-based number.  The same line at the start of a later
 * input is skipped.
 * The first header fixes the columns; a later identical one is skipped,
 * a later different one, or a header after data lines of plain input, is
 * SV_REC_BAD. */
enum sv_rec_status sv_reader_next(struct sv_reader *r);

/* Index of the column called name, or -1 (also -1 for plain input). */
int sv_reader_col(const struct sv_reader *r, const char *name);

/* Resolve a column given by name or by 1-based number ("acc" or "3").
 * Returns the 0-based index, or -1 with r->err set. */
int sv_reader_pick(struct sv_reader *r, const char *spec);

/* s for a message, as the manual shows it: at most max bytes of it, a
 * tab, CR, form feed or vertical tab written \t \r \f \v, other control
 * bytes \xNN, into buf[n].  Returns buf. */
const char *sv_msg_text(const char *s, size_t max, char *buf, size_t n);

/* "NA" or the empty string (missing values) */
int sv_is_na(const char *s);

/* Parse the whole string s as a number, giving exactly the value that
 * strtod (resp. strtold) gives in the C locale.
 * Grammar of the fast path: [+-] DIGITS ['.' DIGITS] [(e|E) [+-] DIGITS],
 * at most 19 significant digits and a small exponent; anything else is
 * handed to strtod/strtold, so the result is always theirs.
 * sv_fast_double: 0 and *v set, or -1 when s is not a finite number
 *   (same acceptance as sv_parse_double: no blanks, no nan, no inf,
 *   no overflow).
 * sv_fast_ldouble: 0 and *v set, or -1 when s is not a number
 *   (no blanks; nan and inf accepted, as strtold does). */
int sv_fast_double(const char *s, double *v);
int sv_fast_ldouble(const char *s, long double *v);

/* Set r->err to "name:line: field 'col': what: 'text'" about field i of
 * the current line (col is the header's name, else the 1-based number,
 * unquoted) and return it. */
const char *sv_reader_field_error(struct sv_reader *r, size_t i,
                                  const char *what);
/* Field i of the current line, or NULL with r->err set ("missing
 * field") when the line is shorter. */
const char *sv_reader_field(struct sv_reader *r, size_t i);
/* The name of column i: the header's, else its 1-based number written
 * into buf[n]. */
const char *sv_reader_colname(const struct sv_reader *r, size_t i, char *buf,
                              size_t n);

/* Parse field i of the current line as a double (sv_fast_double).
 * Returns 0 and sets *v, 1 when the field is NA, or -1 with r->err set to
 * "name:line: field 'col': not a number: 'text'"; *v is set only on 0. */
int sv_reader_double(struct sv_reader *r, size_t i, double *v);
/* Same in long double (sv_fast_ldouble), for the operations that datamash
 * computes in long double. */
int sv_reader_ldouble(struct sv_reader *r, size_t i, long double *v);
/* Same for an unsigned 64-bit integer. */
int sv_reader_u64(struct sv_reader *r, size_t i, uint64_t *v);

/* Formatting in the C locale: float32 with %.9g, double with %.17g,
 * NaN as NA.  Append to b. */
void sv_put_f32(struct sv_buf *b, float v);
void sv_put_f64(struct sv_buf *b, double v);
/* The shortest %.Ng (N = 1..17) that reads back as exactly v: 0.95,
 * not 0.94999999999999996.  NaN as NA. */
void sv_put_shortest(struct sv_buf *b, double v);
/* %.*g with prec digits; NaN as NA */
void sv_put_g(struct sv_buf *b, double v, int prec);

#endif
