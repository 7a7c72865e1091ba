/* group.c - values split by a key, groups in order of first appearance */
#include "group.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a */
static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void
sv_groups_init(struct sv_groups *G, size_t ncv)
{
	memset(G, 0, sizeof *G);
	G->ncv = ncv;
	G->last = (size_t)-1;
}

static struct sv_group *
group_get(struct sv_groups *G, const char *key)
{
	struct sv_group *g;
	size_t i;

	if (G->n * 2 >= G->nslot) {
		size_t ns = G->nslot ? G->nslot * 2 : 64;

		free(G->slot);
		G->slot = sv_calloc(ns, sizeof *G->slot);
		G->nslot = ns;
		for (size_t j = 0; j < G->n; j++) {
			i = hash_str(G->g[j].key) & (ns - 1);
			while (G->slot[i])
				i = (i + 1) & (ns - 1);
			G->slot[i] = j + 1;
		}
	}
	i = hash_str(key) & (G->nslot - 1);
	while (G->slot[i]) {
		g = &G->g[G->slot[i] - 1];
		if (strcmp(g->key, key) == 0)
			return g;
		i = (i + 1) & (G->nslot - 1);
	}
	if (G->n == G->cap) {
		G->cap = G->cap ? G->cap * 2 : 8;
		G->g = sv_realloc(G->g, G->cap * sizeof *G->g);
	}
	G->slot[i] = G->n + 1;
	g = &G->g[G->n++];
	memset(g, 0, sizeof *g);
	g->key = sv_strdup(key);
	g->total = NAN;
	if (G->ncv)
		g->cv = sv_calloc(G->ncv, sizeof *g->cv);
	return g;
}

struct sv_group *
sv_group_of(struct sv_groups *G, const char *key)
{
	struct sv_group *g;

	if (G->last < G->n) {
		const char *k = G->g[G->last].key;

		/* the first byte settles most lines (and all ungrouped ones)
		 * without a call */
		if (k[0] == key[0] && (key[0] == '\0' || strcmp(k, key) == 0))
			return &G->g[G->last];
	}
	g = group_get(G, key);
	G->last = (size_t)(g - G->g);
	return g;
}

void
sv_group_add(struct sv_group *g, double x, int with_ep, double ep)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1024;
		g->x = sv_realloc(g->x, g->cap * sizeof *g->x);
		if (with_ep)
			g->ep = sv_realloc(g->ep, g->cap * sizeof *g->ep);
	}
	if (with_ep)
		g->ep[g->n] = ep;
	g->x[g->n++] = x;
}

void
sv_colvals_grow(struct sv_colvals *cv)
{
	cv->cap = cv->cap ? cv->cap * 2 : 1024;
	cv->v = sv_realloc(cv->v, cv->cap * sizeof *cv->v);
}

void
sv_groups_free(struct sv_groups *G)
{
	for (size_t i = 0; i < G->n; i++) {
		struct sv_group *g = &G->g[i];

		for (size_t j = 0; j < G->ncv && g->cv; j++) {
			free(g->cv[j].v);
			sv_buf_free(&g->cv[j].first);
			sv_buf_free(&g->cv[j].last);
		}
		free(g->cv);
		free(g->key);
		free(g->label);
		free(g->x);
		free(g->ep);
	}
	free(G->g);
	free(G->slot);
	memset(G, 0, sizeof *G);
}

/* The items of an option string: an option ("-x", "--name") with the
 * words after it up to the next option; a word starting with '-' and a
 * digit or '.' is a value ("--shift -0.5").  At most max items, as
 * (start, length) in s; returns how many, or -1 when s is not such a
 * string (empty, not starting with an option, or more than max). */
static int
option_items(const char *s, const char **at, size_t *len, int max)
{
	int n = 0;

	for (const char *p = s; *p;) {
		const char *w = p, *e;
		int opt = w[0] == '-' && w[1] && !isdigit((unsigned char)w[1]) &&
		          w[1] != '.';

		e = strchr(w, ' ');
		e = e ? e : w + strlen(w);
		if (opt) {
			if (n == max)
				return -1;
			at[n] = w;
			len[n++] = (size_t)(e - w);
		} else if (n == 0) {
			return -1;
		} else {
			len[n - 1] = (size_t)(e - at[n - 1]);
		}
		p = *e ? e + 1 : e;
	}
	return n ? n : -1;
}

static int
has_item(const char *const *at, const size_t *len, int n, const char *w,
         size_t wl)
{
	for (int i = 0; i < n; i++)
		if (len[i] == wl && memcmp(at[i], w, wl) == 0)
			return 1;
	return 0;
}

#define MAX_ITEMS 64

int
sv_groups_option_labels(struct sv_groups *G, struct sv_buf *common)
{
	const char *at0[MAX_ITEMS], *at[MAX_ITEMS];
	size_t len0[MAX_ITEMS], len[MAX_ITEMS];
	char keep[MAX_ITEMS];
	int n0, n, ncommon = 0;

	if (G->n < 2 || (n0 = option_items(G->g[0].key, at0, len0, MAX_ITEMS)) < 0)
		return 0;
	memset(keep, 1, sizeof keep);
	for (size_t g = 1; g < G->n; g++) {
		if ((n = option_items(G->g[g].key, at, len, MAX_ITEMS)) < 0)
			return 0;
		for (int i = 0; i < n0; i++)
			keep[i] = keep[i] && has_item(at, len, n, at0[i], len0[i]);
	}
	/* keep[]: the items every key holds; labels are the rest */
	for (int i = 0; i < n0; i++) {
		if (!keep[i])
			continue;
		at0[ncommon] = at0[i];
		len0[ncommon++] = len0[i];
	}
	if (ncommon == 0)
		return 0;
	for (size_t g = 0; g < G->n; g++) {
		struct sv_buf b = { 0 };

		n = option_items(G->g[g].key, at, len, MAX_ITEMS);
		for (int i = 0; i < n; i++) {
			if (has_item(at0, len0, ncommon, at[i], len[i]))
				continue;
			if (b.len)
				sv_buf_puts(&b, " ");
			sv_buf_add(&b, at[i], len[i]);
		}
		if (!b.len)
			sv_buf_puts(&b, "(the common options)");
		G->g[g].label = b.p;
	}
	/* two keys with the same items in another order: keep the keys */
	for (size_t g = 0; g < G->n; g++)
		for (size_t h = g + 1; h < G->n; h++)
			if (strcmp(G->g[g].label, G->g[h].label) == 0) {
				for (size_t k = 0; k < G->n; k++) {
					free(G->g[k].label);
					G->g[k].label = NULL;
				}
				return 0;
			}
	for (int i = 0; i < ncommon; i++) {
		if (i)
			sv_buf_puts(common, " ");
		sv_buf_add(common, at0[i], len0[i]);
	}
	return 1;
}
