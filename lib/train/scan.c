/* scan.c - reading back a scan file for --resume */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Where the last complete line of fp ends (*keep), how many complete
 * lines there are, and the file's size; reads fp from the start. */
static int
measure(FILE *fp, long *keep, unsigned long *lines, long *size)
{
	char buf[65536];
	size_t r;
	long pos = 0;

	*keep = 0;
	*lines = 0;
	while ((r = fread(buf, 1, sizeof buf, fp)) > 0) {
		for (size_t i = 0; i < r; i++)
			if (buf[i] == '\n') {
				*keep = pos + (long)i + 1;
				(*lines)++;
			}
		pos += (long)r;
	}
	*size = pos;
	return ferror(fp) ? -1 : 0;
}

/* Is the whole file (size < header + 2 bytes) the start of "#header\n"
 * or of "header\n" (--plain-header)?  That is a run killed while writing
 * its header. */
static int
header_prefix(FILE *fp, long size, const char *header)
{
	size_t hl = strlen(header), n = (size_t)size;
	char *b;
	int ok;

	if (size <= 0 || n > hl + 1)
		return 0;
	b = sv_malloc(n);
	rewind(fp);
	ok = fread(b, 1, n, fp) == n &&
	     ((b[0] == '#' && memcmp(b + 1, header, n - 1) == 0) ||
	      (n <= hl && memcmp(b, header, n) == 0));
	free(b);
	return ok;
}

/* Check one record against this run's key; 0 or 2 with err set. */
static int
check_record(struct sv_reader *rd, const char *path,
             const struct sv_scan_key *key, const char *ep, char *err,
             size_t errsz)
{
	static const char *const cols[] = { "model", "data", "epochs", "vary",
	                                    "recipe", "data_hash", "init_from" };
	const char *want[] = { key->model, key->data, ep, key->vary,
	                       key->recipe, key->data_hash, key->init_from };

	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		int c = sv_reader_col(rd, cols[i]);

		if (c >= 0 && strcmp(rd->field[c], want[i]) != 0)
			return sv_seterr(err, errsz, SV_EXIT_USAGE, "%s:%lu: record "
			                 "made with another %s ('%s', this run: "
			                 "'%s'): start another file", path,
			                 rd->lineno, !strcmp(cols[i], "data_hash") ?
			                 "data (data_hash)" : !strcmp(cols[i], "init_from")
			                 ? "starting checkpoint (init_from)" : cols[i],
			                 rd->field[c], want[i]);
	}
	return SV_EXIT_OK;
}

static int
other_columns(const char *path, const struct sv_reader *rd, const char *ours,
              char *err, size_t errsz)
{
	const char *theirs = rd->header;
	size_t tl = strlen(theirs);

	/* a first line of names that is not sv-train's: a table of something
	 * else */
	if (rd->plain_header && strncmp(theirs, "seed\t", 5) != 0)
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: not a scan of "
		                 "sv-train (no header); left as it is", path);
	if (strncmp(theirs, ours, tl) == 0 && ours[tl] == '\t')
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: records of an "
		                 "older sv-train (no recipe and data_hash "
		                 "columns): continue in another file", path);
	return sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: records have other "
	                 "columns than this run's (options differ?)", path);
}

int
sv_scan_resume(int fd, const char *path, const struct sv_scan_key *key,
               uint64_t **seeds, size_t *n, int *empty, long *dropped,
               char *err, size_t errsz)
{
	struct sv_reader rd;
	enum sv_rec_status st = SV_REC_EOF;
	struct stat sb;
	uint64_t *s = NULL;
	size_t cap = 0;
	unsigned long lines;
	long keep, size;
	int rc = SV_EXIT_OK, rfd;
	char ep[16];
	FILE *fp;

	*seeds = NULL;
	*n = 0;
	*empty = 1;
	*dropped = 0;
	if (fstat(fd, &sb) != 0)
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		                 strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: not a regular "
		                 "file: --resume continues a scan file", path);
	/* read through a descriptor of our own, from the start */
	if ((rfd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    !(fp = fdopen(rfd, "r")))
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		                 strerror(errno));
	if (measure(fp, &keep, &lines, &size) != 0) {
		fclose(fp);
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		                 strerror(errno));
	}
	if (keep == 0 && size > 0 && !header_prefix(fp, size, key->header)) {
		fclose(fp);
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: not a scan of "
		                 "sv-train (no complete line); left as it is", path);
	}
	rewind(fp);
	snprintf(ep, sizeof ep, "%d", key->epochs);
	sv_reader_init(&rd, fp, path);
	rd.names_header = 1;   /* a scan written with --plain-header */
	/* complete lines only: the partial last one is about to go */
	while (rc == 0 && lines > 0 &&
	       (st = sv_reader_next(&rd)) == SV_REC_DATA && rd.lineno <= lines) {
		int c_epoch = key->every_epoch ? sv_reader_col(&rd, "epoch") : -1;
		const char *e;
		uint64_t v;

		if (!rd.header) {
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: not a scan "
			               "of sv-train (no header); left as it is", path);
			break;
		}
		if (strcmp(rd.header, key->header) != 0) {
			rc = other_columns(path, &rd, key->header, err, errsz);
			break;
		}
		if ((rc = check_record(&rd, path, key, ep, err, errsz)) != 0)
			break;
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
	if (rc == 0 && lines > 0 && st == SV_REC_BAD && rd.lineno <= lines)
		rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s", rd.err);
	else if (rc == 0 && lines > 0 && !rd.header)
		rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: not a scan of "
		               "sv-train (no header); left as it is", path);
	else if (rc == 0 && lines > 0 && strcmp(rd.header, key->header) != 0)
		rc = other_columns(path, &rd, key->header, err, errsz);
	sv_reader_free(&rd);
	fclose(fp);
	if (rc == 0 && keep != size) {
		if (ftruncate(fd, keep) != 0)
			rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
			               strerror(errno));
		else
			*dropped = size - keep;
	}
	if (rc != 0) {
		free(s);
		*n = 0;
		return rc;
	}
	*empty = keep == 0;
	if (*n)
		qsort(s, *n, sizeof *s, cmp_u64);
	*seeds = s;
	return SV_EXIT_OK;
}
