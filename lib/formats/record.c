/* record.c - the TSV record protocol between the tools (man/sv-records.5) */
#include "record.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* --- numbers: one parser for every numeric field */

/* Powers of ten exactly representable: 10^22 in a double (5^22 < 2^53),
 * 10^27 in an x87 long double (5^27 < 2^64). */
static const double pow10d[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* Decimal scan shared by both fast paths.
 * Grammar: [+-] DIGITS ['.' DIGITS] [(e|E) [+-] DIGITS] or
 * [+-] '.' DIGITS ...; returns 0 with the significant digits in *m (at
 * most 19 of them), the power of ten in *e10 and the sign in *neg, or -1
 * when s does not match or needs the slow path. */
static inline __attribute__((always_inline)) int
scan_decimal(const char *s, uint64_t *m, int *e10, int *neg)
{
	const char *p = s;
	uint64_t v = 0;
	int nd = 0, nsig = 0, frac = 0, exp = 0;

	*neg = 0;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, nd++) {
		if (v == 0 && *p == '0')
			continue;
		if (++nsig > 19)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, nd++) {
			frac++;
			if (v == 0 && *p == '0')
				continue;
			if (++nsig > 19)
				return -1;
			v = v * 10 + (uint64_t)(*p - '0');
		}
	}
	if (nd == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		int eneg = 0, ed = 0;

		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		for (; *p >= '0' && *p <= '9'; p++, ed++) {
			if (exp > 10000)
				return -1;
			exp = exp * 10 + (*p - '0');
		}
		if (ed == 0)
			return -1;
		if (eneg)
			exp = -exp;
	}
	if (*p != '\0')
		return -1;
	*m = v;
	*e10 = exp - frac;
	return 0;
}

int
sv_fast_double(const char *s, double *v)
{
	uint64_t m;
	int e10, neg;
	const char *err;

	if (scan_decimal(s, &m, &e10, &neg) == 0 && m <= (UINT64_C(1) << 53)) {
		double d = (double)m;

		if (m == 0) {
			*v = neg ? -0.0 : 0.0;
			return 0;
		}
		if (e10 >= 0 && e10 <= 22) {
			d *= pow10d[e10];
			*v = neg ? -d : d;
			return 0;
		}
		if (e10 < 0 && e10 >= -22) {
			d /= pow10d[-e10];
			*v = neg ? -d : d;
			return 0;
		}
	}
	if (isspace((unsigned char)*s))
		return -1; /* strtod would skip it */
	*v = sv_parse_double(s, -HUGE_VAL, HUGE_VAL, &err);
	return err ? -1 : 0;
}

/* The fast path of sv_fast_ldouble: 0 and *v set when s is a decimal
 * with at most 19 significant digits and |exponent| <= 27 (then the value
 * is finite and within a double's range), else -1 and *v untouched. */
static inline __attribute__((always_inline)) int
ldouble_fast(const char *s, long double *v)
{
#if LDBL_MANT_DIG == 64
	uint64_t m;
	int e10, neg;

	if (scan_decimal(s, &m, &e10, &neg) == 0) {
		long double d = (long double)m, p = 1;

		if (m == 0) {
			*v = neg ? -0.0L : 0.0L;
			return 0;
		}
		if (e10 >= -27 && e10 <= 27) {
			int k = e10 < 0 ? -e10 : e10;

			/* 10^k is exact for k <= 27: products of exact
			 * powers stay below 2^64 in the mantissa */
			p = k > 22 ? (long double)pow10d[22] *
			                 (long double)pow10d[k - 22]
			           : (long double)pow10d[k];
			d = e10 < 0 ? d / p : d * p;
			*v = neg ? -d : d;
			return 0;
		}
	}
#else
	(void)s, (void)v;
#endif
	return -1;
}

int
sv_fast_ldouble(const char *s, long double *v)
{
	char *end;

	if (ldouble_fast(s, v) == 0)
		return 0;
	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtold(s, &end);
	if (end == s || *end != '\0')
		return -1;
	return 0;
}

/* --- the reader */

const char *
sv_msg_text(const char *s, size_t max, char *buf, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; s[i] && i < max && k + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e = c == '\t' ? 't' : c == '\r' ? 'r' : c == '\f' ? 'f'
		       : c == '\v' ? 'v' : 0;

		if (e) {
			buf[k++] = '\\';
			buf[k++] = e;
		} else if (c < 0x20 || c == 0x7f) {
			k += (size_t)snprintf(buf + k, n - k, "\\x%02x", c);
		} else {
			buf[k++] = (char)c;
		}
	}
	if (n)
		buf[k] = '\0';
	return buf;
}

void
sv_reader_init(struct sv_reader *r, FILE *fp, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fp = fp;
	r->name = name;
	r->at_start = 1;
}

void
sv_reader_next_input(struct sv_reader *r, FILE *fp, const char *name)
{
	r->at_start = 1;
	r->fp = fp;
	r->name = name;
	r->lineno = 0;
	r->beg = r->end = 0;
	r->eof = 0;
}

void
sv_reader_free(struct sv_reader *r)
{
	free(r->buf);
	free(r->field);
	free(r->header);
	if (r->ncol)
		free(r->col[0]); /* the split copy of the header */
	free(r->col);
	memset(r, 0, sizeof *r);
}

static void
bad(struct sv_reader *r, const char *what, const char *text)
{
	char t[404];

	if (text)
		snprintf(r->err, sizeof r->err, "%s:%lu: %s: '%s'", r->name,
		         r->lineno, what, sv_msg_text(text, 200, t, sizeof t));
	else
		snprintf(r->err, sizeof r->err, "%s:%lu: %s", r->name,
		         r->lineno, what);
}

/* qsort has no context argument: the names being sorted */
static char *const *sort_names;

/* by name, then by index */
static int
by_name(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(sort_names[i], sort_names[j]);

	return c ? c : (i > j) - (i < j);
}

/* Split s in place on tabs into *out; returns the count. */
static size_t
split(char *s, char ***out, size_t *cap)
{
	size_t n = 0;

	for (;;) {
		char *tab = strchr(s, '\t');

		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*out = sv_realloc(*out, *cap * sizeof **out);
		}
		(*out)[n++] = s;
		if (!tab)
			return n;
		*tab = '\0';
		s = tab + 1;
	}
}

/* Split s in place as one CSV record (sv_reader_next's grammar) into
 * *out; returns the count, -1 for a quote not closed on the line, -2 for
 * text after a closing quote. */
static long
split_csv(char *s, char ***out, size_t *cap)
{
	size_t n = 0;
	char *w = s, *p = s;

	for (;;) {
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*out = sv_realloc(*out, *cap * sizeof **out);
		}
		(*out)[n++] = w;
		if (*p == '"') {
			for (p++;; ) {
				if (*p == '\0')
					return -1;
				if (*p == '"' && p[1] != '"')
					break;
				if (*p == '"')
					p++; /* "" is one quote */
				*w++ = *p++;
			}
			p++;
			if (*p != ',' && *p != '\0')
				return -2;
		} else {
			while (*p != ',' && *p != '\0')
				*w++ = *p++;
		}
		if (*p == '\0') {
			*w = '\0';
			return (long)n;
		}
		*w++ = '\0'; /* w <= p: nothing unread is overwritten */
		p++;
	}
}

/* The fields of a plain header line: every one a name (not a number,
 * not NA), one at least not empty. */
static int
all_names(char *const *f, size_t n)
{
	int named = 0;

	for (size_t i = 0; i < n; i++) {
		double v;

		if (f[i][0] && (strcmp(f[i], "NA") == 0 ||
		                sv_fast_double(f[i], &v) == 0))
			return 0;
		named |= f[i][0] != '\0';
	}
	return named;
}

/* The smallest i with names[i] equal to an earlier name, or n when the
 * names are distinct: sorted indices, O(n log n). */
static size_t
first_duplicate(char *const *names, size_t n)
{
	size_t *ix, best = n;

	if (n < 2)
		return n;
	ix = sv_mallocarray(n, sizeof *ix);
	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	sort_names = names;
	qsort(ix, n, sizeof *ix, by_name);
	sort_names = NULL;
	/* within a run of equal names the indices ascend: the second one
	 * is that name's first repetition */
	for (size_t i = 1; i < n; i++)
		if (strcmp(names[ix[i]], names[ix[i - 1]]) == 0 &&
		    (i < 2 || strcmp(names[ix[i - 1]], names[ix[i - 2]]) != 0) &&
		    ix[i] < best)
			best = ix[i];
	free(ix);
	return best;
}

static enum sv_rec_status
take_header(struct sv_reader *r, const char *text)
{
	size_t i, dup, cap = 0;

	if (r->header) {
		if (strcmp(r->header, text) == 0)
			return SV_REC_DATA; /* repeated header: skip */
		bad(r, "header differs from the first one", text - 1);
		return SV_REC_BAD;
	}
	if (r->saw_data) {
		bad(r, "header after data lines", text - 1);
		return SV_REC_BAD;
	}
	r->header = sv_strdup(text);
	{
		char *copy = sv_strdup(text);

		r->ncol = split(copy, &r->col, &cap);
	}
	for (i = 0; i < r->ncol && r->col[i][0] != '\0'; i++)
		;
	dup = first_duplicate(r->col, r->ncol);
	if (i < r->ncol && i < dup) {
		bad(r, "empty column name in header", text - 1);
		return SV_REC_BAD;
	}
	if (dup < r->ncol) {
		bad(r, "duplicate column name in header", r->col[dup]);
		return SV_REC_BAD;
	}
	return SV_REC_DATA;
}

static enum sv_rec_status take_header(struct sv_reader *r, const char *text);

/* The fields of the current line as header text ("#" and tab-joined,
 * empty names numbered) in *b; returns the text after the '#'. */
static const char *
plain_header_text(const struct sv_reader *r, struct sv_buf *b)
{
	sv_buf_puts(b, "#");
	for (size_t i = 0; i < r->nfield; i++) {
		if (i)
			sv_buf_puts(b, "\t");
		if (r->field[i][0])
			sv_buf_puts(b, r->field[i]);
		else
			sv_buf_printf(b, "%zu", i + 1);
	}
	return b->p + 1;
}

/* A first line of an input that is all names: the header (first
 * input), skipped (the same again), or SV_REC_BAD (another one).
 * Returns 1 when the line was taken, 0 when it is data. */
static int
plain_header(struct sv_reader *r, enum sv_rec_status *st)
{
	struct sv_buf b = { 0 };
	const char *text;

	if (!r->names_header || !r->at_start ||
	    !all_names(r->field, r->nfield))
		return 0;
	/* a new header before any data, or the plain one again */
	if (r->header ? !r->plain_header : r->saw_data)
		return 0;
	text = plain_header_text(r, &b);
	*st = take_header(r, text);
	r->plain_header = 1;
	sv_buf_free(&b);
	return 1;
}

/* The next line from the block buffer into r->line/r->len, its newline
 * replaced by NUL; returns 1, 0 at the end of the input, or -1 on a read
 * error.  Lines may be of any length. */
static ssize_t
next_line(struct sv_reader *r)
{
	if (!r->buf) {
		r->bufcap = 1 << 16;
		r->buf = sv_malloc(r->bufcap);
	}
	for (;;) {
		char *p = r->buf + r->beg, *e = r->buf + r->end, *nl = NULL;
		size_t n;

		/* one pass finds the newline (or a NUL) and counts tabs:
		 * records are short, and library scans cost more */
		r->nul = 0;
		r->tabs = 0;
		for (; p < e; p++) {
			unsigned char c = (unsigned char)*p;

			if (c <= '\n') {
				if (c == '\n' || c == '\0') {
					/* a NUL ends the line: the reader
					 * refuses it before reading further */
					r->nul = c == '\0';
					nl = p;
					break;
				}
				r->tabs += c == '\t';
			}
		}

		if (nl || (r->eof && r->beg < r->end)) {
			size_t len = nl ? (size_t)(nl - (r->buf + r->beg))
			                : r->end - r->beg;

			r->line = r->buf + r->beg;
			r->line[len] = '\0'; /* buf always has a spare byte */
			r->len = len;
			r->beg += len + (nl != NULL);
			return 1;
		}
		if (r->eof)
			return 0;
		/* move the partial line to the front, grow, read more */
		if (r->beg > 0) {
			memmove(r->buf, r->buf + r->beg, r->end - r->beg);
			r->end -= r->beg;
			r->beg = 0;
		}
		if (r->bufcap - r->end < 4096 + 1) {
			r->bufcap = r->bufcap ? r->bufcap * 2 : 1 << 16;
			r->buf = sv_realloc(r->buf, r->bufcap);
		}
		errno = 0;
		n = fread(r->buf + r->end, 1, r->bufcap - r->end - 1, r->fp);
		r->end += n;
		if (n == 0) {
			if (ferror(r->fp))
				return -1;
			r->eof = 1;
		}
	}
}

enum sv_rec_status
sv_reader_next(struct sv_reader *r)
{
	for (;;) {
		ssize_t n;
		char *s;

		n = next_line(r);
		if (n <= 0) {
			if (n < 0) {
				snprintf(r->err, sizeof r->err,
				         "%s: read error: %s", r->name,
				         strerror(errno ? errno : EIO));
				return SV_REC_BAD;
			}
			return SV_REC_EOF;
		}
		r->lineno++;
		s = r->line;
		if (r->len && s[r->len - 1] == '\r')
			s[--r->len] = '\0';
		if (r->nul) {
			bad(r, "NUL byte in line", NULL);
			return SV_REC_BAD;
		}
		if (r->len == 0)
			continue;
		if (s[0] == '#') {
			enum sv_rec_status st;

			if (s[1] == '\0' || s[1] == ' ')
				continue; /* comment */
			st = take_header(r, s + 1);
			if (st == SV_REC_BAD)
				return st;
			continue;
		}
		if (r->csv) {
			long nf = split_csv(s, &r->field, &r->fieldcap);

			if (nf < 0) {
				bad(r, nf == -1 ? "CSV: a quote is not closed on "
				               "its line"
				             : "CSV: text after a closing quote",
				    NULL);
				return SV_REC_BAD;
			}
			r->nfield = (size_t)nf;
		} else if (r->tabs == 0 && r->fieldcap) {
			r->field[0] = s;
			r->nfield = 1;
		} else {
			r->nfield = split(s, &r->field, &r->fieldcap);
		}
		if (r->at_start) {
			enum sv_rec_status st;

			if (plain_header(r, &st)) {
				r->at_start = 0;
				if (st == SV_REC_BAD)
					return st;
				continue;
			}
			r->at_start = 0;
		}
		if (r->header && r->nfield != r->ncol && r->csv) {
			char what[96];

			snprintf(what, sizeof what,
			         "%zu fields where the header has %zu",
			         r->nfield, r->ncol);
			bad(r, what, NULL);
			return SV_REC_BAD;
		}
		if (r->header && r->nfield != r->ncol) {
			char what[96];

			snprintf(what, sizeof what,
			         "%zu fields where the header has %zu",
			         r->nfield, r->ncol);
			/* re-join for the message */
			for (size_t i = 0; i + 1 < r->nfield; i++)
				r->field[i][strlen(r->field[i])] = '\t';
			bad(r, what, r->line);
			return SV_REC_BAD;
		}
		r->saw_data = 1;
		return SV_REC_DATA;
	}
}

int
sv_reader_col(const struct sv_reader *r, const char *name)
{
	for (size_t i = 0; i < r->ncol; i++)
		if (strcmp(r->col[i], name) == 0)
			return (int)i;
	return -1;
}

int
sv_reader_pick(struct sv_reader *r, const char *spec)
{
	const char *e;
	uint64_t n = sv_parse_u64(spec, 1, 100000, &e);
	int i;

	if (!e) {
		if (r->header && n > r->ncol) {
			snprintf(r->err, sizeof r->err,
			         "%s: column %llu: the header has %zu columns",
			         r->name, (unsigned long long)n, r->ncol);
			return -1;
		}
		return (int)(n - 1);
	}
	i = sv_reader_col(r, spec);
	if (i < 0) {
		char t[404];

		sv_msg_text(spec, 200, t, sizeof t);
		if (r->header)
			snprintf(r->err, sizeof r->err,
			         "%s: no column '%s' in the header", r->name, t);
		else
			snprintf(r->err, sizeof r->err,
			         "%s: column '%s' named, but the input has no "
			         "header line", r->name, t);
	}
	return i;
}

int
sv_is_na(const char *s)
{
	return s[0] == '\0' || strcmp(s, "NA") == 0;
}

const char *
sv_reader_field_error(struct sv_reader *r, size_t i, const char *what)
{
	char col[88], tc[84], t[404];

	if (i < r->ncol)
		snprintf(col, sizeof col, "'%s'",
		         sv_msg_text(r->col[i], 40, tc, sizeof tc));
	else
		snprintf(col, sizeof col, "%zu", i + 1);
	snprintf(r->err, sizeof r->err, "%s:%lu: field %s: %s: '%s'",
	         r->name, r->lineno, col, what,
	         sv_msg_text(i < r->nfield ? r->field[i] : "", 200, t,
	                     sizeof t));
	return r->err;
}

const char *
sv_reader_field(struct sv_reader *r, size_t i)
{
	if (i >= r->nfield) {
		sv_reader_field_error(r, i, "missing field");
		return NULL;
	}
	return r->field[i];
}

const char *
sv_reader_colname(const struct sv_reader *r, size_t i, char *buf, size_t n)
{
	if (r->header && i < r->ncol)
		return r->col[i];
	snprintf(buf, n, "%zu", i + 1);
	return buf;
}

int
sv_reader_double(struct sv_reader *r, size_t i, double *v)
{
	const char *e;
	double x;

	if (i >= r->nfield) {
		sv_reader_field_error(r, i, "missing field");
		return -1;
	}
	if (sv_fast_double(r->field[i], &x) == 0) {
		*v = x;
		return 0;
	}
	if (sv_is_na(r->field[i]))
		return 1;
	sv_parse_double(r->field[i], -HUGE_VAL, HUGE_VAL, &e);
	sv_reader_field_error(r, i, e ? e : "not a number");
	return -1;
}

int
sv_reader_ldouble(struct sv_reader *r, size_t i, long double *v)
{
	long double x;

	if (i < r->nfield && ldouble_fast(r->field[i], v) == 0)
		return 0;
	if (i >= r->nfield) {
		sv_reader_field_error(r, i, "missing field");
		return -1;
	}
	if (sv_fast_ldouble(r->field[i], &x) == 0) {
		const char *e = NULL;

		/* the values a double field takes: finite, in range */
		if (!(isfinite(x) && fabsl(x) <= DBL_MAX))
			sv_parse_double(r->field[i], -HUGE_VAL, HUGE_VAL, &e);
		if (!e) {
			*v = x;
			return 0;
		}
		sv_reader_field_error(r, i, e);
		return -1;
	}
	if (sv_is_na(r->field[i]))
		return 1;
	sv_reader_field_error(r, i, "not a number");
	return -1;
}

int
sv_reader_u64(struct sv_reader *r, size_t i, uint64_t *v)
{
	const char *e;

	if (i >= r->nfield) {
		sv_reader_field_error(r, i, "missing field");
		return -1;
	}
	if (sv_is_na(r->field[i]))
		return 1;
	*v = sv_parse_u64(r->field[i], 0, UINT64_MAX, &e);
	if (e) {
		sv_reader_field_error(r, i, e);
		return -1;
	}
	return 0;
}

void
sv_put_g(struct sv_buf *b, double v, int prec)
{
	if (isnan(v))
		sv_buf_puts(b, "NA");
	else
		sv_buf_printf(b, "%.*g", prec, v);
}

void
sv_put_f32(struct sv_buf *b, float v)
{
	sv_put_g(b, (double)v, 9);
}

void
sv_put_f64(struct sv_buf *b, double v)
{
	sv_put_g(b, v, 17);
}

void
sv_put_shortest(struct sv_buf *b, double v)
{
	char tmp[40];

	if (isnan(v)) {
		sv_buf_puts(b, "NA");
		return;
	}
	if (v == floor(v) && fabs(v) < 0x1p53) {
		sv_buf_printf(b, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	sv_buf_puts(b, tmp);
}
