/* svar.c - named files in tar, tar.gz and directories, read in place */

#define _GNU_SOURCE /* asprintf */

#include <archive.h>
#include <archive_entry.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>

#include "base/util.h"
#include "svar.h"

static void
limits(const struct sv_ar_limits *lim, struct sv_ar_limits *out)
{
	out->max_entry = lim && lim->max_entry ? lim->max_entry : SV_AR_MAX_ENTRY;
	out->max_total = lim && lim->max_total ? lim->max_total : SV_AR_MAX_TOTAL;
	out->max_entries = lim && lim->max_entries ? lim->max_entries : SV_AR_MAX_ENTRIES;
}

int
sv_ar_name_ok(const char *name)
{
	const char *p = name;

	if (!name || !*name || *name == '/')
		return 0;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

int
sv_ar_name_ctrl(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

/* err = "path: entry 'name'" and what fmt adds, path and name escaped
 * (sv_escape); returns st. */
static int ent_err(char *err, size_t errsz, int st, const char *path,
                   const char *name, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int
ent_err(char *err, size_t errsz, int st, const char *path, const char *name,
        const char *fmt, ...)
{
	char p[512], n[512], rest[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rest, sizeof rest, fmt, ap);
	va_end(ap);
	return sv_seterr(err, errsz, st, "%s: entry '%s'%s",
	                 sv_escape(path, p, sizeof p),
	                 sv_escape(name, n, sizeof n), rest);
}

int
sv_ar_exit(int status)
{
	if (status == SV_AR_OK)
		return SV_EXIT_OK;
	return status == SV_AR_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE;
}

/* ---- streams ----------------------------------------------------------- */

/* CRC-32 (IEEE 802.3, reflected, as gzip's trailer), one byte a step. */
static uint32_t crc_table[256];

static uint32_t
crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	if (!crc_table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* The compressions read: gzip, bzip2, xz and zstd, all in-process.
 * Not archive_read_support_filter_all, which also hands some formats
 * (lrzip, lzop, grzip ...) to external programs: untrusted bytes never
 * start a process. */
static void
support_filters(struct archive *a)
{
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
}

static void
stream_init(struct sv_ar_stream *s, const char *name, const char *where,
            uint64_t size, uint64_t max)
{
	memset(s, 0, sizeof *s);
	s->name = name;
	s->where = where;
	s->size = size;
	s->max = max;
	s->fd = -1;
}

void
sv_ar_where(const struct sv_ar_stream *s, char *out, size_t outsz)
{
	char p[512], n[512];

	if (s->where)
		snprintf(out, outsz, "%s: entry '%s'",
		         sv_escape(s->where, p, sizeof p),
		         sv_escape(s->name, n, sizeof n));
	else
		snprintf(out, outsz, "%s", sv_escape(s->name, n, sizeof n));
}

static int
serr(const struct sv_ar_stream *s, char *err, size_t errsz, int st,
     const char *what)
{
	char w[1100];

	sv_ar_where(s, w, sizeof w);
	return sv_seterr(err, errsz, st, "%s: %s", w, what);
}

/* The gzip trailer of a single-member gzip file: CRC-32 and length of
 * the data, little-endian, in its last 8 bytes. */
static int
check_gzip_trailer(struct sv_ar_stream *s, char *err, size_t errsz)
{
	struct archive *a = s->a;
	unsigned char t[8];
	struct stat sb;
	uint32_t crc, len;

	if (archive_filter_count(a) < 2 ||
	    archive_filter_code(a, 0) != ARCHIVE_FILTER_GZIP ||
	    fstat(s->fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 18 ||
	    pread(s->fd, t, 8, sb.st_size - 8) != 8)
		return SV_AR_OK;
	crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
	      (uint32_t)t[3] << 24;
	len = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
	      (uint32_t)t[7] << 24;
	if (crc != s->crc || len != (uint32_t)s->done) {
		char what[200];

		snprintf(what, sizeof what, "corrupt gzip data: %s does not "
		         "match (stored %08x, computed %08x)",
		         crc != s->crc ? "CRC-32" : "length",
		         crc != s->crc ? crc : len,
		         crc != s->crc ? s->crc : (uint32_t)s->done);
		return serr(s, err, errsz, SV_AR_EFORMAT, what);
	}
	return SV_AR_OK;
}

/* Up to n bytes from the source itself (archive or file descriptor). */
static int
fill(struct sv_ar_stream *s, unsigned char *buf, size_t n, size_t *got,
     char *err, size_t errsz)
{
	*got = 0;
	if (s->fail)
		return sv_seterr(err, errsz, s->fail, "%s", s->failmsg);
	if (s->a) {
		la_ssize_t r = archive_read_data(s->a, buf, n);

		if (r < 0) {
			const char *m = archive_error_string(s->a);

			return serr(s, err, errsz, s->raw ? SV_AR_EFORMAT : SV_AR_EIO,
			            m ? m : "read error");
		}
		*got = (size_t)r;
		return SV_AR_OK;
	}
	for (;;) {
		ssize_t r = read(s->fd, buf, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return serr(s, err, errsz, SV_AR_EIO, strerror(errno));
		*got = (size_t)r;
		return SV_AR_OK;
	}
}

int
sv_ar_peek(struct sv_ar_stream *s, size_t n, const unsigned char **p,
           size_t *got, char *err, size_t errsz)
{
	if (s->npeek - s->ipeek < n) {
		size_t have = s->npeek - s->ipeek;

		if (s->peekcap < n) {
			unsigned char *nb = malloc(n);

			if (!nb)
				return serr(s, err, errsz, SV_AR_ENOMEM, "out of memory");
			if (have)
				memcpy(nb, s->peek + s->ipeek, have);
			free(s->peek);
			s->peek = nb, s->peekcap = n;
		} else if (have) {
			memmove(s->peek, s->peek + s->ipeek, have);
		}
		s->ipeek = 0, s->npeek = have;
		while (s->npeek < n) {
			size_t r;
			int st = fill(s, s->peek + s->npeek, n - s->npeek, &r, err, errsz);

			if (st != SV_AR_OK)
				return st;
			if (r == 0)
				break;
			s->npeek += r;
		}
	}
	*p = s->peek + s->ipeek;
	*got = s->npeek - s->ipeek < n ? s->npeek - s->ipeek : n;
	return SV_AR_OK;
}

int
sv_ar_read(struct sv_ar_stream *s, void *buf, size_t n, size_t *got,
           char *err, size_t errsz)
{
	size_t r = 0;
	int st;

	*got = 0;
	if (n == 0)
		return SV_AR_OK;
	/* ask for one byte past the limit at most, to see it crossed */
	if (s->max != UINT64_MAX && n > s->max - s->done + 1)
		n = (size_t)(s->max - s->done + 1);
	if (s->ipeek < s->npeek) {
		r = s->npeek - s->ipeek < n ? s->npeek - s->ipeek : n;
		memcpy(buf, s->peek + s->ipeek, r);
		s->ipeek += r;
	} else if ((st = fill(s, buf, n, &r, err, errsz)) != SV_AR_OK) {
		return st;
	}
	if (r > s->max - s->done) {
		char what[100];

		snprintf(what, sizeof what, "over the limit of %llu bytes",
		         (unsigned long long)s->max);
		return serr(s, err, errsz, SV_AR_ELIMIT, what);
	}
	if (s->raw)
		s->crc = crc32_update(s->crc, buf, r);
	s->done += r;
	*got = r;
	if (r == 0 && s->raw)
		return check_gzip_trailer(s, err, errsz);
	return SV_AR_OK;
}

int
sv_ar_slurp(struct sv_ar_stream *s, unsigned char **buf, size_t *n,
            char *err, size_t errsz)
{
	size_t cap, len = 0;
	unsigned char *b;

	*buf = NULL;
	*n = 0;
	if (s->size != SV_AR_SIZE_UNKNOWN) {
		char what[100];

		if (s->size > s->max) {
			snprintf(what, sizeof what, "%llu bytes, over the limit of %llu",
			         (unsigned long long)s->size, (unsigned long long)s->max);
			return serr(s, err, errsz, SV_AR_ELIMIT, what);
		}
		cap = (size_t)s->size + 1;
	} else {
		cap = 65536;
	}
	if (!(b = malloc(cap)))
		return serr(s, err, errsz, SV_AR_ENOMEM, "out of memory");
	for (;;) {
		size_t r;
		int st;

		if (len == cap) {
			size_t ncap = cap * 2;
			unsigned char *nb;

			if (s->size != SV_AR_SIZE_UNKNOWN) {
				free(b);
				return serr(s, err, errsz, SV_AR_EIO,
				            "changed while being read");
			}
			if (ncap > s->max + 1)
				ncap = (size_t)s->max + 1;
			if (!(nb = realloc(b, ncap))) {
				free(b);
				return serr(s, err, errsz, SV_AR_ENOMEM, "out of memory");
			}
			b = nb, cap = ncap;
		}
		if ((st = sv_ar_read(s, b + len, cap - len, &r, err, errsz)) != SV_AR_OK) {
			free(b);
			return st;
		}
		if (r == 0)
			break;
		len += r;
	}
	*buf = b;
	*n = len;
	return SV_AR_OK;
}

int
sv_ar_open(const char *path, unsigned flags, uint64_t max,
           struct sv_ar_stream *s, char *err, size_t errsz)
{
	int stdin_ = strcmp(path, "-") == 0;
	struct stat sb;
	struct archive *a;
	struct archive_entry *ae;

	stream_init(s, stdin_ ? "stdin" : path, NULL, SV_AR_SIZE_UNKNOWN,
	            max ? max : SV_AR_MAX_ENTRY);
	if (stdin_) {
		s->fd = 0;
	} else if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return serr(s, err, errsz, SV_AR_EIO, strerror(errno));
	} else {
		s->own_fd = 1;
	}
	if (fstat(s->fd, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			sv_ar_close(s);
			return sv_seterr(err, errsz, SV_AR_ETYPE, "%s: is a directory", path);
		}
		if (S_ISREG(sb.st_mode) && !(flags & SV_AR_DECOMPRESS))
			s->size = (uint64_t)sb.st_size;
	}
	if (!(flags & SV_AR_DECOMPRESS))
		return SV_AR_OK;
	if (!(a = archive_read_new())) {
		sv_ar_close(s);
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
	}
	s->a = a;
	s->raw = 1;
	support_filters(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, s->fd, 65536) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		const char *m = archive_error_string(a);
		int e = archive_errno(a);
		int st = sv_seterr(err, errsz, e == EISDIR || e == EIO ? SV_AR_EIO :
		                   SV_AR_EFORMAT, "%s: %s", s->name,
		                   m ? m : "empty or unreadable");

		sv_ar_close(s);
		return st;
	}
	return SV_AR_OK;
}

void
sv_ar_close(struct sv_ar_stream *s)
{
	if (s->a && s->raw)
		archive_read_free(s->a);
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	free(s->peek);
	free(s->failmsg);
	s->failmsg = NULL;
	s->a = NULL;
	s->fd = -1;
	s->own_fd = 0;
	s->peek = NULL;
	s->npeek = s->ipeek = s->peekcap = 0;
}

/* ---- tar archives ------------------------------------------------------ */

/* libarchive reads the archive's bytes from a stream through this. */
struct feed {
	struct sv_ar_stream *s;
	unsigned char buf[65536];
	int st;               /* first error of the stream */
	char err[1200];
};

static la_ssize_t
feed_read(struct archive *a, void *ctx, const void **out)
{
	struct feed *f = ctx;
	size_t got;

	*out = f->buf;
	if ((f->st = sv_ar_read(f->s, f->buf, sizeof f->buf, &got, f->err,
	                        sizeof f->err)) != SV_AR_OK) {
		archive_set_error(a, EIO, "%s", f->err);
		return -1;
	}
	return (la_ssize_t)got;
}

/* A directory entry's name, without its trailing '/', is safe (or the
 * archive's own "." or ""). */
static int
dir_name_ok(const char *name)
{
	size_t l = strlen(name);
	char *d = strdup(name);
	int good;

	if (!d)
		return -1;
	while (l > 0 && d[l - 1] == '/')
		d[--l] = '\0';
	good = l == 0 || (l == 1 && d[0] == '.') || sv_ar_name_ok(d);
	free(d);
	return good;
}

/* The names met in one archive, to refuse a second entry with a name:
 * open addressing, FNV-1a, at most half full. */
struct nameset {
	char **slot;
	size_t cap, n;
};

static size_t
name_hash(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

/* 0 added, 1 already there, -1 out of memory. */
static int
nameset_add(struct nameset *ns, const char *name)
{
	size_t i;

	if (2 * (ns->n + 1) > ns->cap) {
		size_t ncap = ns->cap ? 2 * ns->cap : 64;
		char **nv = calloc(ncap, sizeof *nv);

		if (!nv)
			return -1;
		for (size_t k = 0; k < ns->cap; k++)
			if (ns->slot[k]) {
				for (i = name_hash(ns->slot[k]) & (ncap - 1); nv[i];
				     i = (i + 1) & (ncap - 1))
					;
				nv[i] = ns->slot[k];
			}
		free(ns->slot);
		ns->slot = nv, ns->cap = ncap;
	}
	for (i = name_hash(name) & (ns->cap - 1); ns->slot[i];
	     i = (i + 1) & (ns->cap - 1))
		if (strcmp(ns->slot[i], name) == 0)
			return 1;
	if (!(ns->slot[i] = strdup(name)))
		return -1;
	ns->n++;
	return 0;
}

static void
nameset_free(struct nameset *ns)
{
	for (size_t k = 0; k < ns->cap; k++)
		free(ns->slot[k]);
	free(ns->slot);
}

int
sv_ar_walk_stream(struct sv_ar_stream *src, const char *path,
                  const struct sv_ar_limits *lim, sv_ar_stream_fn fn,
                  void *ctx, char *err, size_t errsz)
{
	struct sv_ar_limits l;
	struct archive *a;
	struct archive_entry *ae;
	struct feed *f;
	struct nameset seen = { 0 };
	uint64_t total = 0;
	size_t count = 0;
	int st = SV_AR_OK, r;

	limits(lim, &l);
	if (!(f = malloc(sizeof *f)) || !(a = archive_read_new())) {
		free(f);
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
	}
	f->s = src;
	f->st = SV_AR_OK;
	support_filters(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, f, NULL, feed_read, NULL) != ARCHIVE_OK) {
		if (f->st != SV_AR_OK)
			st = sv_seterr(err, errsz, f->st, "%s", f->err);
		else
			st = sv_seterr(err, errsz, SV_AR_EFORMAT, "%s: %s", path,
			               archive_error_string(a) ? archive_error_string(a)
			                                       : "not a tar archive");
		archive_read_free(a);
		free(f);
		return st;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(ae);
		mode_t type = archive_entry_filetype(ae);
		struct sv_ar_stream e;
		int cr;

		if (!name)
			name = "";
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		if (type == AE_IFDIR) {
			int good = dir_name_ok(name);

			if (good < 0) {
				st = sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
				break;
			}
			if (!good) {
				st = ent_err(err, errsz, SV_AR_EUNSAFE, path, name,
				            ": unsafe name (absolute or '..')");
				break;
			}
			continue;
		}
		if (!sv_ar_name_ok(name)) {
			st = ent_err(err, errsz, SV_AR_EUNSAFE, path, name,
			            ": unsafe name (absolute or '..')");
			break;
		}
		if (sv_ar_name_ctrl(name)) {
			st = ent_err(err, errsz, SV_AR_EUNSAFE, path, name,
			             ": control character in name");
			break;
		}
		if ((r = nameset_add(&seen, name)) != 0) {
			st = r > 0 ? ent_err(err, errsz, SV_AR_EDUP, path, name,
			                     ": given twice")
			           : sv_seterr(err, errsz, SV_AR_ENOMEM,
			                       "%s: out of memory", path);
			break;
		}
		if (type == AE_IFLNK || archive_entry_hardlink(ae) ||
		    archive_entry_symlink(ae)) {
			st = ent_err(err, errsz, SV_AR_ELINK, path, name, ": is a link");
			break;
		}
		if (type != AE_IFREG) {
			st = ent_err(err, errsz, SV_AR_ETYPE, path, name,
			            ": not a regular file");
			break;
		}
		if (++count > l.max_entries) {
			st = sv_seterr(err, errsz, SV_AR_ELIMIT,
			            "%s: more than %zu entries", path, l.max_entries);
			break;
		}
		stream_init(&e, name, path, SV_AR_SIZE_UNKNOWN, l.max_entry);
		e.a = a;
		if (archive_entry_size_is_set(ae)) {
			int64_t sz = archive_entry_size(ae);

			if (sz < 0 || (uint64_t)sz > l.max_entry) {
				st = ent_err(err, errsz, SV_AR_ELIMIT, path, name,
				            ": %lld bytes, over the limit of %llu", (long long)sz,
				            (unsigned long long)l.max_entry);
				break;
			}
			if ((uint64_t)sz > l.max_total - total) {
				st = ent_err(err, errsz, SV_AR_ELIMIT, path, name,
				            ": total over the limit of %llu bytes", (unsigned long long)l.max_total);
				break;
			}
			e.size = (uint64_t)sz;
		}
		if (l.max_total - total < e.max)
			e.max = l.max_total - total;
		cr = fn(&e, ctx);
		total += e.size != SV_AR_SIZE_UNKNOWN ? e.size : e.done;
		sv_ar_close(&e);
		if (cr < 0) {
			st = SV_AR_ECALLBACK;
			break;
		}
		if (cr > 0)
			break;
	}
	if (st == SV_AR_OK && r != ARCHIVE_OK && r != ARCHIVE_WARN && r != ARCHIVE_EOF) {
		if (f->st != SV_AR_OK)
			st = sv_seterr(err, errsz, f->st, "%s", f->err);
		else
			st = sv_seterr(err, errsz, SV_AR_EFORMAT, "%s: %s", path,
			            archive_error_string(a) ? archive_error_string(a)
			                                    : "not a tar archive");
	}
	/* read the source to its end, so that a gzip trailer is checked */
	while (st == SV_AR_OK && src->raw) {
		size_t got;

		if ((st = sv_ar_read(src, f->buf, sizeof f->buf, &got, err, errsz))
		    != SV_AR_OK || got == 0)
			break;
	}
	archive_read_free(a);
	free(f);
	nameset_free(&seen);
	return st;
}

/* ---- directories ------------------------------------------------------- */

struct names {
	char **v;
	size_t n, cap;
};

static int
names_add(struct names *ns, char *s)
{
	if (ns->n == ns->cap) {
		size_t ncap = ns->cap ? ns->cap * 2 : 64;
		char **nv = realloc(ns->v, ncap * sizeof *nv);

		if (!nv)
			return -1;
		ns->v = nv, ns->cap = ncap;
	}
	ns->v[ns->n++] = s;
	return 0;
}

static void
names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
skip_name(const char *base)
{
	size_t l = strlen(base);

	return base[0] == '.' || (l >= 4 && strcmp(base + l - 4, ".tmp") == 0);
}

/* Collect regular files under root/rel into ns (names relative to root). */
static int
dir_collect(const char *root, const char *rel, int depth,
            const struct sv_ar_limits *lim, struct names *ns, char *err,
            size_t errsz)
{
	char *dpath;
	DIR *d;
	struct dirent *de;
	int st = SV_AR_OK;

	if (depth > SV_AR_MAX_DEPTH)
		return ent_err(err, errsz, SV_AR_ELIMIT, root, rel,
		              ": more than %d directory levels", SV_AR_MAX_DEPTH);
	if (asprintf(&dpath, "%s%s%s", root, *rel ? "/" : "", rel) < 0)
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", root);
	if (!(d = opendir(dpath))) {
		int e = errno;

		st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", dpath, strerror(e));
		free(dpath);
		return st;
	}
	while ((de = readdir(d))) {
		char *name, *full;
		struct stat sb;

		if (skip_name(de->d_name))
			continue;
		if (asprintf(&name, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0) {
			st = sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", root);
			break;
		}
		if (asprintf(&full, "%s/%s", dpath, de->d_name) < 0) {
			free(name);
			st = sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", root);
			break;
		}
		if (lstat(full, &sb) != 0) {
			int e = errno;

			st = sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", full, strerror(e));
		} else if (S_ISDIR(sb.st_mode)) {
			st = dir_collect(root, name, depth + 1, lim, ns, err, errsz);
		} else if (ns->n >= lim->max_entries) {
			/* links and special files too: dir_open refuses them in
			 * their turn, and the walk goes on */
			st = sv_seterr(err, errsz, SV_AR_ELIMIT, "%s: more than %zu entries",
			            root, lim->max_entries);
		} else if (names_add(ns, name) != 0) {
			st = sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", root);
		} else {
			name = NULL; /* owned by ns now */
		}
		free(name);
		free(full);
		if (st != SV_AR_OK)
			break;
	}
	closedir(d);
	free(dpath);
	return st;
}

/* Open root/name as a stream: a regular file, not a link, its size
 * within max. */
static int
dir_open(const char *root, const char *name, uint64_t max,
         struct sv_ar_stream *s, char *err, size_t errsz)
{
	char *full;
	struct stat sb;
	int e;

	stream_init(s, name, root, SV_AR_SIZE_UNKNOWN, max);
	if (asprintf(&full, "%s/%s", root, name) < 0)
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", root);
	s->fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	e = errno;
	free(full);
	if (s->fd < 0 || fstat(s->fd, &sb) != 0) {
		if (s->fd >= 0)
			e = errno, close(s->fd);
		s->fd = -1;
		if (e == ENXIO) /* a socket */
			return ent_err(err, errsz, SV_AR_ETYPE, root, name,
			               ": not a regular file");
		return ent_err(err, errsz, e == ELOOP ? SV_AR_ELINK : SV_AR_EIO,
		               root, name, ": %s",
		               e == ELOOP ? "is a link" : strerror(e));
	}
	s->own_fd = 1;
	if (!S_ISREG(sb.st_mode)) {
		sv_ar_close(s);
		return ent_err(err, errsz, SV_AR_ETYPE, root, name,
		              ": not a regular file");
	}
	if ((uint64_t)sb.st_size > max) {
		sv_ar_close(s);
		return ent_err(err, errsz, SV_AR_ELIMIT, root, name,
		              ": %lld bytes, over the limit of %llu", (long long)sb.st_size, (unsigned long long)max);
	}
	s->size = (uint64_t)sb.st_size;
	return SV_AR_OK;
}

static int
dir_walk(const char *path, const struct sv_ar_limits *lim, sv_ar_stream_fn fn,
         void *ctx, char *err, size_t errsz)
{
	struct names ns = { 0 };
	uint64_t total = 0;
	int st;

	if ((st = dir_collect(path, "", 0, lim, &ns, err, errsz)) != SV_AR_OK)
		goto out;
	qsort(ns.v, ns.n, sizeof *ns.v, cmp_str);
	for (size_t i = 0; i < ns.n; i++) {
		struct sv_ar_stream s;
		char msg[1200];
		int cr;

		if (sv_ar_name_ctrl(ns.v[i])) {
			stream_init(&s, ns.v[i], path, SV_AR_SIZE_UNKNOWN, 0);
			st = ent_err(msg, sizeof msg, SV_AR_EUNSAFE, path, ns.v[i],
			             ": control character in name");
		} else {
			st = dir_open(path, ns.v[i], lim->max_entry, &s, msg,
			              sizeof msg);
		}
		if (st == SV_AR_ELINK || st == SV_AR_ETYPE || st == SV_AR_EIO ||
		    st == SV_AR_EUNSAFE) {
			/* this entry only: the callback reads the failure */
			if (!(s.failmsg = strdup(msg))) {
				st = sv_seterr(err, errsz, SV_AR_ENOMEM,
				               "%s: out of memory", path);
				break;
			}
			s.fail = st;
			st = SV_AR_OK;
		} else if (st != SV_AR_OK) {
			sv_seterr(err, errsz, st, "%s", msg);
			break;
		}
		if (!s.fail && s.size > lim->max_total - total) {
			sv_ar_close(&s);
			st = ent_err(err, errsz, SV_AR_ELIMIT, path, ns.v[i],
			            ": total over the limit of %llu bytes", (unsigned long long)lim->max_total);
			break;
		}
		total += s.fail ? 0 : s.size;
		cr = fn(&s, ctx);
		sv_ar_close(&s);
		if (cr < 0) {
			st = SV_AR_ECALLBACK;
			break;
		}
		if (cr > 0)
			break;
	}
out:
	names_free(&ns);
	return st;
}

int
sv_ar_walk(const char *path, const struct sv_ar_limits *lim,
           sv_ar_stream_fn fn, void *ctx, char *err, size_t errsz)
{
	struct sv_ar_limits l;
	struct sv_ar_stream s;
	struct stat sb;
	int st;

	limits(lim, &l);
	if (stat(path, &sb) != 0) {
		int e = errno;

		return sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", path, strerror(e));
	}
	if (S_ISDIR(sb.st_mode))
		return dir_walk(path, &l, fn, ctx, err, errsz);
	if ((st = sv_ar_open(path, SV_AR_DECOMPRESS, UINT64_MAX, &s, err, errsz))
	    != SV_AR_OK)
		return st == SV_AR_EFORMAT ? sv_seterr(err, errsz, SV_AR_EFORMAT,
		                    "%s: not a tar archive", path) : st;
	st = sv_ar_walk_stream(&s, path, &l, fn, ctx, err, errsz);
	sv_ar_close(&s);
	return st;
}

/* sv_ar_each over sv_ar_walk: each entry read whole, then handed on. */
struct whole {
	sv_ar_fn fn;
	void *ctx;
	int st;
	char *err;
	size_t errsz;
};

static int
whole_fn(struct sv_ar_stream *s, void *ctx)
{
	struct whole *w = ctx;
	struct sv_ar_entry e;
	unsigned char *buf;
	size_t n;
	int cr;

	if ((w->st = sv_ar_slurp(s, &buf, &n, w->err, w->errsz)) != SV_AR_OK)
		return -1;
	e.name = s->name;
	e.buf = buf;
	e.size = n;
	cr = w->fn(&e, w->ctx);
	free(buf);
	return cr;
}

int
sv_ar_each(const char *path, const struct sv_ar_limits *lim, sv_ar_fn fn,
           void *ctx, char *err, size_t errsz)
{
	struct whole w = { fn, ctx, SV_AR_OK, err, errsz };
	int st = sv_ar_walk(path, lim, whole_fn, &w, err, errsz);

	return st == SV_AR_ECALLBACK && w.st != SV_AR_OK ? w.st : st;
}

struct one {
	const char *name;
	unsigned char *buf;
	size_t n;
	int found;
};

static int
one_fn(const struct sv_ar_entry *e, void *ctx)
{
	struct one *o = ctx;

	if (strcmp(e->name, o->name) != 0)
		return 0;
	if (!(o->buf = malloc(e->size ? e->size : 1)))
		return -1;
	memcpy(o->buf, e->buf, e->size);
	o->n = e->size;
	o->found = 1;
	return 1;
}

int
sv_ar_read_one(const char *path, const char *name,
               const struct sv_ar_limits *lim, unsigned char **buf, size_t *n,
               char *err, size_t errsz)
{
	struct one o = { name, NULL, 0, 0 };
	struct sv_ar_limits l;
	struct stat sb;
	int st;

	*buf = NULL;
	*n = 0;
	limits(lim, &l);
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	o.name = name;
	if (!sv_ar_name_ok(name))
		return ent_err(err, errsz, SV_AR_EUNSAFE, path, name,
		              ": unsafe name (absolute or '..')");
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* a directory: open the file directly, without walking */
		const char *p = name;
		struct sv_ar_stream s;

		for (;;) { /* no component may be a link */
			const char *slash = strchr(p, '/');
			char *pre;
			struct stat ls;

			if (asprintf(&pre, "%s/%.*s", path,
			             (int)(slash ? (size_t)(slash - name) : strlen(name)),
			             name) < 0)
				return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
			if (lstat(pre, &ls) != 0) {
				int e = errno;

				free(pre);
				return sv_seterr(err, errsz, e == ENOENT ? SV_AR_ENOENT : SV_AR_EIO,
				              "%s: entry '%s': %s", path, name,
				              e == ENOENT ? "no such entry" : strerror(e));
			}
			free(pre);
			if (S_ISLNK(ls.st_mode))
				return ent_err(err, errsz, SV_AR_ELINK, path, name,
				              ": is a link");
			if (!slash)
				break;
			p = slash + 1;
		}
		if ((st = dir_open(path, name, l.max_entry, &s, err, errsz)) != SV_AR_OK)
			return st;
		st = sv_ar_slurp(&s, buf, n, err, errsz);
		sv_ar_close(&s);
		return st;
	}
	st = sv_ar_each(path, &l, one_fn, &o, err, errsz);
	if (st == SV_AR_ECALLBACK)
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
	if (st != SV_AR_OK)
		return st;
	if (!o.found)
		return ent_err(err, errsz, SV_AR_ENOENT, path, name, ": no such entry");
	*buf = o.buf;
	*n = o.n;
	return SV_AR_OK;
}
