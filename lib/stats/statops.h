/* statops.h - the table of datamash-compatible operations: parsing,
 * evaluation, --help text and shell completion all come from it */
#ifndef SV_STATOPS_H
#define SV_STATOPS_H

#include <stddef.h>
#include <stdio.h>

#include "group.h"
#include "base/util.h"

enum sv_op_id {
	SV_OP_COUNT, SV_OP_SUM, SV_OP_MIN, SV_OP_MAX, SV_OP_ABSMIN,
	SV_OP_ABSMAX, SV_OP_RANGE, SV_OP_FIRST, SV_OP_LAST, SV_OP_MEAN,
	SV_OP_GEOMEAN, SV_OP_HARMMEAN, SV_OP_TRIMMEAN, SV_OP_MEDIAN, SV_OP_Q1,
	SV_OP_Q3, SV_OP_IQR, SV_OP_PERC, SV_OP_MODE, SV_OP_ANTIMODE,
	SV_OP_PSTDEV, SV_OP_SSTDEV, SV_OP_PVAR, SV_OP_SVAR, SV_OP_MAD,
	SV_OP_MADRAW, SV_OP_PSKEW, SV_OP_SSKEW, SV_OP_PKURT, SV_OP_SKURT,
	SV_OP_JARQUE, SV_OP_DPO
};

/* What an operation takes after a colon: "perc:90", "trimmean:0.2". */
enum sv_op_param {
	SV_PARAM_NONE,
	SV_PARAM_PERC, /* integer percentile 1..100, default 95 */
	SV_PARAM_TRIM  /* fraction 0..0.5 cut from each end, default 0 */
};

struct sv_statop {
	const char *name;
	enum sv_op_id id;
	enum sv_op_param param;
	int sorted;       /* needs the values sorted */
	const char *help; /* one line for --help */
};

/* The table, ended by a row with name NULL. */
extern const struct sv_statop sv_statops[];

/* One requested operation: an op, its parameter, and its field as the
 * user wrote it (name or 1-based number). */
struct sv_opcall {
	const struct sv_statop *op;
	double param;
	const char *field; /* not owned: points into argv */
	int col;           /* resolved 0-based column, -1 until then */
};

enum sv_opparse_status {
	SV_OPPARSE_OK = 0,
	SV_OPPARSE_UNKNOWN,  /* no such operation */
	SV_OPPARSE_NOPARAM,  /* a parameter given to an op that takes none */
	SV_OPPARSE_BADPARAM  /* parameter not a number or out of range */
};

/* Look up an operation by its exact name; NULL when there is none. */
const struct sv_statop *sv_statop_find(const char *name);

/* The operation name nearest to word (its part before ':'): edit
 * distance at most 2 (at most 1 for words of 3 letters or fewer), the
 * first in table order among the nearest; NULL when none is that near. */
const char *sv_statop_suggest(const char *word);

/* Parse one operation spec.
 * Grammar: NAME [':' PARAM]; NAME is a row of sv_statops; PARAM is an
 * integer 1..100 for perc, a decimal 0..0.5 for trimmean, and is refused
 * for the others.  On success out->op points into the static table and
 * out->param holds the parameter (or its default); out->field is left
 * untouched.  Nothing is allocated. */
enum sv_opparse_status sv_statop_parse(const char *spec, struct sv_opcall *out);

/* Compute op over v[0..n-1] (sorted ascending when op->sorted) and append
 * the result to b as datamash prints it (%.14Lg, "nan" for NaN).  first
 * and last are the first and last input texts (for first/last).  work
 * holds n long doubles of scratch (for mad). */
void sv_statop_eval(const struct sv_opcall *c, const long double *v,
                    size_t n, const char *first, const char *last,
                    long double *work, struct sv_buf *b);

/* Whether op is computed from a column's count, sum, min and max (or its
 * first and last texts) as the values stream by, without keeping them:
 * count, sum, min, max, range, mean, first, last. */
int sv_statop_streams(const struct sv_statop *op);

/* The distinct columns of calls[0..n-1] (their col resolved): cols[]
 * gets them in order of first use, slot[i] the index in cols[] of call i,
 * text[j] whether column j needs its first and last texts (first, last),
 * keep[j] whether it needs its values kept (an op that does not stream).
 * cols, slot, text and keep hold n each.  Returns the count of cols. */
size_t sv_statop_columns(const struct sv_opcall *calls, size_t n, int *cols,
                         size_t *slot, int *text, int *keep);

/* One output line: every call over the values cv[slot[i]] of one group
 * (streaming ops from the running sums, the others from the kept values,
 * with sorted copies for the ops that need them),
 * tab-separated, ended by a newline, appended to b. */
void sv_statop_eval_row(const struct sv_opcall *calls, size_t n,
                        const size_t *slot, const struct sv_colvals *cv,
                        size_t ncols, struct sv_buf *b);

/* The operations as --help lists them, two spaces of indent. */
void sv_statop_help(FILE *fp);
/* One name a line (for shell completion). */
void sv_statop_list(FILE *fp);

#endif
