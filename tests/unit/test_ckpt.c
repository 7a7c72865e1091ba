/* test_ckpt.c - checkpoint format (sv-ckpt(5)) and archive access */
#define _GNU_SOURCE
#include "tap.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "formats/ckpt.h"
#include "formats/svar.h"
#include "formats/tensor.h"
#include "base/util.h"

static char tmpdir[] = "/tmp/sv-test-ckpt.XXXXXX";

/* ---- a small checkpoint built in memory ------------------------------ */

static float w1[2 * 3], w2[4], w3[2 * 1 * 2 * 2];
static struct sv_tensor tens[3];

static void
make_ckpt(struct sv_ckpt *c)
{
	for (int i = 0; i < 6; i++)
		w1[i] = (float)i * 0.25f - 0.5f;
	for (int i = 0; i < 4; i++)
		w2[i] = 1.0f / (float)(i + 3);
	for (int i = 0; i < 8; i++)
		w3[i] = -(float)i * 1e-3f;
	w3[7] = -0.0f;
	memset(tens, 0, sizeof tens);
	strcpy(tens[0].name, "fc.w");
	tens[0].ndim = 2, tens[0].dim[0] = 2, tens[0].dim[1] = 3, tens[0].data = w1;
	strcpy(tens[1].name, "fc.b");
	tens[1].ndim = 1, tens[1].dim[0] = 4, tens[1].data = w2;
	strcpy(tens[2].name, "conv.w");
	tens[2].ndim = 4, tens[2].dim[0] = 2, tens[2].dim[1] = 1;
	tens[2].dim[2] = 2, tens[2].dim[3] = 2, tens[2].data = w3;
	memset(c, 0, sizeof *c);
	c->model = "fmnist-small";
	c->data = "fashion-mnist";
	c->options = "epochs=1 batch=128 lr=0.05 \xc3\xa9";
	c->seed = UINT64_C(18446744073709551615);
	c->ntensor = 3;
	c->t = tens;
}

static int
same_ckpt(const struct sv_ckpt *a, const struct sv_ckpt *b)
{
	if (strcmp(a->model, b->model) || strcmp(a->data, b->data) ||
	    strcmp(a->options, b->options) || a->seed != b->seed ||
	    a->ntensor != b->ntensor)
		return 0;
	for (size_t i = 0; i < a->ntensor; i++) {
		const struct sv_tensor *x = &a->t[i], *y = &b->t[i];

		if (strcmp(x->name, y->name) || x->ndim != y->ndim)
			return 0;
		for (uint32_t d = 0; d < x->ndim; d++)
			if (x->dim[d] != y->dim[d])
				return 0;
		if (memcmp(x->data, y->data, sv_tensor_count(x) * 4))
			return 0;
	}
	return 1;
}

/* Rewrite the trailing checksum after a deliberate change. */
static void
reseal(unsigned char *b, size_t n)
{
	uint64_t h = XXH3_64bits(b, n - 8);

	for (int i = 0; i < 8; i++)
		b[n - 8 + i] = (unsigned char)(h >> (8 * i));
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
test_roundtrip(void)
{
	struct sv_ckpt c, r;
	unsigned char *buf;
	size_t n;
	char err[600], path[600], hex1[33], hex2[33];
	struct stat sb;

	make_ckpt(&c);
	is_int(sv_ckpt_encode(&c, &buf, &n, err, sizeof err), SV_CKPT_OK, "encode");
	/* 8+4 + (4+12)+(4+13)+(4+29) + 8+4 + tensors + 8 */
	is_int(n, 12 + 16 + 17 + 33 + 12 + (4 + 4 + 4 + 16 + 24) +
	       (4 + 4 + 4 + 8 + 16) + (4 + 6 + 4 + 32 + 32) + 8, "encoded size");
	ok(memcmp(buf, "SVCKPT\0\0\1\0\0\0", 12) == 0, "magic and version 1 LE");
	is_int(sv_ckpt_read_mem(buf, n, "mem", &r, err, sizeof err), SV_CKPT_OK,
	       "read back: %s", err);
	ok(same_ckpt(&c, &r), "round trip keeps every field and bit");
	ok(r.t[2].data[7] == 0 && signbit(r.t[2].data[7]), "-0 kept");
	sv_tensor_hash(c.t, c.ntensor, hex1);
	sv_tensor_hash(r.t, r.ntensor, hex2);
	is_str(hex2, hex1, "weight hash survives the round trip");
	sv_ckpt_free(&r);
	ok(r.t == NULL && r.model == NULL, "free zeroes the struct");
	sv_ckpt_free(&r); /* twice is harmless */

	snprintf(path, sizeof path, "%s/rt.ckpt", tmpdir);
	is_int(sv_ckpt_write(path, &c, err, sizeof err), SV_CKPT_OK, "write file: %s", err);
	snprintf(path, sizeof path, "%s/rt.ckpt.tmp", tmpdir);
	ok(stat(path, &sb) != 0 && errno == ENOENT, "no .tmp left after a write");
	snprintf(path, sizeof path, "%s/rt.ckpt", tmpdir);
	is_int(sv_ckpt_read_file(path, &r, err, sizeof err), SV_CKPT_OK, "read file");
	ok(same_ckpt(&c, &r), "file round trip");
	sv_ckpt_free(&r);
	ok(stat(path, &sb) == 0 && (size_t)sb.st_size == n, "file holds the encoding");

	/* empty strings and no tensors are allowed */
	{
		struct sv_ckpt e = { 0 };
		unsigned char *b2;
		size_t n2;

		e.model = "";
		is_int(sv_ckpt_encode(&e, &b2, &n2, err, sizeof err), SV_CKPT_OK,
		       "encode empty checkpoint");
		is_int(n2, 12 + 12 + 8 + 4 + 8, "empty checkpoint size");
		is_int(sv_ckpt_read_mem(b2, n2, "e", &r, err, sizeof err), SV_CKPT_OK,
		       "read empty checkpoint");
		is_int(r.ntensor, 0, "no tensors");
		is_str(r.options, "", "empty options");
		sv_ckpt_free(&r);
		free(b2);
	}
	free(buf);
}

/* The files written by tests/gen_ckpt_vectors.py (python, numpy, xxhash):
 * reading them gives the hash python computed, and re-encoding what was
 * read gives the same bytes. */
static void
test_python_vectors(void)
{
	FILE *fp = fopen("tests/data/ckpt/weights.xxh128", "r");
	char *line = NULL;
	size_t cap = 0;
	int seen = 0;

	ok(fp != NULL, "open tests/data/ckpt/weights.xxh128");
	if (!fp)
		return;
	while (getline(&line, &cap, fp) > 0) {
		char name[256], want[40], hex[33], err[600];
		struct sv_ckpt c;
		unsigned char *buf, *orig;
		size_t n, on;
		FILE *f;

		if (sscanf(line, "XXH128 (%255[^)]) = %39s", name, want) != 2)
			continue;
		seen++;
		is_int(sv_ckpt_read_file(name, &c, err, sizeof err), SV_CKPT_OK,
		       "python vector %s reads: %s", name, err);
		sv_tensor_hash(c.t, c.ntensor, hex);
		is_str(hex, want, "python vector %s: weight hash", name);
		is_int(sv_ckpt_encode(&c, &buf, &n, err, sizeof err), SV_CKPT_OK,
		       "re-encode %s", name);
		f = fopen(name, "rb");
		orig = malloc(4096);
		on = f ? fread(orig, 1, 4096, f) : 0;
		if (f)
			fclose(f);
		ok(on == n && memcmp(orig, buf, n) == 0,
		   "python vector %s: our encoding is byte-identical", name);
		free(orig);
		free(buf);
		sv_ckpt_free(&c);
	}
	is_int(seen, 4, "four python vectors");
	free(line);
	fclose(fp);
}

/* Reading bytes; want a status and a substring of the message. */
static void
expect_bad(const unsigned char *b, size_t n, int want, const char *msg,
           const char *what)
{
	struct sv_ckpt c;
	char err[600] = "";
	int st = sv_ckpt_read_mem(b, n, "x.ckpt", &c, err, sizeof err);

	is_int(st, want, "%s: status %s", what, sv_ckpt_strerror(want));
	if (msg)
		ok(strstr(err, msg) != NULL, "%s: message '%s' has '%s'", what, err, msg);
	ok(c.t == NULL && c.model == NULL, "%s: nothing left allocated", what);
	if (st == SV_CKPT_OK)
		sv_ckpt_free(&c);
}

static void
test_corruption(void)
{
	struct sv_ckpt c;
	unsigned char *buf, *b;
	size_t n;
	char err[600];
	size_t ntrunc_bad = 0, nflip_ok = 0;
	/* offsets in the encoding of make_ckpt() */
	const size_t o_model = 12, o_data = 12 + 16, o_opt = 12 + 16 + 17;
	const size_t o_seed = o_opt + 33, o_nt = o_seed + 8, o_t0 = o_nt + 4;
	const size_t o_ndim0 = o_t0 + 4 + 4, o_dim0 = o_ndim0 + 4;

	make_ckpt(&c);
	sv_ckpt_encode(&c, &buf, &n, err, sizeof err);
	b = malloc(n + 16);

	/* every truncation is caught as such, never read as good */
	for (size_t k = 0; k < n; k++) {
		struct sv_ckpt r;
		int st = sv_ckpt_read_mem(buf, k, "t", &r, err, sizeof err);

		if (st != SV_CKPT_ETRUNC)
			ntrunc_bad++;
		if (st == SV_CKPT_OK)
			sv_ckpt_free(&r);
	}
	is_int(ntrunc_bad, 0, "truncated at each of %zu offsets: ETRUNC every time", n);
	expect_bad(buf, 0, SV_CKPT_ETRUNC, "offset 0: truncated", "empty input");
	expect_bad(buf, n - 1, SV_CKPT_ETRUNC, "truncated", "last byte missing");

	/* every single-bit flip is caught */
	for (size_t k = 0; k < n; k++)
		for (int bit = 0; bit < 8; bit += 3) {
			struct sv_ckpt r;

			memcpy(b, buf, n);
			b[k] ^= (unsigned char)(1u << bit);
			if (sv_ckpt_read_mem(b, n, "f", &r, err, sizeof err) == SV_CKPT_OK) {
				nflip_ok++;
				sv_ckpt_free(&r);
			}
		}
	is_int(nflip_ok, 0, "bit flips at every offset: none read as good");

	memcpy(b, buf, n);
	b[0] = 'X';
	expect_bad(b, n, SV_CKPT_EMAGIC, "x.ckpt: offset 0: not a checkpoint", "bad magic");
	expect_bad((const unsigned char *)"PK\3\4", 4, SV_CKPT_EMAGIC, "bad magic",
	           "short non-checkpoint");

	memcpy(b, buf, n);
	put32(b + 8, 2);
	reseal(b, n);
	expect_bad(b, n, SV_CKPT_EVERSION, "offset 8: unsupported version 2", "version 2");
	put32(b + 8, 0);
	reseal(b, n);
	expect_bad(b, n, SV_CKPT_EVERSION, "version 0", "version 0");

	memcpy(b, buf, n);
	b[n - 1] ^= 0xff;
	expect_bad(b, n, SV_CKPT_ECHECKSUM, "bad checksum: stored", "bad checksum");
	memcpy(b, buf, n);
	b[o_dim0 + 8 + 8 + 3] ^= 0x10; /* a data byte of fc.w */
	expect_bad(b, n, SV_CKPT_ECHECKSUM, "bad checksum", "data byte changed");

	memcpy(b, buf, n);
	memcpy(b + n, b + n - 8, 8);
	memset(b + n - 8, 0, 8);
	reseal(b, n + 8);
	expect_bad(b, n + 8, SV_CKPT_ETRAILING, "8 bytes after the last tensor",
	           "trailing bytes");

	/* huge claims: refused before any allocation */
	memcpy(b, buf, n);
	put32(b + o_model, 0xffffffffu);
	expect_bad(b, n, SV_CKPT_ELIMIT, "offset 12: model: length 4294967295 over the limit",
	           "model length 2^32-1");
	memcpy(b, buf, n);
	put32(b + o_data, 4000);
	expect_bad(b, n, SV_CKPT_ETRUNC, "data needs 4000 bytes", "data length past the end");
	memcpy(b, buf, n);
	put32(b + o_nt, 1000000);
	expect_bad(b, n, SV_CKPT_ELIMIT, "tensor count 1000000 over the limit 64",
	           "tensor count 10^6");
	memcpy(b, buf, n);
	put32(b + o_nt, 60);
	expect_bad(b, n, SV_CKPT_ETRUNC, "tensors needs", "60 tensors claimed in a small file");
	memcpy(b, buf, n);
	put64(b + o_dim0, UINT64_C(1) << 40);
	expect_bad(b, n, SV_CKPT_ELIMIT, "dimension 0 is 1099511627776", "dim 2^40");
	memcpy(b, buf, n);
	put64(b + o_dim0, UINT64_MAX);
	expect_bad(b, n, SV_CKPT_ELIMIT, "over the limit", "dim 2^64-1");
	memcpy(b, buf, n);
	put64(b + o_dim0, UINT64_C(1) << 20);
	put64(b + o_dim0 + 8, UINT64_C(1) << 20);
	expect_bad(b, n, SV_CKPT_ELIMIT, "dimension 1", "dims whose product overflows the limit");
	memcpy(b, buf, n);
	put64(b + o_dim0, UINT64_C(1) << 26);
	expect_bad(b, n, SV_CKPT_ETRUNC, "tensor data needs 805306368 bytes",
	           "2^26 x 3 floats claimed in a small file");
	memcpy(b, buf, n);
	put64(b + o_dim0, 0);
	expect_bad(b, n, SV_CKPT_EFORMAT, "is 0: zero", "zero dimension");
	memcpy(b, buf, n);
	put32(b + o_ndim0, 0);
	expect_bad(b, n, SV_CKPT_EFORMAT, "ndim 0 not in 1..4", "ndim 0");
	memcpy(b, buf, n);
	put32(b + o_ndim0, 5);
	expect_bad(b, n, SV_CKPT_EFORMAT, "ndim 5", "ndim 5");
	memcpy(b, buf, n);
	put32(b + o_t0, 64);
	expect_bad(b, n, SV_CKPT_ELIMIT, "tensor name: length 64 over the limit 63",
	           "tensor name of 64 bytes");
	memcpy(b, buf, n);
	b[o_model + 4] = 0xff;
	reseal(b, n);
	expect_bad(b, n, SV_CKPT_EFORMAT, "model: not valid UTF-8", "bad UTF-8 in model");
	memcpy(b, buf, n);
	b[o_model + 5] = 0;
	reseal(b, n);
	expect_bad(b, n, SV_CKPT_EFORMAT, "NUL", "NUL in model");
	memcpy(b, buf, n);
	b[o_opt + 4 + 27] = 0xc0; /* overlong form of 'é' */
	b[o_opt + 4 + 28] = 0xa9;
	reseal(b, n);
	expect_bad(b, n, SV_CKPT_EFORMAT, "options: not valid UTF-8", "overlong UTF-8");
	{
		/* second tensor renamed to the first's name (both 4 bytes) */
		size_t o_t1 = o_dim0 + 16 + 24;

		memcpy(b, buf, n);
		memcpy(b + o_t1 + 4, "fc.w", 4);
		reseal(b, n);
		expect_bad(b, n, SV_CKPT_EFORMAT, "duplicate tensor name 'fc.w'",
		           "duplicate tensor name");
	}
	free(b);
	free(buf);
}

static void
test_write_refusals(void)
{
	struct sv_ckpt c;
	char err[600], path[600];
	float big = 0;
	struct sv_tensor many[SV_CKPT_MAXTENSOR + 1];

	make_ckpt(&c);
	tens[1].ndim = 0;
	is_int(sv_ckpt_write("/nonexistent/x.ckpt", &c, err, sizeof err),
	       SV_CKPT_EFORMAT, "write: ndim 0 refused");
	ok(strstr(err, "ndim 0") != NULL, "write: says ndim: %s", err);
	make_ckpt(&c);
	tens[1].dim[0] = 0;
	is_int(sv_ckpt_write("x", &c, err, sizeof err), SV_CKPT_ELIMIT, "write: dim 0 refused");
	make_ckpt(&c);
	strcpy(tens[1].name, "fc.w");
	is_int(sv_ckpt_write("x", &c, err, sizeof err), SV_CKPT_EFORMAT,
	       "write: duplicate name refused");
	make_ckpt(&c);
	tens[1].name[0] = '\0';
	is_int(sv_ckpt_write("x", &c, err, sizeof err), SV_CKPT_EFORMAT,
	       "write: empty name refused");
	make_ckpt(&c);
	c.model = "\xff";
	is_int(sv_ckpt_write("x", &c, err, sizeof err), SV_CKPT_EFORMAT,
	       "write: bad UTF-8 refused");
	make_ckpt(&c);
	memset(many, 0, sizeof many);
	for (size_t i = 0; i <= SV_CKPT_MAXTENSOR; i++) {
		snprintf(many[i].name, sizeof many[i].name, "t%zu", i);
		many[i].ndim = 1, many[i].dim[0] = 1, many[i].data = &big;
	}
	c.t = many, c.ntensor = SV_CKPT_MAXTENSOR + 1;
	is_int(sv_ckpt_write("x", &c, err, sizeof err), SV_CKPT_ELIMIT,
	       "write: 65 tensors refused");
	c.ntensor = SV_CKPT_MAXTENSOR;
	snprintf(path, sizeof path, "%s/many.ckpt", tmpdir);
	is_int(sv_ckpt_write(path, &c, err, sizeof err), SV_CKPT_OK, "write: 64 tensors fine");
	make_ckpt(&c);
	is_int(sv_ckpt_write("/nonexistent/dir/x.ckpt", &c, err, sizeof err),
	       SV_CKPT_EIO, "write into a missing directory: EIO");
	ok(strstr(err, "/nonexistent/dir/x.ckpt.tmp: No such file") != NULL,
	   "names the file: %s", err);
	{
		struct sv_ckpt r;

		is_int(sv_ckpt_read_file("/nonexistent/x.ckpt", &r, err, sizeof err),
		       SV_CKPT_EIO, "read a missing file: EIO");
		is_int(sv_ckpt_read_file(tmpdir, &r, err, sizeof err), SV_CKPT_EIO,
		       "read a directory: EIO");
	}
}

/* ---- archives ---------------------------------------------------------- */

enum kind { K_FILE, K_SYMLINK, K_HARDLINK, K_FIFO, K_DIR };

/* Write a tar with one entry per (name, kind); file data is the name. */
static void
craft_tar(const char *path, const char *const *names, const enum kind *kinds,
          size_t n, int gzip)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	archive_write_open_filename(a, path);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = strlen(names[i]);

		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_perm(e, 0644);
		switch (kinds[i]) {
		case K_FILE:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, (la_int64_t)len);
			break;
		case K_SYMLINK:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, "/etc/passwd");
			break;
		case K_HARDLINK:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, "ok.txt");
			break;
		case K_FIFO:
			archive_entry_set_filetype(e, AE_IFIFO);
			break;
		case K_DIR:
			archive_entry_set_filetype(e, AE_IFDIR);
			break;
		}
		archive_write_header(a, e);
		if (kinds[i] == K_FILE)
			archive_write_data(a, names[i], len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

struct seen {
	char names[8][64];
	size_t n;
	int content_ok;
};

static int
seen_fn(const struct sv_ar_entry *e, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8)
		snprintf(s->names[s->n], 64, "%s", e->name);
	s->n++;
	/* crafted files hold their own name (before "./" stripping) */
	if (!(e->size >= strlen(e->name) &&
	      memcmp(e->buf + e->size - strlen(e->name), e->name, strlen(e->name)) == 0))
		s->content_ok = 0;
	return 0;
}

struct ar_case {
	const char *what;
	const char *names[3];
	enum kind kinds[3];
	size_t n;
	int want;
	const char *msg;
};

static void
test_archive_read(void)
{
	static const struct ar_case cases[] = {
		{ "good tar", { "ok.txt", "sub/", "sub/b.ckpt" }, { K_FILE, K_DIR, K_FILE }, 3,
		  SV_AR_OK, NULL },
		{ "leading ./ dropped", { "./ok.txt" }, { K_FILE }, 1, SV_AR_OK, NULL },
		{ "absolute path", { "ok.txt", "/etc/evil" }, { K_FILE, K_FILE }, 2,
		  SV_AR_EUNSAFE, "entry '/etc/evil': unsafe name" },
		{ "dot-dot", { "../evil" }, { K_FILE }, 1, SV_AR_EUNSAFE, "entry '../evil'" },
		{ "inner dot-dot", { "a/../../evil" }, { K_FILE }, 1, SV_AR_EUNSAFE, "unsafe" },
		{ "dot-dot directory", { "../" }, { K_DIR }, 1, SV_AR_EUNSAFE, "unsafe" },
		{ "symlink", { "link" }, { K_SYMLINK }, 1, SV_AR_ELINK, "entry 'link': is a link" },
		{ "hard link", { "ok.txt", "hl" }, { K_FILE, K_HARDLINK }, 2, SV_AR_ELINK,
		  "entry 'hl': is a link" },
		{ "fifo", { "fifo" }, { K_FIFO }, 1, SV_AR_ETYPE, "not a regular file" },
		{ "oversized entry", { "ok.txt", "this-name-is-long-so-the-entry-is-big" },
		  { K_FILE, K_FILE }, 2, SV_AR_ELIMIT,
		  "entry 'this-name-is-long-so-the-entry-is-big': 37 bytes, over the limit of 20" },
		{ "two entries with one name", { "a", "b", "a" }, { K_FILE, K_FILE, K_FILE }, 3,
		  SV_AR_EDUP, "entry 'a': given twice" },
		{ "one name, once under ./", { "a", "./a" }, { K_FILE, K_FILE }, 2,
		  SV_AR_EDUP, "entry 'a': given twice" },
		{ "a tab in a name", { "a\tb" }, { K_FILE }, 1, SV_AR_EUNSAFE,
		  "entry 'a\\tb': control character in name" },
		{ "a newline in a name", { "ok.txt", "a\nb" }, { K_FILE, K_FILE }, 2,
		  SV_AR_EUNSAFE, "entry 'a\\nb': control character in name" },
	};
	struct sv_ar_limits lim = { 20, 0, 0 };
	char path[600], err[600];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ar_case *c = &cases[i];

		for (int gz = 0; gz < 2; gz++) {
			struct seen s = { .content_ok = 1 };
			int st;

			snprintf(path, sizeof path, "%s/case%zu.tar%s", tmpdir, i, gz ? ".gz" : "");
			craft_tar(path, c->names, c->kinds, c->n, gz);
			err[0] = '\0';
			st = sv_ar_each(path, &lim, seen_fn, &s, err, sizeof err);
			is_int(st, c->want, "archive %s%s: status", c->what, gz ? " (gz)" : "");
			if (c->msg)
				ok(strstr(err, c->msg) != NULL, "archive %s: message '%s' has '%s'",
				   c->what, err, c->msg);
			ok(s.content_ok, "archive %s: contents passed intact", c->what);
		}
	}
	{
		struct seen s = { .content_ok = 1 };
		unsigned char *buf;
		size_t n;

		snprintf(path, sizeof path, "%s/case0.tar.gz", tmpdir);
		sv_ar_each(path, NULL, seen_fn, &s, err, sizeof err);
		is_int(s.n, 2, "good tar: two files, directory skipped");
		is_str(s.names[1], "sub/b.ckpt", "good tar: nested name");
		is_int(sv_ar_read_one(path, "sub/b.ckpt", NULL, &buf, &n, err, sizeof err),
		       SV_AR_OK, "read one entry");
		ok(n == 10 && memcmp(buf, "sub/b.ckpt", 10) == 0, "read one: contents");
		free(buf);
		is_int(sv_ar_read_one(path, "nope", NULL, &buf, &n, err, sizeof err),
		       SV_AR_ENOENT, "read one: missing entry");
		is_int(sv_ar_read_one(path, "../x", NULL, &buf, &n, err, sizeof err),
		       SV_AR_EUNSAFE, "read one: unsafe name refused");
		snprintf(path, sizeof path, "%s/case1.tar", tmpdir);
		s.n = 0;
		sv_ar_each(path, NULL, seen_fn, &s, err, sizeof err);
		is_str(s.names[0], "ok.txt", "leading ./ dropped from the name");
	}
	{
		/* limits on count and total */
		struct sv_ar_limits l2 = { 0, 0, 1 }, l3 = { 0, 15, 0 };
		struct seen s = { .content_ok = 1 };

		snprintf(path, sizeof path, "%s/case0.tar", tmpdir);
		is_int(sv_ar_each(path, &l2, seen_fn, &s, err, sizeof err), SV_AR_ELIMIT,
		       "more entries than max_entries");
		ok(strstr(err, "more than 1 entries") != NULL, "says so: %s", err);
		is_int(sv_ar_each(path, &l3, seen_fn, &s, err, sizeof err), SV_AR_ELIMIT,
		       "more bytes than max_total");
	}
	{
		/* not an archive at all; missing file */
		struct seen s = { .content_ok = 1 };
		FILE *f;

		snprintf(path, sizeof path, "%s/junk.tar", tmpdir);
		f = fopen(path, "w");
		fputs("this is not a tar archive, just some text\n", f);
		fclose(f);
		is_int(sv_ar_each(path, NULL, seen_fn, &s, err, sizeof err), SV_AR_EFORMAT,
		       "text file: EFORMAT");
		is_int(sv_ar_each("/nonexistent.tar", NULL, seen_fn, &s, err, sizeof err),
		       SV_AR_EIO, "missing file: EIO");
	}
}

/* Names: the rule and the escapes of messages. */
static void
test_name_rule(void)
{
	char b[64], small[8];

	ok(!sv_ar_name_ctrl("run/seed-1.ckpt") && !sv_ar_name_ctrl("caf\xc3\xa9"),
	   "names without control characters pass");
	ok(sv_ar_name_ctrl("a\tb") && sv_ar_name_ctrl("a\n") && sv_ar_name_ctrl("\x7f") &&
	   sv_ar_name_ctrl("\x01x"), "tab, newline, DEL, 0x01: control characters");
	is_str(sv_escape("a\tb\nc\rd\\e\x01" "f\x7f", b, sizeof b),
	       "a\\tb\\nc\\rd\\\\e\\x01f\\x7f", "escapes");
	is_str(sv_escape("caf\xc3\xa9", b, sizeof b), "caf\xc3\xa9", "UTF-8 kept");
	is_str(sv_escape("abcdefghij", small, sizeof small), "abcd...", "cut to fit");
	is_str(sv_escape("abcdefg", small, sizeof small), "abcdefg", "just fits");
	is_str(sv_escape("\t\t\t\t", small, sizeof small), "\\t\\t...", "cut between escapes");
	is_str(sv_escape("x", small, 1), "", "room for the NUL only");
}

static void
writefile(const char *dir, const char *name, const char *text)
{
	char p[700];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

/* A log of a streamed walk: "name:ok" or "name:STATUS" for each entry. */
struct walked {
	size_t n;
	char log[512], msgs[2048];
};

static int
walked_fn(struct sv_ar_stream *s, void *ctx)
{
	struct walked *w = ctx;
	unsigned char *buf;
	size_t n, l = strlen(w->log);
	char err[600], q[64];
	int st = sv_ar_slurp(s, &buf, &n, err, sizeof err);

	w->n++;
	snprintf(w->log + l, sizeof w->log - l, "%s%s:", l ? " " : "",
	         sv_escape(s->name, q, sizeof q));
	l = strlen(w->log);
	if (st == SV_AR_OK) {
		snprintf(w->log + l, sizeof w->log - l, "ok");
		free(buf);
	} else {
		snprintf(w->log + l, sizeof w->log - l, "%d", st);
		l = strlen(w->msgs);
		snprintf(w->msgs + l, sizeof w->msgs - l, "%s\n", err);
	}
	return 0;
}

static void
test_directory(void)
{
	char d[600], p[700], err[600];
	struct seen s = { .content_ok = 1 };

	snprintf(d, sizeof d, "%s/dir", tmpdir);
	mkdir(d, 0755);
	snprintf(p, sizeof p, "%s/z", d);
	mkdir(p, 0755);
	writefile(d, "b", "b");
	writefile(d, "a", "a");
	writefile(d, "z/c", "z/c");
	writefile(d, ".hidden", "x");
	writefile(d, "partial.ckpt.tmp", "x");
	is_int(sv_ar_each(d, NULL, seen_fn, &s, err, sizeof err), SV_AR_OK, "directory: %s", err);
	is_int(s.n, 3, "directory: three files (hidden and .tmp skipped)");
	is_str(s.names[0], "a", "directory: sorted 1");
	is_str(s.names[1], "b", "directory: sorted 2");
	is_str(s.names[2], "z/c", "directory: nested, relative name");
	ok(s.content_ok, "directory: contents");
	snprintf(p, sizeof p, "%s/link", d);
	ok(symlink("/etc/passwd", p) == 0, "make a symlink");
	s.n = 0;
	is_int(sv_ar_each(d, NULL, seen_fn, &s, err, sizeof err), SV_AR_ELINK,
	       "directory with a symlink: refused");
	ok(strstr(err, "entry 'link': is a link") != NULL, "says so: %s", err);
	{
		unsigned char *buf;
		size_t n;

		is_int(sv_ar_read_one(d, "link", NULL, &buf, &n, err, sizeof err), SV_AR_ELINK,
		       "read one: symlink in a directory refused");
		is_int(sv_ar_read_one(d, "z/c", NULL, &buf, &n, err, sizeof err), SV_AR_OK,
		       "read one from a directory");
		ok(n == 3 && memcmp(buf, "z/c", 3) == 0, "read one from a directory: contents");
		free(buf);
		is_int(sv_ar_read_one(d, "nope", NULL, &buf, &n, err, sizeof err), SV_AR_ENOENT,
		       "read one from a directory: missing");
	}
	{
		/* sv_ar_walk hands a link, a FIFO and a name with a tab in
		 * their turn, as streams whose reads fail; the rest is read */
		char f[700], t[700];
		struct walked w = { 0 };

		snprintf(f, sizeof f, "%s/b-fifo", d);
		snprintf(t, sizeof t, "%s/b\tt", d);
		ok(mkfifo(f, 0644) == 0, "make a FIFO");
		writefile(d, "b\tt", "x");
		is_int(sv_ar_walk(d, NULL, walked_fn, &w, err, sizeof err), SV_AR_OK,
		       "directory with a link, a FIFO and a tab: the walk goes on: %s", err);
		is_int((int)w.n, 6, "six entries handed over");
		is_str(w.log, "a:ok b:ok b\\tt:3 b-fifo:5 link:4 z/c:ok",
		       "each in its turn, the failures with their status");
		ok(strstr(w.msgs, "entry 'b-fifo': not a regular file") &&
		   strstr(w.msgs, "entry 'link': is a link") &&
		   strstr(w.msgs, "entry 'b\\tt': control character in name"),
		   "the failures name the entry");
		unlink(f);
		unlink(t);
	}
	unlink(p);
	{
		struct sv_ar_limits lim = { 2, 0, 0 };

		s.n = 0;
		is_int(sv_ar_each(d, &lim, seen_fn, &s, err, sizeof err), SV_AR_ELIMIT,
		       "directory: file over max_entry");
	}
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = malloc(1 << 20);

	*n = f ? fread(b, 1, 1 << 20, f) : 0;
	if (f)
		fclose(f);
	return b;
}

static void
test_archive_write(void)
{
	struct sv_ar_member m[3] = {
		{ "seed-2.ckpt", NULL, "two", 3 },
		{ "seed-10.ckpt", NULL, "ten!", 4 },
		{ "sub/seed-1.ckpt", NULL, "", 0 },
	};
	char p1[600], p2[700], p3[600], err[600];
	unsigned char *b1, *b2, *b3;
	size_t n1, n2, n3;
	struct seen s = { .content_ok = 1 };

	snprintf(p1, sizeof p1, "%s/w1.tar.gz", tmpdir);
	snprintf(p2, sizeof p2, "%s/w2.tar.gz", tmpdir);
	snprintf(p3, sizeof p3, "%s/w3.tar", tmpdir);
	is_int(sv_ar_write(p1, m, 3, err, sizeof err), SV_AR_OK, "write tar.gz: %s", err);
	sleep(1); /* a clock-dependent writer would differ now */
	{
		struct sv_ar_member r[3] = { m[2], m[0], m[1] };

		is_int(sv_ar_write(p2, r, 3, err, sizeof err), SV_AR_OK, "write again, other order");
	}
	b1 = slurp(p1, &n1);
	b2 = slurp(p2, &n2);
	ok(n1 > 20 && n1 == n2 && memcmp(b1, b2, n1) == 0, "byte-identical archives");
	ok(b1[0] == 0x1f && b1[1] == 0x8b, "gzip magic");
	ok(b1[4] == 0 && b1[5] == 0 && b1[6] == 0 && b1[7] == 0, "gzip mtime field is 0");
	ok((b1[3] & 0x08) == 0, "gzip stores no file name");
	is_int(sv_ar_write(p3, m, 3, err, sizeof err), SV_AR_OK, "write plain tar");
	b3 = slurp(p3, &n3);
	is_int(n3 % 512, 0, "plain tar: whole 512-byte records");
	ok(n3 < 10240, "plain tar: last block not padded to 10240 (%zu bytes)", n3);
	is_str((char *)b3, "seed-10.ckpt", "first entry is the smallest name");
	ok(memcmp(b3 + 136, "00000000000", 11) == 0, "ustar mtime 0");
	ok(memcmp(b3 + 108, "000000", 6) == 0 && memcmp(b3 + 116, "000000", 6) == 0,
	   "ustar uid and gid 0");
	sv_ar_each(p1, NULL, seen_fn, &s, err, sizeof err);
	is_int(s.n, 3, "read back three entries");
	is_str(s.names[0], "seed-10.ckpt", "read back sorted 1");
	is_str(s.names[2], "sub/seed-1.ckpt", "read back sorted 3");
	free(b1), free(b2), free(b3);
	{
		struct sv_ar_member bad[2] = { { "a", NULL, "x", 1 }, { "a", NULL, "y", 1 } };
		struct stat sb;

		is_int(sv_ar_write(p1, bad, 2, err, sizeof err), SV_AR_EDUP, "duplicate names refused");
		bad[1].name = "/abs";
		is_int(sv_ar_write(p1, bad, 2, err, sizeof err), SV_AR_EUNSAFE, "absolute name refused");
		bad[1].name = "x/../../y";
		is_int(sv_ar_write(p1, bad, 2, err, sizeof err), SV_AR_EUNSAFE, "'..' refused");
		bad[1].name = "b";
		is_int(sv_ar_write("out.zip", bad, 2, err, sizeof err), SV_AR_EFORMAT,
		       "unknown suffix refused");
		is_int(sv_ar_write("/nonexistent/o.tar", bad, 2, err, sizeof err), SV_AR_EIO,
		       "unwritable output: EIO");
		bad[1].path = "/nonexistent/file";
		is_int(sv_ar_write(p3, bad, 2, err, sizeof err), SV_AR_EIO, "missing member file: EIO");
		snprintf(p2, sizeof p2, "%s.tmp", p3);
		ok(stat(p2, &sb) != 0, "failed write leaves no .tmp");
	}
}

static void
test_names(void)
{
	static const struct { const char *s; int ok; } t[] = {
		{ "a", 1 }, { "a/b.ckpt", 1 }, { "a.b/..c", 1 }, { "...", 1 },
		{ "", 0 }, { "/a", 0 }, { "..", 0 }, { "a/..", 0 }, { "../a", 0 },
		{ "a//b", 0 }, { "a/", 0 }, { "./a", 0 }, { "a/./b", 0 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		is_int(sv_ar_name_ok(t[i].s), t[i].ok, "name '%s'", t[i].s);
}

int
main(void)
{
	char cmd[700];

	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_roundtrip();
	test_python_vectors();
	test_corruption();
	test_write_refusals();
	test_names();
	test_archive_read();
	test_name_rule();
	test_directory();
	test_archive_write();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
