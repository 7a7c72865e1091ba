/* tensor.c - named float32 tensors and the canonical weight hash */
#include "tensor.h"

#include <string.h>
#include <xxhash.h>

#include "base/util.h"

uint64_t
sv_tensor_count(const struct sv_tensor *t)
{
	uint64_t n = 1;

	for (uint32_t i = 0; i < t->ndim; i++)
		n *= t->dim[i];
	return n;
}

static void
put_u32(XXH3_state_t *st, uint32_t v)
{
	unsigned char b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	XXH3_128bits_update(st, b, 4);
}

static void
put_u64(XXH3_state_t *st, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	XXH3_128bits_update(st, b, 8);
}

void
sv_tensor_hash(const struct sv_tensor *t, size_t n, char hex[33])
{
	XXH3_state_t *st = XXH3_createState();
	XXH128_hash_t h;
	XXH128_canonical_t c;

	if (!st)
		sv_die(SV_EXIT_ENV, "out of memory (hash state)");
	XXH3_128bits_reset(st);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(t[i].name);
		uint64_t cnt = sv_tensor_count(&t[i]);

		put_u32(st, (uint32_t)len);
		XXH3_128bits_update(st, t[i].name, len);
		put_u32(st, t[i].ndim);
		for (uint32_t d = 0; d < t[i].ndim; d++)
			put_u64(st, t[i].dim[d]);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		XXH3_128bits_update(st, t[i].data, cnt * sizeof(float));
#else
		for (uint64_t j = 0; j < cnt; j++) {
			uint32_t u;

			memcpy(&u, &t[i].data[j], 4);
			put_u32(st, u);
		}
#endif
	}
	h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	XXH128_canonicalFromHash(&c, h);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", c.digest[i]);
}
