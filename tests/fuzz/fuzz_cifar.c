/* fuzz_cifar.c - libFuzzer harness: the CIFAR-10 reader on arbitrary
 * bytes: as a tarball (tar or compressed tar from a memory file, walked
 * entry by entry as load_cifar10 walks it) and as one batch file
 * (make fuzz).  A batch is 30730000 bytes, so small inputs test the
 * refusals: entry names, sizes, archive errors. */
#include "fuzzfile.h"

#include <string.h>

/* the reader's parts are static: the harness compiles the file itself */
#include "../../lib/train/dataset.c"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *path = fuzz_file(d, n);
	struct sv_dataset ds;
	int seen[6] = { 0 };
	uint8_t one[CIFAR_REC];
	char err[1024], e[1200];
	struct cifar_tar t = { &ds, NULL, NULL, seen, 0, err, sizeof err };
	int ws;

	if (!path)
		return 0;
	memset(&ds, 0, sizeof ds);
	ds.train = (struct sv_split){ 5 * CIFAR_PER_BATCH, 32, 32, 3, NULL, NULL };
	ds.test = (struct sv_split){ CIFAR_PER_BATCH, 32, 32, 3, NULL, NULL };
	t.path = path;
	t.buf = NULL; /* never reached: no input here holds a whole batch */
	ws = sv_ar_walk(path, NULL, cifar_entry, &t, e, sizeof e);
	if (ws == SV_AR_ECALLBACK && t.rc != 2 && t.rc != 3)
		abort();
	/* the bytes as a batch: refused unless exactly one batch long */
	if (cifar_take(&ds, 0, d, n, "fuzz", err, sizeof err) != 2)
		abort();
	memcpy(one, d, n < sizeof one ? n : sizeof one);
	(void)cifar_batch_index(path);
	return 0;
}
