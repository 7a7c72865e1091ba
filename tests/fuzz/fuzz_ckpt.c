/* fuzz_ckpt.c - libFuzzer harness: the checkpoint reader on arbitrary
 * bytes (make fuzz; not part of make check) */
#include <stddef.h>
#include <stdint.h>

#include "formats/ckpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct sv_ckpt c;
	char err[256];

	if (sv_ckpt_read_mem(d, n, "fuzz", &c, err, sizeof err) == 0)
		sv_ckpt_free(&c);
	return 0;
}
