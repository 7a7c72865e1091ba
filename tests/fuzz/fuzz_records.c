/* fuzz_records.c - libFuzzer harness: the record reader, the seed parser
 * and field parsing on arbitrary bytes (make fuzz; not part of make check) */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "formats/record.h"
#include "train/seeds.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	FILE *fp = fmemopen((void *)d, n ? n : 1, "r");
	struct sv_reader r;
	uint64_t seed;
	double v;

	if (!fp)
		return 0;
	sv_reader_init(&r, fp, "fuzz");
	while (sv_next_seed(&r, &seed) == SV_REC_DATA)
		;
	sv_reader_free(&r);
	rewind(fp);
	sv_reader_init(&r, fp, "fuzz");
	while (sv_reader_next(&r) == SV_REC_DATA) {
		for (size_t i = 0; i < r.nfield; i++)
			sv_reader_double(&r, i, &v);
		sv_reader_pick(&r, "acc");
	}
	sv_reader_free(&r);
	fclose(fp);
	return 0;
}
