/* idx.c - IDX files (MNIST, Fashion-MNIST), gzip'd or plain */
#include "idx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"
#include "formats/svar.h"

int
sv_read_decompressed(const char *path, size_t max_bytes, uint8_t **buf,
                     size_t *len, char *err, size_t errsz)
{
	struct sv_ar_stream s;
	struct stat st;
	char e[1200], qp[1024];
	const char *what;
	size_t lq;
	int rc;

	*buf = NULL;
	*len = 0;
	sv_escape(path, qp, sizeof qp); /* the path as messages show it */
	lq = strlen(qp);
	if (stat(path, &st) != 0)
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", qp,
		                 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: not a regular file",
		                 qp);
	if (st.st_size == 0)
		return sv_seterr(err, errsz, SV_EXIT_USAGE,
		                 "%s: offset 0: empty file", qp);
	rc = sv_ar_open(path, SV_AR_DECOMPRESS, max_bytes, &s, e, sizeof e);
	if (rc != SV_AR_OK)
		return sv_seterr(err, errsz, rc == SV_AR_EFORMAT ? SV_EXIT_USAGE :
		                 SV_EXIT_ENV, "%s", e);
	rc = sv_ar_slurp(&s, buf, len, e, sizeof e);
	/* svar's message without its "path: " */
	what = strncmp(e, qp, lq) == 0 && strncmp(e + lq, ": ", 2) == 0 ?
	       e + lq + 2 : e;
	if (rc == SV_AR_ELIMIT)
		sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: offset %zu: more data "
		          "than the limit of %zu bytes", qp, max_bytes, max_bytes);
	else if (rc != SV_AR_OK)
		sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: offset %llu: %s", qp,
		          (unsigned long long)s.done, what);
	sv_ar_close(&s);
	return rc == SV_AR_OK ? SV_EXIT_OK : rc == SV_AR_ENOMEM ? SV_EXIT_ENV
	                                                        : SV_EXIT_USAGE;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int
sv_idx_read(const char *path, uint32_t ndim, size_t max_bytes,
            struct sv_idx *out, char *err, size_t errsz)
{
	uint8_t *buf;
	size_t len, hdr = 4 + 4 * (size_t)ndim, count = 1;
	char qp[1024];
	int rc;

	memset(out, 0, sizeof *out);
	sv_escape(path, qp, sizeof qp); /* the path as messages show it */
	if (ndim < 1 || ndim > 4) {
		snprintf(err, errsz, "%s: bad dimension count %u", qp, ndim);
		return SV_EXIT_USAGE;
	}
	rc = sv_read_decompressed(path, max_bytes, &buf, &len, err, errsz);
	if (rc)
		return rc;
	if (len < 4) {
		snprintf(err, errsz, "%s: offset %zu: truncated IDX header "
		         "(%zu bytes)", qp, len, len);
		free(buf);
		return SV_EXIT_USAGE;
	}
	if (buf[0] != 0 || buf[1] != 0 || buf[2] != 0x08 || buf[3] != ndim) {
		snprintf(err, errsz, "%s: offset 0: bad IDX magic "
		         "%02x %02x %02x %02x (want 00 00 08 %02x: unsigned "
		         "bytes, %u dimensions)", qp, buf[0], buf[1], buf[2],
		         buf[3], ndim, ndim);
		free(buf);
		return SV_EXIT_USAGE;
	}
	if (len < hdr) {
		snprintf(err, errsz, "%s: offset %zu: truncated IDX header",
		         qp, len);
		free(buf);
		return SV_EXIT_USAGE;
	}
	for (uint32_t i = 0; i < ndim; i++) {
		uint32_t d = be32(buf + 4 + 4 * i);

		if (d == 0 || count > max_bytes / d) {
			snprintf(err, errsz, "%s: offset %u: dimension %u of "
			         "%u is %s", qp, 4 + 4 * i, i, d,
			         d == 0 ? "zero" : "larger than the file limit");
			free(buf);
			return SV_EXIT_USAGE;
		}
		count *= d;
		out->dim[i] = d;
	}
	if (len - hdr != count) {
		snprintf(err, errsz, "%s: offset %zu: header says %zu data "
		         "bytes, the file has %zu", qp,
		         len - hdr < count ? len : hdr + count, count, len - hdr);
		free(buf);
		return SV_EXIT_USAGE;
	}
	memmove(buf, buf + hdr, count);
	out->ndim = ndim;
	out->data = buf;
	out->count = count;
	return SV_EXIT_OK;
}

void
sv_idx_free(struct sv_idx *x)
{
	free(x->data);
	memset(x, 0, sizeof *x);
}
