/* philox.h - counter-based Philox4x32-10 and the independent random streams */
#ifndef SV_PHILOX_H
#define SV_PHILOX_H

#include <stdint.h>

/* The sources of randomness in a training run.  Each has its own stream,
 * so fixing one (e.g. the data order) while varying another (the init) is
 * a matter of giving them different keys.  The numbers are part of the
 * reproducibility contract: never renumber. */
enum sv_stream {
	SV_STREAM_INIT = 1,  /* weight initialisation */
	SV_STREAM_ORDER = 2, /* data order (reshuffled every epoch) */
	SV_STREAM_AUG = 3,   /* augmentation (crop, flip, cutout) */
	SV_STREAM_SPLIT = 4, /* which training images are used (--train-size) */
	SV_STREAM_DATA = 5   /* synthetic data generation */
};

/* Philox4x32-10 (Salmon et al. 2011), as in cuRAND/JAX/PyTorch:
 * key (k0, k1), counter (c0..c3) -> four 32-bit words. */
void sv_philox4x32(const uint32_t key[2], const uint32_t ctr[4],
                   uint32_t out[4]);

/* The project's mapping: key = (lo32(seed), hi32(seed)),
 * counter = (lo32(i), hi32(i), sub, stream).  'sub' separates uses inside
 * a stream (tensor number, epoch, ...); i counts within it. */
void sv_rand4(uint64_t seed, enum sv_stream stream, uint32_t sub, uint64_t i,
              uint32_t out[4]);

/* A uniform float in [0, 1) from the top 24 bits of u: exact. */
static inline float
sv_u01f(uint32_t u)
{
	return (float)(u >> 8) * 0x1p-24f;
}

/* A uniform integer in [0, n) from 64 random bits (multiply-shift;
 * bias below 2^-32 for n < 2^32). */
static inline uint32_t
sv_below(uint32_t hi, uint32_t lo, uint32_t n)
{
	uint64_t r = ((uint64_t)hi << 32) | lo;

	return (uint32_t)(((unsigned __int128)r * n) >> 64);
}

#endif
