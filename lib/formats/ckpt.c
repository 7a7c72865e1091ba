/* ckpt.c - checkpoint files: one trained model's weights and provenance */
#include "ckpt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "base/util.h"
#include "svar.h"

/* Smallest possible tensor record: name length, one name byte, ndim,
 * one dim, one float. */
#define MIN_TENSOR_BYTES (4 + 1 + 4 + 8 + 4)

static const char *const ckpt_errors[] = {
	[SV_CKPT_OK] = "success",
	[SV_CKPT_EIO] = "i/o error",
	[SV_CKPT_ETRUNC] = "truncated",
	[SV_CKPT_EMAGIC] = "not a checkpoint",
	[SV_CKPT_EVERSION] = "unsupported version",
	[SV_CKPT_ELIMIT] = "over a limit",
	[SV_CKPT_EFORMAT] = "malformed",
	[SV_CKPT_ECHECKSUM] = "bad checksum",
	[SV_CKPT_ETRAILING] = "trailing bytes",
	[SV_CKPT_ENOMEM] = "out of memory",
};

const char *
sv_ckpt_strerror(int status)
{
	if (status < 0 || (size_t)status >= sizeof ckpt_errors / sizeof ckpt_errors[0])
		return "unknown error";
	return ckpt_errors[status];
}

/* Valid UTF-8 without NUL bytes, overlong forms or surrogates. */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i - 1 < k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* ---- writing ---------------------------------------------------------- */

static void
put32(unsigned char **p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		*(*p)++ = (unsigned char)(v >> (8 * i));
}

static void
put64(unsigned char **p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		*(*p)++ = (unsigned char)(v >> (8 * i));
}

static void
putstr(unsigned char **p, const char *s, size_t n)
{
	put32(p, (uint32_t)n);
	memcpy(*p, s, n);
	*p += n;
}

/* Check c against the format's rules and limits; on success *size is the
 * encoded size in bytes. */
static int
check_ckpt(const struct sv_ckpt *c, uint64_t *size, char *err, size_t errsz)
{
	const char *fields[3] = { c->model, c->data, c->options };
	static const char *const fname[3] = { "model", "data", "options" };
	uint64_t sz = SV_CKPT_MAGICLEN + 4;

	for (int i = 0; i < 3; i++) {
		const char *s = fields[i] ? fields[i] : "";
		size_t n = strlen(s);

		if (n > SV_CKPT_MAXSTR)
			return sv_seterr(err, errsz, SV_CKPT_ELIMIT,
			              "%s: %zu bytes, over the limit %u",
			              fname[i], n, SV_CKPT_MAXSTR);
		if (!utf8_ok((const unsigned char *)s, n))
			return sv_seterr(err, errsz, SV_CKPT_EFORMAT,
			              "%s: not valid UTF-8", fname[i]);
		sz += 4 + n;
	}
	sz += 8 + 4;
	if (c->ntensor > SV_CKPT_MAXTENSOR)
		return sv_seterr(err, errsz, SV_CKPT_ELIMIT,
		              "%zu tensors, over the limit %u", c->ntensor,
		              SV_CKPT_MAXTENSOR);
	for (size_t i = 0; i < c->ntensor; i++) {
		const struct sv_tensor *t = &c->t[i];
		size_t nl = strnlen(t->name, SV_TENSOR_NAMELEN);
		uint64_t cnt = 1;

		if (nl == 0 || nl > SV_CKPT_MAXNAME ||
		    !utf8_ok((const unsigned char *)t->name, nl))
			return sv_seterr(err, errsz, SV_CKPT_EFORMAT,
			              "tensor %zu: name empty, too long or not UTF-8", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->t[j].name, t->name) == 0)
				return sv_seterr(err, errsz, SV_CKPT_EFORMAT,
				              "tensor %zu: duplicate name '%s'", i, t->name);
		if (t->ndim < 1 || t->ndim > SV_TENSOR_MAXDIM)
			return sv_seterr(err, errsz, SV_CKPT_EFORMAT,
			              "tensor '%s': ndim %u not in 1..%d", t->name,
			              t->ndim, SV_TENSOR_MAXDIM);
		for (uint32_t d = 0; d < t->ndim; d++) {
			if (t->dim[d] == 0 || t->dim[d] > SV_CKPT_MAXELEM ||
			    cnt * t->dim[d] > SV_CKPT_MAXELEM)
				return sv_seterr(err, errsz, SV_CKPT_ELIMIT,
				              "tensor '%s': dimension %u is %llu: zero or over the limit",
				              t->name, d, (unsigned long long)t->dim[d]);
			cnt *= t->dim[d];
		}
		if (!t->data)
			return sv_seterr(err, errsz, SV_CKPT_EFORMAT,
			              "tensor '%s': no data", t->name);
		sz += 4 + nl + 4 + 8 * (uint64_t)t->ndim + 4 * cnt;
		if (sz > SV_CKPT_MAXBYTES)
			return sv_seterr(err, errsz, SV_CKPT_ELIMIT,
			              "checkpoint over the limit of %llu bytes",
			              (unsigned long long)SV_CKPT_MAXBYTES);
	}
	sz += 8;
	if (sz > SV_CKPT_MAXBYTES)
		return sv_seterr(err, errsz, SV_CKPT_ELIMIT,
		              "checkpoint over the limit of %llu bytes",
		              (unsigned long long)SV_CKPT_MAXBYTES);
	*size = sz;
	return SV_CKPT_OK;
}

int
sv_ckpt_encode(const struct sv_ckpt *c, unsigned char **buf, size_t *n,
               char *err, size_t errsz)
{
	uint64_t sz = 0;
	unsigned char *b, *p;
	int st;

	*buf = NULL;
	*n = 0;
	if ((st = check_ckpt(c, &sz, err, errsz)) != SV_CKPT_OK)
		return st;
	if (!(b = malloc((size_t)sz)))
		return sv_seterr(err, errsz, SV_CKPT_ENOMEM, "out of memory");
	p = b;
	memcpy(p, SV_CKPT_MAGIC, SV_CKPT_MAGICLEN);
	p += SV_CKPT_MAGICLEN;
	put32(&p, SV_CKPT_VERSION);
	putstr(&p, c->model ? c->model : "", strlen(c->model ? c->model : ""));
	putstr(&p, c->data ? c->data : "", strlen(c->data ? c->data : ""));
	putstr(&p, c->options ? c->options : "", strlen(c->options ? c->options : ""));
	put64(&p, c->seed);
	put32(&p, (uint32_t)c->ntensor);
	for (size_t i = 0; i < c->ntensor; i++) {
		const struct sv_tensor *t = &c->t[i];
		uint64_t cnt = sv_tensor_count(t);

		putstr(&p, t->name, strlen(t->name));
		put32(&p, t->ndim);
		for (uint32_t d = 0; d < t->ndim; d++)
			put64(&p, t->dim[d]);
		for (uint64_t j = 0; j < cnt; j++) {
			uint32_t u;

			memcpy(&u, &t->data[j], 4);
			put32(&p, u);
		}
	}
	put64(&p, XXH3_64bits(b, (size_t)(p - b)));
	*buf = b;
	*n = (size_t)sz;
	return SV_CKPT_OK;
}

/* fsync the directory holding path, so that a rename in it is durable. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, r;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
sv_ckpt_write(const char *path, const struct sv_ckpt *c, char *err,
              size_t errsz)
{
	unsigned char *buf;
	size_t n, plen = strlen(path);
	char *tmp;
	int fd, st, e;

	if ((st = sv_ckpt_encode(c, &buf, &n, err, errsz)) != SV_CKPT_OK) {
		char what[512];

		snprintf(what, sizeof what, "%s", err ? err : "");
		return sv_seterr(err, errsz, st, "%s: %s", path, what);
	}
	if (!(tmp = malloc(plen + 5))) {
		free(buf);
		return sv_seterr(err, errsz, SV_CKPT_ENOMEM, "%s: out of memory", path);
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", 5);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		st = sv_seterr(err, errsz, SV_CKPT_EIO, "%s: %s", tmp, strerror(e));
		goto out;
	}
	if (sv_write_all(fd, buf, n) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		st = sv_seterr(err, errsz, SV_CKPT_EIO, "%s: %s", tmp, strerror(e));
		goto out;
	}
	if (close(fd) != 0) {
		e = errno;
		unlink(tmp);
		st = sv_seterr(err, errsz, SV_CKPT_EIO, "%s: %s", tmp, strerror(e));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		st = sv_seterr(err, errsz, SV_CKPT_EIO, "%s: %s", path, strerror(e));
		goto out;
	}
	if (sync_dir(path) != 0) {
		e = errno;
		st = sv_seterr(err, errsz, SV_CKPT_EIO, "%s: fsync of directory: %s",
		            path, strerror(e));
		goto out;
	}
	st = SV_CKPT_OK;
out:
	free(tmp);
	free(buf);
	return st;
}

/* ---- reading ---------------------------------------------------------- */

struct cursor {
	const unsigned char *p;
	size_t n, off; /* n excludes the 8 checksum bytes once known */
	const char *name;
	char *err;
	size_t errsz;
};

static int
cerr(struct cursor *cu, int status, size_t off, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return sv_seterr(cu->err, cu->errsz, status, "%s: offset %zu: %s",
	              cu->name, off, what);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static int
need(struct cursor *cu, uint64_t k, const char *what)
{
	if (cu->off > cu->n || k > cu->n - cu->off)
		return cerr(cu, SV_CKPT_ETRUNC, cu->off,
		            "truncated: %s needs %llu bytes, %zu left", what,
		            (unsigned long long)k,
		            cu->off > cu->n ? (size_t)0 : cu->n - cu->off);
	return SV_CKPT_OK;
}

static int
rd32(struct cursor *cu, uint32_t *v, const char *what)
{
	int st = need(cu, 4, what);

	if (st)
		return st;
	*v = get32(cu->p + cu->off);
	cu->off += 4;
	return SV_CKPT_OK;
}

static int
rd64(struct cursor *cu, uint64_t *v, const char *what)
{
	int st = need(cu, 8, what);

	if (st)
		return st;
	*v = get64(cu->p + cu->off);
	cu->off += 8;
	return SV_CKPT_OK;
}

/* A length-prefixed UTF-8 string of at most max bytes; *s is malloc'ed. */
static int
rdstr(struct cursor *cu, char **s, uint32_t max, const char *what)
{
	size_t at = cu->off;
	uint32_t len;
	int st;

	if ((st = rd32(cu, &len, what)))
		return st;
	if (len > max)
		return cerr(cu, SV_CKPT_ELIMIT, at,
		            "%s: length %u over the limit %u", what, len, max);
	if ((st = need(cu, len, what)))
		return st;
	if (!utf8_ok(cu->p + cu->off, len))
		return cerr(cu, SV_CKPT_EFORMAT, cu->off,
		            "%s: not valid UTF-8 or holds a NUL byte", what);
	if (!(*s = malloc((size_t)len + 1)))
		return cerr(cu, SV_CKPT_ENOMEM, at, "out of memory");
	memcpy(*s, cu->p + cu->off, len);
	(*s)[len] = '\0';
	cu->off += len;
	return SV_CKPT_OK;
}

static int
rdtensor(struct cursor *cu, struct sv_ckpt *c, size_t i)
{
	struct sv_tensor *t = &c->t[i];
	char *name = NULL, q[256];
	uint64_t cnt = 1;
	size_t at;
	int st;

	if ((st = rdstr(cu, &name, SV_CKPT_MAXNAME, "tensor name")))
		return st;
	if (name[0] == '\0') {
		free(name);
		return cerr(cu, SV_CKPT_EFORMAT, cu->off - 4,
		            "tensor %zu: empty name", i);
	}
	memcpy(t->name, name, strlen(name) + 1);
	free(name);
	for (size_t j = 0; j < i; j++)
		if (strcmp(c->t[j].name, t->name) == 0)
			return cerr(cu, SV_CKPT_EFORMAT, cu->off,
			            "duplicate tensor name '%s'",
			            sv_escape(t->name, q, sizeof q));
	at = cu->off;
	if ((st = rd32(cu, &t->ndim, "ndim")))
		return st;
	if (t->ndim < 1 || t->ndim > SV_TENSOR_MAXDIM)
		return cerr(cu, SV_CKPT_EFORMAT, at,
		            "tensor '%s': ndim %u not in 1..%d",
		            sv_escape(t->name, q, sizeof q), t->ndim,
		            SV_TENSOR_MAXDIM);
	for (uint32_t d = 0; d < t->ndim; d++) {
		at = cu->off;
		if ((st = rd64(cu, &t->dim[d], "dimension")))
			return st;
		/* cnt <= MAXELEM (2^28) and dim <= MAXELEM: no overflow */
		if (t->dim[d] == 0 || t->dim[d] > SV_CKPT_MAXELEM ||
		    cnt * t->dim[d] > SV_CKPT_MAXELEM)
			return cerr(cu, t->dim[d] == 0 ? SV_CKPT_EFORMAT : SV_CKPT_ELIMIT, at,
			            "tensor '%s': dimension %u is %llu: %s",
			            sv_escape(t->name, q, sizeof q), d,
			            (unsigned long long)t->dim[d],
			            t->dim[d] == 0 ? "zero" :
			            "element count over the limit 268435456");
		cnt *= t->dim[d];
	}
	if ((st = need(cu, 4 * cnt, "tensor data")))
		return st;
	if (!(t->data = malloc((size_t)cnt * sizeof(float))))
		return cerr(cu, SV_CKPT_ENOMEM, cu->off, "out of memory");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(t->data, cu->p + cu->off, (size_t)cnt * 4);
#else
	for (uint64_t j = 0; j < cnt; j++) {
		uint32_t u = get32(cu->p + cu->off + 4 * j);

		memcpy(&t->data[j], &u, 4);
	}
#endif
	cu->off += (size_t)cnt * 4;
	return SV_CKPT_OK;
}

int
sv_ckpt_read_mem(const void *buf, size_t n, const char *name,
                 struct sv_ckpt *c, char *err, size_t errsz)
{
	struct cursor cu = { buf, n, 0, name ? name : "(memory)", err, errsz };
	uint32_t ver, nt;
	size_t at;
	int st;

	memset(c, 0, sizeof *c);
	if (memcmp(buf, SV_CKPT_MAGIC, n < SV_CKPT_MAGICLEN ? n : SV_CKPT_MAGICLEN) != 0)
		return cerr(&cu, SV_CKPT_EMAGIC, 0, "not a checkpoint (bad magic)");
	if (n < SV_CKPT_MAGICLEN + 4 + 8)
		return cerr(&cu, SV_CKPT_ETRUNC, n,
		            "truncated: %zu bytes, too short for a checkpoint", n);
	cu.off = SV_CKPT_MAGICLEN;
	if ((st = rd32(&cu, &ver, "version")))
		goto fail;
	if (ver != SV_CKPT_VERSION) {
		st = cerr(&cu, SV_CKPT_EVERSION, SV_CKPT_MAGICLEN,
		          "unsupported version %u (this build reads %u)", ver,
		          SV_CKPT_VERSION);
		goto fail;
	}
	/* the body ends 8 bytes before the end: the checksum */
	cu.n = n - 8;
	if ((st = rdstr(&cu, &c->model, SV_CKPT_MAXSTR, "model")) ||
	    (st = rdstr(&cu, &c->data, SV_CKPT_MAXSTR, "data")) ||
	    (st = rdstr(&cu, &c->options, SV_CKPT_MAXSTR, "options")) ||
	    (st = rd64(&cu, &c->seed, "seed")))
		goto fail;
	at = cu.off;
	if ((st = rd32(&cu, &nt, "tensor count")))
		goto fail;
	if (nt > SV_CKPT_MAXTENSOR) {
		st = cerr(&cu, SV_CKPT_ELIMIT, at,
		          "tensor count %u over the limit %u", nt, SV_CKPT_MAXTENSOR);
		goto fail;
	}
	if ((st = need(&cu, (uint64_t)nt * MIN_TENSOR_BYTES, "tensors")))
		goto fail;
	if (nt && !(c->t = calloc(nt, sizeof *c->t))) {
		st = cerr(&cu, SV_CKPT_ENOMEM, at, "out of memory");
		goto fail;
	}
	for (uint32_t i = 0; i < nt; i++) {
		st = rdtensor(&cu, c, i);
		c->ntensor = (size_t)i + 1; /* so that free sees this one */
		if (st)
			goto fail;
	}
	if (cu.off != cu.n) {
		/* bytes left before the last 8: trailing garbage or a body
		 * longer than announced */
		st = cerr(&cu, SV_CKPT_ETRAILING, cu.off,
		          "%zu bytes after the last tensor", cu.n - cu.off);
		goto fail;
	}
	{
		uint64_t want = get64((const unsigned char *)buf + cu.n);
		uint64_t got = XXH3_64bits(buf, cu.n);

		if (want != got) {
			st = cerr(&cu, SV_CKPT_ECHECKSUM, cu.n,
			          "bad checksum: stored %016llx, computed %016llx",
			          (unsigned long long)want, (unsigned long long)got);
			goto fail;
		}
	}
	return SV_CKPT_OK;
fail:
	sv_ckpt_free(c);
	return st;
}

int
sv_ckpt_read_file(const char *path, struct sv_ckpt *c, char *err,
                  size_t errsz)
{
	unsigned char *buf = NULL, *nb;
	size_t n = 0, cap = 0;
	struct stat sb;
	int fd, st, e;
	char q[1024];
	/* the path as messages show it */
	const char *name = sv_escape(path, q, sizeof q);

	memset(c, 0, sizeof *c);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		return sv_seterr(err, errsz, SV_CKPT_EIO, "%s: %s", name, strerror(e));
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		return sv_seterr(err, errsz, SV_CKPT_EIO, "%s: is a directory", name);
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		if ((uint64_t)sb.st_size > SV_CKPT_MAXBYTES) {
			close(fd);
			return sv_seterr(err, errsz, SV_CKPT_ELIMIT,
			              "%s: %lld bytes, over the limit of %llu", name,
			              (long long)sb.st_size,
			              (unsigned long long)SV_CKPT_MAXBYTES);
		}
		cap = (size_t)sb.st_size + 1;
		if (!(buf = malloc(cap))) {
			close(fd);
			return sv_seterr(err, errsz, SV_CKPT_ENOMEM, "%s: out of memory", name);
		}
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;

			if (ncap > SV_CKPT_MAXBYTES + 1)
				ncap = SV_CKPT_MAXBYTES + 1;
			if (n == ncap) {
				st = sv_seterr(err, errsz, SV_CKPT_ELIMIT,
				            "%s: over the limit of %llu bytes", name,
				            (unsigned long long)SV_CKPT_MAXBYTES);
				goto out;
			}
			if (!(nb = realloc(buf, ncap))) {
				st = sv_seterr(err, errsz, SV_CKPT_ENOMEM,
				            "%s: out of memory", name);
				goto out;
			}
			buf = nb, cap = ncap;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			st = sv_seterr(err, errsz, SV_CKPT_EIO, "%s: %s", name, strerror(e));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	st = sv_ckpt_read_mem(buf ? buf : (unsigned char *)"", n, name, c, err, errsz);
out:
	close(fd);
	free(buf);
	return st;
}

void
sv_ckpt_free(struct sv_ckpt *c)
{
	free(c->model);
	free(c->data);
	free(c->options);
	for (size_t i = 0; i < c->ntensor; i++)
		free(c->t[i].data);
	free(c->t);
	memset(c, 0, sizeof *c);
}
