/* hashlist.c - lists of XXH128 hashes as xxhsum writes them, for checking */
#define _GNU_SOURCE /* getline */
#include "hashlist.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "base/util.h"
#include "svar.h"

int
sv_is_hex32(const char *s, size_t n)
{
	if (n != 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return 1;
}

int
sv_hashlist_parse(const char *line, char **name, char hex[33],
                  const char **why)
{
	size_t len = strlen(line);
	const char *h, *nm;
	size_t nlen;

	if (len && line[len - 1] == '\r')
		len--;
	if (len > 8 && strncmp(line, "XXH128 (", 8) == 0) {
		if (len < 8 + 1 + 4 + 32 || strncmp(line + len - 36, ") = ", 4) != 0) {
			*why = "tag line without ') = HEX'";
			return SV_HL_BAD;
		}
		nm = line + 8;
		nlen = len - 36 - 8;
		h = line + len - 32;
	} else if (len >= 3 && strncmp(line, "XXH", 3) == 0 && strchr(line, '(')) {
		*why = "unsupported algorithm (only XXH128)";
		return SV_HL_BAD;
	} else {
		if (len < 35 || !(line[32] == ' ' && (line[33] == ' ' || line[33] == '*'))) {
			*why = "neither 'XXH128 (name) = hex' nor 'hex  name'";
			return SV_HL_BAD;
		}
		h = line;
		nm = line + 34;
		nlen = len - 34;
	}
	if (!sv_is_hex32(h, 32)) {
		*why = "hash is not 32 hex digits";
		return SV_HL_BAD;
	}
	if (nlen == 0) {
		*why = "empty name";
		return SV_HL_BAD;
	}
	for (int i = 0; i < 32; i++)
		hex[i] = (h[i] >= 'A' && h[i] <= 'F') ? (char)(h[i] - 'A' + 'a') : h[i];
	hex[32] = '\0';
	*name = sv_malloc(nlen + 1);
	memcpy(*name, nm, nlen);
	(*name)[nlen] = '\0';
	return SV_HL_OK;
}

/* qsort has no context argument: the list being sorted. */
static const struct sv_hashlist *sort_list;

static int
cmp_item(const void *a, const void *b)
{
	return strcmp(sort_list->v[*(const size_t *)a].name,
	              sort_list->v[*(const size_t *)b].name);
}

int
sv_hashlist_read(FILE *fp, const char *lname, struct sv_hashlist *hl,
                 char *err, size_t errsz)
{
	char *line = NULL;
	size_t lcap = 0;
	unsigned long lineno = 0;
	ssize_t len;

	while ((len = getline(&line, &lcap, fp)) >= 0) {
		const char *why;
		char *name, hex[33];

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (memchr(line, '\0', (size_t)len)) {
			sv_warn("%s:%lu: NUL byte in line", lname, lineno);
			hl->nbadline++;
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (sv_hashlist_parse(line, &name, hex, &why) != SV_HL_OK) {
			char q[1024];

			sv_warn("%s:%lu: %s: '%s'", lname, lineno, why,
			        sv_escape(line, q, sizeof q));
			hl->nbadline++;
			continue;
		}
		if (hl->n == hl->cap) {
			hl->cap = hl->cap ? hl->cap * 2 : 64;
			hl->v = sv_realloc(hl->v, hl->cap * sizeof *hl->v);
		}
		memset(&hl->v[hl->n], 0, sizeof hl->v[hl->n]);
		hl->v[hl->n].name = name;
		memcpy(hl->v[hl->n].hex, hex, 33);
		hl->n++;
	}
	free(line);
	if (ferror(fp))
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "%s: read error", lname);
	if (hl->n == 0)
		return sv_seterr(err, errsz, SV_EXIT_USAGE,
		                 "%s: no properly formatted hash lines", lname);
	hl->order = sv_mallocarray(hl->n, sizeof *hl->order);
	for (size_t i = 0; i < hl->n; i++)
		hl->order[i] = i;
	sort_list = hl;
	qsort(hl->order, hl->n, sizeof *hl->order, cmp_item);
	sort_list = NULL;
	return SV_EXIT_OK;
}

size_t
sv_hashlist_find(const struct sv_hashlist *hl, const char *name, size_t *k)
{
	size_t lo = 0, hi = hl->n, n = 0;

	/* first index in order[] with a name >= name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(hl->v[hl->order[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*k = lo;
	while (lo + n < hl->n && strcmp(hl->v[hl->order[lo + n]].name, name) == 0)
		n++;
	return n;
}

void
sv_hashlist_free(struct sv_hashlist *hl)
{
	for (size_t i = 0; i < hl->n; i++)
		free(hl->v[i].name);
	free(hl->v);
	free(hl->order);
	memset(hl, 0, sizeof *hl);
}
