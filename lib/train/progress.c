/* progress.c - seeds done, seeds an hour, the running seed, the ETA */
#include <time.h>

#include "progress.h"

double
sv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void
sv_progress_show(struct sv_progress *p, uint64_t seed, int epoch, int step,
                 int nsteps, int final)
{
	double t = sv_now(), el = t - p->t_start;
	double rate = el > 0 ? (double)p->done / el * 3600 : 0;

	if (!p->tty && (step >= 0 || final))
		return;
	if (p->tty && !final && step >= 0 && t - p->last_shown < 0.25)
		return;
	p->last_shown = t;
	fprintf(p->fp, "%ssv-train: %llu", p->tty ? "\r" : "",
	        (unsigned long long)p->done);
	if (p->count)
		fprintf(p->fp, "/%llu", (unsigned long long)p->count);
	fprintf(p->fp, " seeds, %.1f seeds/h", rate);
	if (step >= 0)
		fprintf(p->fp, ", seed %llu epoch %d/%d step %d/%d",
		        (unsigned long long)seed, epoch + 1, p->epochs, step + 1,
		        nsteps);
	if (p->last_total)
		fprintf(p->fp, ", last acc %.4f",
		        (double)p->last_correct / p->last_total);
	if (p->count && p->done > 0 && p->done < p->count) {
		double eta = el / p->done * (p->count - p->done);

		fprintf(p->fp, ", ETA %dh%02dm", (int)(eta / 3600),
		        (int)(eta / 60) % 60);
	}
	if (p->tty)
		fprintf(p->fp, "\033[K");
	if (final || !p->tty)
		fputc('\n', p->fp);
	fflush(p->fp);
}
