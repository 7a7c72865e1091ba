/* plot.h - pictures of a seed distribution: a terminal histogram in
 * Unicode blocks, and SVG figures (histogram with density, accuracy vs
 * epoch) */
#ifndef SV_PLOT_H
#define SV_PLOT_H

#include <stddef.h>

#include "base/util.h"

/* A terminal histogram of sorted[0..n-1] appended to b, at most width
 * columns wide (>= 40), about nbins rows (0: chosen from n).  Rows are
 * "  lo-edge |bars count"; a row holding mark (when not NAN) ends in
 * " <- label". */
void sv_plot_term(struct sv_buf *b, const double *sorted, size_t n,
                  int width, int nbins, double mark, const char *label);

/* One sample of a figure: sorted values, its name, mean and sd. */
struct sv_plot_series {
	const char *name;
	const double *sorted;
	size_t n;
	double mean, sd;
};

/* The paper's histogram figure as a standalone SVG document in b:
 * histograms of every series on shared bins (density scale), a Gaussian
 * KDE curve each (Scott's bandwidth), the mean as a solid line, +-1 sd
 * shaded (one series) or dashed; claim (when not NAN) as a red line.
 * xlabel names the axis. */
void sv_plot_svg_hist(struct sv_buf *b, const struct sv_plot_series *s,
                      size_t ns, const char *xlabel, double claim);

/* Accuracy vs epoch over seeds: k epochs e[0..k-1] ascending with the
 * mean, sd, min and max over seeds at each; mean line, +-1 sd band and
 * min/max band (Picard's Figure 1). */
void sv_plot_svg_epochs(struct sv_buf *b, const double *e, const double *mean,
                        const double *sd, const double *min,
                        const double *max, size_t k, const char *ylabel);

#endif
