/* tensor.h - named float32 tensors and the canonical weight hash */
#ifndef SV_TENSOR_H
#define SV_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#define SV_TENSOR_MAXDIM 4
#define SV_TENSOR_NAMELEN 64

/* One named tensor; data points to count() floats; not owned here. */
struct sv_tensor {
	char name[SV_TENSOR_NAMELEN]; /* NUL-terminated, at most 63 bytes */
	uint32_t ndim;                /* 1..4 */
	uint64_t dim[SV_TENSOR_MAXDIM];
	float *data;
};

/* Number of elements (product of dims). */
uint64_t sv_tensor_count(const struct sv_tensor *t);

/* XXH3-128 of the weights in the canonical layout, as 32 lowercase hex
 * digits plus NUL in hex[33].  Canonical layout, for each tensor in order:
 *   name length (u32 LE), name bytes (no NUL), ndim (u32 LE),
 *   dims (u64 LE each), data (float32 LE, row-major as stored).
 * The same weights give the same hash on every machine. */
void sv_tensor_hash(const struct sv_tensor *t, size_t n, char hex[33]);

#endif
