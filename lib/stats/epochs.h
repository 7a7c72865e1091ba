/* epochs.h - per-epoch records: the last epoch of each run, and the
 * distribution over seeds at every epoch (the study's accuracy-vs-epoch
 * figure) */
#ifndef SV_EPOCHS_H
#define SV_EPOCHS_H

#include <stddef.h>

/* Copy into out[] (room for n) the x[i] whose ep[i] is the largest epoch
 * of ep[0..n-1], in input order; returns their count. */
size_t sv_last_epoch(const double *x, const double *ep, size_t n,
                     double *out);

/* One row per distinct epoch, ascending. */
struct sv_epoch_table {
	double *epoch, *mean, *sd, *min, *max; /* sd with k-1; NAN for k 1 */
	size_t n;
};

/* Aggregate x[i] by ep[i].  Allocates t's arrays (sv_epoch_table_free). */
void sv_epoch_table(const double *x, const double *ep, size_t n,
                    struct sv_epoch_table *t);
void sv_epoch_table_free(struct sv_epoch_table *t);

#endif
