/* ckptpack.c - checkpoints packed into a byte-identical archive */
#include "ckptpack.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ckpt.h"
#include "svar.h"

int
sv_ckpt_pack(const char *out, char *const *path, size_t n, char *err,
             size_t errsz)
{
	struct sv_ar_member *m = sv_calloc(n ? n : 1, sizeof *m);
	char e[700];
	int st, status = SV_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		struct sv_ckpt c;
		const char *slash = strrchr(path[i], '/');

		st = sv_ckpt_read_file(path[i], &c, e, sizeof e);
		if (st != SV_CKPT_OK) {
			sv_warn("%s", e);
			if (status != SV_EXIT_ENV)
				status = st == SV_CKPT_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE;
			continue;
		}
		sv_ckpt_free(&c);
		m[i].name = slash ? slash + 1 : path[i];
		m[i].path = path[i];
	}
	if (status != SV_EXIT_OK) {
		free(m);
		return sv_seterr(err, errsz, status, "%s: not written", out);
	}
	st = sv_ar_write(out, m, n, err, errsz);
	free(m);
	if (st == SV_AR_OK)
		return SV_EXIT_OK;
	return st == SV_AR_EIO || st == SV_AR_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE;
}
