/* philox.h - counter-based Philox4x32-10 and the independent random streams */
#ifndef SV_PHILOX_H
#define SV_PHILOX_H

#include <stdint.h>

#include "hd.h"

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

#define SV_PHILOX_M0 0xD2511F53u
#define SV_PHILOX_M1 0xCD9E8D57u
#define SV_PHILOX_W0 0x9E3779B9u
#define SV_PHILOX_W1 0xBB67AE85u

/* Philox4x32-10 (Salmon et al. 2011), as in cuRAND/JAX/PyTorch:
 * key (k0, k1), counter (c0..c3) -> four 32-bit words. */
SV_HD void
sv_philox4x32(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4])
{
	uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
	uint32_t k0 = key[0], k1 = key[1];

	for (int r = 0; r < 10; r++) {
		uint64_t p0 = (uint64_t)SV_PHILOX_M0 * c0;
		uint64_t p1 = (uint64_t)SV_PHILOX_M1 * c2;
		uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
		uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;

		c1 = (uint32_t)p1;
		c3 = (uint32_t)p0;
		c0 = n0;
		c2 = n2;
		k0 += SV_PHILOX_W0;
		k1 += SV_PHILOX_W1;
	}
	out[0] = c0;
	out[1] = c1;
	out[2] = c2;
	out[3] = c3;
}

/* The project's mapping: key = (lo32(seed), hi32(seed)),
 * counter = (lo32(i), hi32(i), sub, stream).  'sub' separates uses inside
 * a stream (tensor number, epoch, ...); i counts within it. */
SV_HD void
sv_rand4(uint64_t seed, enum sv_stream stream, uint32_t sub, uint64_t i,
         uint32_t out[4])
{
	uint32_t key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
	uint32_t ctr[4] = { (uint32_t)i, (uint32_t)(i >> 32), sub,
	                    (uint32_t)stream };

	sv_philox4x32(key, ctr, out);
}

/* A uniform float in [0, 1) from the top 24 bits of u: exact. */
SV_HD float
sv_u01f(uint32_t u)
{
	return (float)(u >> 8) * 0x1p-24f;
}

/* A uniform integer in [0, n) from 64 random bits (multiply-shift;
 * bias below 2^-32 for n < 2^32). */
SV_HD uint32_t
sv_below(uint32_t hi, uint32_t lo, uint32_t n)
{
	uint64_t r = ((uint64_t)hi << 32) | lo;

#ifdef __CUDA_ARCH__
	return (uint32_t)__umul64hi(r, n);    /* the same high word */
#else
	return (uint32_t)(((unsigned __int128)r * n) >> 64);
#endif
}

#endif
