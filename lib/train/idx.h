/* idx.h - IDX files (MNIST, Fashion-MNIST), gzip'd or plain */
#ifndef SV_IDX_H
#define SV_IDX_H

#include <stddef.h>
#include <stdint.h>

/* An unsigned-byte IDX array; data is owned (free with sv_idx_free). */
struct sv_idx {
	uint32_t ndim;
	uint32_t dim[4];
	uint8_t *data;
	size_t count; /* product of dim[] */
};

/* Read an IDX file of unsigned bytes with ndim dimensions (1 for labels,
 * 3 for images), gzip-compressed or not.  Layout: 0x00 0x00 0x08 ndim,
 * ndim big-endian u32 dims, then the bytes.  Nothing larger than
 * max_bytes is ever allocated, whatever the header claims.
 * Returns SV_EXIT_OK, SV_EXIT_ENV (the file is missing or unreadable)
 * or SV_EXIT_USAGE (corrupt, a gzip CRC-32 that does not match included:
 * err names the file and the byte offset). */
int sv_idx_read(const char *path, uint32_t ndim, size_t max_bytes,
                struct sv_idx *out, char *err, size_t errsz);
void sv_idx_free(struct sv_idx *x);

/* Read a whole file through the archive layer (formats/svar.h),
 * decompressing gzip/xz/... when needed, refusing more than max_bytes.
 * *buf is owned by the caller.  Same returns. */
int sv_read_decompressed(const char *path, size_t max_bytes, uint8_t **buf,
                         size_t *len, char *err, size_t errsz);

#endif
