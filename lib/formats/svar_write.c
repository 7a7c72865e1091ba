/* svar_write.c - writing a tar or tar.gz archive of files (svar.h)
 *
 * Apart from the reader (svar.c) so that a program that only reads
 * archives does not link libarchive's writers (which, linked statically,
 * bring every archive format with them). */
#define _GNU_SOURCE /* asprintf */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "svar.h"

/* err = "out: entry 'name': what", out and name escaped; returns st */
static int
member_err(char *err, size_t errsz, int st, const char *out, const char *name,
           const char *what)
{
	char p[512], n[512];

	return sv_seterr(err, errsz, st, "%s: entry '%s'%s",
	                 sv_escape(out, p, sizeof p), sv_escape(name, n, sizeof n),
	                 what);
}

static int
cmp_member(const void *a, const void *b)
{
	const struct sv_ar_member *x = *(const struct sv_ar_member *const *)a;
	const struct sv_ar_member *y = *(const struct sv_ar_member *const *)b;

	return strcmp(x->name, y->name);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a > b && strcmp(s + a - b, suf) == 0;
}

/* Copy the file at m->path into the archive as one entry's data. */
static int
write_member(struct archive *a, const struct sv_ar_member *m,
             char *err, size_t errsz)
{
	struct archive_entry *ae = archive_entry_new();
	unsigned char chunk[65536];
	int64_t size;
	int fd = -1, st = SV_AR_OK;
	struct stat sb;

	if (!ae)
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "out of memory");
	if (m->path) {
		if ((fd = open(m->path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    fstat(fd, &sb) != 0) {
			int e = errno;

			st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", m->path, strerror(e));
			goto out;
		}
		if (!S_ISREG(sb.st_mode)) {
			st = sv_seterr(err, errsz, SV_AR_ETYPE, "%s: not a regular file", m->path);
			goto out;
		}
		size = (int64_t)sb.st_size;
	} else {
		size = (int64_t)m->size;
	}
	archive_entry_set_pathname(ae, m->name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, size);
	archive_entry_set_mtime(ae, 0, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		st = sv_seterr(err, errsz, SV_AR_EIO, "entry '%s': %s", m->name,
		            archive_error_string(a));
		goto out;
	}
	if (!m->path) {
		if (m->size && archive_write_data(a, m->buf, m->size) != (la_ssize_t)m->size) {
			st = sv_seterr(err, errsz, SV_AR_EIO, "entry '%s': %s", m->name,
			            archive_error_string(a));
		}
		goto out;
	}
	for (int64_t done = 0;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", m->path, strerror(e));
			break;
		}
		if (r == 0) {
			if (done != size)
				st = sv_seterr(err, errsz, SV_AR_EIO,
				            "%s: changed while being read", m->path);
			break;
		}
		if (done + r > size) {
			st = sv_seterr(err, errsz, SV_AR_EIO, "%s: changed while being read",
			            m->path);
			break;
		}
		if (archive_write_data(a, chunk, (size_t)r) != r) {
			st = sv_seterr(err, errsz, SV_AR_EIO, "entry '%s': %s", m->name,
			            archive_error_string(a));
			break;
		}
		done += r;
	}
out:
	if (fd >= 0)
		close(fd);
	archive_entry_free(ae);
	return st;
}

int
sv_ar_write(const char *out, const struct sv_ar_member *m, size_t n,
            char *err, size_t errsz)
{
	const struct sv_ar_member **v = NULL;
	struct archive *a = NULL;
	char *tmp = NULL;
	int gz, st = SV_AR_OK;

	if (has_suffix(out, ".tar.gz") || has_suffix(out, ".tgz"))
		gz = 1;
	else if (has_suffix(out, ".tar"))
		gz = 0;
	else
		return sv_seterr(err, errsz, SV_AR_EFORMAT,
		              "%s: unknown archive type (want .tar, .tar.gz or .tgz)", out);
	if (n && !(v = malloc(n * sizeof *v)))
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (sv_ar_name_ctrl(m[i].name)) {
			st = member_err(err, errsz, SV_AR_EUNSAFE, out, m[i].name,
			                ": control character in name");
			goto out;
		}
		if (!sv_ar_name_ok(m[i].name)) {
			st = member_err(err, errsz, SV_AR_EUNSAFE, out, m[i].name,
			                ": unsafe name");
			goto out;
		}
		v[i] = &m[i];
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_member);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1]->name, v[i]->name) == 0) {
			st = member_err(err, errsz, SV_AR_EDUP, out, v[i]->name,
			                ": given twice");
			goto out;
		}
	if (asprintf(&tmp, "%s.tmp", out) < 0) {
		tmp = NULL;
		st = sv_seterr(err, errsz, SV_AR_ENOMEM, "out of memory");
		goto out;
	}
	if (!(a = archive_write_new())) {
		st = sv_seterr(err, errsz, SV_AR_ENOMEM, "out of memory");
		goto out;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    (gz && (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	            archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK)) ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK) {
		st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", out, archive_error_string(a));
		goto out;
	}
	if (archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", tmp, archive_error_string(a));
		goto out;
	}
	for (size_t i = 0; i < n && st == SV_AR_OK; i++) {
		char what[512];

		if ((st = write_member(a, v[i], what, sizeof what)) != SV_AR_OK)
			sv_seterr(err, errsz, st, "%s: %s", out, what);
	}
	if (archive_write_close(a) != ARCHIVE_OK && st == SV_AR_OK)
		st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", tmp, archive_error_string(a));
	if (st == SV_AR_OK) {
		int fd = open(tmp, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd) != 0 || rename(tmp, out) != 0) {
			int e = errno;

			st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", out, strerror(e));
		}
		if (fd >= 0)
			close(fd);
	}
	if (st != SV_AR_OK)
		unlink(tmp);
out:
	if (a)
		archive_write_free(a);
	free(tmp);
	free(v);
	return st;
}
