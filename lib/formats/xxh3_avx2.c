/* xxh3_avx2.c - XXH3-128 streaming compiled for AVX2; ckptsrc.c calls it
 * only after a run-time CPU check (the shared libxxhash is built for
 * SSE2).  Same hash, bit for bit: XXH3 gives one result on every path. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "xxh3_avx2.h"

int
sv_xxh128_avx2(sv_xxh_read_fn rd, void *ctx, unsigned char *buf, size_t bufsz,
               unsigned char digest[16])
{
	XXH3_state_t st;
	XXH128_canonical_t c;
	int r;

	XXH3_INITSTATE(&st);
	XXH3_128bits_reset(&st);
	for (;;) {
		size_t got;

		if ((r = rd(ctx, buf, bufsz, &got)) != 0 || got == 0)
			break;
		XXH3_128bits_update(&st, buf, got);
	}
	if (r == 0) {
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(&st));
		for (int i = 0; i < 16; i++)
			digest[i] = c.digest[i];
	}
	return r;
}
