/* test_ckptsrc.c - checkpoint sources, streams, the hash list, the
 * records comparison, the checkpoint diff and packing (lib/formats) */
#define _GNU_SOURCE
#include "tap.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "base/util.h"
#include "formats/ckpt.h"
#include "formats/ckptdiff.h"
#include "formats/ckptpack.h"
#include "formats/ckptsrc.h"
#include "formats/hashlist.h"
#include "formats/runcmp.h"
#include "formats/svar.h"
#include "formats/tensor.h"

static char tmpdir[] = "/tmp/sv-test-ckptsrc.XXXXXX";
static float wa[6], wb[6];
static struct sv_tensor ta[1], tb[1];

static void
make(struct sv_ckpt *c, struct sv_tensor *t, float *w, uint64_t seed)
{
	for (int i = 0; i < 6; i++)
		w[i] = (float)i * 0.5f;
	memset(t, 0, sizeof *t);
	strcpy(t->name, "fc.w");
	t->ndim = 2, t->dim[0] = 2, t->dim[1] = 3, t->data = w;
	memset(c, 0, sizeof *c);
	c->model = "mlp";
	c->data = "synthetic";
	c->options = "epochs=1";
	c->seed = seed;
	c->ntensor = 1;
	c->t = t;
}

static void
test_hashlist(void)
{
	const char *why = NULL;
	char *name = NULL, hex[33];
	struct sv_hashlist hl = { 0 };
	char err[300], text[] =
		"XXH128 (b) = 0123456789ABCDEF0123456789abcdef\n"
		"# comment\n\n"
		"0123456789abcdef0123456789abcdef  a\n"
		"0123456789abcdef0123456789abcdef *b\n"
		"XXH64 (c) = 0123456789abcdef\n";
	FILE *fp;
	size_t k;

	is_int(sv_hashlist_parse("XXH128 (x y) = 0123456789ABCDEF0123456789abcdef\r",
	                         &name, hex, &why), SV_HL_OK, "tag line");
	is_str(name, "x y", "tag line: name");
	is_str(hex, "0123456789abcdef0123456789abcdef", "tag line: hex lowercased");
	free(name);
	is_int(sv_hashlist_parse("0123456789abcdef0123456789abcdef  n", &name, hex, &why),
	       SV_HL_OK, "GNU line");
	free(name);
	is_int(sv_hashlist_parse("0123456789abcdef0123456789abcdeg  n", &name, hex, &why),
	       SV_HL_BAD, "a 'g' is no hex digit");
	is_str(why, "hash is not 32 hex digits", "says so");
	is_int(sv_hashlist_parse("0123456789abcdef0123456789abcdef n", &name, hex, &why),
	       SV_HL_BAD, "one space is no GNU line");
	is_int(sv_hashlist_parse("XXH128 () = 0123456789abcdef0123456789abcdef", &name,
	                         hex, &why), SV_HL_BAD, "empty name");
	is_int(sv_hashlist_parse("XXH64 (a) = 0123456789abcdef", &name, hex, &why),
	       SV_HL_BAD, "XXH64 refused");
	ok(sv_is_hex32("0123456789abcdef0123456789ABCDEF", 32) &&
	   !sv_is_hex32("0123456789abcdef0123456789ABCDE", 31), "sv_is_hex32");
	fp = fmemopen(text, strlen(text), "r");
	is_int(sv_hashlist_read(fp, "list", &hl, err, sizeof err), SV_EXIT_OK,
	       "read a list: %s", err);
	fclose(fp);
	is_int(hl.n, 3, "three hash lines");
	is_int(hl.nbadline, 1, "one bad line");
	is_int(sv_hashlist_find(&hl, "b", &k), 2, "b listed twice");
	ok(strcmp(hl.v[hl.order[k]].name, "b") == 0, "found at its place");
	is_int(sv_hashlist_find(&hl, "c", &k), 0, "c not listed");
	sv_hashlist_free(&hl);
	fp = fmemopen("# nothing\n", 10, "r");
	is_int(sv_hashlist_read(fp, "list", &hl, err, sizeof err), SV_EXIT_USAGE,
	       "a list without hashes is bad input");
	ok(strstr(err, "no properly formatted hash lines") != NULL, "says so: %s", err);
	fclose(fp);
	sv_hashlist_free(&hl);
}

struct seen {
	char what[8][40];
	size_t n;
};

static void
note(const struct sv_run_diff *d, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8)
		snprintf(s->what[s->n], 40, "%llu %s", (unsigned long long)d->seed,
		         d->what);
	s->n++;
}

static void
test_runcmp(void)
{
	static char a[] = "#seed\thash\tinit_hash\n"
		"1\t11111111111111111111111111111111\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"2\t22222222222222222222222222222222\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"3\t33333333333333333333333333333333\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"4\t44444444444444444444444444444444\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
	static char b[] = "#seed\thash\tinit_hash\n"
		"5\t55555555555555555555555555555555\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"3\t33333333333333333333333333333333\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
		"2\t22222222222222222222222222222229\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"1\t11111111111111111111111111111111\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n";
	static char dup[] = "#seed\thash\n1\t11111111111111111111111111111111\n"
		"1\t11111111111111111111111111111111\n";
	static char bad[] = "#seed\thash\n1\txyz\n";
	struct sv_runs r = { 0 };
	struct seen s = { 0 };
	size_t nseed, ndiff;
	char err[300];
	FILE *fa = fmemopen(a, strlen(a), "r"), *fb = fmemopen(b, strlen(b), "r");

	is_int(sv_runs_read(fa, "a", 0, &r, err, sizeof err), SV_EXIT_OK, "read a");
	is_int(sv_runs_read(fb, "b", 1, &r, err, sizeof err), SV_EXIT_OK, "read b");
	fclose(fa);
	fclose(fb);
	is_int(sv_runs_sort(&r, err, sizeof err), SV_EXIT_OK, "sort");
	sv_runs_compare(&r, note, &s, &nseed, &ndiff);
	is_int(nseed, 5, "five seeds");
	is_int(ndiff, 4, "four differ (upper-case hex is the same hash)");
	is_str(s.what[3], "5 only_b", "seed 5: only in b");
	is_str(s.what[0], "1 init", "seed 1: init");
	is_str(s.what[1], "2 train", "seed 2: train");
	is_str(s.what[2], "4 only_a", "seed 4: only in a");
	sv_runs_free(&r);
	fa = fmemopen(dup, strlen(dup), "r");
	is_int(sv_runs_read(fa, "d", 0, &r, err, sizeof err), SV_EXIT_OK, "read dup");
	fclose(fa);
	is_int(sv_runs_sort(&r, err, sizeof err), SV_EXIT_USAGE, "a seed twice refused");
	is_str(err, "d:3: seed 1 appears twice", "names file and line");
	sv_runs_free(&r);
	fa = fmemopen(bad, strlen(bad), "r");
	is_int(sv_runs_read(fa, "x", 0, &r, err, sizeof err), SV_EXIT_USAGE, "bad hash");
	is_str(err, "x:2: field 'hash': not 32 hex digits: 'xyz'", "says so");
	fclose(fa);
	sv_runs_free(&r);
}

static void
test_ckptdiff(void)
{
	struct sv_ckpt a, b;
	struct sv_ckpt_cmp d;
	char sh[32];

	make(&a, ta, wa, 1);
	make(&b, tb, wb, 1);
	sv_ckpt_compare(&a, &b, &d);
	ok(!d.differ && d.first == -1 && d.ncmp == 1 && d.t[0].ndiff == 0,
	   "same checkpoints: no difference");
	sv_ckpt_cmp_free(&d);
	wb[2] = -0.0f * wb[2] + 1.5f;    /* was 1.0 */
	wb[4] = nextafterf(wb[4], 10.0f);
	b.seed = 2;
	sv_ckpt_compare(&a, &b, &d);
	ok(d.differ && d.seed_differs && !d.meta_differs[0], "seed differs");
	is_int(d.first, 0, "first differing tensor");
	is_int(d.t[0].ndiff, 2, "two elements differ");
	is_int(d.t[0].first, 2, "first at index 2");
	is_near(d.t[0].max_abs, 0.5, 0, "largest difference 0.5");
	sv_ckpt_cmp_free(&d);
	wb[2] = wa[2], wb[4] = wa[4];
	wb[0] = -0.0f;
	sv_ckpt_compare(&a, &b, &d);
	is_int(d.t[0].ndiff, 1, "-0 differs from +0 by its bits");
	sv_ckpt_cmp_free(&d);
	tb[0].dim[0] = 3, tb[0].dim[1] = 2;
	sv_ckpt_compare(&a, &b, &d);
	ok(d.mismatch == 0 && d.ncmp == 0, "other shape: not compared by value");
	sv_tensor_shape(sh, sizeof sh, &tb[0]);
	is_str(sh, "3x2", "shape string");
	sv_ckpt_cmp_free(&d);
}

struct items {
	char names[8][200];
	char hex[8][33];
	size_t n;
	int bad;
};

static int
item_fn(const struct sv_src_item *it, void *ctx)
{
	struct items *s = ctx;
	char err[600];

	if (s->n < 8) {
		snprintf(s->names[s->n], 200, "%s", it->entry ? it->entry : "(file)");
		if (sv_src_hash_weights(it->s, it->name, s->hex[s->n], err, sizeof err))
			s->bad++;
	}
	s->n++;
	return 0;
}

static void
test_sources(void)
{
	struct sv_ckpt c;
	struct items s = { 0 };
	char p[600], q[600], dir[400], err[600], want[33], hex[33], cmd[2000];
	unsigned char *buf;
	size_t n;
	struct sv_ar_limits lim = { 0 };

	make(&c, ta, wa, 7);
	sv_tensor_hash(c.t, c.ntensor, want);
	snprintf(dir, sizeof dir, "%s/d", tmpdir);
	mkdir(dir, 0755);
	snprintf(p, sizeof p, "%s/a.ckpt", dir);
	is_int(sv_ckpt_write(p, &c, err, sizeof err), SV_CKPT_OK, "write: %s", err);
	snprintf(q, sizeof q, "%s/b.ckpt", dir);
	is_int(sv_ckpt_write(q, &c, err, sizeof err), SV_CKPT_OK, "write: %s", err);
	snprintf(cmd, sizeof cmd, "echo hello > '%s/notes.txt'", dir);
	ok(system(cmd) == 0, "a file that is no checkpoint");

	is_int(sv_src_each(p, 0, NULL, item_fn, &s, err, sizeof err), SV_AR_OK,
	       "a checkpoint file: %s", err);
	ok(s.n == 1 && !s.bad && strcmp(s.hex[0], want) == 0 &&
	   strcmp(s.names[0], "(file)") == 0, "one item, its weight hash");
	memset(&s, 0, sizeof s);
	is_int(sv_src_each(dir, SV_SRC_CKPT_ONLY, NULL, item_fn, &s, err, sizeof err),
	       SV_AR_OK, "a directory: %s", err);
	ok(s.n == 2 && !s.bad && strcmp(s.names[1], "b.ckpt") == 0,
	   "two checkpoints, the text file skipped");
	memset(&s, 0, sizeof s);
	sv_src_each(dir, 0, NULL, item_fn, &s, err, sizeof err);
	ok(s.n == 3 && s.bad == 1, "without SV_SRC_CKPT_ONLY the text file is an item");

	/* an archive, from a file and through a pipe */
	{
		char *files[2] = { p, q };

		snprintf(q, sizeof q, "%s/r.tar.gz", tmpdir);
		is_int(sv_ckpt_pack(q, files, 1, err, sizeof err), SV_EXIT_OK, "pack: %s", err);
		files[1] = p;
		snprintf(cmd, sizeof cmd, "%s/r2.tar", tmpdir);
		is_int(sv_ckpt_pack(cmd, files, 2, err, sizeof err), SV_EXIT_USAGE,
		       "pack: one name twice refused");
		snprintf(cmd, sizeof cmd, "%s/notes.txt", dir);
		files[0] = cmd;
		snprintf(err, sizeof err, "%s/r3.tar", tmpdir);
		is_int(sv_ckpt_pack(err, files, 1, err, sizeof err), SV_EXIT_USAGE,
		       "pack: a file that is no checkpoint refused");
	}
	memset(&s, 0, sizeof s);
	is_int(sv_src_each(q, 0, NULL, item_fn, &s, err, sizeof err), SV_AR_OK,
	       "an archive: %s", err);
	ok(s.n == 1 && strcmp(s.names[0], "a.ckpt") == 0 && strcmp(s.hex[0], want) == 0,
	   "its entry, its weight hash");
	{
		/* a FIFO is opened once */
		char fifo[600];

		snprintf(fifo, sizeof fifo, "%s/fifo", tmpdir);
		ok(mkfifo(fifo, 0600) == 0, "mkfifo");
		snprintf(cmd, sizeof cmd, "cat '%s' > '%s' &", q, fifo);
		ok(system(cmd) == 0, "feed the archive into the FIFO");
		memset(&s, 0, sizeof s);
		is_int(sv_src_each(fifo, 0, NULL, item_fn, &s, err, sizeof err), SV_AR_OK,
		       "an archive through a FIFO: %s", err);
		ok(s.n == 1 && strcmp(s.hex[0], want) == 0, "its entry through the FIFO");
		snprintf(cmd, sizeof cmd, "cat '%s' > '%s' &", p, fifo);
		ok(system(cmd) == 0, "feed a checkpoint into the FIFO");
		memset(&s, 0, sizeof s);
		is_int(sv_src_each(fifo, 0, NULL, item_fn, &s, err, sizeof err), SV_AR_OK,
		       "a checkpoint through a FIFO: %s", err);
		ok(s.n == 1 && strcmp(s.hex[0], want) == 0, "its weight hash");
	}
	is_int(sv_src_each("/nonexistent/x", 0, NULL, item_fn, &s, err, sizeof err),
	       SV_AR_EIO, "a missing path");
	is_int(sv_ar_exit(SV_AR_EIO), SV_EXIT_USAGE, "is bad input (exit 2)");
	snprintf(cmd, sizeof cmd, "%s/notes.txt", dir);
	is_int(sv_src_each(cmd, 0, NULL, item_fn, &s, err, sizeof err), SV_AR_EFORMAT,
	       "a text file");
	ok(strstr(err, "neither a checkpoint nor a tar archive") != NULL, "says so: %s", err);

	/* raw hash streamed, equal to the one-shot hash; limit before reading */
	{
		struct sv_ar_stream st;
		XXH128_canonical_t cn;
		char h2[33];

		ok(sv_ar_open(p, 0, 0, &st, err, sizeof err) == SV_AR_OK &&
		   sv_ar_slurp(&st, &buf, &n, err, sizeof err) == SV_AR_OK, "slurp");
		sv_ar_close(&st);
		XXH128_canonicalFromHash(&cn, XXH3_128bits(buf, n));
		for (int i = 0; i < 16; i++)
			snprintf(h2 + 2 * i, 3, "%02x", cn.digest[i]);
		free(buf);
		ok(sv_ar_open(p, 0, 0, &st, err, sizeof err) == SV_AR_OK, "open");
		is_int(sv_src_hash_raw(&st, hex, err, sizeof err), SV_EXIT_OK, "raw hash");
		sv_ar_close(&st);
		is_str(hex, h2, "streamed raw hash equals XXH3_128bits");
		ok(sv_ar_open(p, 0, 10, &st, err, sizeof err) == SV_AR_OK, "open, limit 10");
		is_int(sv_src_hash_raw(&st, hex, err, sizeof err), SV_EXIT_USAGE,
		       "over the limit: refused");
		is_int(st.done, 0, "before reading a byte");
		ok(sv_ar_slurp(&st, &buf, &n, err, sizeof err) == SV_AR_ELIMIT,
		   "slurp refuses it too");
		sv_ar_close(&st);
		lim.max_entry = 10;
		memset(&s, 0, sizeof s);
		sv_src_each(p, 0, &lim, item_fn, &s, err, sizeof err);
		is_int(s.bad, 1, "a checkpoint over max_entry is not read");
	}
	/* gzip CRC-32 */
	{
		struct sv_ar_stream st;
		FILE *f;
		long sz;
		int r;

		snprintf(p, sizeof p, "%s/x.gz", tmpdir);
		snprintf(cmd, sizeof cmd, "seq 1 1000 | gzip -n > '%s'", p);
		ok(system(cmd) == 0, "gzip a file");
		ok(sv_ar_open(p, SV_AR_DECOMPRESS, 0, &st, err, sizeof err) == SV_AR_OK &&
		   sv_ar_slurp(&st, &buf, &n, err, sizeof err) == SV_AR_OK,
		   "decompressed: %s", err);
		ok(n == 3893 && memcmp(buf, "1\n2\n", 4) == 0, "decompressed contents");
		free(buf);
		sv_ar_close(&st);
		f = fopen(p, "r+b");
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		fseek(f, sz - 8, SEEK_SET);
		r = fgetc(f);
		fseek(f, sz - 8, SEEK_SET);
		fputc(r ^ 1, f);
		fclose(f);
		ok(sv_ar_open(p, SV_AR_DECOMPRESS, 0, &st, err, sizeof err) == SV_AR_OK,
		   "open the corrupted file");
		is_int(sv_ar_slurp(&st, &buf, &n, err, sizeof err), SV_AR_EFORMAT,
		       "a CRC-32 that does not match is refused");
		ok(strstr(err, "CRC-32 does not match") != NULL, "says so: %s", err);
		sv_ar_close(&st);
	}
}

int
main(void)
{
	char cmd[700];

	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_hashlist();
	test_runcmp();
	test_ckptdiff();
	test_sources();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
