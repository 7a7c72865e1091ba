/* hd.h - SV_HD: a function compiled for the CPU and, under nvcc, for the
 * GPU too (the bodies of batched.h, the random streams of philox.h) */
#ifndef SV_HD_H
#define SV_HD_H

#ifdef __CUDACC__
#define SV_HD static __host__ __device__ __forceinline__
#else
#include <math.h>
#define SV_HD static inline
#endif

#endif
