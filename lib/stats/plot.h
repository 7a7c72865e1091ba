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

/* How a figure looks; NULL or zero fields: the defaults. */
struct sv_plot_style {
	const char *title;           /* above the plot; NULL: none */
	const char *xlabel, *ylabel; /* NULL: the figure's own */
	int width, height;           /* canvas, px; 0: 760 x 440 */
	int bins;                    /* histogram bins; 0: chosen from n */
};

/* "WxH", each 120..4000, into st->width and st->height: 0, or -1 (st
 * untouched) when s is not that. */
int sv_plot_parse_size(const char *s, struct sv_plot_style *st);

/* One sample of a figure: sorted values, its name, mean and sd. */
struct sv_plot_series {
	const char *name;
	const double *sorted;
	size_t n;
	double mean, sd;
};

/* The paper's histogram figure as a standalone SVG document in b, every
 * series on shared bins and one x axis (density scale): one series as
 * filled bars with +-1 sd shaded and dashed, several as light step
 * outlines, one colour each; a Gaussian KDE curve each (Scott's
 * bandwidth) and the mean as a solid line; claim (when not NAN) as a red
 * line.  xlabel names the axis.  The legend sits above the axes, in as
 * many rows as the width needs, so it hides no data; data is clipped to
 * the axes. */
void sv_plot_svg_hist(struct sv_buf *b, const struct sv_plot_series *s,
                      size_t ns, const char *xlabel, double claim,
                      const struct sv_plot_style *st);

/* One group's accuracy vs epoch: k epochs e[0..k-1] ascending with the
 * mean, sd, min and max over its seeds at each. */
struct sv_plot_epochs {
	const char *name;   /* NULL: one unnamed group */
	const double *e, *mean, *sd, *min, *max;
	size_t k, seeds;
};

/* Accuracy vs epoch over seeds for every group in its own colour: mean
 * line, +-1 sd band and min/max band (Picard's Figure 1); legend above
 * the axes as sv_plot_svg_hist's. */
void sv_plot_svg_epochs(struct sv_buf *b, const struct sv_plot_epochs *s,
                        size_t ns, const char *ylabel,
                        const struct sv_plot_style *st);

#endif
