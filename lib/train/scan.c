/* scan.c - reading back a scan file for --resume */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "formats/record.h"
#include "scan.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int
sv_scan_has(const uint64_t *seeds, size_t n, uint64_t v)
{
	return n && bsearch(&v, seeds, n, sizeof v, cmp_u64) != NULL;
}

/* Cut path after its last newline; *keep gets the length kept. */
static int
cut_partial(const char *path, long *keep, long *dropped, char *err,
            size_t errsz)
{
	FILE *fp = fopen(path, "r+");
	long end;

	*keep = 0;
	*dropped = 0;
	if (!fp) {
		if (errno == ENOENT)
			return SV_EXIT_OK;
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		                 strerror(errno));
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (end = ftell(fp)) < 0) {
		fclose(fp);
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		                 strerror(errno));
	}
	for (long pos = end; pos > 0; pos--) {
		fseek(fp, pos - 1, SEEK_SET);
		if (fgetc(fp) == '\n') {
			*keep = pos;
			break;
		}
	}
	if (*keep != end && ftruncate(fileno(fp), *keep) != 0) {
		int e = errno;

		fclose(fp);
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		                 strerror(e));
	}
	*dropped = end - *keep;
	fclose(fp);
	return SV_EXIT_OK;
}

int
sv_scan_resume(const char *path, const struct sv_scan_key *key,
               uint64_t **seeds, size_t *n, int *empty, long *dropped,
               char *err, size_t errsz)
{
	struct sv_reader rd;
	enum sv_rec_status st;
	uint64_t *s = NULL;
	size_t cap = 0;
	long keep;
	int rc = SV_EXIT_OK;
	char ep[16];
	FILE *fp;

	*seeds = NULL;
	*n = 0;
	*empty = 1;
	if ((rc = cut_partial(path, &keep, dropped, err, errsz)) != 0)
		return rc;
	if (keep == 0 && *dropped == 0 && access(path, F_OK) != 0)
		return SV_EXIT_OK;  /* no file yet */
	/* read the file afresh: nothing of the cut bytes is buffered */
	if (!(fp = fopen(path, "r")))
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		                 strerror(errno));
	*empty = keep == 0;
	snprintf(ep, sizeof ep, "%d", key->epochs);
	sv_reader_init(&rd, fp, path);
	while (rc == 0 && (st = sv_reader_next(&rd)) == SV_REC_DATA) {
		int c_model, c_data, c_epochs, c_vary, c_epoch = -1;
		const char *e;
		uint64_t v;

		if (strcmp(rd.header ? rd.header : "", key->header) != 0) {
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: records have "
			               "other columns than this run's (options "
			               "differ?)", path);
			break;
		}
		c_model = sv_reader_col(&rd, "model");
		c_data = sv_reader_col(&rd, "data");
		c_epochs = sv_reader_col(&rd, "epochs");
		c_vary = sv_reader_col(&rd, "vary");
		if (key->every_epoch)
			c_epoch = sv_reader_col(&rd, "epoch");
		if (strcmp(rd.field[c_model], key->model) ||
		    strcmp(rd.field[c_data], key->data) ||
		    strcmp(rd.field[c_epochs], ep) ||
		    strcmp(rd.field[c_vary], key->vary)) {
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s:%lu: record "
			               "made with other options (model, data, "
			               "epochs or vary differ)", path, rd.lineno);
			break;
		}
		if (c_epoch >= 0 && strcmp(rd.field[c_epoch], ep) != 0)
			continue; /* only the final epoch marks a seed done */
		v = sv_parse_u64(rd.field[0], 0, UINT64_MAX, &e);
		if (e) {
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s:%lu: seed: %s: "
			               "'%s'", path, rd.lineno, e, rd.field[0]);
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			s = sv_realloc(s, cap * sizeof *s);
		}
		s[(*n)++] = v;
	}
	if (rc == 0 && st == SV_REC_BAD)
		rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s", rd.err);
	else if (rc == 0 && !rd.header && keep > 0)
		rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: not a record file "
		               "of sv-train (no header)", path);
	else if (rc == 0 && rd.header && strcmp(rd.header, key->header) != 0)
		rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: records have other "
		               "columns than this run's (options differ?)", path);
	sv_reader_free(&rd);
	fclose(fp);
	if (rc != 0) {
		free(s);
		*n = 0;
		return rc;
	}
	if (*n)
		qsort(s, *n, sizeof *s, cmp_u64);
	*seeds = s;
	return SV_EXIT_OK;
}
