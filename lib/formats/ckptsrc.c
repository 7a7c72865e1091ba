/* ckptsrc.c - checkpoint sources: a file, standard input, a directory or
 * a tar archive of checkpoints, walked one way by every tool */
#define _GNU_SOURCE /* asprintf */
#include "ckptsrc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "base/util.h"
#include "tensor.h"
#include "xxh3_avx2.h"

/* The walk's state, handed to the svar callbacks. */
struct walk {
	unsigned flags;
	const char *prefix;   /* "DIR/" in a directory, "" in an archive */
	sv_src_fn fn;
	void *ctx;
	int st;               /* an error of the walk itself */
	unsigned long items;  /* handed to fn */
	char *err;
	size_t errsz;
};

static int
entry_fn(struct sv_ar_stream *s, void *ctx)
{
	struct walk *w = ctx;
	struct sv_src_item it;
	char *name;
	int r;

	/* an entry that cannot be read (a link or FIFO in a directory ...)
	 * goes to the callback, which reports it, and the walk goes on */
	if ((w->flags & SV_SRC_CKPT_ONLY) && !s->fail) {
		const unsigned char *p;
		size_t got;

		if ((w->st = sv_ar_peek(s, SV_CKPT_MAGICLEN, &p, &got, w->err,
		                        w->errsz)) != SV_AR_OK)
			return -1;
		if (got < SV_CKPT_MAGICLEN ||
		    memcmp(p, SV_CKPT_MAGIC, SV_CKPT_MAGICLEN) != 0)
			return 0;
	}
	if (asprintf(&name, "%s%s", w->prefix, s->name) < 0) {
		w->st = sv_seterr(w->err, w->errsz, SV_AR_ENOMEM, "out of memory");
		return -1;
	}
	it.name = name;
	it.entry = s->name;
	it.s = s;
	w->items++;
	r = w->fn(&it, w->ctx);
	free(name);
	return r < 0 ? -1 : 0;
}

/* The status of a walk: the walk's own error, else svar's; a directory
 * or archive that held no checkpoint is bad input (a wrong path, or a
 * run that saved nothing), not an empty success. */
static int
walk_status(const struct walk *w, int st, const char *path, const char *what)
{
	char q[1024];

	if (st == SV_AR_OK && w->items == 0)
		return sv_seterr(w->err, w->errsz, SV_AR_EFORMAT,
		                 "%s: no %s in this %s",
		                 sv_escape(path, q, sizeof q),
		                 w->flags & SV_SRC_RAW ? "file" : "checkpoint", what);
	return st == SV_AR_ECALLBACK && w->st != SV_AR_OK ? w->st : st;
}

int
sv_src_each(const char *path, unsigned flags,
            const struct sv_ar_limits *lim, sv_src_fn fn, void *ctx,
            char *err, size_t errsz)
{
	struct walk w = { flags, "", fn, ctx, SV_AR_OK, 0, err, errsz };
	uint64_t max = lim && lim->max_entry ? lim->max_entry : SV_AR_MAX_ENTRY;
	struct sv_ar_stream s;
	struct sv_src_item it;
	struct stat sb;
	const unsigned char *p;
	char q[1024];
	size_t got;
	int st;

	if (sv_ar_name_ctrl(path))
		return sv_seterr(err, errsz, SV_AR_EUNSAFE,
		                 "%s: control character in name",
		                 sv_escape(path, q, sizeof q));
	if (strcmp(path, "-") != 0) {
		if (stat(path, &sb) != 0) {
			int e = errno;

			return sv_seterr(err, errsz, SV_AR_EIO, "%s: %s",
			                 sv_escape(path, q, sizeof q), strerror(e));
		}
		if (S_ISDIR(sb.st_mode)) {
			size_t l = strlen(path);
			char *pre;

			if (asprintf(&pre, "%s%s", path,
			             l && path[l - 1] == '/' ? "" : "/") < 0)
				return sv_seterr(err, errsz, SV_AR_ENOMEM,
				                 "out of memory");
			w.prefix = pre;
			st = sv_ar_walk(path, lim, entry_fn, &w, err, errsz);
			free(pre);
			return walk_status(&w, st, path, "directory");
		}
	}
	/* one open file: a checkpoint, a raw file or an archive */
	if ((st = sv_ar_open(path, 0, UINT64_MAX, &s, err, errsz)) != SV_AR_OK)
		return st;
	if (!(flags & SV_SRC_RAW) && strcmp(path, "-") != 0) {
		if ((st = sv_ar_peek(&s, SV_CKPT_MAGICLEN, &p, &got, err, errsz))
		    != SV_AR_OK) {
			sv_ar_close(&s);
			return st;
		}
		if (got < SV_CKPT_MAGICLEN ||
		    memcmp(p, SV_CKPT_MAGIC, SV_CKPT_MAGICLEN) != 0) {
			st = sv_ar_walk_stream(&s, path, lim, entry_fn, &w, err, errsz);
			sv_ar_close(&s);
			if (st == SV_AR_EFORMAT)
				return sv_seterr(err, errsz, SV_AR_EFORMAT,
				                 "%s: neither a checkpoint nor a tar "
				                 "archive", sv_escape(path, q, sizeof q));
			return walk_status(&w, st, path, "archive");
		}
	}
	s.max = max;
	it.name = s.name;
	it.entry = NULL;
	it.s = &s;
	st = fn(&it, ctx) < 0 ? SV_AR_ECALLBACK : SV_AR_OK;
	sv_ar_close(&s);
	return st;
}

int
sv_src_read_ckpt(struct sv_ar_stream *s, const char *name, struct sv_ckpt *c,
                 char *err, size_t errsz)
{
	unsigned char *buf;
	char w[1100];
	size_t n;
	int st;

	memset(c, 0, sizeof *c);
	if ((st = sv_ar_slurp(s, &buf, &n, err, errsz)) != SV_AR_OK)
		return sv_ar_exit(st);
	/* an entry is named with its archive or directory */
	if (s->where)
		sv_ar_where(s, w, sizeof w);
	else
		sv_escape(name, w, sizeof w);
	st = sv_ckpt_read_mem(buf, n, w, c, err, errsz);
	free(buf);
	if (st == SV_CKPT_OK)
		return SV_EXIT_OK;
	return st == SV_CKPT_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE;
}

/* 64 KiB pieces: the buffer stays in the L2 cache between read(2) and
 * the hash (256 KiB pieces were 2-3 times slower in the kernel's copy). */
#define HASH_CHUNK ((size_t)1 << 16)

struct rawread {
	struct sv_ar_stream *s;
	char *err;
	size_t errsz;
};

static int
raw_read(void *ctx, void *buf, size_t n, size_t *got)
{
	struct rawread *r = ctx;

	return sv_ar_read(r->s, buf, n, got, r->err, r->errsz);
}

/* The same with the shared libxxhash (any CPU). */
static int
xxh128_lib(sv_xxh_read_fn rd, void *ctx, unsigned char *buf, size_t bufsz,
           unsigned char digest[16])
{
	XXH3_state_t *h = XXH3_createState();
	XXH128_canonical_t c;
	int r;

	if (!h)
		return SV_AR_ENOMEM;
	XXH3_128bits_reset(h);
	for (;;) {
		size_t got;

		if ((r = rd(ctx, buf, bufsz, &got)) != 0 || got == 0)
			break;
		XXH3_128bits_update(h, buf, got);
	}
	if (r == 0) {
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h));
		memcpy(digest, c.digest, 16);
	}
	XXH3_freeState(h);
	return r;
}

int
sv_src_hash_raw(struct sv_ar_stream *s, char hex[33], char *err, size_t errsz)
{
	struct rawread rr = { s, err, errsz };
	unsigned char *buf, digest[16];
	int st;

	if (s->size != SV_AR_SIZE_UNKNOWN && s->size > s->max) {
		char w[1100];

		sv_ar_where(s, w, sizeof w);
		return sv_seterr(err, errsz, SV_EXIT_USAGE,
		                 "%s: %llu bytes, over the limit of %llu", w,
		                 (unsigned long long)s->size,
		                 (unsigned long long)s->max);
	}
	if (!(buf = malloc(HASH_CHUNK)))
		return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: out of memory",
		                 s->name);
	if (__builtin_cpu_supports("avx2"))
		st = sv_xxh128_avx2(raw_read, &rr, buf, HASH_CHUNK, digest);
	else
		st = xxh128_lib(raw_read, &rr, buf, HASH_CHUNK, digest);
	free(buf);
	if (st == SV_AR_ENOMEM && !err[0])
		sv_seterr(err, errsz, st, "%s: out of memory", s->name);
	if (st == SV_AR_OK)
		for (int i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return sv_ar_exit(st);
}

int
sv_src_hash_weights(struct sv_ar_stream *s, const char *name, char hex[33],
                    char *err, size_t errsz)
{
	struct sv_ckpt c;
	int st = sv_src_read_ckpt(s, name, &c, err, errsz);

	if (st != SV_EXIT_OK)
		return st;
	sv_tensor_hash(c.t, c.ntensor, hex);
	sv_ckpt_free(&c);
	return SV_EXIT_OK;
}
