/* ckpt.h - checkpoint files: one trained model's weights and provenance */
#ifndef SV_CKPT_H
#define SV_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include "tensor.h"

/* File format (all integers little-endian; see sv-ckpt(5)):
 *   magic   "SVCKPT\0\0"                       8 bytes
 *   version u32 (SV_CKPT_VERSION)
 *   model   u32 length + UTF-8 bytes (no NUL)
 *   data    u32 length + UTF-8 bytes
 *   options u32 length + UTF-8 bytes
 *   seed    u64
 *   ntensor u32
 *   per tensor: name (u32 length + bytes), ndim u32, dims u64 x ndim,
 *               float32 LE data (product of dims values)
 *   check   u64: XXH3-64 (seed 0) of every byte before it */
#define SV_CKPT_MAGIC "SVCKPT\0\0"
#define SV_CKPT_MAGICLEN 8
#define SV_CKPT_VERSION 1u

/* Limits a reader enforces (a writer refuses to exceed them too). */
#define SV_CKPT_MAXTENSOR 64u          /* tensors per checkpoint */
#define SV_CKPT_MAXSTR 4096u           /* bytes of model/data/options */
#define SV_CKPT_MAXNAME (SV_TENSOR_NAMELEN - 1) /* bytes of a tensor name */
#define SV_CKPT_MAXELEM (UINT64_C(1) << 28)     /* floats in one tensor */
#define SV_CKPT_MAXBYTES (UINT64_C(1) << 31)    /* bytes of a whole file */

/* One checkpoint.  After a successful read every pointer (strings, the
 * tensor array and each tensor's data) is owned by the struct and freed by
 * sv_ckpt_free().  For a write the caller owns everything. */
struct sv_ckpt {
	char *model, *data, *options;
	uint64_t seed;
	size_t ntensor;
	struct sv_tensor *t;
};

/* Status of a read or write; 0 is success. */
enum sv_ckpt_status {
	SV_CKPT_OK = 0,
	SV_CKPT_EIO,        /* open/read/write/fsync/rename failed */
	SV_CKPT_ETRUNC,     /* file ends before a field it announces */
	SV_CKPT_EMAGIC,     /* not a checkpoint */
	SV_CKPT_EVERSION,   /* a version this build does not read */
	SV_CKPT_ELIMIT,     /* a count, length or dimension over the limits */
	SV_CKPT_EFORMAT,    /* malformed field (bad UTF-8, NUL, ndim 0...) */
	SV_CKPT_ECHECKSUM,  /* checksum does not match the bytes */
	SV_CKPT_ETRAILING,  /* bytes after the checksum */
	SV_CKPT_ENOMEM      /* allocation failed */
};

/* Short description of a status ("truncated", "bad checksum", ...). */
const char *sv_ckpt_strerror(int status);

/* Write c to path.tmp, fsync it, rename it to path and fsync the
 * directory, so a killed run never leaves a partial checkpoint at path.
 * Returns 0 or an enum sv_ckpt_status; err gets "path: what". */
int sv_ckpt_write(const char *path, const struct sv_ckpt *c,
                  char *err, size_t errsz);

/* Serialise c into a malloc'ed buffer (*buf, *n; caller frees *buf). */
int sv_ckpt_encode(const struct sv_ckpt *c, unsigned char **buf, size_t *n,
                   char *err, size_t errsz);

/* Read a checkpoint from path / from n bytes at buf (name is used in
 * messages only; buf stays the caller's).  On success c holds owned copies
 * (free with sv_ckpt_free); on error c is zeroed and err gets
 * "name: offset N: what".  Every length is checked against the bytes left
 * before anything is allocated. */
int sv_ckpt_read_file(const char *path, struct sv_ckpt *c,
                      char *err, size_t errsz);
int sv_ckpt_read_mem(const void *buf, size_t n, const char *name,
                     struct sv_ckpt *c, char *err, size_t errsz);

/* Free everything a read allocated and zero c; c may be zeroed already. */
void sv_ckpt_free(struct sv_ckpt *c);

#endif
