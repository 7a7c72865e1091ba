/* group.c - values split by a key, groups in order of first appearance */
#include "group.h"

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
		free(g->x);
		free(g->ep);
	}
	free(G->g);
	free(G->slot);
	memset(G, 0, sizeof *G);
}
