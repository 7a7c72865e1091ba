/* dataset.h - the datasets sv-train can use (one table) */
#ifndef SV_DATASET_H
#define SV_DATASET_H

#include <stddef.h>
#include <stdint.h>

/* Images as unsigned bytes, NHWC: x[((i*h + y)*w + x)*c + ch]. */
struct sv_split {
	uint32_t n, h, w, c;
	uint8_t *x;
	uint8_t *y;
};

struct sv_dataset {
	const char *name;   /* table name, e.g. "fashion-mnist" */
	char *path;         /* where it was read from, or the spec */
	int nclass;
	float mean[3], std[3];
	struct sv_split train, test;
};

struct sv_dataset_def {
	const char *name;
	const char *help;
	const char *default_path; /* NULL: a path is required */
	int (*load)(struct sv_dataset *d, const char *path, char *err,
	            size_t errsz);
};

extern const struct sv_dataset_def sv_datasets[];

/* Load "NAME[:PATH]" (PATH overrides the default; for synthetic it is a
 * spec such as "n=2000,test=500,h=28,w=28,c=1,classes=10").
 * Returns 0, 2 (bad spec or corrupt data) or 3 (missing data); err says
 * which file and where. */
int sv_dataset_load(const char *spec, struct sv_dataset *d, char *err,
                    size_t errsz);
void sv_dataset_free(struct sv_dataset *d);

/* The float value of pixel byte v in channel ch after /255 and
 * normalisation: ((float)v / 255 - mean) / std, as a lookup table. */
void sv_dataset_lut(const struct sv_dataset *d, float lut[3][256]);

/* Parse a class list ("0-4", "1,3,5-7"; classes 0..31) into a bit mask.
 * Returns 0, or 2 with err set. */
int sv_classes_parse(const char *s, uint32_t *mask, char *err, size_t errsz);
/* Keep only the images of the classes in mask, in both splits, their
 * labels renumbered 0..k-1 in the order of the old labels; nclass = k.
 * Returns 0, or 2 (a class the data does not have, fewer than two). */
int sv_dataset_keep_classes(struct sv_dataset *d, uint32_t mask, char *err,
                            size_t errsz);

/* XXH3-128 of the decoded data as 32 hex digits plus NUL in hex[33]: the
 * class count, then for the training and the test split its n, h, w, c
 * (u32 LE each), pixels and labels.  The same images give the same hash
 * wherever they were read from (a tarball or a folder, gzip'ed or not). */
void sv_dataset_hash(const struct sv_dataset *d, char hex[33]);

#endif
