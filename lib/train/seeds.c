/* seeds.c - reading seeds: plain lines or records with a seed column */
#include <errno.h>
#include <string.h>

#include "base/util.h"
#include "seeds.h"

enum sv_rec_status
sv_next_seed(struct sv_reader *r, uint64_t *seed)
{
	enum sv_rec_status st = sv_reader_next(r);
	const char *e;
	size_t i = 0;

	/* a first line of names must be a header of records with seeds
	 * (--plain-header), even when no record follows */
	if (st != SV_REC_BAD && r->plain_header && sv_reader_col(r, "seed") < 0) {
		char q[256];

		snprintf(r->err, sizeof r->err, "%s:1: expected a seed, or a "
		         "header line with a 'seed' column: '%s'", r->name,
		         sv_escape(r->header, q, sizeof q));
		return SV_REC_BAD;
	}
	if (st != SV_REC_DATA)
		return st;
	if (r->header) {
		int c = sv_reader_col(r, "seed");

		if (c < 0) {
			snprintf(r->err, sizeof r->err,
			         "%s:%lu: records have no 'seed' column",
			         r->name, r->lineno);
			return SV_REC_BAD;
		}
		i = (size_t)c;
	} else if (r->nfield != 1) {
		for (size_t j = 0; j + 1 < r->nfield; j++)
			r->field[j][strlen(r->field[j])] = '\t';
		snprintf(r->err, sizeof r->err,
		         "%s:%lu: expected one seed per line: '%.200s'",
		         r->name, r->lineno, r->line);
		return SV_REC_BAD;
	}
	*seed = sv_parse_u64(r->field[i], 0, UINT64_MAX, &e);
	if (e) {
		snprintf(r->err, sizeof r->err,
		         "%s:%lu: seed: %s (0..18446744073709551615): '%.200s'",
		         r->name, r->lineno, e, r->field[i]);
		return SV_REC_BAD;
	}
	return SV_REC_DATA;
}

void
sv_seed_source_init(struct sv_seed_source *src, char **files, int nfiles)
{
	memset(src, 0, sizeof *src);
	src->files = files;
	src->nfiles = nfiles;
	sv_reader_init(&src->rd, stdin, "stdin");
	src->rd.names_header = 1;   /* records written with --plain-header */
}

/* Open input number src->at (stdin for "-" or when there are no files). */
static int
open_input(struct sv_seed_source *src, int *status, char *err, size_t errsz)
{
	const char *name = src->nfiles ? src->files[src->at] : "-";

	src->fp = stdin;
	if (strcmp(name, "-") != 0 && !(src->fp = fopen(name, "r"))) {
		src->fp = NULL;
		*status = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: %s", name,
		                    strerror(errno));
		return -1;
	}
	sv_reader_next_input(&src->rd, src->fp, strcmp(name, "-") ? name : "stdin");
	return 0;
}

enum sv_rec_status
sv_seed_source_next(struct sv_seed_source *src, uint64_t *seed, int *status,
                    char *err, size_t errsz)
{
	int n = src->nfiles ? src->nfiles : 1;

	*status = SV_EXIT_OK;
	for (;;) {
		enum sv_rec_status st;

		if (!src->started) {
			if (src->at >= n)
				return SV_REC_EOF;
			if (open_input(src, status, err, errsz) != 0)
				return SV_REC_BAD;
			src->started = 1;
		}
		st = sv_next_seed(&src->rd, seed);
		if (st == SV_REC_DATA)
			return st;
		if (st == SV_REC_BAD) {
			*status = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s",
			                    src->rd.err);
			return st;
		}
		if (src->fp && src->fp != stdin)
			fclose(src->fp);
		src->fp = NULL;
		src->started = 0;
		src->at++;
	}
}

void
sv_seed_source_free(struct sv_seed_source *src)
{
	if (src->fp && src->fp != stdin)
		fclose(src->fp);
	sv_reader_free(&src->rd);
}
