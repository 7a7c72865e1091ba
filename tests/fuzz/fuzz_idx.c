/* fuzz_idx.c - libFuzzer harness: the IDX reader (plain or compressed)
 * on arbitrary bytes, as labels and as images (make fuzz) */
#include "fuzzfile.h"

#include "train/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *path = fuzz_file(d, n);
	struct sv_idx x;
	char err[512];

	if (!path)
		return 0;
	for (uint32_t ndim = 1; ndim <= 3; ndim += 2)
		if (sv_idx_read(path, ndim, 1 << 20, &x, err, sizeof err) == 0)
			sv_idx_free(&x);
	return 0;
}
