/* sv-train - train one model per seed and print one record per seed */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "formats/ckpt.h"
#include "kernels/conv.h"
#include "train/dataset.h"
#include "train/gpu.h"
#include "train/model.h"
#include "formats/record.h"
#include "train/seeds.h"
#include "train/train.h"
#include "base/util.h"

static const char synopsis[] =
	"sv-train [-m MODEL] [-d DATA[:PATH]] [-j THREADS] [-o FILE [--resume]] "
	"[options] [SEEDFILE...]";

static const char columns[] =
	"seed\tmodel\tdata\tepochs\tvary\tcorrect\ttotal\tacc\ttest_loss\t"
	"train_loss\tsecs\tdevice\tthreads\tinit_hash\thash";

static void
usage(void)
{
	printf("usage: %s\n\n", synopsis);
	printf(
"Reads seeds (one unsigned 64-bit integer per line, or records with a\n"
"'seed' column) from the SEEDFILEs or standard input, trains one model per\n"
"seed and prints one record per seed (see sv-records(5)).  The same seed and\n"
"options give bit-identical weights ('hash') for any thread count.\n\n"
"Model and data:\n"
"  -m, --model NAME       model (default fmnist-small); see --list\n"
"  -d, --data NAME[:PATH] dataset (default: the model's); see --list\n"
"      --train-size N     train on N images drawn by the split stream\n"
"Recipe (defaults: the model's recipe, see --list):\n"
"      --epochs N         epochs\n"
"      --batch N          batch size\n"
"      --lr X             learning rate\n"
"      --momentum X       SGD momentum\n"
"      --nesterov, --no-nesterov\n"
"      --wd X             weight decay (coupled, added to the gradient)\n"
"      --schedule NAME    const or picard (the study's per-epoch ramp)\n"
"Randomness (Philox4x32-10, one stream per source):\n"
"      --vary LIST        sources that take the record's seed: all (default),\n"
"                         none, or a comma list of init,order,aug,split\n"
"      --base-seed N      the seed of the sources not varied (default 0)\n"
"Output:\n"
"  -o, --output FILE      append records to FILE instead of standard output\n"
"      --resume           with -o: skip seeds FILE already holds\n"
"      --every-epoch      one record per epoch (adds an 'epoch' column)\n"
"      --save DIR         write DIR/SEED.svckpt for each seed (sv-ckpt(5))\n"
"      --trace            per-step records (seed epoch step lr loss) on stderr\n"
"      --progress         progress on stderr even when it is not a terminal\n"
"  -q, --quiet            no progress\n"
"      --count N          the number of seeds to come (for the ETA)\n"
"Machine:\n"
"  -j, --threads N        CPU threads (default: all online CPUs)\n"
"      --device DEV       cpu (default) or gpu (needs the GPU backend)\n"
"      --list             list models and datasets, then exit\n"
"      --list-models, --list-datasets, --list-options\n"
"                         names one a line (for completion)\n"
"  -h, --help             this help\n"
"  -V, --version          version\n\n"
"Exit status: 0 success, 2 usage or bad input, 3 environment (missing\n"
"dataset, no GPU backend, write error).\n");
}

enum {
	O_EPOCHS = 256, O_BATCH, O_LR, O_MOMENTUM, O_NESTEROV, O_NO_NESTEROV,
	O_WD, O_SCHEDULE, O_VARY, O_BASE_SEED, O_TRAIN_SIZE, O_RESUME,
	O_EVERY_EPOCH, O_SAVE, O_TRACE, O_PROGRESS, O_COUNT, O_DEVICE, O_LIST,
	O_LIST_OPTIONS, O_LIST_MODELS, O_LIST_DATASETS
};

static const struct option longopts[] = {
	{ "model", required_argument, NULL, 'm' },
	{ "data", required_argument, NULL, 'd' },
	{ "train-size", required_argument, NULL, O_TRAIN_SIZE },
	{ "epochs", required_argument, NULL, O_EPOCHS },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "lr", required_argument, NULL, O_LR },
	{ "momentum", required_argument, NULL, O_MOMENTUM },
	{ "nesterov", no_argument, NULL, O_NESTEROV },
	{ "no-nesterov", no_argument, NULL, O_NO_NESTEROV },
	{ "wd", required_argument, NULL, O_WD },
	{ "schedule", required_argument, NULL, O_SCHEDULE },
	{ "vary", required_argument, NULL, O_VARY },
	{ "base-seed", required_argument, NULL, O_BASE_SEED },
	{ "output", required_argument, NULL, 'o' },
	{ "resume", no_argument, NULL, O_RESUME },
	{ "every-epoch", no_argument, NULL, O_EVERY_EPOCH },
	{ "save", required_argument, NULL, O_SAVE },
	{ "trace", no_argument, NULL, O_TRACE },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "count", required_argument, NULL, O_COUNT },
	{ "threads", required_argument, NULL, 'j' },
	{ "device", required_argument, NULL, O_DEVICE },
	{ "list", no_argument, NULL, O_LIST },
	{ "list-models", no_argument, NULL, O_LIST_MODELS },
	{ "list-datasets", no_argument, NULL, O_LIST_DATASETS },
	{ "list-options", no_argument, NULL, O_LIST_OPTIONS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Everything one run shares. */
struct run {
	const struct sv_model_def *model;
	struct sv_dataset data;
	struct sv_net net;
	struct sv_train_opts o;
	char vary[64];
	int threads;
	int out_fd;
	const char *save_dir;
	const char *data_spec;   /* as given, saved in checkpoints */
	int progress, tty, trace, every_epoch;
	uint64_t count, done;
	double t_start, t_seed;
	uint64_t seed;
	double last_shown;
	uint32_t last_correct, last_total;
	struct sv_buf line;     /* the current seed's record(s) */
	int trace_header;
	int gpu;                /* --device gpu: sv_gpu_open() succeeded */
	char gpu_name[256];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Progress on stderr.  On a terminal one line is redrawn (at most four
 * times a second) with the current seed's epoch and step; elsewhere
 * (--progress into a file or pipe) one line is written per finished seed.
 * step < 0: between seeds. */
static void
show_progress(struct run *r, int epoch, int step, int nsteps, int final)
{
	double t = now(), el = t - r->t_start;
	double rate = el > 0 ? (double)r->done / el * 3600 : 0;

	if (!r->tty && (step >= 0 || final))
		return;
	if (r->tty && !final && step >= 0 && t - r->last_shown < 0.25)
		return;
	r->last_shown = t;
	fprintf(stderr, "%ssv-train: %llu", r->tty ? "\r" : "",
	        (unsigned long long)r->done);
	if (r->count)
		fprintf(stderr, "/%llu", (unsigned long long)r->count);
	fprintf(stderr, " seeds, %.1f seeds/h", rate);
	if (step >= 0)
		fprintf(stderr, ", seed %llu epoch %d/%d step %d/%d",
		        (unsigned long long)r->seed, epoch + 1, r->o.r.epochs,
		        step + 1, nsteps);
	if (r->last_total)
		fprintf(stderr, ", last acc %.4f",
		        (double)r->last_correct / r->last_total);
	if (r->count && r->done > 0 && r->done < r->count) {
		double eta = el / r->done * (r->count - r->done);

		fprintf(stderr, ", ETA %dh%02dm", (int)(eta / 3600),
		        (int)(eta / 60) % 60);
	}
	if (r->tty)
		fprintf(stderr, "\033[K");
	if (final || !r->tty)
		fputc('\n', stderr);
	fflush(stderr);
}

static void
on_step(void *ctx, int epoch, int step, int nsteps, double loss, float lr)
{
	struct run *r = ctx;

	if (r->trace) {
		if (!r->trace_header) {
			fprintf(stderr, "#seed\tepoch\tstep\tlr\tloss\n");
			r->trace_header = 1;
		}
		fprintf(stderr, "%llu\t%d\t%d\t%.9g\t%.9g\n",
		        (unsigned long long)r->seed, epoch + 1, step + 1,
		        (double)lr, loss);
	} else if (r->progress) {
		show_progress(r, epoch, step, nsteps, 0);
	}
}

static void
put_record(struct run *r, const struct sv_epoch_result *e, int epoch_col)
{
	struct sv_buf *b = &r->line;

	sv_buf_printf(b, "%llu\t%s\t%s\t%d\t%s\t%u\t%u\t",
	              (unsigned long long)r->seed, r->model->name, r->data.name,
	              r->o.r.epochs, r->vary, e->correct, e->total);
	sv_put_g(b, e->total ? (double)e->correct / e->total : 0.0 / 0.0, 9);
	sv_buf_puts(b, "\t");
	sv_put_g(b, e->test_loss, 9);
	sv_buf_puts(b, "\t");
	sv_put_g(b, e->train_loss, 9);
	sv_buf_printf(b, "\t%.3f\t%s\t%d\t%s\t%s", now() - r->t_seed,
	              r->gpu ? "gpu" : "cpu", r->threads, e->init_hash, e->hash);
	if (epoch_col)
		sv_buf_printf(b, "\t%d", e->epoch);
	sv_buf_puts(b, "\n");
}

static void
on_epoch(void *ctx, const struct sv_epoch_result *e)
{
	struct run *r = ctx;

	r->last_correct = e->correct;
	r->last_total = e->total;
	if (r->every_epoch)
		put_record(r, e, 1);
}

static void
emit(struct run *r, const char *s, size_t n)
{
	if (sv_write_all(r->out_fd, s, n) != 0)
		sv_die(SV_EXIT_ENV, "write error: %s", strerror(errno));
}

static void
save_ckpt(struct run *r)
{
	struct sv_ckpt c;
	char opts[512], path[4096], err[512];

	snprintf(opts, sizeof opts, "epochs=%d batch=%d lr=%.9g momentum=%.9g "
	         "nesterov=%d wd=%.9g schedule=%s vary=%s base_seed=%llu "
	         "train_size=%u", r->o.r.epochs, r->o.r.batch, (double)r->o.r.lr,
	         (double)r->o.r.momentum, r->o.r.nesterov, (double)r->o.r.wd,
	         sv_schedule_name(r->o.r.schedule), r->vary,
	         (unsigned long long)r->o.base_seed, r->o.train_size);
	c.model = (char *)r->model->name;
	c.data = (char *)r->data_spec;
	c.options = opts;
	c.seed = r->seed;
	c.ntensor = r->net.nparam;
	c.t = r->net.param;
	snprintf(path, sizeof path, "%s/%llu.svckpt", r->save_dir,
	         (unsigned long long)r->seed);
	if (sv_ckpt_write(path, &c, err, sizeof err) != 0)
		sv_die(SV_EXIT_ENV, "%s", err);
}

static void
train_one(struct run *r, uint64_t seed)
{
	struct sv_train_result res;

	r->seed = seed;
	r->t_seed = now();
	r->line.len = 0;
	if (r->gpu) {
		char err[1024];
		int rc = sv_gpu_train_seed(&r->net, &r->data, &r->o, seed, &res,
		                           err, sizeof err);

		if (rc != 0)
			sv_die(rc, "--device gpu: %s", err);
	} else {
		sv_train_seed(&r->net, &r->data, &r->o, seed, &res);
	}
	if (!r->every_epoch)
		put_record(r, &res.last, 0);
	if (r->save_dir)
		save_ckpt(r);
	/* one write of whole lines: a killed scan leaves only whole records */
	emit(r, r->line.p, r->line.len);
	r->done++;
	if (r->progress && !r->trace)
		show_progress(r, 0, -1, 0, 0);
}

/* Seeds already in FILE (for --resume), after cutting a partial last line.
 * Returns a sorted array; exits 2 when FILE's records do not match this
 * run's header or options. */
static uint64_t *
resume_seeds(const char *path, const char *header, struct run *r, size_t *n,
             int *empty)
{
	FILE *fp = fopen(path, "r+");
	struct sv_reader rd;
	uint64_t *s = NULL;
	size_t cap = 0;
	long end, keep = 0;
	enum sv_rec_status st;
	int c_model, c_data, c_epochs, c_vary, c_epoch = -1;

	*n = 0;
	*empty = 1;
	if (!fp) {
		if (errno == ENOENT)
			return NULL;
		sv_die(SV_EXIT_ENV, "%s: %s", path, strerror(errno));
	}
	/* find the end of the last complete line */
	if (fseek(fp, 0, SEEK_END) != 0 || (end = ftell(fp)) < 0)
		sv_die(SV_EXIT_ENV, "%s: %s", path, strerror(errno));
	for (long pos = end; pos > 0; pos--) {
		fseek(fp, pos - 1, SEEK_SET);
		if (fgetc(fp) == '\n') {
			keep = pos;
			break;
		}
	}
	if (keep != end) {
		if (ftruncate(fileno(fp), keep) != 0)
			sv_die(SV_EXIT_ENV, "%s: %s", path, strerror(errno));
		sv_warn("%s: dropped a partial last line (%ld bytes)", path,
		        end - keep);
	}
	/* reopen: stdio may still hold the cut bytes in its buffer */
	fclose(fp);
	if (!(fp = fopen(path, "r")))
		sv_die(SV_EXIT_ENV, "%s: %s", path, strerror(errno));
	*empty = keep == 0;
	sv_reader_init(&rd, fp, path);
	while ((st = sv_reader_next(&rd)) == SV_REC_DATA) {
		const char *e;
		uint64_t v;

		if (strcmp(rd.header ? rd.header : "", header) != 0)
			sv_die(SV_EXIT_USAGE, "%s: records have other columns than "
			       "this run's (options differ?)", path);
		c_model = sv_reader_col(&rd, "model");
		c_data = sv_reader_col(&rd, "data");
		c_epochs = sv_reader_col(&rd, "epochs");
		c_vary = sv_reader_col(&rd, "vary");
		if (r->every_epoch)
			c_epoch = sv_reader_col(&rd, "epoch");
		{
			char ep[16];

			snprintf(ep, sizeof ep, "%d", r->o.r.epochs);
			if (strcmp(rd.field[c_model], r->model->name) ||
			    strcmp(rd.field[c_data], r->data.name) ||
			    strcmp(rd.field[c_epochs], ep) ||
			    strcmp(rd.field[c_vary], r->vary))
				sv_die(SV_EXIT_USAGE, "%s:%lu: record made with other "
				       "options (model, data, epochs or vary differ)",
				       path, rd.lineno);
			if (c_epoch >= 0 && strcmp(rd.field[c_epoch], ep) != 0)
				continue; /* only the final epoch marks a seed done */
		}
		v = sv_parse_u64(rd.field[0], 0, UINT64_MAX, &e);
		if (e)
			sv_die(SV_EXIT_USAGE, "%s:%lu: seed: %s: '%s'", path,
			       rd.lineno, e, rd.field[0]);
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			s = sv_realloc(s, cap * sizeof *s);
		}
		s[(*n)++] = v;
	}
	if (st == SV_REC_BAD)
		sv_die(SV_EXIT_USAGE, "%s", rd.err);
	if (!rd.header && keep > 0)
		sv_die(SV_EXIT_USAGE, "%s: not a record file of sv-train (no "
		       "header)", path);
	if (rd.header && strcmp(rd.header, header) != 0)
		sv_die(SV_EXIT_USAGE, "%s: records have other columns than this "
		       "run's (options differ?)", path);
	sv_reader_free(&rd);
	fclose(fp);
	return s;
}

static int
have_seed(const uint64_t *s, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == v)
			return 1;
	return 0;
}

static void
list_all(void)
{
	printf("models:\n");
	for (const struct sv_model_def *m = sv_models; m->name; m++)
		printf("  %-14s %s\n  %-14s data %s, epochs %d, batch %d, lr %g, "
		       "momentum %g%s, wd %g, schedule %s\n", m->name, m->help,
		       "", m->data, m->recipe.epochs, m->recipe.batch,
		       (double)m->recipe.lr, (double)m->recipe.momentum,
		       m->recipe.nesterov ? " (nesterov)" : "",
		       (double)m->recipe.wd, sv_schedule_name(m->recipe.schedule));
	printf("datasets:\n");
	for (const struct sv_dataset_def *d = sv_datasets; d->name; d++)
		printf("  %-14s %s%s%s\n", d->name, d->help,
		       d->default_path && *d->default_path ? "; default " : "",
		       d->default_path && *d->default_path ? d->default_path : "");
}

/* Load the GPU backend and find a GPU, or exit 3 saying what is missing. */
static void
check_gpu(struct run *r)
{
	char err[1024];
	int rc = sv_gpu_open(r->gpu_name, sizeof r->gpu_name, err, sizeof err);

	if (rc != 0)
		sv_die(rc, "--device gpu: %s", err);
	r->gpu = 1;
}

int
main(int argc, char **argv)
{
	struct run r;
	const char *model = "fmnist-small", *data = NULL, *out = NULL;
	const char *device = "cpu";
	int resume = 0, quiet = 0, force_progress = 0, ch;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct { int set; double v; } ov[8] = { { 0, 0 } };
	enum { V_EPOCHS, V_BATCH, V_LR, V_MOM, V_WD, V_NEST, V_SCHED };
	uint64_t *done = NULL;
	size_t ndone = 0;
	char err[1024], header[512];
	struct sv_reader rd;
	enum sv_rec_status st;
	uint64_t seed;
	int empty = 1;

	sv_setlocale();
	sv_set_progname(argv[0]);
	memset(&r, 0, sizeof r);
	r.o.vary = SV_VARY_ALL;
	r.threads = ncpu > 0 ? (int)(ncpu < 256 ? ncpu : 256) : 1;
	while ((ch = getopt_long(argc, argv, "m:d:o:j:qhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm': model = optarg; break;
		case 'd': data = optarg; break;
		case 'o': out = optarg; break;
		case 'j': r.threads = (int)sv_opt_u64("--threads", optarg, 1, 256); break;
		case 'q': quiet = 1; break;
		case O_TRAIN_SIZE:
			r.o.train_size = (uint32_t)sv_opt_u64("--train-size", optarg, 1, UINT32_MAX);
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
		case O_NESTEROV:
		case O_NO_NESTEROV:
			ov[V_NEST].set = 1;
			ov[V_NEST].v = ch == O_NESTEROV;
			break;
		case O_SCHEDULE:
			ov[V_SCHED].set = 1;
			if (strcmp(optarg, "const") == 0)
				ov[V_SCHED].v = SV_SCHED_CONST;
			else if (strcmp(optarg, "picard") == 0)
				ov[V_SCHED].v = SV_SCHED_PICARD;
			else
				sv_usage_error(synopsis, "option --schedule: unknown "
				               "schedule '%s' (const, picard)", optarg);
			break;
		case O_VARY:
			if (sv_vary_parse(optarg, &r.o.vary) != 0)
				sv_usage_error(synopsis, "option --vary: expected all, "
				               "none or a list of init,order,aug,split: "
				               "'%s'", optarg);
			break;
		case O_BASE_SEED:
			r.o.base_seed = sv_opt_u64("--base-seed", optarg, 0, UINT64_MAX);
			break;
		case O_RESUME: resume = 1; break;
		case O_EVERY_EPOCH: r.every_epoch = 1; break;
		case O_SAVE: r.save_dir = optarg; break;
		case O_TRACE: r.trace = 1; break;
		case O_PROGRESS: force_progress = 1; break;
		case O_COUNT: r.count = sv_opt_u64("--count", optarg, 1, UINT64_MAX); break;
		case O_DEVICE: device = optarg; break;
		case O_LIST: list_all(); sv_close_stdout(); return 0;
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
		case O_LIST_OPTIONS: sv_list_options_exit(longopts);
		case 'h': usage(); sv_close_stdout(); return 0;
		case 'V': sv_version_exit();
		default:
			sv_usage_error(synopsis, "unknown or incomplete option");
		}
	}
	argc -= optind;
	argv += optind;

	if (!(r.model = sv_model_find(model)))
		sv_usage_error(synopsis, "unknown model '%s' (see --list)", model);
	if (resume && !out)
		sv_usage_error(synopsis, "--resume needs -o FILE");
	if (strcmp(device, "cpu") != 0 && strcmp(device, "gpu") != 0)
		sv_usage_error(synopsis, "option --device: cpu or gpu: '%s'", device);
	if (strcmp(device, "gpu") == 0)
		check_gpu(&r);
	r.o.r = r.model->recipe;
	if (ov[V_EPOCHS].set) r.o.r.epochs = (int)ov[V_EPOCHS].v;
	if (ov[V_BATCH].set) r.o.r.batch = (int)ov[V_BATCH].v;
	if (ov[V_LR].set) r.o.r.lr = (float)ov[V_LR].v;
	if (ov[V_MOM].set) r.o.r.momentum = (float)ov[V_MOM].v;
	if (ov[V_WD].set) r.o.r.wd = (float)ov[V_WD].v;
	if (ov[V_NEST].set) r.o.r.nesterov = (int)ov[V_NEST].v;
	if (ov[V_SCHED].set) r.o.r.schedule = (enum sv_schedule)ov[V_SCHED].v;
	r.o.every_epoch = r.every_epoch;
	sv_vary_name(r.o.vary, r.vary, sizeof r.vary);
	r.tty = isatty(2);
	r.progress = !quiet && (force_progress || r.tty);

	{
		int rc;

		r.data_spec = data ? data : r.model->data;
		rc = sv_dataset_load(r.data_spec, &r.data, err, sizeof err);

		if (rc)
			sv_die(rc, "%s", err);
	}
	if (r.o.train_size > r.data.train.n)
		sv_usage_error(synopsis, "--train-size %u: the training set has "
		               "%u images", r.o.train_size, r.data.train.n);
	if (sv_net_init(&r.net, r.model, r.o.r.batch, (int)r.data.train.h,
	                (int)r.data.train.w, (int)r.data.train.c,
	                r.data.nclass, r.threads, err, sizeof err) != 0)
		sv_die(SV_EXIT_USAGE, "%s", err);
	if (r.gpu && sv_gpu_supported(&r.net, err, sizeof err) != 0)
		sv_die(SV_EXIT_USAGE, "--device gpu: %s", err);
	omp_set_dynamic(0);
	r.o.on_step = on_step;
	r.o.on_epoch = on_epoch;
	r.o.ctx = &r;

	snprintf(header, sizeof header, "%s%s", columns,
	         r.every_epoch ? "\tepoch" : "");
	r.out_fd = 1;
	if (out) {
		int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;

		if (resume)
			done = resume_seeds(out, header, &r, &ndone, &empty);
		else
			flags |= O_EXCL;
		r.out_fd = open(out, flags, 0644);
		if (r.out_fd < 0)
			sv_die(errno == EEXIST ? SV_EXIT_USAGE : SV_EXIT_ENV,
			       "%s: %s%s", out, strerror(errno),
			       errno == EEXIST ? " (use --resume to continue it)" : "");
	}
	if (r.save_dir && mkdir(r.save_dir, 0755) != 0 && errno != EEXIST)
		sv_die(SV_EXIT_ENV, "%s: %s", r.save_dir, strerror(errno));
	if (empty || !out) {
		char h[600];
		int n = snprintf(h, sizeof h, "#%s\n", header);

		emit(&r, h, (size_t)n);
	}

	r.t_start = now();
	sv_reader_init(&rd, stdin, "stdin");
	for (int fi = 0; fi < (argc ? argc : 1); fi++) {
		FILE *fp = stdin;

		if (argc && strcmp(argv[fi], "-") != 0) {
			fp = fopen(argv[fi], "r");
			if (!fp)
				sv_die(SV_EXIT_USAGE, "%s: %s", argv[fi], strerror(errno));
		}
		sv_reader_next_input(&rd, fp, argc ? argv[fi] : "stdin");
		while ((st = sv_next_seed(&rd, &seed)) == SV_REC_DATA) {
			if (done && have_seed(done, ndone, seed))
				continue;
			train_one(&r, seed);
		}
		if (st == SV_REC_BAD)
			sv_die(SV_EXIT_USAGE, "%s", rd.err);
		if (fp != stdin)
			fclose(fp);
	}
	if (r.progress && !r.trace && r.done && r.tty)
		show_progress(&r, 0, -1, 0, 1);
	sv_reader_free(&rd);
	free(done);
	sv_buf_free(&r.line);
	sv_net_free(&r.net);
	sv_dataset_free(&r.data);
	if (out && close(r.out_fd) != 0)
		sv_die(SV_EXIT_ENV, "%s: %s", out, strerror(errno));
	sv_close_stdout();
	return 0;
}
