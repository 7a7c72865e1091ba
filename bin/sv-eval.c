/* sv-eval - evaluate saved checkpoints and print one record per model */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/opts.h"
#include "base/util.h"
#include "formats/ckpt.h"
#include "formats/ckptsrc.h"
#include "formats/record.h"
#include "formats/svar.h"
#include "train/dataset.h"
#include "train/device.h"
#include "train/gpu.h"
#include "train/model.h"
#include "train/train.h"

#define SYNOPSIS "sv-eval [-d DATA[:PATH]] [-j THREADS] [--batch N] CHECKPOINT|ARCHIVE|DIR|-..."

enum { O_DATA = 'd', O_THREADS = 'j', O_BATCH = SV_OPT_LONG, O_DEVICE,
       O_PLAIN_HEADER };

/* The one option table: getopt, --help and --list-options (which the
 * completion scripts read) follow it. */
static const struct sv_optdef optdefs[] = {
	{ "data", required_argument, O_DATA, "NAME[:PATH]",
	  "evaluate on this dataset instead of the one the\ncheckpoint names" },
	{ "threads", required_argument, O_THREADS, "N",
	  "CPU threads (default: all online CPUs)" },
	{ "device", required_argument, O_DEVICE, "DEV",
	  "cpu (default) or gpu (the GPU backend sv-train uses)" },
	{ "batch", required_argument, O_BATCH, "N",
	  "evaluation batch size (default 500)" },
	SV_OPTDEF_PLAIN_HEADER(O_PLAIN_HEADER),
	SV_OPTS_COMMON
};
static struct sv_opts g_opts;

static void
usage(void)
{
	sv_opts_usage(&g_opts, stdout);
	putchar('\n');
	printf(
"Evaluates checkpoints written by 'sv-train --save' (sv-ckpt(5)) on the\n"
"test set of their dataset and prints one record per checkpoint (see\n"
"sv-records(5)): file seed model data correct total acc test_loss hash.\n"
"An argument may be a checkpoint, a directory of them, a tar archive\n"
"(.tar, .tar.gz ...) holding them, read without extracting, or - for a\n"
"checkpoint on standard input.\n\n");
	sv_opts_help(&g_opts, stdout);
	printf("\nExit status: 0 success; 2 usage error, a bad checkpoint or a path\n"
	       "that does not exist; 3 environment (missing dataset, write error).\n");
}

struct eval {
	const char *data_spec;   /* --data, or NULL */
	int threads, batch;
	/* the dataset and network of the previous checkpoint, reused while
	 * the model and the data stay the same */
	char *loaded;            /* "model data-spec" of what is loaded */
	struct sv_dataset data;
	struct sv_net net;
	const char *device;      /* --device */
	struct sv_device dev;    /* opened for net */
	int status;
};

/* Copy the checkpoint's tensors into the network, refusing any mismatch
 * of count, name or shape.  Returns SV_EXIT_OK or SV_EXIT_USAGE with err
 * set. */
static int
load_weights(struct sv_net *net, const struct sv_ckpt *c, const char *name,
             char *err, size_t errsz)
{
	char qm[256], qt[256];

	sv_escape(c->model, qm, sizeof qm);
	if (c->ntensor != net->nparam) {
		snprintf(err, errsz, "%s: %zu tensors, model %s has %zu", name,
		         c->ntensor, qm, net->nparam);
		return SV_EXIT_USAGE;
	}
	for (size_t i = 0; i < c->ntensor; i++) {
		const struct sv_tensor *a = &c->t[i], *b = &net->param[i];

		if (strcmp(a->name, b->name) != 0 || a->ndim != b->ndim ||
		    memcmp(a->dim, b->dim, a->ndim * sizeof a->dim[0]) != 0) {
			snprintf(err, errsz, "%s: tensor %zu is '%s' (%u dims), "
			         "model %s wants '%s' with this data's shape",
			         name, i + 1, sv_escape(a->name, qt, sizeof qt),
			         a->ndim, qm, b->name);
			return SV_EXIT_USAGE;
		}
		memcpy(b->data, a->data, sv_tensor_count(b) * sizeof(float));
	}
	return SV_EXIT_OK;
}

/* name: the file column; where: the same for messages ("ARCHIVE: entry
 * 'x'" for an entry, escaped) */
static void
eval_ckpt(struct eval *ev, const struct sv_ckpt *c, const char *name,
          const char *where)
{
	const struct sv_model_def *m = sv_model_find(c->model);
	const char *spec = ev->data_spec ? ev->data_spec : c->data;
	char err[2048], key[512];
	struct sv_buf line = { 0 };
	uint32_t correct, total;
	double loss;
	char hex[33], q[1024];

	if (!m) {
		sv_warn("%s: unknown model '%s'", where,
		        sv_escape(c->model, q, sizeof q));
		ev->status = SV_EXIT_USAGE;
		return;
	}
	snprintf(key, sizeof key, "%s %s", c->model, spec);
	if (!ev->loaded || strcmp(ev->loaded, key) != 0) {
		int rc;

		if (ev->loaded) {
			sv_device_close(&ev->dev);
			sv_net_free(&ev->net);
			sv_dataset_free(&ev->data);
			free(ev->loaded);
			ev->loaded = NULL;
		}
		rc = sv_dataset_load(spec, &ev->data, err, sizeof err);
		if (rc)
			sv_die(rc, "%s: %s", where, err);
		if (sv_net_init(&ev->net, m, ev->batch, (int)ev->data.test.h,
		                (int)ev->data.test.w, (int)ev->data.test.c,
		                ev->data.nclass, ev->threads, err, sizeof err)) {
			sv_warn("%s: %s", where, err);
			sv_dataset_free(&ev->data);
			ev->status = SV_EXIT_USAGE;
			return;
		}
		if ((rc = sv_device_open(&ev->dev, ev->device, &ev->net, err,
		                         sizeof err)) != 0)
			sv_die(rc, "%s: --device %s: %s", where, ev->device, err);
		ev->loaded = sv_strdup(key);
	}
	if (load_weights(&ev->net, c, where, err, sizeof err)) {
		sv_warn("%s", err);
		ev->status = SV_EXIT_USAGE;
		return;
	}
	if ((ev->dev.ops.push && ev->dev.ops.push(ev->dev.ops.ctx, &ev->net)) ||
	    sv_evaluate_on(&ev->dev, &ev->net, &ev->data, &correct, &total,
	                   &loss))
		sv_die(SV_EXIT_ENV, "%s: --device %s: %s", where, ev->device,
		       sv_device_error(&ev->dev));
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
eval_item(const struct sv_src_item *it, void *ctx)
{
	struct eval *ev = ctx;
	/* entries of a directory are named as inside it */
	const char *name = it->entry ? it->entry : it->name;
	struct sv_ckpt c;
	char err[1200], where[1100];
	int st;

	if (it->s->where)
		sv_ar_where(it->s, where, sizeof where);
	else
		sv_escape(name, where, sizeof where);
	/* the one rule on names (sv-ckpt(5)): never a tab or a newline in
	 * the file column; svar and ckptsrc refuse such names before */
	if (sv_ar_name_ctrl(name)) {
		sv_warn("%s: control character in name", where);
		ev->status = ev->status == SV_EXIT_ENV ? SV_EXIT_ENV : SV_EXIT_USAGE;
		return 0;
	}
	st = sv_src_read_ckpt(it->s, name, &c, err, sizeof err);
	if (st != SV_EXIT_OK) {
		sv_warn("%s", err);
		if (ev->status != SV_EXIT_ENV)
			ev->status = st;
		return 0;
	}
	eval_ckpt(ev, &c, name, where);
	sv_ckpt_free(&c);
	return 0;
}

int
main(int argc, char **argv)
{
	struct eval ev;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int ch, plain_header = 0;

	sv_setlocale();
	sv_set_progname(argv[0]);
	memset(&ev, 0, sizeof ev);
	ev.threads = ncpu > 0 ? (int)(ncpu < 256 ? ncpu : 256) : 1;
	ev.batch = 500;
	sv_opts_init(&g_opts, optdefs, SYNOPSIS);
	while ((ch = sv_opts_next(&g_opts, argc, argv)) != -1) {
		switch (ch) {
		case O_DATA: ev.data_spec = optarg; break;
		case O_THREADS: ev.threads = (int)sv_opt_u64("--threads", optarg, 1, 256); break;
		case O_DEVICE: ev.device = optarg; break;
		case O_BATCH: ev.batch = (int)sv_opt_u64("--batch", optarg, 1, 65536); break;
		case O_PLAIN_HEADER: plain_header = 1; break;
		case 'h': usage(); sv_close_stdout(); return SV_EXIT_OK;
		default:
			sv_opts_error(&g_opts, "unhandled option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		sv_opts_error(&g_opts, "no checkpoint named");
	if (!ev.device)
		ev.device = "cpu";
	if (strcmp(ev.device, "cpu") != 0 && strcmp(ev.device, "gpu") != 0)
		sv_opts_error(&g_opts, "option --device: cpu or gpu: '%s'",
		              ev.device);
	if (strcmp(ev.device, "gpu") == 0) {
		/* say at once, before reading anything, when there is no GPU */
		char name[256], err[1024];
		int rc = sv_gpu_open(name, sizeof name, err, sizeof err);

		if (rc != 0)
			sv_die(rc, "--device gpu: %s", err);
	}
	omp_set_dynamic(0);
	printf("%sfile\tseed\tmodel\tdata\tcorrect\ttotal\tacc\ttest_loss\thash\n",
	       plain_header ? "" : "#");
	for (int i = 0; i < argc; i++) {
		char err[1200];
		int st = sv_src_each(argv[i], SV_SRC_CKPT_ONLY, NULL, eval_item, &ev,
		                     err, sizeof err);

		if (st != SV_AR_OK && st != SV_AR_ECALLBACK) {
			sv_warn("%s", err);
			if (ev.status != SV_EXIT_ENV)
				ev.status = sv_ar_exit(st);
		}
	}
	if (ev.loaded) {
		sv_device_close(&ev.dev);
		sv_net_free(&ev.net);
		sv_dataset_free(&ev.data);
		free(ev.loaded);
	}
	sv_close_stdout();
	return ev.status;
}
