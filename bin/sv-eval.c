/* sv-eval - evaluate saved checkpoints and print one record per model */
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/svar.h"
#include "formats/ckpt.h"
#include "train/dataset.h"
#include "train/model.h"
#include "formats/record.h"
#include "train/train.h"
#include "base/util.h"

static const char synopsis[] =
	"sv-eval [-d DATA[:PATH]] [-j THREADS] [--batch N] CHECKPOINT|ARCHIVE|DIR...";

static void
usage(void)
{
	printf("usage: %s\n\n", synopsis);
	printf(
"Evaluates checkpoints written by 'sv-train --save' (sv-ckpt(5)) on the\n"
"test set of their dataset and prints one record per checkpoint (see\n"
"sv-records(5)): file seed model data correct total acc test_loss hash.\n"
"An argument may be a checkpoint, a directory of them, or a tar archive\n"
"(.tar, .tar.gz ...) holding them, read without extracting.\n\n"
"  -d, --data NAME[:PATH] evaluate on this dataset instead of the one the\n"
"                         checkpoint names\n"
"  -j, --threads N        CPU threads (default: all online CPUs)\n"
"      --batch N          evaluation batch size (default 500)\n"
"      --list-options     the long options, one a line (for completion)\n"
"  -h, --help             this help\n"
"  -V, --version          version\n\n"
"Exit status: 0 success, 2 usage error or a bad checkpoint, 3 environment\n"
"(missing dataset, unreadable file, write error).\n");
}

static const struct option longopts[] = {
	{ "data", required_argument, NULL, 'd' },
	{ "threads", required_argument, NULL, 'j' },
	{ "batch", required_argument, NULL, 'b' },
	{ "list-options", no_argument, NULL, 'L' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct eval {
	const char *data_spec;   /* --data, or NULL */
	int threads, batch;
	/* the dataset and network of the previous checkpoint, reused while
	 * the model and the data stay the same */
	char *loaded;            /* "model data-spec" of what is loaded */
	struct sv_dataset data;
	struct sv_net net;
	int status;
};

/* Copy the checkpoint's tensors into the network, refusing any mismatch
 * of count, name or shape.  Returns 0 or 2 with err set. */
static int
load_weights(struct sv_net *net, const struct sv_ckpt *c, const char *name,
             char *err, size_t errsz)
{
	if (c->ntensor != net->nparam) {
		snprintf(err, errsz, "%s: %zu tensors, model %s has %zu", name,
		         c->ntensor, c->model, net->nparam);
		return 2;
	}
	for (size_t i = 0; i < c->ntensor; i++) {
		const struct sv_tensor *a = &c->t[i], *b = &net->param[i];

		if (strcmp(a->name, b->name) != 0 || a->ndim != b->ndim ||
		    memcmp(a->dim, b->dim, a->ndim * sizeof a->dim[0]) != 0) {
			snprintf(err, errsz, "%s: tensor %zu is '%s' (%u dims), "
			         "model %s wants '%s' with this data's shape",
			         name, i + 1, a->name, a->ndim, c->model, b->name);
			return 2;
		}
		memcpy(b->data, a->data, sv_tensor_count(b) * sizeof(float));
	}
	return 0;
}

static void
eval_ckpt(struct eval *ev, const struct sv_ckpt *c, const char *name)
{
	const struct sv_model_def *m = sv_model_find(c->model);
	const char *spec = ev->data_spec ? ev->data_spec : c->data;
	char err[1024], key[512];
	struct sv_buf line = { 0 };
	uint32_t correct, total;
	double loss;
	char hex[33];

	if (!m) {
		sv_warn("%s: unknown model '%s'", name, c->model);
		ev->status = SV_EXIT_USAGE;
		return;
	}
	snprintf(key, sizeof key, "%s %s", c->model, spec);
	if (!ev->loaded || strcmp(ev->loaded, key) != 0) {
		int rc;

		if (ev->loaded) {
			sv_net_free(&ev->net);
			sv_dataset_free(&ev->data);
			free(ev->loaded);
			ev->loaded = NULL;
		}
		rc = sv_dataset_load(spec, &ev->data, err, sizeof err);
		if (rc)
			sv_die(rc, "%s: %s", name, err);
		if (sv_net_init(&ev->net, m, ev->batch, (int)ev->data.test.h,
		                (int)ev->data.test.w, (int)ev->data.test.c,
		                ev->data.nclass, ev->threads, err, sizeof err)) {
			sv_warn("%s: %s", name, err);
			sv_dataset_free(&ev->data);
			ev->status = SV_EXIT_USAGE;
			return;
		}
		ev->loaded = sv_strdup(key);
	}
	if (load_weights(&ev->net, c, name, err, sizeof err)) {
		sv_warn("%s", err);
		ev->status = SV_EXIT_USAGE;
		return;
	}
	sv_evaluate(&ev->net, &ev->data, &correct, &total, &loss);
	sv_tensor_hash(ev->net.param, ev->net.nparam, hex);
	sv_buf_printf(&line, "%s\t%llu\t%s\t%s\t%u\t%u\t", name,
	              (unsigned long long)c->seed, c->model, ev->data.name,
	              correct, total);
	sv_put_g(&line, total ? (double)correct / total : 0.0 / 0.0, 9);
	sv_buf_puts(&line, "\t");
	sv_put_g(&line, loss, 9);
	sv_buf_printf(&line, "\t%s\n", hex);
	fwrite(line.p, 1, line.len, stdout);
	fflush(stdout);
	sv_buf_free(&line);
}

static int
each_entry(const struct sv_ar_entry *e, void *ctx)
{
	struct eval *ev = ctx;
	struct sv_ckpt c;
	char err[1024];

	if (e->size < SV_CKPT_MAGICLEN ||
	    memcmp(e->buf, SV_CKPT_MAGIC, SV_CKPT_MAGICLEN) != 0)
		return 0; /* not a checkpoint: skip */
	if (sv_ckpt_read_mem(e->buf, e->size, e->name, &c, err, sizeof err)) {
		sv_warn("%s", err);
		ev->status = SV_EXIT_USAGE;
		return 0;
	}
	eval_ckpt(ev, &c, e->name);
	sv_ckpt_free(&c);
	return 0;
}

static void
eval_path(struct eval *ev, const char *path)
{
	struct stat st;
	FILE *fp;
	char magic[SV_CKPT_MAGICLEN], err[1024];
	int is_ckpt = 0;

	if (stat(path, &st) != 0) {
		sv_warn("%s: %s", path, strerror(errno));
		ev->status = SV_EXIT_ENV;
		return;
	}
	if (S_ISREG(st.st_mode) && (fp = fopen(path, "rb"))) {
		is_ckpt = fread(magic, 1, sizeof magic, fp) == sizeof magic &&
		          memcmp(magic, SV_CKPT_MAGIC, sizeof magic) == 0;
		fclose(fp);
	}
	if (is_ckpt) {
		struct sv_ckpt c;

		if (sv_ckpt_read_file(path, &c, err, sizeof err)) {
			sv_warn("%s", err);
			ev->status = SV_EXIT_USAGE;
			return;
		}
		eval_ckpt(ev, &c, path);
		sv_ckpt_free(&c);
		return;
	}
	{
		struct sv_ar_limits lim = { SV_AR_MAX_ENTRY, SV_AR_MAX_TOTAL,
		                            SV_AR_MAX_ENTRIES };

		if (sv_ar_each(path, &lim, each_entry, ev, err, sizeof err)) {
			sv_warn("%s", err);
			ev->status = SV_EXIT_USAGE;
		}
	}
}

int
main(int argc, char **argv)
{
	struct eval ev;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int ch;

	sv_setlocale();
	sv_set_progname(argv[0]);
	memset(&ev, 0, sizeof ev);
	ev.threads = ncpu > 0 ? (int)(ncpu < 256 ? ncpu : 256) : 1;
	ev.batch = 500;
	while ((ch = getopt_long(argc, argv, "d:j:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': ev.data_spec = optarg; break;
		case 'j': ev.threads = (int)sv_opt_u64("--threads", optarg, 1, 256); break;
		case 'b': ev.batch = (int)sv_opt_u64("--batch", optarg, 1, 65536); break;
		case 'L': sv_list_options_exit(longopts);
		case 'h': usage(); sv_close_stdout(); return 0;
		case 'V': sv_version_exit();
		default:
			sv_usage_error(synopsis, "unknown or incomplete option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		sv_usage_error(synopsis, "no checkpoint named");
	omp_set_dynamic(0);
	printf("#file\tseed\tmodel\tdata\tcorrect\ttotal\tacc\ttest_loss\thash\n");
	for (int i = 0; i < argc; i++)
		eval_path(&ev, argv[i]);
	if (ev.loaded) {
		sv_net_free(&ev.net);
		sv_dataset_free(&ev.data);
		free(ev.loaded);
	}
	sv_close_stdout();
	return ev.status;
}
