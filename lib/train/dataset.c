/* dataset.c - the datasets sv-train can use (one table) */
#include <xxhash.h>

#include "dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "idx.h"
#include "kernels/philox.h"
#include "base/util.h"
#include "formats/svar.h"

#define IDX_LIMIT ((size_t)256 << 20) /* no IDX file here is larger */

static int
load_idx_pair(struct sv_split *s, const char *dir, const char *stem,
              char *err, size_t errsz)
{
	struct sv_idx im, lb;
	char *p = NULL;
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		const char *kind = pass ? "labels-idx1-ubyte" : "images-idx3-ubyte";
		size_t len = strlen(dir) + strlen(stem) + strlen(kind) + 8;
		struct stat st;

		p = sv_realloc(p, len);
		snprintf(p, len, "%s/%s-%s.gz", dir, stem, kind);
		int missing = 0;

		if (stat(p, &st) != 0) { /* also accept the unzipped file */
			p[strlen(p) - 3] = '\0';
			missing = stat(p, &st) != 0;
		}
		rc = sv_idx_read(p, pass ? 1 : 3, IDX_LIMIT, pass ? &lb : &im,
		                 err, errsz);
		if (rc) {
			if (missing) /* name the .gz we looked for */
				snprintf(err, errsz, "%s/%s-%s.gz: no such file",
				         dir, stem, kind);
			if (pass)
				sv_idx_free(&im);
			free(p);
			return rc;
		}
	}
	if (lb.dim[0] != im.dim[0]) {
		snprintf(err, errsz, "%s: %u labels for %u images", p,
		         lb.dim[0], im.dim[0]);
		sv_idx_free(&im);
		sv_idx_free(&lb);
		free(p);
		return 2;
	}
	for (uint32_t i = 0; i < lb.dim[0]; i++)
		if (lb.data[i] > 9) {
			snprintf(err, errsz, "%s: offset %u: label %u is not "
			         "0..9", p, 8 + i, lb.data[i]);
			sv_idx_free(&im);
			sv_idx_free(&lb);
			free(p);
			return 2;
		}
	free(p);
	s->n = im.dim[0];
	s->h = im.dim[1];
	s->w = im.dim[2];
	s->c = 1;
	s->x = im.data;
	s->y = lb.data;
	return 0;
}

static int
load_mnist_like(struct sv_dataset *d, const char *path, char *err,
                size_t errsz)
{
	int rc = load_idx_pair(&d->train, path, "train", err, errsz);

	if (rc == 0)
		rc = load_idx_pair(&d->test, path, "t10k", err, errsz);
	if (rc == 0 && (d->train.h != d->test.h || d->train.w != d->test.w)) {
		snprintf(err, errsz, "%s: train images are %ux%u, test images "
		         "%ux%u", path, d->train.h, d->train.w, d->test.h,
		         d->test.w);
		rc = 2;
	}
	d->nclass = 10;
	return rc;
}

static int
load_fmnist(struct sv_dataset *d, const char *path, char *err, size_t errsz)
{
	int rc = load_mnist_like(d, path, err, errsz);

	if (rc == 3) {
		size_t n = strlen(err);

		snprintf(err + n, errsz - n, " (install the Debian package "
		         "dataset-fashion-mnist, or give --data "
		         "fashion-mnist:DIR)");
	}
	d->mean[0] = 0.2860f;
	d->std[0] = 0.3530f;
	return rc;
}

static int
load_mnist(struct sv_dataset *d, const char *path, char *err, size_t errsz)
{
	d->mean[0] = 0.1307f;
	d->std[0] = 0.3081f;
	return load_mnist_like(d, path, err, errsz);
}

/* --- CIFAR-10 binary: records of 1 label byte + 3072 pixel bytes
 * (R plane, G plane, B plane, 32x32 each), 10000 records a batch file. */
#define CIFAR_REC 3073
#define CIFAR_PER_BATCH 10000
#define CIFAR_BATCH_BYTES ((size_t)CIFAR_REC * CIFAR_PER_BATCH)

/* Which batch an entry name is: 0..4 for data_batch_1..5, 5 for the
 * test batch, -1 otherwise. */
static int
cifar_batch_index(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	if (strcmp(base, "test_batch.bin") == 0)
		return 5;
	if (strncmp(base, "data_batch_", 11) == 0 && base[11] >= '1' &&
	    base[11] <= '5' && strcmp(base + 12, ".bin") == 0)
		return base[11] - '1';
	return -1;
}

static int
cifar_take(struct sv_dataset *d, int b, const uint8_t *buf, size_t len,
           const char *where, char *err, size_t errsz)
{
	struct sv_split *s = b == 5 ? &d->test : &d->train;
	uint32_t base = b == 5 ? 0 : (uint32_t)b * CIFAR_PER_BATCH;

	if (len != CIFAR_BATCH_BYTES) {
		snprintf(err, errsz, "%s: offset %zu: a batch has %zu bytes, "
		         "this one %zu", where, len < CIFAR_BATCH_BYTES ? len
		         : CIFAR_BATCH_BYTES, CIFAR_BATCH_BYTES, len);
		return 2;
	}
	for (uint32_t i = 0; i < CIFAR_PER_BATCH; i++) {
		const uint8_t *r = buf + (size_t)i * CIFAR_REC;
		uint8_t *x = s->x + (size_t)(base + i) * 3072;

		if (r[0] > 9) {
			snprintf(err, errsz, "%s: offset %zu: label %u is not "
			         "0..9", where, (size_t)i * CIFAR_REC, r[0]);
			return 2;
		}
		s->y[base + i] = r[0];
		for (int p = 0; p < 1024; p++)
			for (int c = 0; c < 3; c++)
				x[p * 3 + c] = r[1 + c * 1024 + p];
	}
	return 0;
}

/* Reading the batches of a tarball: one entry at a time, through the
 * archive layer (formats/svar.h) and its limits. */
struct cifar_tar {
	struct sv_dataset *d;
	const char *path;
	uint8_t *buf;      /* CIFAR_BATCH_BYTES */
	int *seen;
	int rc;
	char *err;
	size_t errsz;
};

static int
cifar_entry(struct sv_ar_stream *s, void *ctx)
{
	struct cifar_tar *t = ctx;
	int b = cifar_batch_index(s->name);
	size_t len = 0;
	char where[4200], qp[2048], qn[2048];

	if (b < 0)
		return 0;
	sv_escape(t->path, qp, sizeof qp);
	sv_escape(s->name, qn, sizeof qn);
	if (s->size != (uint64_t)CIFAR_BATCH_BYTES) {
		t->rc = sv_seterr(t->err, t->errsz, SV_EXIT_USAGE, "%s: %s: entry "
		                  "of %lld bytes, a batch has %zu", qp, qn,
		                  s->size == SV_AR_SIZE_UNKNOWN ? -1LL :
		                  (long long)s->size, CIFAR_BATCH_BYTES);
		return -1;
	}
	while (len < CIFAR_BATCH_BYTES) {
		size_t got;
		char e[1200];
		int st = sv_ar_read(s, t->buf + len, CIFAR_BATCH_BYTES - len, &got,
		                    e, sizeof e);

		if (st != SV_AR_OK) {
			t->rc = sv_seterr(t->err, t->errsz, sv_ar_exit(st), "%s", e);
			return -1;
		}
		if (got == 0)
			break;
		len += got;
	}
	snprintf(where, sizeof where, "%s: %s", qp, qn);
	t->rc = cifar_take(t->d, b, t->buf, len, where, t->err, t->errsz);
	t->seen[b] = 1;
	return t->rc ? -1 : 0;
}

static int
load_cifar10(struct sv_dataset *d, const char *path, char *err, size_t errsz)
{
	struct stat st;
	int seen[6] = { 0 }, rc = 0;
	uint8_t *buf = sv_malloc(CIFAR_BATCH_BYTES);
	char qp[2048];

	sv_escape(path, qp, sizeof qp); /* for messages */
	d->nclass = 10;
	d->mean[0] = 0.4914f, d->mean[1] = 0.4822f, d->mean[2] = 0.4465f;
	d->std[0] = 0.2023f, d->std[1] = 0.1994f, d->std[2] = 0.2010f;
	d->train = (struct sv_split){ 5 * CIFAR_PER_BATCH, 32, 32, 3, NULL, NULL };
	d->test = (struct sv_split){ CIFAR_PER_BATCH, 32, 32, 3, NULL, NULL };
	d->train.x = sv_malloc((size_t)d->train.n * 3072);
	d->train.y = sv_malloc(d->train.n);
	d->test.x = sv_malloc((size_t)d->test.n * 3072);
	d->test.y = sv_malloc(d->test.n);
	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "%s: %s (give the cifar-10-batches-bin "
		         "folder or cifar-10-binary.tar.gz)", qp,
		         strerror(errno));
		free(buf);
		return 3;
	}
	if (S_ISDIR(st.st_mode)) {
		for (int b = 0; b < 6 && rc == 0; b++) {
			char f[4096];
			uint8_t *fb;
			size_t len;

			if (b == 5)
				snprintf(f, sizeof f, "%s/test_batch.bin", path);
			else
				snprintf(f, sizeof f, "%s/data_batch_%d.bin",
				         path, b + 1);
			rc = sv_read_decompressed(f, CIFAR_BATCH_BYTES, &fb,
			                          &len, err, errsz);
			if (rc == 0) {
				rc = cifar_take(d, b, fb, len, f, err, errsz);
				seen[b] = 1;
				free(fb);
			}
		}
	} else {
		struct cifar_tar t = { d, path, buf, seen, SV_EXIT_OK, err, errsz };
		char e[1200];
		int ws = sv_ar_walk(path, NULL, cifar_entry, &t, e, sizeof e);

		if (ws == SV_AR_ECALLBACK)
			rc = t.rc;
		else if (ws != SV_AR_OK)
			rc = sv_seterr(err, errsz, sv_ar_exit(ws), "%s: not a readable "
			               "tar archive: %s", qp, e);
	}
	free(buf);
	for (int b = 0; b < 6 && rc == 0; b++)
		if (!seen[b]) {
			snprintf(err, errsz, "%s: no %s%s", qp,
			         b == 5 ? "test_batch.bin" : "data_batch_",
			         b == 5 ? "" : (const char *[]){ "1.bin", "2.bin",
			         "3.bin", "4.bin", "5.bin" }[b]);
			rc = 2;
		}
	return rc;
}

/* --- synthetic: class templates plus noise, all from the DATA stream
 * with a fixed key, so the data never depends on the run's seed. */
enum { K_N, K_TEST, K_H, K_W, K_C, K_CLASSES, K_NOISE, K_COUNT };

/* Parse a synthetic spec into val[] (keys not given keep their defaults).
 * Grammar: KEY=VALUE[,KEY=VALUE]... (empty items skipped) with keys n,
 * test, h, w, c, classes, noise (percent of noise in each pixel, 0..100),
 * each VALUE a decimal within its key's range.  Returns 0, or 2 with err
 * set.  Nothing is kept from spec. */
static int
synthetic_spec(const char *spec, uint64_t val[K_COUNT], char *err,
               size_t errsz)
{
	static const struct {
		const char *key;
		uint64_t min, max, dflt;
	} kv[K_COUNT] = {
		{ "n", 1, 1000000, 2000 }, { "test", 1, 1000000, 500 },
		{ "h", 1, 256, 28 }, { "w", 1, 256, 28 }, { "c", 1, 3, 1 },
		{ "classes", 2, 10, 10 }, { "noise", 0, 100, 85 },
	};
	char *s = sv_strdup(spec ? spec : ""), *tok, *save = NULL;
	char q[2][256];

	for (int k = 0; k < K_COUNT; k++)
		val[k] = kv[k].dflt;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int k;
		const char *e;

		if (!eq) {
			snprintf(err, errsz, "synthetic: expected KEY=VALUE: '%s'",
			         sv_escape(tok, q[0], sizeof q[0]));
			free(s);
			return 2;
		}
		*eq = '\0';
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(tok, kv[k].key) == 0)
				break;
		if (k == K_COUNT) {
			snprintf(err, errsz, "synthetic: unknown key '%s' (keys: "
			         "n test h w c classes noise)",
			         sv_escape(tok, q[0], sizeof q[0]));
			free(s);
			return 2;
		}
		val[k] = sv_parse_u64(eq + 1, kv[k].min, kv[k].max, &e);
		if (e) {
			snprintf(err, errsz, "synthetic: %s: %s (%llu..%llu): "
			         "'%s'", tok, e, (unsigned long long)kv[k].min,
			         (unsigned long long)kv[k].max,
			         sv_escape(eq + 1, q[1], sizeof q[1]));
			free(s);
			return 2;
		}
	}
	free(s);
	return 0;
}

static int
load_synthetic(struct sv_dataset *d, const char *spec, char *err,
               size_t errsz)
{
	uint64_t val[K_COUNT];
	size_t pix;
	uint8_t *tmpl;

	if (synthetic_spec(spec, val, err, errsz))
		return 2;
	d->nclass = (int)val[K_CLASSES];
	for (int c = 0; c < 3; c++)
		d->mean[c] = 0.5f, d->std[c] = 0.25f;
	pix = val[K_H] * val[K_W] * val[K_C];
	tmpl = sv_mallocarray((size_t)d->nclass, pix);
	for (int k = 0; k < d->nclass; k++)
		for (size_t p = 0; p < pix; p += 4) {
			uint32_t r[4];

			sv_rand4(0, SV_STREAM_DATA, (uint32_t)k, p / 4, r);
			for (size_t j = 0; j < 4 && p + j < pix; j++)
				tmpl[k * pix + p + j] = (uint8_t)(r[j] >> 24);
		}
	for (int which = 0; which < 2; which++) {
		struct sv_split *sp = which ? &d->test : &d->train;
		uint32_t noise = (uint32_t)val[K_NOISE];

		sp->n = (uint32_t)val[which ? K_TEST : K_N];
		sp->h = (uint32_t)val[K_H];
		sp->w = (uint32_t)val[K_W];
		sp->c = (uint32_t)val[K_C];
		sp->x = sv_mallocarray(sp->n, pix);
		sp->y = sv_malloc(sp->n);
		for (uint32_t i = 0; i < sp->n; i++) {
			uint32_t lab;
			uint32_t r[4];

			sv_rand4(1 + (uint64_t)which, SV_STREAM_DATA, 1u << 20,
			         i, r);
			lab = sv_below(r[0], r[1], (uint32_t)d->nclass);
			sp->y[i] = (uint8_t)lab;
			for (size_t p = 0; p < pix; p += 4) {
				sv_rand4(1 + (uint64_t)which, SV_STREAM_DATA,
				         (1u << 21) + i, p / 4, r);
				for (size_t j = 0; j < 4 && p + j < pix; j++) {
					uint32_t t = tmpl[lab * pix + p + j];
					uint32_t z = r[j] >> 24;

					sp->x[(size_t)i * pix + p + j] = (uint8_t)
						((t * (100 - noise) + z * noise) / 100);
				}
			}
		}
	}
	free(tmpl);
	return 0;
}

const struct sv_dataset_def sv_datasets[] = {
	{ "fashion-mnist", "Fashion-MNIST, gzip'd IDX files (default)",
	  "/usr/share/datasets/fashion-mnist", load_fmnist },
	{ "mnist", "MNIST, gzip'd IDX files in PATH", NULL, load_mnist },
	{ "cifar10", "CIFAR-10 binary: the cifar-10-batches-bin folder or "
	  "cifar-10-binary.tar.gz", NULL, load_cifar10 },
	{ "synthetic", "generated images with class structure; spec "
	  "n=,test=,h=,w=,c=,classes=,noise=", "", load_synthetic },
	{ NULL, NULL, NULL, NULL }
};

int
sv_dataset_load(const char *spec, struct sv_dataset *d, char *err,
                size_t errsz)
{
	const char *colon = strchr(spec, ':');
	size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct sv_dataset_def *def;
	const char *path;
	int rc;

	memset(d, 0, sizeof *d);
	for (def = sv_datasets; def->name; def++)
		if (strlen(def->name) == nlen && strncmp(def->name, spec, nlen) == 0)
			break;
	if (!def->name) {
		snprintf(err, errsz, "unknown dataset '%.*s' (one of: "
		         "fashion-mnist mnist cifar10 synthetic)", (int)nlen, spec);
		return 2;
	}
	path = colon ? colon + 1 : def->default_path;
	if (!path) {
		snprintf(err, errsz, "dataset %s needs a path: --data %s:PATH",
		         def->name, def->name);
		return 2;
	}
	d->name = def->name;
	d->path = sv_strdup(path);
	rc = def->load(d, path, err, errsz);
	if (rc)
		sv_dataset_free(d);
	return rc;
}

void
sv_dataset_free(struct sv_dataset *d)
{
	free(d->path);
	free(d->train.x);
	free(d->train.y);
	free(d->test.x);
	free(d->test.y);
	memset(d, 0, sizeof *d);
}

void
sv_dataset_lut(const struct sv_dataset *d, float lut[3][256])
{
	for (int c = 0; c < 3; c++)
		for (int v = 0; v < 256; v++)
			lut[c][v] = d->std[c] > 0
				? ((float)v / 255.0f - d->mean[c]) / d->std[c]
				: 0.0f;
}

static void
hash_u32(XXH3_state_t *st, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	                       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	XXH3_128bits_update(st, b, sizeof b);
}

static void
hash_split(XXH3_state_t *st, const struct sv_split *s)
{
	size_t px = (size_t)s->n * s->h * s->w * s->c;

	hash_u32(st, s->n);
	hash_u32(st, s->h);
	hash_u32(st, s->w);
	hash_u32(st, s->c);
	if (px)
		XXH3_128bits_update(st, s->x, px);
	if (s->n)
		XXH3_128bits_update(st, s->y, s->n);
}

void
sv_dataset_hash(const struct sv_dataset *d, char hex[33])
{
	XXH3_state_t *st = XXH3_createState();
	XXH128_hash_t h;

	if (!st)
		sv_die(SV_EXIT_ENV, "out of memory");
	XXH3_128bits_reset(st);
	hash_u32(st, (uint32_t)d->nclass);
	hash_split(st, &d->train);
	hash_split(st, &d->test);
	h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64,
	         (unsigned long long)h.low64);
}
