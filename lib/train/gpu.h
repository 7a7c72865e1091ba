/* gpu.h - training on a GPU through the dlopen'ed backend libsv-cuda.so
 *
 * The programs link no CUDA library: sv_gpu_open() loads the backend at
 * run time (dlopen/dlsym only), so the same binaries run on machines
 * without a GPU and say so (exit status 3) when one is demanded.
 * The GPU kernels are twins of the CPU ones (lib/train/gpu_abi.h): a GPU run
 * gives the CPU's weights, hash for hash.
 */
#ifndef SV_GPU_H
#define SV_GPU_H

#include <stddef.h>
#include <stdint.h>

#include "cohort.h"
#include "dataset.h"
#include "device.h"
#include "gpu_abi.h"
#include "net.h"

/* Load the backend: libsv-cuda.so beside the executable (/proc/self/exe),
 * else SV_LIBEXECDIR "/libsv-cuda.so"; then find GPU 0 and put its name
 * in devname[n].  Returns 0, or 3 (SV_EXIT_ENV) with err saying what is
 * missing (the backend, the driver or a GPU).  Later calls reuse the
 * loaded backend.  Not thread-safe: call it from main(). */
int sv_gpu_open(char *devname, size_t n, char *err, size_t errsz);

/* The backend's function table after a successful sv_gpu_open(), else
 * NULL (for the GPU-vs-CPU tests). */
const struct sv_cuda_api *sv_gpu_api(void);

/* Describe net for the backend: ls[def->nlayers] and count[nparam] are
 * the caller's.  The layer order is sv_net_init's (a ReLU before a pool
 * runs after it), the tensor numbering too.  Returns 0, or 2 with err
 * naming the first layer the backend has no kernel for. */
int sv_gpu_describe(const struct sv_net *net, struct sv_cuda_layer *ls,
                    uint64_t *count, struct sv_cuda_net_desc *desc, char *err,
                    size_t errsz);

/* Whether the backend has kernels for every layer of net: 0, or 2
 * (SV_EXIT_USAGE) with err naming the first layer it cannot run.  Needs
 * no GPU. */
int sv_gpu_supported(const struct sv_net *net, char *err, size_t errsz);

/* Open the GPU as a device for net (loading the backend first if
 * sv_gpu_open() was not called): the network is described to the backend
 * and built on the GPU once; sv_device_close() frees it.  Returns 0, 2
 * (a model the backend cannot run) or 3 (no backend, driver or GPU; a
 * CUDA error) with err set. */
int sv_gpu_device(struct sv_device *dev, struct sv_net *net, char *err,
                  size_t errsz);

/* The most slots a cohort gets by default. */
#define SV_GPU_COHORT_MAX 512

/* How many seeds a GPU cohort of net on d trains at once: asked (> 0)
 * when it fits, else as many as half the free GPU memory holds (at most
 * SV_GPU_COHORT_MAX).  Returns the count, or minus an exit status with
 * err set (no backend; asked does not fit; not one seed fits). */
int sv_gpu_cohort_slots(const struct sv_net *net, const struct sv_dataset *d,
                        int batch, int asked, char *err, size_t errsz);

/* The GPU executor of a cohort of S slots (batch images each) of net's
 * model, d copied to the GPU once (cohort.h), in the numerics math (enum
 * sv_gpu_math of gpu_abi.h); ex->close frees it.  0, 2 (a model with a
 * layer the backend has no kernel for) or 3 (cuDNN missing too). */
int sv_gpu_cohort(struct sv_cohort_exec *ex, const struct sv_net *net,
                  const struct sv_dataset *d, int S, int batch, int math,
                  char *err, size_t errsz);
/* Load cuDNN through the backend (after sv_gpu_open): "cuDNN 9.x.y" into
 * ver[n]; 0, or 3 with err naming the library and why. */
int sv_gpu_dnn_version(char *ver, size_t n, char *err, size_t errsz);

#endif
