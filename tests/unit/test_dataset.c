/* test_dataset.c - dataset loaders: CIFAR-10 binary (folder and tarball,
 * plane order to NHWC), IDX, synthetic determinism, the normalisation LUT */
#include "tap.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "train/dataset.h"
#include "train/idx.h"

#define REC 3073
#define PER 10000

/* batch b (0..5), record i: label (i + b) % 10, pixel (plane c, p) =
 * (i + 7c + p + b) & 255 */
static unsigned char *
make_batch(int b)
{
	unsigned char *buf = malloc((size_t)REC * PER);

	for (int i = 0; i < PER; i++) {
		unsigned char *r = buf + (size_t)i * REC;

		r[0] = (unsigned char)((i + b) % 10);
		for (int c = 0; c < 3; c++)
			for (int p = 0; p < 1024; p++)
				r[1 + c * 1024 + p] = (unsigned char)((i + 7 * c + p + b) & 255);
	}
	return buf;
}

static const char *
batch_name(int b)
{
	static const char *n[6] = { "data_batch_1.bin", "data_batch_2.bin",
		"data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin",
		"test_batch.bin" };
	return n[b];
}

static int
check_cifar(const struct sv_dataset *d)
{
	int bad = 0;

	if (d->train.n != 50000 || d->test.n != 10000 || d->train.c != 3 ||
	    d->train.h != 32 || d->train.w != 32)
		return 1;
	/* a few records of each batch: NHWC x[(p*3)+c] = plane c pixel p */
	for (int b = 0; b < 6; b++)
		for (int i = 0; i < PER; i += 4999) {
			const struct sv_split *s = b == 5 ? &d->test : &d->train;
			uint32_t k = (uint32_t)(b == 5 ? i : b * PER + i);

			bad += s->y[k] != (i + b) % 10;
			for (int p = 0; p < 1024; p += 101)
				for (int c = 0; c < 3; c++)
					bad += s->x[(size_t)k * 3072 + p * 3 + c] !=
					       ((i + 7 * c + p + b) & 255);
		}
	return bad;
}

int
main(void)
{
	char dir[] = "/tmp/sv-test-dataset-XXXXXX", path[256], err[1024];
	struct sv_dataset d;
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/cifar-10-batches-bin", dir);
	mkdir(path, 0755);
	{
		struct archive *a = archive_write_new();
		char tgz[256];

		snprintf(tgz, sizeof tgz, "%s/cifar-10-binary.tar.gz", dir);
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
		archive_write_set_options(a, "gzip:compression-level=1");
		archive_write_open_filename(a, tgz);
		for (int b = 0; b < 6; b++) {
			unsigned char *buf = make_batch(b);
			char f[300];
			FILE *fp;
			struct archive_entry *e = archive_entry_new();

			snprintf(f, sizeof f, "%s/%s", path, batch_name(b));
			fp = fopen(f, "wb");
			fwrite(buf, 1, (size_t)REC * PER, fp);
			fclose(fp);
			snprintf(f, sizeof f, "cifar-10-batches-bin/%s", batch_name(b));
			archive_entry_set_pathname(e, f);
			archive_entry_set_size(e, (la_int64_t)REC * PER);
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_write_header(a, e);
			archive_write_data(a, buf, (size_t)REC * PER);
			archive_entry_free(e);
			free(buf);
		}
		archive_write_close(a);
		archive_write_free(a);

		snprintf(err, sizeof err, "cifar10:%s", path);
		rc = sv_dataset_load(err, &d, err, sizeof err);
		is_int(rc, 0, "cifar10 folder loads: %s", rc ? err : "");
		if (rc == 0) {
			is_int(check_cifar(&d), 0, "cifar10 folder: labels and "
			       "R,G,B planes land in NHWC order");
			ok(d.mean[0] == 0.4914f && d.std[2] == 0.2010f,
			   "cifar10 normalisation constants");
			sv_dataset_free(&d);
		}
		snprintf(err, sizeof err, "cifar10:%s", tgz);
		rc = sv_dataset_load(err, &d, err, sizeof err);
		is_int(rc, 0, "cifar10 tarball loads without extracting: %s",
		       rc ? err : "");
		if (rc == 0) {
			is_int(check_cifar(&d), 0, "cifar10 tarball: same data");
			sv_dataset_free(&d);
		}
	}
	/* a damaged tarball is bad input (2), never the environment (3),
	 * and the message names the file: cut short (in the middle of a
	 * batch, and in the gzip trailer), and a gzip CRC-32 that does not
	 * match its data */
	{
		char tgz[256], bad[300];
		struct stat sb;
		FILE *in, *out;
		long cut[4];

		snprintf(tgz, sizeof tgz, "%s/cifar-10-binary.tar.gz", dir);
		ok(stat(tgz, &sb) == 0 && sb.st_size > 100, "the tarball is there");
		cut[0] = (long)sb.st_size / 2;
		cut[1] = (long)sb.st_size - 4;
		cut[2] = 10;  /* in the gzip header */
		cut[3] = 200; /* in the first tar header */
		for (int k = 0; k < 5; k++) {
			unsigned char *all = malloc((size_t)sb.st_size);
			size_t n;

			snprintf(bad, sizeof bad, "%s/bad%d.tar.gz", dir, k);
			in = fopen(tgz, "rb");
			n = fread(all, 1, (size_t)sb.st_size, in);
			fclose(in);
			if (k == 4) /* flip one bit of the stored CRC-32 */
				all[n - 8] ^= 1;
			else
				n = (size_t)cut[k];
			out = fopen(bad, "wb");
			fwrite(all, 1, n, out);
			fclose(out);
			free(all);
			snprintf(err, sizeof err, "cifar10:%s", bad);
			rc = sv_dataset_load(err, &d, err, sizeof err);
			is_int(rc, 2, "cifar10 tarball %s: bad input",
			       (const char *[]){ "cut in a batch",
			       "cut in the gzip trailer", "cut in the gzip header",
			       "cut in the first tar header",
			       "with a wrong CRC-32" }[k]);
			ok(strstr(err, bad) != NULL, "names the file: %s", err);
			if (k == 4)
				ok(strstr(err, "CRC-32") != NULL, "says CRC-32: %s", err);
			if (rc == 0)
				sv_dataset_free(&d);
		}
	}
	/* a bad label in one batch file */
	{
		char f[300];
		FILE *fp;

		snprintf(f, sizeof f, "%s/data_batch_3.bin", path);
		fp = fopen(f, "r+b");
		fseek(fp, (long)REC * 17, SEEK_SET);
		fputc(10, fp);
		fclose(fp);
		snprintf(err, sizeof err, "cifar10:%s", path);
		rc = sv_dataset_load(err, &d, err, sizeof err);
		is_int(rc, 2, "cifar10 label 10 refused");
		ok(strstr(err, "data_batch_3.bin: offset 52241: label 10 is not 0..9") != NULL,
		   "names file and offset: %s", err);
		unlink(f);
		snprintf(err, sizeof err, "cifar10:%s", path);
		rc = sv_dataset_load(err, &d, err, sizeof err);
		is_int(rc, 3, "cifar10 folder with a batch missing: environment");
	}
	/* synthetic data: deterministic, independent of anything else */
	{
		struct sv_dataset a, b;

		is_int(sv_dataset_load("synthetic:n=50,test=20,h=5,w=6,c=3,classes=4",
		                       &a, err, sizeof err), 0, "synthetic loads");
		is_int(sv_dataset_load("synthetic:n=50,test=20,h=5,w=6,c=3,classes=4",
		                       &b, err, sizeof err), 0, "synthetic loads again");
		ok(a.train.n == 50 && a.test.n == 20 && a.train.h == 5 &&
		   a.train.w == 6 && a.train.c == 3 && a.nclass == 4, "synthetic shape");
		ok(memcmp(a.train.x, b.train.x, 50 * 90) == 0 &&
		   memcmp(a.test.y, b.test.y, 20) == 0, "synthetic is deterministic");
		{
			int maxlab = 0;

			for (int i = 0; i < 50; i++)
				maxlab = a.train.y[i] > maxlab ? a.train.y[i] : maxlab;
			ok(maxlab <= 3, "synthetic labels below the class count");
		}
		sv_dataset_free(&a);
		sv_dataset_free(&b);
		is_int(sv_dataset_load("synthetic:n=0", &a, err, sizeof err), 2,
		       "synthetic n=0 refused");
		is_int(sv_dataset_load("synthetic:n", &a, err, sizeof err), 2,
		       "synthetic key without value refused");
		is_int(sv_dataset_load("synthetic:n=1\t", &a, err, sizeof err), 2,
		       "synthetic value with a tab refused");
		ok(strstr(err, "'1\\t'") != NULL, "the tab shown as \\t: %s", err);
		is_int(sv_dataset_load("synthetic:n=5,x\ty=1", &a, err, sizeof err), 2,
		       "synthetic key with a tab refused");
		ok(strstr(err, "'x\\ty'") != NULL, "the tab shown as \\t: %s", err);
		is_int(sv_dataset_load("cifar10:/nonexistent\tdir", &a, err, sizeof err), 3,
		       "cifar10: a missing path");
		ok(strstr(err, "/nonexistent\\tdir: ") != NULL, "the tab shown as \\t: %s", err);
	}
	/* the LUT is (v/255 - mean)/std in float */
	{
		struct sv_dataset f = { 0 };
		float lut[3][256];

		f.mean[0] = 0.2860f;
		f.std[0] = 0.3530f;
		sv_dataset_lut(&f, lut);
		ok(lut[0][255] == (1.0f - 0.2860f) / 0.3530f &&
		   lut[0][0] == (0.0f - 0.2860f) / 0.3530f, "normalisation LUT");
	}
	/* IDX: a path with a tab is shown with \t, the offset kept */
	{
		char f[300];
		struct sv_idx x;
		FILE *fp;

		snprintf(f, sizeof f, "%s/lab\tels", dir);
		fp = fopen(f, "wb");
		fputs("\1\2\3\4", fp);
		fclose(fp);
		is_int(sv_idx_read(f, 1, 1 << 20, &x, err, sizeof err), 2,
		       "IDX: bad magic refused");
		ok(strstr(err, "/lab\\tels: offset 0: bad IDX magic") != NULL,
		   "the tab shown as \\t: %s", err);
		unlink(f);
	}
	/* IDX: the Debian package's files, when present */
	if (access("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz", R_OK) == 0) {
		struct sv_idx x;

		rc = sv_idx_read("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
		                 1, 1 << 20, &x, err, sizeof err);
		ok(rc == 0 && x.dim[0] == 10000, "fashion-mnist test labels: 10000");
		sv_idx_free(&x);
		rc = sv_idx_read("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
		                 1, 5000, &x, err, sizeof err);
		is_int(rc, 2, "a file over the byte limit is refused");
		rc = sv_idx_read("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
		                 3, 1 << 20, &x, err, sizeof err);
		ok(rc == 2 && strstr(err, "bad IDX magic"), "labels read as images: %s", err);
	} else {
		ok(0, "the dataset-fashion-mnist package is installed");
	}
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return tap_done();
}
