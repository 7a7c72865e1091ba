/* fuzz_synth.c - libFuzzer harness: the synthetic dataset spec parser on
 * arbitrary text; specs of a few pixels are also generated (make fuzz) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* the parser is static: the harness compiles the file itself */
#include "../../lib/train/dataset.c"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *spec = malloc(n + 1), err[512];
	uint64_t val[K_COUNT];

	if (!spec)
		return 0;
	memcpy(spec, d, n);
	spec[n] = '\0';
	if (synthetic_spec(spec, val, err, sizeof err) == 0) {
		for (int k = 0; k < K_COUNT; k++)
			if (val[k] > 1000000)
				abort();
		if ((val[K_N] + val[K_TEST]) * val[K_H] * val[K_W] * val[K_C] <= 4096) {
			struct sv_dataset ds;

			memset(&ds, 0, sizeof ds);
			if (load_synthetic(&ds, spec, err, sizeof err) != 0)
				abort();
			for (uint32_t i = 0; i < ds.train.n; i++)
				if (ds.train.y[i] >= (unsigned)ds.nclass)
					abort();
			sv_dataset_free(&ds);
		}
	} else if (!strchr(err, '\'') && !strstr(err, "synthetic:")) {
		abort(); /* every refusal names what it refused */
	}
	free(spec);
	return 0;
}
