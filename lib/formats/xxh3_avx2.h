/* xxh3_avx2.h - XXH3-128 of a stream with AVX2 code (call only where
 * __builtin_cpu_supports("avx2")) */
#ifndef SV_XXH3_AVX2_H
#define SV_XXH3_AVX2_H

#include <stddef.h>

/* Deliver up to n bytes into buf: 0 with *got (0 at the end), else an
 * error status that stops the hash and is returned. */
typedef int (*sv_xxh_read_fn)(void *ctx, void *buf, size_t n, size_t *got);

/* XXH3-128 (canonical, big-endian bytes) of all rd delivers, read
 * through buf[bufsz].  Returns 0 or rd's error. */
int sv_xxh128_avx2(sv_xxh_read_fn rd, void *ctx, unsigned char *buf,
                   size_t bufsz, unsigned char digest[16]);

#endif
