/* record.c - the TSV record protocol between the tools (man/sv-records.5) */
#include "record.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void
sv_reader_init(struct sv_reader *r, FILE *fp, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fp = fp;
	r->name = name;
}

void
sv_reader_next_input(struct sv_reader *r, FILE *fp, const char *name)
{
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
	if (text)
		snprintf(r->err, sizeof r->err, "%s:%lu: %s: '%.200s'", r->name,
		         r->lineno, what, text);
	else
		snprintf(r->err, sizeof r->err, "%s:%lu: %s", r->name,
		         r->lineno, what);
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

static enum sv_rec_status
take_header(struct sv_reader *r, const char *text)
{
	size_t i, cap = 0;

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
	for (i = 0; i < r->ncol; i++) {
		size_t j;

		if (r->col[i][0] == '\0') {
			bad(r, "empty column name in header", text - 1);
			return SV_REC_BAD;
		}
		for (j = 0; j < i; j++)
			if (strcmp(r->col[i], r->col[j]) == 0) {
				bad(r, "duplicate column name in header",
				    r->col[i]);
				return SV_REC_BAD;
			}
	}
	return SV_REC_DATA;
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

		/* one pass finds the newline, NULs and tabs: records are
		 * short, and three library scans cost more than this loop */
		r->nul = 0;
		r->tabs = 0;
		for (; p < e; p++) {
			unsigned char c = (unsigned char)*p;

			if (c <= '\n') {
				if (c == '\n') {
					nl = p;
					break;
				}
				r->nul |= c == '\0';
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

		errno = 0;
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
		if (r->tabs == 0 && r->fieldcap) {
			r->field[0] = s;
			r->nfield = 1;
		} else {
			r->nfield = split(s, &r->field, &r->fieldcap);
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
		if (r->header)
			snprintf(r->err, sizeof r->err,
			         "%s: no column '%s' in the header", r->name,
			         spec);
		else
			snprintf(r->err, sizeof r->err,
			         "%s: column '%s' named, but the input has no "
			         "header line", r->name, spec);
	}
	return i;
}

int
sv_is_na(const char *s)
{
	return strcmp(s, "NA") == 0;
}

static void
bad_field(struct sv_reader *r, size_t i, const char *what)
{
	char col[64];

	if (i < r->ncol)
		snprintf(col, sizeof col, "'%.40s'", r->col[i]);
	else
		snprintf(col, sizeof col, "%zu", i + 1);
	snprintf(r->err, sizeof r->err, "%s:%lu: field %s: %s: '%.200s'",
	         r->name, r->lineno, col, what,
	         i < r->nfield ? r->field[i] : "");
}

int
sv_reader_double(struct sv_reader *r, size_t i, double *v)
{
	const char *e;

	if (i >= r->nfield) {
		bad_field(r, i, "missing field");
		return -1;
	}
	if (sv_is_na(r->field[i]))
		return 1;
	*v = sv_parse_double(r->field[i], -HUGE_VAL, HUGE_VAL, &e);
	if (e) {
		bad_field(r, i, e);
		return -1;
	}
	return 0;
}

int
sv_reader_u64(struct sv_reader *r, size_t i, uint64_t *v)
{
	const char *e;

	if (i >= r->nfield) {
		bad_field(r, i, "missing field");
		return -1;
	}
	if (sv_is_na(r->field[i]))
		return 1;
	*v = sv_parse_u64(r->field[i], 0, UINT64_MAX, &e);
	if (e) {
		bad_field(r, i, e);
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
