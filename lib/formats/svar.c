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

/* ---- tar archives ------------------------------------------------------ */

static struct archive *
open_tar(const char *path, char *err, size_t errsz, int *st)
{
	struct archive *a = archive_read_new();

	if (!a) {
		*st = sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		int e = archive_errno(a);

		*st = sv_seterr(err, errsz, e == ENOENT || e == EACCES || e == EISDIR ?
		             SV_AR_EIO : SV_AR_EFORMAT, "%s: %s", path,
		             archive_error_string(a) ? archive_error_string(a) : "cannot open");
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Read the current entry's data (declared size known or not), at most
 * max bytes; *buf malloc'ed. */
static int
read_entry_data(struct archive *a, struct archive_entry *ae, const char *path,
                const char *name, uint64_t max, unsigned char **buf,
                size_t *n, char *err, size_t errsz)
{
	size_t cap, len = 0;
	unsigned char *b;

	if (archive_entry_size_is_set(ae)) {
		int64_t sz = archive_entry_size(ae);

		if (sz < 0 || (uint64_t)sz > max)
			return sv_seterr(err, errsz, SV_AR_ELIMIT,
			              "%s: entry '%s': %lld bytes, over the limit of %llu",
			              path, name, (long long)sz, (unsigned long long)max);
		cap = (size_t)sz + 1;
	} else {
		cap = 65536;
	}
	if (!(b = malloc(cap)))
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: entry '%s': out of memory",
		              path, name);
	for (;;) {
		la_ssize_t r;

		if (len == cap) {
			size_t ncap = cap * 2;
			unsigned char *nb;

			if (len > max) {
				free(b);
				return sv_seterr(err, errsz, SV_AR_ELIMIT,
				              "%s: entry '%s': over the limit of %llu bytes",
				              path, name, (unsigned long long)max);
			}
			if (ncap > max + 1)
				ncap = (size_t)max + 1;
			if (!(nb = realloc(b, ncap))) {
				free(b);
				return sv_seterr(err, errsz, SV_AR_ENOMEM,
				              "%s: entry '%s': out of memory", path, name);
			}
			b = nb, cap = ncap;
		}
		r = archive_read_data(a, b + len, cap - len);
		if (r < 0) {
			sv_seterr(err, errsz, SV_AR_EIO, "%s: entry '%s': %s", path, name,
			       archive_error_string(a) ? archive_error_string(a) : "read error");
			free(b);
			return SV_AR_EIO;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		free(b);
		return sv_seterr(err, errsz, SV_AR_ELIMIT,
		              "%s: entry '%s': over the limit of %llu bytes", path,
		              name, (unsigned long long)max);
	}
	*buf = b;
	*n = len;
	return SV_AR_OK;
}

static int
tar_each(const char *path, const struct sv_ar_limits *lim, sv_ar_fn fn,
         void *ctx, char *err, size_t errsz)
{
	struct archive *a;
	struct archive_entry *ae;
	uint64_t total = 0;
	size_t count = 0;
	int st = SV_AR_OK, r;

	if (!(a = open_tar(path, err, errsz, &st)))
		return st;
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(ae);
		mode_t type = archive_entry_filetype(ae);
		unsigned char *buf = NULL;
		size_t n = 0;
		int cr;

		if (!name)
			name = "";
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		if (type == AE_IFDIR) {
			size_t l = strlen(name);
			char *d = strdup(name);
			int good;

			if (!d) {
				st = sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
				break;
			}
			while (l > 0 && d[l - 1] == '/')
				d[--l] = '\0';
			good = l == 0 || (l == 1 && d[0] == '.') || sv_ar_name_ok(d);
			free(d);
			if (!good) {
				st = sv_seterr(err, errsz, SV_AR_EUNSAFE,
				            "%s: entry '%s': unsafe name (absolute or '..')",
				            path, name);
				break;
			}
			continue;
		}
		if (!sv_ar_name_ok(name)) {
			st = sv_seterr(err, errsz, SV_AR_EUNSAFE,
			            "%s: entry '%s': unsafe name (absolute or '..')", path, name);
			break;
		}
		if (type == AE_IFLNK || archive_entry_hardlink(ae) ||
		    archive_entry_symlink(ae)) {
			st = sv_seterr(err, errsz, SV_AR_ELINK, "%s: entry '%s': is a link",
			            path, name);
			break;
		}
		if (type != AE_IFREG) {
			st = sv_seterr(err, errsz, SV_AR_ETYPE,
			            "%s: entry '%s': not a regular file", path, name);
			break;
		}
		if (++count > lim->max_entries) {
			st = sv_seterr(err, errsz, SV_AR_ELIMIT,
			            "%s: more than %zu entries", path, lim->max_entries);
			break;
		}
		if (archive_entry_size_is_set(ae) &&
		    (uint64_t)archive_entry_size(ae) > lim->max_total - total) {
			st = sv_seterr(err, errsz, SV_AR_ELIMIT,
			            "%s: entry '%s': total over the limit of %llu bytes",
			            path, name, (unsigned long long)lim->max_total);
			break;
		}
		if ((st = read_entry_data(a, ae, path, name, lim->max_entry, &buf,
		                          &n, err, errsz)) != SV_AR_OK)
			break;
		if (n > lim->max_total - total) {
			free(buf);
			st = sv_seterr(err, errsz, SV_AR_ELIMIT,
			            "%s: entry '%s': total over the limit of %llu bytes",
			            path, name, (unsigned long long)lim->max_total);
			break;
		}
		total += n;
		{
			struct sv_ar_entry e = { name, buf, n };

			cr = fn(&e, ctx);
		}
		free(buf);
		if (cr < 0) {
			st = SV_AR_ECALLBACK;
			break;
		}
		if (cr > 0)
			break;
	}
	if (st == SV_AR_OK && r != ARCHIVE_OK && r != ARCHIVE_WARN && r != ARCHIVE_EOF)
		st = sv_seterr(err, errsz, SV_AR_EFORMAT, "%s: %s", path,
		            archive_error_string(a) ? archive_error_string(a) : "not a tar archive");
	archive_read_free(a);
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
		return sv_seterr(err, errsz, SV_AR_ELIMIT,
		              "%s: entry '%s': more than %d directory levels", root,
		              rel, SV_AR_MAX_DEPTH);
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
		} else if (S_ISLNK(sb.st_mode)) {
			st = sv_seterr(err, errsz, SV_AR_ELINK, "%s: entry '%s': is a link",
			            root, name);
		} else if (S_ISDIR(sb.st_mode)) {
			st = dir_collect(root, name, depth + 1, lim, ns, err, errsz);
		} else if (!S_ISREG(sb.st_mode)) {
			st = sv_seterr(err, errsz, SV_AR_ETYPE,
			            "%s: entry '%s': not a regular file", root, name);
		} else if (ns->n >= lim->max_entries) {
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

/* Read root/name whole, at most max bytes. */
static int
read_file(const char *root, const char *name, uint64_t max,
          unsigned char **buf, size_t *n, char *err, size_t errsz)
{
	char *full;
	int fd, st = SV_AR_OK;
	struct stat sb;
	unsigned char *b = NULL;
	size_t len = 0, cap;

	if (asprintf(&full, "%s/%s", root, name) < 0)
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", root);
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		int e = errno;

		st = sv_seterr(err, errsz, e == ELOOP ? SV_AR_ELINK : SV_AR_EIO,
		            "%s: entry '%s': %s", root, name,
		            e == ELOOP ? "is a link" : strerror(e));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		st = sv_seterr(err, errsz, SV_AR_ETYPE, "%s: entry '%s': not a regular file",
		            root, name);
		goto out;
	}
	if ((uint64_t)sb.st_size > max) {
		st = sv_seterr(err, errsz, SV_AR_ELIMIT,
		            "%s: entry '%s': %lld bytes, over the limit of %llu", root,
		            name, (long long)sb.st_size, (unsigned long long)max);
		goto out;
	}
	cap = (size_t)sb.st_size + 1;
	if (!(b = malloc(cap))) {
		st = sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", root);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, b + len, cap - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			st = sv_seterr(err, errsz, SV_AR_EIO, "%s: entry '%s': %s", root,
			            name, strerror(e));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == cap) { /* the file grew while being read */
			st = sv_seterr(err, errsz, SV_AR_EIO,
			            "%s: entry '%s': changed while being read", root, name);
			goto out;
		}
	}
	*buf = b;
	*n = len;
	b = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(b);
	free(full);
	return st;
}

static int
dir_each(const char *path, const struct sv_ar_limits *lim, sv_ar_fn fn,
         void *ctx, char *err, size_t errsz)
{
	struct names ns = { 0 };
	uint64_t total = 0;
	int st;

	if ((st = dir_collect(path, "", 0, lim, &ns, err, errsz)) != SV_AR_OK)
		goto out;
	qsort(ns.v, ns.n, sizeof *ns.v, cmp_str);
	for (size_t i = 0; i < ns.n; i++) {
		unsigned char *buf = NULL;
		size_t n = 0;
		int cr;

		if ((st = read_file(path, ns.v[i], lim->max_entry, &buf, &n, err,
		                    errsz)) != SV_AR_OK)
			break;
		if (n > lim->max_total - total) {
			free(buf);
			st = sv_seterr(err, errsz, SV_AR_ELIMIT,
			            "%s: entry '%s': total over the limit of %llu bytes",
			            path, ns.v[i], (unsigned long long)lim->max_total);
			break;
		}
		total += n;
		{
			struct sv_ar_entry e = { ns.v[i], buf, n };

			cr = fn(&e, ctx);
		}
		free(buf);
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
sv_ar_each(const char *path, const struct sv_ar_limits *lim, sv_ar_fn fn,
           void *ctx, char *err, size_t errsz)
{
	struct sv_ar_limits l;
	struct stat sb;

	limits(lim, &l);
	if (stat(path, &sb) != 0) {
		int e = errno;

		return sv_seterr(err, errsz, SV_AR_EIO, "%s: %s", path, strerror(e));
	}
	if (S_ISDIR(sb.st_mode))
		return dir_each(path, &l, fn, ctx, err, errsz);
	return tar_each(path, &l, fn, ctx, err, errsz);
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
		return sv_seterr(err, errsz, SV_AR_EUNSAFE,
		              "%s: entry '%s': unsafe name (absolute or '..')", path, name);
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* a directory: open the file directly, without walking */
		const char *p = name;

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
				return sv_seterr(err, errsz, SV_AR_ELINK,
				              "%s: entry '%s': is a link", path, name);
			if (!slash)
				break;
			p = slash + 1;
		}
		return read_file(path, name, l.max_entry, buf, n, err, errsz);
	}
	st = sv_ar_each(path, &l, one_fn, &o, err, errsz);
	if (st == SV_AR_ECALLBACK)
		return sv_seterr(err, errsz, SV_AR_ENOMEM, "%s: out of memory", path);
	if (st != SV_AR_OK)
		return st;
	if (!o.found)
		return sv_seterr(err, errsz, SV_AR_ENOENT, "%s: entry '%s': no such entry",
		              path, name);
	*buf = o.buf;
	*n = o.n;
	return SV_AR_OK;
}

/* ---- writing ----------------------------------------------------------- */

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
		if (!sv_ar_name_ok(m[i].name)) {
			st = sv_seterr(err, errsz, SV_AR_EUNSAFE,
			            "%s: entry '%s': unsafe name", out, m[i].name);
			goto out;
		}
		v[i] = &m[i];
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_member);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1]->name, v[i]->name) == 0) {
			st = sv_seterr(err, errsz, SV_AR_EDUP, "%s: entry '%s' given twice",
			            out, v[i]->name);
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
