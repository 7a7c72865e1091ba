/* columns.h - the columns of sv-train's records (man/sv-records.5): one
 * table that names them, says their type and which ones identify a run */
#ifndef SV_COLUMNS_H
#define SV_COLUMNS_H

#include <stddef.h>

#include "base/util.h"

enum sv_col_type {
	SV_COL_U64,   /* unsigned decimal integer */
	SV_COL_INT,   /* signed decimal integer */
	SV_COL_REAL,  /* a number as %.9g (or %.3f for secs), NA for NaN */
	SV_COL_NAME,  /* a word: model, data set, device, varied part */
	SV_COL_HEX,   /* 32 lowercase hex digits (XXH3-128) */
	SV_COL_TEXT   /* free text without tabs or line breaks */
};

enum {
	SV_COL_KEY = 1,     /* identifies a run or a step, not a measurement:
	                       never the default value column */
	SV_COL_EPOCHS = 2   /* present only in per-epoch records (the last
	                       column, after the others) */
};

struct sv_column {
	const char *name;
	enum sv_col_type type;
	unsigned flags;
	const char *help;   /* one line, for the manual */
};

/* The columns in record order, ended by a row with name NULL. */
extern const struct sv_column sv_train_columns[];

/* The row called name, or NULL. */
const struct sv_column *sv_train_column(const char *name);

/* The header text (no '#', no newline) of sv-train's records, with the
 * per-epoch column when epochs is not 0: "seed\tmodel\t...\thash". */
void sv_train_header(struct sv_buf *b, int epochs);

#endif
