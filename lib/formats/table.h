/* table.h - a text table for people: a label column then right-aligned
 * cells, each column as wide as its widest cell */
#ifndef SV_TABLE_H
#define SV_TABLE_H

#include <stddef.h>

#include "base/util.h"

/* Owns every cell. */
struct sv_table {
	char **cell;  /* rows x cols, row-major */
	size_t rows, cols, cap;
};

/* A table of cols columns: the label and cols - 1 cells. */
void sv_table_init(struct sv_table *t, size_t cols);
/* Add a row: label is copied; cells[0..cols-2] are taken over (allocated
 * by the caller, e.g. with sv_cell_g). */
void sv_table_row(struct sv_table *t, const char *label, char **cells);
/* Append the table to b ("%-*s" label, "  %*s" cells, one line a row)
 * and free it. */
void sv_table_put(struct sv_table *t, struct sv_buf *b);

/* Cells: v as %.6g; lo..hi as %.5g..%.5g; NA for NaN.  Caller frees. */
char *sv_cell_g(double v);
char *sv_cell_range(double lo, double hi);

#endif
