/* table.c - a text table for people */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
sv_table_init(struct sv_table *t, size_t cols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
}

void
sv_table_row(struct sv_table *t, const char *label, char **cells)
{
	if (t->rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cell = sv_realloc(t->cell, t->cap * t->cols * sizeof *t->cell);
	}
	t->cell[t->rows * t->cols] = sv_strdup(label);
	for (size_t c = 1; c < t->cols; c++)
		t->cell[t->rows * t->cols + c] = cells[c - 1];
	t->rows++;
}

void
sv_table_put(struct sv_table *t, struct sv_buf *b)
{
	size_t *w = sv_calloc(t->cols, sizeof *w);

	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->cols; c++) {
			size_t l = strlen(t->cell[r * t->cols + c]);

			if (l > w[c])
				w[c] = l;
		}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->cols; c++) {
			const char *s = t->cell[r * t->cols + c];

			if (c == 0)
				sv_buf_printf(b, "%-*s", (int)w[c], s);
			else
				sv_buf_printf(b, "  %*s", (int)w[c], s);
		}
		sv_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cell[i]);
	free(t->cell);
	free(w);
	memset(t, 0, sizeof *t);
}

char *
sv_cell_g(double v)
{
	struct sv_buf b = { 0 };

	if (isnan(v))
		sv_buf_puts(&b, "NA");
	else
		sv_buf_printf(&b, "%.6g", v);
	return b.p;
}

char *
sv_cell_range(double lo, double hi)
{
	struct sv_buf b = { 0 };

	if (isnan(lo) || isnan(hi))
		sv_buf_puts(&b, "NA");
	else
		sv_buf_printf(&b, "%.5g..%.5g", lo, hi);
	return b.p;
}
