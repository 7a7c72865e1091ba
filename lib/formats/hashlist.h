/* hashlist.h - lists of XXH128 hashes as xxhsum writes them, for checking */
#ifndef SV_HASHLIST_H
#define SV_HASHLIST_H

#include <stddef.h>
#include <stdio.h>

/* Is s (n bytes) exactly 32 hex digits of either case?  1 yes, 0 no. */
int sv_is_hex32(const char *s, size_t n);

enum sv_hl_status {
	SV_HL_OK = 0,
	SV_HL_BAD        /* malformed line: *why says how */
};

/* Parse one line of a hash list into *name (malloc'ed, the caller frees
 * it) and hex (lowercased).  Grammar (a trailing CR is dropped first):
 *   tag:  "XXH128 (" NAME ") = " HEX32
 *   GNU:  HEX32 "  " NAME   or   HEX32 " *" NAME
 * NAME is non-empty; HEX32 is 32 hex digits of either case.
 * Returns SV_HL_OK, or SV_HL_BAD with *why set (a static string). */
int sv_hashlist_parse(const char *line, char **name, char hex[33],
                      const char **why);

/* One listed name: the hash wanted and, once checked, the hash found. */
struct sv_hl_item {
	char *name;     /* owned by the list */
	char hex[33];   /* expected, lowercase */
	char got[33];   /* computed; "" while not seen */
	int bad;        /* could not be read or hashed */
};

/* A whole list, in file order; order[] indexes it sorted by name (for
 * sv_hashlist_find). */
struct sv_hashlist {
	struct sv_hl_item *v;
	size_t n, cap;
	size_t nbadline;   /* malformed lines skipped */
	size_t *order;
};

/* Read every line of fp (named lname in messages) into hl, which must be
 * zeroed.  Empty lines and lines starting with '#' are skipped; each
 * malformed line (or one holding a NUL byte) is counted in nbadline and
 * reported on stderr: "lname:LINE: what: 'line'".  Returns SV_EXIT_OK, or
 * SV_EXIT_USAGE with err set when reading fails or no line is a hash. */
int sv_hashlist_read(FILE *fp, const char *lname, struct sv_hashlist *hl,
                     char *err, size_t errsz);

/* The items listed under name: *k is the index of the first in order[],
 * the count is returned (0: not listed). */
size_t sv_hashlist_find(const struct sv_hashlist *hl, const char *name,
                        size_t *k);

void sv_hashlist_free(struct sv_hashlist *hl);

#endif
