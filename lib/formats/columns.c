/* columns.c - the columns of sv-train's records */
#include "columns.h"

#include <string.h>

const struct sv_column sv_train_columns[] = {
	{ "seed", SV_COL_U64, SV_COL_KEY, "the seed of the run" },
	{ "model", SV_COL_NAME, 0, "the model name (sv-train --list-models)" },
	{ "data", SV_COL_NAME, 0, "the data set name" },
	{ "epochs", SV_COL_INT, 0, "epochs the run trains" },
	{ "vary", SV_COL_NAME, 0,
	  "the sources the seed varies: all, none, or init,order,aug,split" },
	{ "correct", SV_COL_U64, 0, "test images classified correctly" },
	{ "total", SV_COL_U64, 0, "test images" },
	{ "acc", SV_COL_REAL, 0, "test accuracy, correct/total" },
	{ "test_loss", SV_COL_REAL, 0, "mean test loss" },
	{ "train_loss", SV_COL_REAL, 0, "mean training loss of the last epoch" },
	{ "secs", SV_COL_REAL, 0, "wall seconds of the run (%.3f)" },
	{ "device", SV_COL_NAME, 0, "cpu or gpu" },
	{ "threads", SV_COL_INT, 0, "threads used" },
	{ "init_hash", SV_COL_HEX, 0, "XXH3-128 of the initial weights" },
	{ "hash", SV_COL_HEX, 0, "XXH3-128 of the final weights" },
	{ "recipe", SV_COL_TEXT, SV_COL_KEY,
	  "the options that made the record, as an sv-train command line" },
	{ "data_hash", SV_COL_HEX, SV_COL_KEY,
	  "XXH3-128 of the decoded images and labels" },
	{ "init_from", SV_COL_NAME, SV_COL_KEY,
	  "the weight hash of the --init-from checkpoint, or -" },
	{ "version", SV_COL_NAME, SV_COL_KEY, "the sv-train version" },
	{ "epoch", SV_COL_INT, SV_COL_KEY | SV_COL_EPOCHS,
	  "the epoch of a per-epoch record (1-based)" },
	{ NULL, 0, 0, NULL }
};

const struct sv_column *
sv_train_column(const char *name)
{
	for (const struct sv_column *c = sv_train_columns; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void
sv_train_header(struct sv_buf *b, int epochs)
{
	const char *sep = "";

	for (const struct sv_column *c = sv_train_columns; c->name; c++) {
		if ((c->flags & SV_COL_EPOCHS) && !epochs)
			continue;
		sv_buf_printf(b, "%s%s", sep, c->name);
		sep = "\t";
	}
}
