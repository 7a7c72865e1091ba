/* fuzz_hashlist.c - libFuzzer harness: hash-list lines (xxhsum tag and
 * GNU formats), one line and whole lists, on arbitrary bytes (make fuzz) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/hashlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *line = malloc(n + 1), *name, hex[33], err[512];
	const char *why;
	struct sv_hashlist hl = { 0 };
	FILE *fp;

	if (!line)
		return 0;
	memcpy(line, d, n);
	line[n] = '\0';
	if (sv_hashlist_parse(line, &name, hex, &why) == SV_HL_OK)
		free(name);
	free(line);
	if (!(fp = fmemopen((void *)d, n ? n : 1, "r")))
		return 0;
	/* messages about bad lines go to stderr: keep the fuzzer quiet */
	if (sv_hashlist_read(fp, "fuzz", &hl, err, sizeof err) == 0)
		for (size_t i = 0; i < hl.n; i++) {
			size_t k;

			sv_hashlist_find(&hl, hl.v[i].name, &k);
		}
	sv_hashlist_free(&hl);
	fclose(fp);
	return 0;
}
