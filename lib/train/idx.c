/* idx.c - IDX files (MNIST, Fashion-MNIST), gzip'd or plain */
#include "idx.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"

int
sv_read_decompressed(const char *path, size_t max_bytes, uint8_t **buf,
                     size_t *len, char *err, size_t errsz)
{
	struct archive *a;
	struct archive_entry *e;
	struct stat st;
	size_t cap = 1 << 20, n = 0;
	uint8_t *p;

	*buf = NULL;
	*len = 0;
	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return 3;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		return 3;
	}
	if (st.st_size == 0) {
		snprintf(err, errsz, "%s: offset 0: empty file", path);
		return 2;
	}
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		snprintf(err, errsz, "%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return 3;
	}
	if (archive_read_next_header(a, &e) != ARCHIVE_OK) {
		/* an empty file has no raw entry */
		snprintf(err, errsz, "%s: offset 0: empty or unreadable: %s",
		         path, archive_error_string(a) ? archive_error_string(a)
		                                       : "no data");
		archive_read_free(a);
		return 2;
	}
	p = sv_malloc(cap);
	for (;;) {
		la_ssize_t r;

		if (n == cap) {
			if (cap >= max_bytes + 1) {
				snprintf(err, errsz,
				         "%s: offset %zu: more data than the "
				         "limit of %zu bytes", path, n, max_bytes);
				free(p);
				archive_read_free(a);
				return 2;
			}
			cap = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
			p = sv_realloc(p, cap);
		}
		r = archive_read_data(a, p + n, cap - n);
		if (r < 0) {
			snprintf(err, errsz, "%s: offset %zu: %s", path, n,
			         archive_error_string(a));
			free(p);
			archive_read_free(a);
			return 2;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	archive_read_free(a);
	if (n > max_bytes) {
		snprintf(err, errsz, "%s: offset %zu: more data than the limit "
		         "of %zu bytes", path, max_bytes, max_bytes);
		free(p);
		return 2;
	}
	*buf = p;
	*len = n;
	return 0;
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
	int rc;

	memset(out, 0, sizeof *out);
	if (ndim < 1 || ndim > 4) {
		snprintf(err, errsz, "%s: bad dimension count %u", path, ndim);
		return 2;
	}
	rc = sv_read_decompressed(path, max_bytes, &buf, &len, err, errsz);
	if (rc)
		return rc;
	if (len < 4) {
		snprintf(err, errsz, "%s: offset %zu: truncated IDX header "
		         "(%zu bytes)", path, len, len);
		free(buf);
		return 2;
	}
	if (buf[0] != 0 || buf[1] != 0 || buf[2] != 0x08 || buf[3] != ndim) {
		snprintf(err, errsz, "%s: offset 0: bad IDX magic "
		         "%02x %02x %02x %02x (want 00 00 08 %02x: unsigned "
		         "bytes, %u dimensions)", path, buf[0], buf[1], buf[2],
		         buf[3], ndim, ndim);
		free(buf);
		return 2;
	}
	if (len < hdr) {
		snprintf(err, errsz, "%s: offset %zu: truncated IDX header",
		         path, len);
		free(buf);
		return 2;
	}
	for (uint32_t i = 0; i < ndim; i++) {
		uint32_t d = be32(buf + 4 + 4 * i);

		if (d == 0 || count > max_bytes / d) {
			snprintf(err, errsz, "%s: offset %u: dimension %u of "
			         "%u is %s", path, 4 + 4 * i, i, d,
			         d == 0 ? "zero" : "larger than the file limit");
			free(buf);
			return 2;
		}
		count *= d;
		out->dim[i] = d;
	}
	if (len - hdr != count) {
		snprintf(err, errsz, "%s: offset %zu: header says %zu data "
		         "bytes, the file has %zu", path,
		         len - hdr < count ? len : hdr + count, count, len - hdr);
		free(buf);
		return 2;
	}
	memmove(buf, buf + hdr, count);
	out->ndim = ndim;
	out->data = buf;
	out->count = count;
	return 0;
}

void
sv_idx_free(struct sv_idx *x)
{
	free(x->data);
	memset(x, 0, sizeof *x);
}
