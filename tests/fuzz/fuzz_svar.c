/* fuzz_svar.c - libFuzzer harness: the archive reader (tar, tar.gz ...
 * from a memory file), every entry read to its end, then the same bytes
 * as one decompressed stream and as a checkpoint source (make fuzz) */
#include "fuzzfile.h"

#include "formats/ckptsrc.h"
#include "formats/svar.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static int
drain(struct sv_ar_stream *s, void *ctx)
{
	unsigned char buf[4096];
	char err[512];
	size_t got;

	(void)ctx;
	while (sv_ar_read(s, buf, sizeof buf, &got, err, sizeof err) == SV_AR_OK &&
	       got)
		;
	return 0;
}

static int
item(const struct sv_src_item *it, void *ctx)
{
	char hex[33], err[512];

	(void)ctx;
	sv_src_hash_weights(it->s, it->name, hex, err, sizeof err);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *path = fuzz_file(d, n);
	struct sv_ar_limits lim = { 1 << 20, 1 << 22, 64 };
	struct sv_ar_stream s;
	char err[512];

	if (!path)
		return 0;
	sv_ar_walk(path, &lim, drain, NULL, err, sizeof err);
	if (sv_ar_open(path, SV_AR_DECOMPRESS, 1 << 20, &s, err, sizeof err) ==
	    SV_AR_OK) {
		drain(&s, NULL);
		sv_ar_close(&s);
	}
	sv_src_each(path, SV_SRC_CKPT_ONLY, &lim, item, NULL, err, sizeof err);
	return 0;
}
