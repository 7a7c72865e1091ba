/* seeds.c - reading seeds: plain lines or records with a seed column */
#include "seeds.h"

#include <string.h>

enum sv_rec_status
sv_next_seed(struct sv_reader *r, uint64_t *seed)
{
	enum sv_rec_status st = sv_reader_next(r);
	const char *e;
	size_t i = 0;

	if (st != SV_REC_DATA)
		return st;
	if (r->header) {
		int c = sv_reader_col(r, "seed");

		if (c < 0) {
			snprintf(r->err, sizeof r->err,
			         "%s:%lu: records have no 'seed' column",
			         r->name, r->lineno);
			return SV_REC_BAD;
		}
		i = (size_t)c;
	} else if (r->nfield != 1) {
		for (size_t j = 0; j + 1 < r->nfield; j++)
			r->field[j][strlen(r->field[j])] = '\t';
		snprintf(r->err, sizeof r->err,
		         "%s:%lu: expected one seed per line: '%.200s'",
		         r->name, r->lineno, r->line);
		return SV_REC_BAD;
	}
	*seed = sv_parse_u64(r->field[i], 0, UINT64_MAX, &e);
	if (e) {
		snprintf(r->err, sizeof r->err,
		         "%s:%lu: seed: %s (0..18446744073709551615): '%.200s'",
		         r->name, r->lineno, e, r->field[i]);
		return SV_REC_BAD;
	}
	return SV_REC_DATA;
}
