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

#endif
