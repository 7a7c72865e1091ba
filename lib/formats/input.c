/* input.c - the records of a tool's FILE arguments as one stream */
#include "input.h"

#include <errno.h>
#include <stdio_ext.h>
#include <string.h>
#include <strings.h>

#include "columns.h"

void
sv_input_init(struct sv_input *in, char *const *files, size_t nfiles)
{
	memset(in, 0, sizeof *in);
	sv_reader_init(&in->r, NULL, SV_STDIN_NAME);
	in->files = files;
	in->nfiles = nfiles;
}

void
sv_input_free(struct sv_input *in)
{
	if (in->fp && in->fp != stdin)
		fclose(in->fp);
	sv_reader_free(&in->r);
	memset(in, 0, sizeof *in);
}

/* Open the next FILE into in->fp; 0 when there is none, -1 with r.err
 * set when it cannot be opened. */
static int
open_next(struct sv_input *in)
{
	const char *name = SV_STDIN_NAME;

	if (in->nfiles == 0 ? in->next > 0 : in->next >= in->nfiles)
		return 0;
	in->fp = stdin;
	if (in->nfiles > 0 && strcmp(in->files[in->next], "-") != 0) {
		name = in->files[in->next];
		in->fp = fopen(name, "r");
		if (!in->fp) {
			snprintf(in->r.err, sizeof in->r.err, "%s: %s", name,
			         strerror(errno));
			return -1;
		}
	}
	in->next++;
	/* one thread reads: no stream locking per read */
	__fsetlocking(in->fp, FSETLOCKING_BYCALLER);
	sv_reader_next_input(&in->r, in->fp, name);
	in->r.names_header = 1;
	in->r.csv = in->csv || (strlen(name) > 4 &&
	                        strcasecmp(name + strlen(name) - 4, ".csv") == 0);
	return 1;
}

enum sv_rec_status
sv_input_next(struct sv_input *in)
{
	for (;;) {
		enum sv_rec_status st;

		if (!in->fp) {
			int rc = open_next(in);

			if (rc <= 0)
				return rc < 0 ? SV_REC_BAD : SV_REC_EOF;
		}
		st = sv_reader_next(&in->r);
		if (st != SV_REC_EOF)
			return st;
		if (in->fp != stdin)
			fclose(in->fp);
		in->fp = NULL;
	}
}

int
sv_default_column(struct sv_reader *r)
{
	int c = sv_reader_col(r, "acc"), found = -1, count = 0;
	size_t n = r->saw_data ? r->nfield : r->ncol;

	if (c >= 0)
		return c;
	for (size_t i = 0; i < n; i++) {
		const struct sv_column *k;
		double v;

		if (r->header && i < r->ncol &&
		    (k = sv_train_column(r->col[i])) && (k->flags & SV_COL_KEY))
			continue;
		if (r->saw_data && sv_reader_double(r, i, &v) < 0)
			continue;
		found = (int)i;
		count++;
	}
	if (count == 1)
		return found;
	if (!r->saw_data)
		snprintf(r->err, sizeof r->err, "%s: %s columns and none called "
		         "'acc': pick one with -f", r->name,
		         count ? "several" : "no");
	else
		snprintf(r->err, sizeof r->err, "%s:%lu: %s numeric columns and "
		         "none called 'acc': pick one with -f", r->name,
		         r->lineno, count ? "several" : "no");
	return -1;
}

int
sv_input_column(struct sv_reader *r, const char *spec)
{
	return spec ? sv_reader_pick(r, spec) : sv_default_column(r);
}

const char *
sv_input_column_list(const struct sv_reader *r, char *buf, size_t n)
{
	size_t k = 0;
	char t[84];

	if (n)
		buf[0] = '\0';
	if (!r->header || n < 24)
		return buf;
	k = (size_t)snprintf(buf, n, " (the columns:");
	for (size_t i = 0; i < r->ncol; i++) {
		size_t need = strlen(sv_msg_text(r->col[i], 40, t, sizeof t)) + 4;

		if (k + need + 6 > n) {
			k += (size_t)snprintf(buf + k, n - k, " ...");
			break;
		}
		k += (size_t)snprintf(buf + k, n - k, "%s '%s'", i ? "," : "", t);
	}
	snprintf(buf + k, n - k, ")");
	return buf;
}
