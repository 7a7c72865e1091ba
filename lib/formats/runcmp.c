/* runcmp.c - two sv-train record files compared seed by seed */
#include "runcmp.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "hashlist.h"
#include "record.h"

const char *const sv_run_setup_col[SV_RUN_NSETUP] = { "recipe", "data_hash",
                                                     "init_from" };

static void
lower32(char *dst, const char *src)
{
	for (int k = 0; k < 32; k++)
		dst[k] = (char)(src[k] | 0x20);
	dst[32] = '\0';
}

int
sv_runs_read(FILE *fp, const char *name, int side, struct sv_runs *r,
             char *err, size_t errsz)
{
	struct sv_reader rd;
	enum sv_rec_status st;
	int cs = -1, ch = -1, ci = -1, rc = SV_EXIT_OK;
	int csetup[SV_RUN_NSETUP];

	r->name[side] = name;
	sv_reader_init(&rd, fp, name);
	while ((st = sv_reader_next(&rd)) == SV_REC_DATA) {
		struct sv_run *u;

		if (cs < 0) {
			if (!rd.header) {
				rc = sv_seterr(err, errsz, SV_EXIT_USAGE,
				               "%s:%lu: no header: want records with "
				               "'seed' and 'hash' columns", name, rd.lineno);
				goto out;
			}
			cs = sv_reader_col(&rd, "seed");
			ch = sv_reader_col(&rd, "hash");
			ci = sv_reader_col(&rd, "init_hash");
			for (int k = 0; k < SV_RUN_NSETUP; k++)
				csetup[k] = sv_reader_col(&rd, sv_run_setup_col[k]);
			if (cs < 0 || ch < 0) {
				rc = sv_seterr(err, errsz, SV_EXIT_USAGE,
				               "%s:%lu: header has no '%s' column", name,
				               rd.lineno, cs < 0 ? "seed" : "hash");
				goto out;
			}
		}
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 256;
			r->v = sv_realloc(r->v, r->cap * sizeof *r->v);
		}
		u = &r->v[r->n];
		memset(u, 0, sizeof *u);
		u->side = side;
		if (sv_reader_u64(&rd, (size_t)cs, &u->seed) != 0) {
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s", rd.err);
			goto out;
		}
		if (!sv_is_hex32(rd.field[ch], strlen(rd.field[ch]))) {
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE,
			               "%s:%lu: field 'hash': not 32 hex digits: '%s'",
			               name, rd.lineno, rd.field[ch]);
			goto out;
		}
		lower32(u->hash, rd.field[ch]);
		if (ci >= 0) {
			if (!sv_is_hex32(rd.field[ci], strlen(rd.field[ci]))) {
				rc = sv_seterr(err, errsz, SV_EXIT_USAGE,
				               "%s:%lu: field 'init_hash': not 32 hex "
				               "digits: '%s'", name, rd.lineno,
				               rd.field[ci]);
				goto out;
			}
			lower32(u->init, rd.field[ci]);
		}
		for (int k = 0; k < SV_RUN_NSETUP; k++)
			if (csetup[k] >= 0)
				u->setup[k] = sv_strdup(rd.field[csetup[k]]);
		u->line = rd.lineno;
		r->n++;
	}
	if (st == SV_REC_BAD)
		rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "%s", rd.err);
	r->has_init[side] = ci >= 0;
out:
	sv_reader_free(&rd);
	return rc;
}

static int
cmp_run(const void *a, const void *b)
{
	const struct sv_run *x = a, *y = b;

	if (x->seed != y->seed)
		return x->seed < y->seed ? -1 : 1;
	if (x->side != y->side)
		return x->side - y->side;
	return x->line < y->line ? -1 : x->line > y->line;
}

int
sv_runs_sort(struct sv_runs *r, char *err, size_t errsz)
{
	/* both sides together by (seed, side, line); a seed twice in one
	 * file cannot be compared */
	qsort(r->v, r->n, sizeof *r->v, cmp_run);
	for (size_t i = 1; i < r->n; i++)
		if (r->v[i].seed == r->v[i - 1].seed && r->v[i].side == r->v[i - 1].side)
			return sv_seterr(err, errsz, SV_EXIT_USAGE,
			                 "%s:%lu: seed %llu appears twice",
			                 r->name[r->v[i].side], r->v[i].line,
			                 (unsigned long long)r->v[i].seed);
	return SV_EXIT_OK;
}

void
sv_runs_compare(const struct sv_runs *r,
                void (*fn)(const struct sv_run_diff *d, void *ctx), void *ctx,
                size_t *nseed, size_t *ndiff)
{
	int both_init = r->has_init[0] && r->has_init[1];

	*nseed = *ndiff = 0;
	for (size_t i = 0; i < r->n;) {
		const struct sv_run *x = &r->v[i], *y = NULL;
		struct sv_run_diff d = { .seed = x->seed, .setup = -1 };

		if (i + 1 < r->n && r->v[i + 1].seed == x->seed)
			y = &r->v[i + 1];
		(*nseed)++;
		if (!y)
			d.what = x->side == 0 ? "only_a" : "only_b";
		for (int k = 0; y && !d.what && k < SV_RUN_NSETUP; k++)
			if (x->setup[k] && y->setup[k] &&
			    strcmp(x->setup[k], y->setup[k]) != 0) {
				d.what = sv_run_setup_col[k];
				d.setup = k;
			}
		if (y && !d.what && both_init && strcmp(x->init, y->init) != 0)
			d.what = "init";
		else if (y && !d.what && strcmp(x->hash, y->hash) != 0)
			d.what = "train";
		if (d.what) {
			d.a = y ? x : (x->side == 0 ? x : NULL);
			d.b = y ? y : (x->side == 1 ? x : NULL);
			fn(&d, ctx);
			(*ndiff)++;
		}
		i += y ? 2 : 1;
	}
}

void
sv_runs_free(struct sv_runs *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (int k = 0; k < SV_RUN_NSETUP; k++)
			free(r->v[i].setup[k]);
	free(r->v);
	memset(r, 0, sizeof *r);
}
