/* progress.h - the progress line of a scan on standard error */
#ifndef SV_PROGRESS_H
#define SV_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct sv_progress {
	FILE *fp;                 /* where it goes (stderr) */
	int tty;                  /* redraw one line (else a line a seed) */
	int epochs;               /* of each seed */
	uint64_t count;           /* seeds to come, 0: unknown (no ETA) */
	uint64_t done;            /* seeds finished */
	double t_start, last_shown;
	uint32_t last_correct, last_total;  /* the last seed's accuracy */
};

/* Seconds on the monotonic clock. */
double sv_now(void);

/* Show the state.  On a terminal one line is redrawn (at most four times
 * a second) with a running seed's epoch and step; elsewhere one line is
 * written per finished seed.  step < 0: between seeds; final: the last
 * line of a run (terminal only).  The caller serialises calls. */
void sv_progress_show(struct sv_progress *p, uint64_t seed, int epoch,
                      int step, int nsteps, int final);

#endif
