/* ckptpack.h - checkpoints packed into a byte-identical archive */
#ifndef SV_CKPTPACK_H
#define SV_CKPTPACK_H

#include <stddef.h>

/* Check that each of the n files at path[] is a valid checkpoint, then
 * write them into the archive out (sv_ar_write: .tar, .tar.gz or .tgz,
 * the same bytes on every machine), each under its base name.  Every bad
 * checkpoint is reported on stderr; then nothing is written.  Names that
 * are unsafe, that hold a control character (see sv-ckpt(5)) or that
 * occur twice are refused.  Returns SV_EXIT_OK, or SV_EXIT_USAGE (bad
 * input) / SV_EXIT_ENV (write error, out of memory) with err set. */
int sv_ckpt_pack(const char *out, char *const *path, size_t n, char *err,
                 size_t errsz);

#endif
