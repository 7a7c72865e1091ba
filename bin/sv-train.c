/* sv-train - train one model per seed and print one record per seed */
#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/opts.h"
#include "base/util.h"
#include "base/words.h"
#include "formats/ckpt.h"
#include "formats/columns.h"
#include "formats/record.h"
#include "train/dataset.h"
#include "train/gpu.h"
#include "train/progress.h"
#include "train/runner.h"
#include "train/scan.h"
#include "train/seeds.h"
#include "train/transfer.h"
#include "train/train.h"

static const char synopsis[] =
	"sv-train [-m MODEL] [-d DATA[:PATH]] [-j THREADS] [-o FILE [--resume]] "
	"[options] [SEEDFILE...]";


enum {
	O_EPOCHS = SV_OPT_LONG, O_BATCH, O_LR, O_MOMENTUM, O_NESTEROV,
	O_NO_NESTEROV, O_WD, O_SCHEDULE, O_VARY, O_BASE_SEED, O_TRAIN_SIZE,
	O_RESUME, O_EVERY_EPOCH, O_SAVE, O_TRACE, O_PROGRESS, O_COUNT, O_DEVICE,
	O_LIST, O_LIST_MODELS, O_LIST_DATASETS, O_INFLIGHT, O_INIT_FROM,
	O_REINIT, O_FREEZE, O_CLASSES, O_LIST_LAYERS, O_AUGMENT, O_NO_AUGMENT,
	O_PLAIN_HEADER, O_GPU_SEEDS, O_GPU_MATH, O_GPU_PRECISION, O_RECIPE
};

/* The one option table: getopt, --help and --list-options (which the
 * completion scripts read) follow it, in this order. */
static const struct sv_optdef optdefs[] = {
	{ "model", required_argument, 'm', "NAME",
	  "model (default fmnist-small); see --list" },
	{ "data", required_argument, 'd', "NAME[:PATH]",
	  "dataset (default: the model's); see --list" },
	{ "recipe", required_argument, O_RECIPE, "TEXT",
	  "a record's recipe column (sv-records(5)): its options,\n"
	  "as if given first (the options given after it win)" },
	{ "train-size", required_argument, O_TRAIN_SIZE, "N",
	  "train on N images drawn by the split stream" },
	{ "classes", required_argument, O_CLASSES, "LIST",
	  "only these classes (e.g. 0-4 or 1,3,5-7), renumbered 0..k-1" },
	{ "init-from", required_argument, O_INIT_FROM, "CKPT",
	  "start every seed from the checkpoint's weights" },
	{ "reinit", required_argument, O_REINIT, "LAYERS",
	  "with --init-from: draw these layers from the seed's init\n"
	  "stream (e.g. fc1); see --list-layers" },
	{ "freeze", required_argument, O_FREEZE, "LAYERS",
	  "do not update these layers (no step, no weight decay)" },
	{ "epochs", required_argument, O_EPOCHS, "N",
	  "epochs (default: the model's recipe, as below; see --list)" },
	{ "batch", required_argument, O_BATCH, "N", "batch size" },
	{ "lr", required_argument, O_LR, "X", "learning rate" },
	{ "momentum", required_argument, O_MOMENTUM, "X", "SGD momentum" },
	{ "nesterov", no_argument, O_NESTEROV, NULL, "Nesterov momentum" },
	{ "no-nesterov", no_argument, O_NO_NESTEROV, NULL, "plain momentum" },
	{ "wd", required_argument, O_WD, "X",
	  "weight decay (coupled, added to the gradient)" },
	{ "augment", no_argument, O_AUGMENT, NULL,
	  "crop, flip and cutout each epoch, drawn from the aug stream\n"
	  "per chunk of 500 images (the study's)" },
	{ "no-augment", no_argument, O_NO_AUGMENT, NULL, "no augmentation" },
	{ "schedule", required_argument, O_SCHEDULE, "NAME",
	  "learning-rate schedule: const or picard (the study's\nper-epoch ramp)" },
	{ "vary", required_argument, O_VARY, "LIST",
	  "sources of randomness (Philox4x32-10 streams) that take\n"
	  "the record's seed: all (default), none, or a comma list\n"
	  "of init,order,aug,split" },
	{ "base-seed", required_argument, O_BASE_SEED, "N",
	  "the seed of the sources not varied (default 0)" },
	{ "output", required_argument, 'o', "FILE",
	  "write records to FILE, which must not exist (with\n--resume: continue it)" },
	{ "resume", no_argument, O_RESUME, NULL,
	  "with -o: skip seeds FILE already holds, append the rest" },
	{ "every-epoch", no_argument, O_EVERY_EPOCH, NULL,
	  "one record per epoch (adds an 'epoch' column)" },
	SV_OPTDEF_PLAIN_HEADER(O_PLAIN_HEADER),
	{ "save", required_argument, O_SAVE, "DIR",
	  "write DIR/SEED.svckpt for each seed (sv-ckpt(5))" },
	{ "trace", no_argument, O_TRACE, NULL,
	  "per-step records (seed epoch step lr loss) on stderr" },
	{ "progress", no_argument, O_PROGRESS, NULL,
	  "progress on stderr even when it is not a terminal" },
	{ "quiet", no_argument, 'q', NULL, "no progress" },
	{ "count", required_argument, O_COUNT, "N",
	  "the number of seeds to come (for the ETA)" },
	{ "threads", required_argument, 'j', "N",
	  "CPU threads (default: all online CPUs)" },
	{ "in-flight", required_argument, O_INFLIGHT, "N",
	  "seeds trained at once, the threads shared among them\n"
	  "(default: one seed per thread when there are several)" },
	{ "device", required_argument, O_DEVICE, "DEV",
	  "cpu (default) or gpu (needs the GPU backend)" },
	{ "gpu-seeds", required_argument, O_GPU_SEEDS, "N",
	  "seeds trained at once on the GPU (default: as many\n"
	  "as half its free memory holds, at most 512)" },
	{ "gpu-math", required_argument, O_GPU_MATH, "MODE",
	  "exact (default: the project's kernels, the CPU's bits)\n"
	  "or cudnn (cuDNN's deterministic convolutions and\n"
	  "BatchNorm: not the CPU's bits)" },
	{ "gpu-precision", required_argument, O_GPU_PRECISION, "P",
	  "with --gpu-math cudnn: fp32 (default, no TF32), tf32\n"
	  "or fp16 (the convolutions in half)" },
	{ "list", no_argument, O_LIST, NULL,
	  "list models, datasets and schedules, then exit" },
	{ "list-models", no_argument, O_LIST_MODELS, NULL,
	  "model names, one a line (for completion)" },
	{ "list-layers", no_argument, O_LIST_LAYERS, NULL,
	  "the model's layers and tensors on the data, then exit" },
	{ "list-datasets", no_argument, O_LIST_DATASETS, NULL,
	  "dataset names, one a line (for completion)" },
	SV_OPTS_COMMON
};
static struct sv_opts g_opts;

static void
usage(void)
{
	sv_opts_usage(&g_opts, stdout);
	printf("\n"
"Reads seeds (one unsigned 64-bit integer per line, or records with a\n"
"'seed' column) from the SEEDFILEs or standard input, trains one model per\n"
"seed and prints one record per seed (see sv-records(5)).  The same seed and\n"
"options give bit-identical weights ('hash') for any thread count.  Recipe\n"
"options override the model's recipe (see --list).\n\n");
	sv_opts_help(&g_opts, stdout);
	printf("\nExit status: 0 success, 2 usage or bad input, 3 environment (missing\n"
	       "dataset, no GPU backend, write error).\n");
}

/* Everything one run shares. */
struct run {
	const struct sv_model_def *model;
	struct sv_dataset data;
	struct sv_runner_cfg cfg;
	char vary[64];
	char recipe[2048];       /* sv_recipe_line() */
	char data_hash[33];
	const char *init_from;   /* the source checkpoint's weight hash, or "-" */
	int out_fd;
	const char *save_dir;
	const char *data_spec;   /* as given, saved in checkpoints */
	int progress, trace, every_epoch, trace_buffered;
	struct sv_progress pg;   /* under mu */
	int trace_header;
	pthread_mutex_t mu;      /* progress, counters, --trace on stderr */
};

/* One seed's output, kept until its turn. */
struct out {
	struct sv_buf line;      /* its record(s) */
	struct sv_buf trace;     /* its --trace lines, when seeds run at once */
};


static void
trace_header(struct run *r)
{
	if (!r->trace_header)
		fprintf(stderr, "#seed\tepoch\tstep\tlr\tloss\n");
	r->trace_header = 1;
}

static void *
job_new(void *ctx, uint64_t seed)
{
	(void)ctx, (void)seed;
	return sv_calloc(1, sizeof(struct out));
}

static void
on_step(void *ctx, struct sv_job *j, int epoch, int step, int nsteps,
        double loss, float lr)
{
	struct run *r = ctx;
	struct out *o = j->user;

	if (r->trace && r->trace_buffered) {
		/* kept with the seed's record, written in seed order */
		sv_buf_printf(&o->trace, "%llu\t%d\t%d\t%.9g\t%.9g\n",
		              (unsigned long long)j->seed, epoch + 1, step + 1,
		              (double)lr, loss);
	} else if (r->trace) {
		trace_header(r);
		fprintf(stderr, "%llu\t%d\t%d\t%.9g\t%.9g\n",
		        (unsigned long long)j->seed, epoch + 1, step + 1,
		        (double)lr, loss);
	} else if (r->progress) {
		pthread_mutex_lock(&r->mu);
		sv_progress_show(&r->pg, j->seed, epoch, step, nsteps, 0);
		pthread_mutex_unlock(&r->mu);
	}
}

static void
put_record(struct run *r, struct sv_job *j, const struct sv_epoch_result *e,
           int epoch_col)
{
	struct out *o = j->user;
	struct sv_buf *b = &o->line;

	sv_buf_printf(b, "%llu\t%s\t%s\t%d\t%s\t%u\t%u\t",
	              (unsigned long long)j->seed, r->model->name, r->data.name,
	              r->cfg.o.r.epochs, r->vary, e->correct, e->total);
	sv_put_g(b, e->total ? (double)e->correct / e->total : 0.0 / 0.0, 9);
	sv_buf_puts(b, "\t");
	sv_put_g(b, e->test_loss, 9);
	sv_buf_puts(b, "\t");
	sv_put_g(b, e->train_loss, 9);
	sv_buf_printf(b, "\t%.3f\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s",
	              sv_now() - j->t_start, j->dev->kind_name, j->threads,
	              e->init_hash, e->hash, r->recipe, r->data_hash,
	              r->init_from, SV_VERSION);
	if (epoch_col)
		sv_buf_printf(b, "\t%d", e->epoch);
	sv_buf_puts(b, "\n");
}

static void
on_epoch(void *ctx, struct sv_job *j, const struct sv_epoch_result *e)
{
	struct run *r = ctx;

	if (r->every_epoch)
		put_record(r, j, e, 1);
}

static void
emit(struct run *r, const char *s, size_t n)
{
	if (sv_write_all(r->out_fd, s, n) != 0)
		sv_die(SV_EXIT_ENV, "write error: %s", strerror(errno));
}

static void
save_ckpt(struct run *r, const struct sv_net *net, uint64_t seed)
{
	struct sv_ckpt c;
	char opts[512], path[4096], err[512];

	sv_train_opts_string(&r->cfg.o, opts, sizeof opts);
	c.model = (char *)r->model->name;
	c.data = (char *)r->data_spec;
	c.options = opts;
	c.seed = seed;
	c.ntensor = net->nparam;
	c.t = net->param;
	snprintf(path, sizeof path, "%s/%llu.svckpt", r->save_dir,
	         (unsigned long long)seed);
	if (sv_ckpt_write(path, &c, err, sizeof err) != 0)
		sv_die(SV_EXIT_ENV, "%s", err);
}

/* After training, in the seed's thread. */
static void
trained(void *ctx, struct sv_job *j, const struct sv_train_result *res)
{
	struct run *r = ctx;

	if (!r->every_epoch)
		put_record(r, j, &res->last, 0);
	pthread_mutex_lock(&r->mu);
	r->pg.last_correct = res->last.correct;
	r->pg.last_total = res->last.total;
	pthread_mutex_unlock(&r->mu);
	if (r->save_dir)
		save_ckpt(r, j->net, j->seed);
}

static void
drop(void *ctx, struct sv_job *j)
{
	struct out *o = j->user;

	(void)ctx;
	sv_buf_free(&o->line);
	sv_buf_free(&o->trace);
	free(o);
}

/* A trained seed's lines, in input order. */
static void
done(void *ctx, struct sv_job *j)
{
	struct run *r = ctx;
	struct out *o = j->user;

	if (o->trace.len) {
		pthread_mutex_lock(&r->mu);
		trace_header(r);
		fwrite(o->trace.p, 1, o->trace.len, stderr);
		pthread_mutex_unlock(&r->mu);
	}
	/* one write of whole lines: a killed scan leaves only whole records */
	emit(r, o->line.p, o->line.len);
	pthread_mutex_lock(&r->mu);
	r->pg.done++;
	if (r->progress && !r->trace)
		sv_progress_show(&r->pg, j->seed, 0, -1, 0, 0);
	pthread_mutex_unlock(&r->mu);
	drop(ctx, j);
}

/* --recipe TEXT: the words of TEXT (sv_words_split), which must all be
 * options and their values, go before the other arguments, so that an
 * option given on the command line wins over the recipe's.  Returns argv
 * as it was without --recipe, else a new array (never freed: main's);
 * getopt starts over either way. */
static char **
expand_recipe(int *argc, char **argv)
{
	const char *recipe = NULL;
	char **w, **all, err[256];
	int nw, ch, n = *argc;

	while ((ch = sv_opts_next(&g_opts, n, argv)) != -1)
		if (ch == O_RECIPE && recipe)
			sv_opts_error(&g_opts, "--recipe given twice");
		else if (ch == O_RECIPE)
			recipe = optarg;
	optind = 0;
	if (!recipe)
		return argv;
	if (sv_words_split(recipe, &w, &nw, err, sizeof err) != 0)
		sv_opts_error(&g_opts, "option --recipe: %s: '%s'", err, recipe);
	/* the recipe alone: options only */
	all = sv_calloc((size_t)nw + (size_t)n + 1, sizeof *all);
	all[0] = argv[0];
	memcpy(all + 1, w, (size_t)nw * sizeof *w);
	g_opts.where = "option --recipe: ";
	while ((ch = sv_opts_next(&g_opts, nw + 1, all)) != -1)
		if (ch == O_RECIPE)
			sv_opts_error(&g_opts, "option --recipe: a recipe holding "
			              "--recipe");
	if (optind != nw + 1)
		sv_opts_error(&g_opts, "option --recipe: '%s' is not an option "
		              "or its value", all[optind]);
	g_opts.where = NULL;
	optind = 0;
	memcpy(all + 1, w, (size_t)nw * sizeof *w); /* getopt moved them */
	memcpy(all + 1 + nw, argv + 1, (size_t)(n - 1) * sizeof *argv);
	free(w); /* the words themselves live on in all */
	*argc = nw + n;
	return all;
}

int
main(int argc, char **argv)
{
	struct run r;
	struct sv_seed_source src;
	struct sv_net probe;
	struct sv_transfer xfer;
	const char *init_from = NULL, *reinit = NULL, *freeze = NULL;
	const char *classes = NULL;
	struct sv_buf extra = { 0 };  /* the recipe's options after sv_recipe_line's */
	int inflight = 0, list_layers = 0;
	const char *model = "fmnist-small", *data = NULL, *out = NULL;
	const char *device = "cpu", *gpu_math = NULL, *gpu_prec = NULL;
	char device_label[512], dnn_ver[64] = "";
	int resume = 0, quiet = 0, force_progress = 0, ch;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct { int set; double v; } ov[8] = { { 0, 0 } };
	enum { V_EPOCHS, V_BATCH, V_LR, V_MOM, V_WD, V_NEST, V_SCHED, V_AUG };
	uint64_t *skip = NULL;
	size_t nskip = 0;
	char err[1024], header[512];
	int empty = 1, rc, plain_header = 0;

	sv_setlocale();
	sv_set_progname(argv[0]);
	memset(&r, 0, sizeof r);
	r.cfg.o.vary = SV_VARY_ALL;
	r.cfg.threads = ncpu > 0 ? (int)(ncpu < 256 ? ncpu : 256) : 1;
	sv_opts_init(&g_opts, optdefs, synopsis);
	argv = expand_recipe(&argc, argv);
	while ((ch = sv_opts_next(&g_opts, argc, argv)) != -1) {
		switch (ch) {
		case 'm': model = optarg; break;
		case 'd': data = optarg; break;
		case 'o': out = optarg; break;
		case 'j': r.cfg.threads = (int)sv_opt_u64("--threads", optarg, 1, 256); break;
		case 'q': quiet = 1; break;
		case O_PLAIN_HEADER: plain_header = 1; break;
		case O_TRAIN_SIZE:
			r.cfg.o.train_size = (uint32_t)sv_opt_u64("--train-size", optarg, 1, UINT32_MAX);
			break;
		case O_EPOCHS:
			ov[V_EPOCHS].set = 1;
			ov[V_EPOCHS].v = (double)sv_opt_u64("--epochs", optarg, 0, 10000);
			break;
		case O_BATCH:
			ov[V_BATCH].set = 1;
			ov[V_BATCH].v = (double)sv_opt_u64("--batch", optarg, 1, 65536);
			break;
		case O_LR:
			ov[V_LR].set = 1;
			ov[V_LR].v = sv_opt_double("--lr", optarg, 0, 1e6);
			break;
		case O_MOMENTUM:
			ov[V_MOM].set = 1;
			ov[V_MOM].v = sv_opt_double("--momentum", optarg, 0, 1);
			break;
		case O_WD:
			ov[V_WD].set = 1;
			ov[V_WD].v = sv_opt_double("--wd", optarg, 0, 1e3);
			break;
		case O_AUGMENT:
		case O_NO_AUGMENT:
			ov[V_AUG].set = 1;
			ov[V_AUG].v = ch == O_AUGMENT;
			break;
		case O_NESTEROV:
		case O_NO_NESTEROV:
			ov[V_NEST].set = 1;
			ov[V_NEST].v = ch == O_NESTEROV;
			break;
		case O_SCHEDULE:
		{
			enum sv_schedule sc;

			if (sv_schedule_parse(optarg, &sc) != 0)
				sv_opts_error(&g_opts, "option --schedule: unknown "
				              "schedule '%s' (see --list)", optarg);
			ov[V_SCHED].set = 1;
			ov[V_SCHED].v = sc;
			break;
		}
		case O_VARY:
			if (sv_vary_parse(optarg, &r.cfg.o.vary) != 0)
				sv_opts_error(&g_opts, "option --vary: expected all, "
				               "none or a list of init,order,aug,split: "
				               "'%s'", optarg);
			break;
		case O_BASE_SEED:
			r.cfg.o.base_seed = sv_opt_u64("--base-seed", optarg, 0, UINT64_MAX);
			break;
		case O_RESUME: resume = 1; break;
		case O_EVERY_EPOCH: r.every_epoch = 1; break;
		case O_SAVE: r.save_dir = optarg; break;
		case O_TRACE: r.trace = 1; break;
		case O_PROGRESS: force_progress = 1; break;
		case O_COUNT: r.pg.count = sv_opt_u64("--count", optarg, 1, UINT64_MAX); break;
		case O_DEVICE: device = optarg; break;
		case O_INIT_FROM: init_from = optarg; break;
		case O_REINIT: reinit = optarg; break;
		case O_FREEZE: freeze = optarg; break;
		case O_CLASSES: classes = optarg; break;
		case O_LIST_LAYERS: list_layers = 1; break;
		case O_GPU_MATH: gpu_math = optarg; break;
		case O_GPU_PRECISION: gpu_prec = optarg; break;
		case O_GPU_SEEDS:
			r.cfg.gpu_seeds = (int)sv_opt_u64("--gpu-seeds", optarg, 1, 65535);
			break;
		case O_INFLIGHT:
			r.cfg.inflight = inflight = (int)sv_opt_u64("--in-flight", optarg, 1, 256);
			break;
		case O_RECIPE: break; /* expand_recipe put its options first */
		case O_LIST: sv_train_list(stdout); sv_close_stdout(); return 0;
		case O_LIST_MODELS:
			for (const struct sv_model_def *m = sv_models; m->name; m++)
				puts(m->name);
			sv_close_stdout();
			return 0;
		case O_LIST_DATASETS:
			for (const struct sv_dataset_def *d = sv_datasets; d->name; d++)
				puts(d->name);
			sv_close_stdout();
			return 0;
		case 'h': usage(); sv_close_stdout(); return 0;
		default:
			sv_opts_error(&g_opts, "unhandled option");
		}
	}
	argc -= optind;
	argv += optind;

	if (!(r.model = sv_model_find(model)))
		sv_opts_error(&g_opts, "unknown model '%s' (see --list)", model);
	if (resume && !out)
		sv_opts_error(&g_opts, "--resume needs -o FILE");
	if (strcmp(device, "cpu") != 0 && strcmp(device, "gpu") != 0)
		sv_opts_error(&g_opts, "option --device: cpu or gpu: '%s'", device);
	/* the cohort path on the CPU, for checking it without a GPU */
	r.cfg.cohort_cpu = strcmp(device, "cpu") == 0 && getenv("SV_COHORT") &&
	                   strcmp(getenv("SV_COHORT"), "cpu") == 0;
	if (r.cfg.gpu_seeds && strcmp(device, "gpu") != 0 && !r.cfg.cohort_cpu)
		sv_opts_error(&g_opts, "--gpu-seeds goes with --device gpu");
	if (gpu_math && strcmp(gpu_math, "exact") != 0 &&
	    strcmp(gpu_math, "cudnn") != 0)
		sv_opts_error(&g_opts, "option --gpu-math: exact or cudnn: '%s'",
		              gpu_math);
	if (gpu_prec && strcmp(gpu_prec, "fp32") != 0 &&
	    strcmp(gpu_prec, "tf32") != 0 && strcmp(gpu_prec, "fp16") != 0)
		sv_opts_error(&g_opts, "option --gpu-precision: fp32, tf32 or "
		              "fp16: '%s'", gpu_prec);
	if (gpu_math && strcmp(device, "gpu") != 0)
		sv_opts_error(&g_opts, "--gpu-math goes with --device gpu");
	if (gpu_prec && (!gpu_math || strcmp(gpu_math, "cudnn") != 0))
		sv_opts_error(&g_opts, "--gpu-precision goes with --gpu-math cudnn "
		              "(exact is float32)");
	if (gpu_math && strcmp(gpu_math, "cudnn") == 0)
		r.cfg.gpu_math = !gpu_prec || strcmp(gpu_prec, "fp32") == 0 ?
		                 SV_GPU_CUDNN_FP32 : strcmp(gpu_prec, "tf32") == 0 ?
		                 SV_GPU_CUDNN_TF32 : SV_GPU_CUDNN_FP16;
	if (inflight > 1 && strcmp(device, "gpu") == 0)
		sv_opts_error(&g_opts, "--in-flight %d: one seed at a time on "
		              "the GPU", inflight);
	if (strcmp(device, "gpu") == 0) {
		/* say early, before loading data, when there is no GPU */
		char name[256];

		if ((rc = sv_gpu_open(name, sizeof name, err, sizeof err)) != 0)
			sv_die(rc, "--device gpu: %s", err);
		if (r.cfg.gpu_math != SV_GPU_EXACT &&
		    (rc = sv_gpu_dnn_version(dnn_ver, sizeof dnn_ver, err,
		                             sizeof err)) != 0)
			sv_die(rc, "--gpu-math cudnn: %s", err);
		/* the record's device column: the numerics and the GPU */
		if (r.cfg.gpu_math == SV_GPU_EXACT)
			snprintf(device_label, sizeof device_label, "gpu exact (%s)",
			         name);
		else
			snprintf(device_label, sizeof device_label,
			         "gpu cudnn %s %s (%s)", gpu_prec ? gpu_prec : "fp32",
			         dnn_ver, name);
		for (char *q = device_label; *q; q++)
			if (*q == '\t' || *q == '\n' || *q == '\r')
				*q = ' ';
		r.cfg.device_label = device_label;
	}
	r.cfg.o.r = r.model->recipe;
	if (ov[V_EPOCHS].set) r.cfg.o.r.epochs = (int)ov[V_EPOCHS].v;
	if (ov[V_BATCH].set) r.cfg.o.r.batch = (int)ov[V_BATCH].v;
	if (ov[V_LR].set) r.cfg.o.r.lr = (float)ov[V_LR].v;
	if (ov[V_MOM].set) r.cfg.o.r.momentum = (float)ov[V_MOM].v;
	if (ov[V_WD].set) r.cfg.o.r.wd = (float)ov[V_WD].v;
	if (ov[V_NEST].set) r.cfg.o.r.nesterov = (int)ov[V_NEST].v;
	if (ov[V_SCHED].set) r.cfg.o.r.schedule = (enum sv_schedule)ov[V_SCHED].v;
	if (ov[V_AUG].set) r.cfg.o.r.augment = (int)ov[V_AUG].v;
	r.cfg.o.every_epoch = r.every_epoch;
	sv_vary_name(r.cfg.o.vary, r.vary, sizeof r.vary);
	r.pg.fp = stderr;
	r.pg.tty = isatty(2);
	r.progress = !quiet && (force_progress || r.pg.tty);

	{
		r.data_spec = data ? data : r.model->data;
		if (strpbrk(r.data_spec, "\t\n\r"))
			sv_opts_error(&g_opts, "option --data: a tab or line break "
			              "in the name");
		rc = sv_dataset_load(r.data_spec, &r.data, err, sizeof err);
		if (rc)
			sv_die(rc, "%s", err);
		if (classes) {
			uint32_t mask;

			if ((rc = sv_classes_parse(classes, &mask, err, sizeof err)) ||
			    (rc = sv_dataset_keep_classes(&r.data, mask, err,
			                                  sizeof err)))
				sv_die(rc, "%s", err);
		}
	}
	if (r.cfg.o.train_size > r.data.train.n)
		sv_opts_error(&g_opts, "--train-size %u: the training set has "
		               "%u images", r.cfg.o.train_size, r.data.train.n);
	/* refuse a network the data cannot feed, or the GPU cannot run,
	 * before anything is written */
	if (sv_net_init(&probe, r.model, r.cfg.o.r.batch, (int)r.data.train.h,
	                (int)r.data.train.w, (int)r.data.train.c,
	                r.data.nclass, 1, err, sizeof err) != 0)
		sv_die(SV_EXIT_USAGE, "%s", err);
	if (list_layers) {
		sv_net_list_layers(&probe, stdout);
		sv_close_stdout();
		return 0;
	}
	if (strcmp(device, "gpu") == 0 &&
	    (rc = sv_gpu_supported(&probe, err, sizeof err)) != 0)
		sv_die(rc, "--device gpu: %s", err);
	if (strcmp(device, "gpu") == 0 && freeze)
		sv_opts_error(&g_opts, "--freeze: not on the GPU yet (the GPU "
		              "updates every layer)");
	if (reinit && !init_from)
		sv_opts_error(&g_opts, "--reinit goes with --init-from");
	if (strpbrk(init_from ? init_from : "", "\t\n\r"))
		sv_opts_error(&g_opts, "option --init-from: a tab or line break "
		              "in the path");
	if ((rc = sv_transfer_init(&xfer, init_from, reinit, freeze, &probe, err,
	                           sizeof err)) != 0)
		sv_die(rc, "%s", err);
	if (init_from || freeze)
		r.cfg.o.transfer = &xfer;
	sv_net_free(&probe);
	{
		const char *xo[] = { "classes", "init-from", "reinit", "freeze" };
		const char *xv[] = { classes, init_from, reinit, freeze };

		for (int i = 0; i < 4; i++) {
			if (!xv[i])
				continue;
			sv_buf_printf(&extra, " --%s ", xo[i]);
			sv_word_put(&extra, xv[i]);
		}
		/* cuDNN's numerics are part of the recipe: they change the
		 * bits (and need the GPU) */
		if (r.cfg.gpu_math != SV_GPU_EXACT)
			sv_buf_printf(&extra, " --device gpu --gpu-math cudnn "
			              "--gpu-precision %s", gpu_prec ? gpu_prec : "fp32");
	}
	omp_set_dynamic(0);
	pthread_mutex_init(&r.mu, NULL);

	if (sv_recipe_line(r.model->name, r.data_spec, &r.cfg.o,
	                   extra.p ? extra.p : "", r.recipe, sizeof r.recipe) != 0)
		sv_opts_error(&g_opts, "--data and the options: too long for the "
		              "recipe column: '%s'", r.data_spec);
	sv_buf_free(&extra);
	sv_dataset_hash(&r.data, r.data_hash);
	r.init_from = init_from ? xfer.from_hash : "-";
	{
		struct sv_buf hb = { 0 };

		sv_train_header(&hb, r.every_epoch);
		snprintf(header, sizeof header, "%s", hb.p);
		sv_buf_free(&hb);
	}
	r.out_fd = 1;
	if (out) {
		/* one writer a file: a second sv-train on it exits 3 */
		int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;

		r.out_fd = open(out, resume ? flags : flags | O_EXCL, 0644);
		if (r.out_fd < 0)
			sv_die(errno == EEXIST ? SV_EXIT_USAGE : SV_EXIT_ENV,
			       "%s: %s%s", out, strerror(errno),
			       errno == EEXIST ? " (use --resume to continue it)" : "");
		if (flock(r.out_fd, LOCK_EX | LOCK_NB) != 0)
			sv_die(SV_EXIT_ENV, "%s: %s", out, errno == EWOULDBLOCK ?
			       "another sv-train is writing it" : strerror(errno));
		if (resume) {
			struct sv_scan_key key = { header, r.model->name,
			                           r.data.name, r.vary, r.recipe,
			                           r.data_hash, r.init_from,
			                           r.cfg.o.r.epochs, r.every_epoch };
			long dropped;

			rc = sv_scan_resume(r.out_fd, out, &key, &skip, &nskip,
			                    &empty, &dropped, err, sizeof err);
			if (dropped)
				sv_warn("%s: dropped a partial last line (%ld "
				        "bytes)", out, dropped);
			if (rc)
				sv_die(rc, "%s", err);
		}
	}
	if (r.save_dir && mkdir(r.save_dir, 0755) != 0 && errno != EEXIST)
		sv_die(SV_EXIT_ENV, "%s: %s", r.save_dir, strerror(errno));
	if (empty || !out) {
		char h[600];
		int n = snprintf(h, sizeof h, "%s%s\n", plain_header ? "" : "#",
		                 header);

		emit(&r, h, (size_t)n);
	}

	{
		struct sv_runner_ops ops = { &r, job_new, on_step, on_epoch,
		                             trained, done, drop };

		r.cfg.model = r.model;
		r.cfg.data = &r.data;
		r.cfg.device = device;
		r.cfg.count = r.pg.count;
		r.pg.epochs = r.cfg.o.r.epochs;
		r.cfg.skip = skip;
		r.cfg.nskip = nskip;
		/* --trace lines wait for their seed's turn when seeds run at once */
		r.trace_buffered = r.cfg.cohort_cpu || strcmp(device, "gpu") == 0 ||
		                   r.cfg.inflight > 1 ||
		                   (r.cfg.inflight == 0 && r.cfg.threads > 1);
		r.pg.t_start = sv_now();
		sv_seed_source_init(&src, argv, argc);
		rc = sv_runner_run(&r.cfg, &src, &ops, err, sizeof err);
		sv_seed_source_free(&src);
		if (rc != 0)
			sv_die(rc, "%s", err);
	}
	if (r.progress && !r.trace && r.pg.done && r.pg.tty)
		sv_progress_show(&r.pg, 0, 0, -1, 0, 1);
	free(skip);
	sv_transfer_free(&xfer);
	pthread_mutex_destroy(&r.mu);
	sv_dataset_free(&r.data);
	if (out && close(r.out_fd) != 0)
		sv_die(SV_EXIT_ENV, "%s: %s", out, strerror(errno));
	sv_close_stdout();
	return 0;
}
