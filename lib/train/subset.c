/* subset.c - a class subset of a dataset (--classes) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "dataset.h"

int
sv_classes_parse(const char *s, uint32_t *mask, char *err, size_t errsz)
{
	const char *p = s;

	*mask = 0;
	while (*p) {
		const char *e;
		char num[16];
		uint64_t lo, hi;
		size_t n = strcspn(p, "-,");

		if (n == 0 || n >= sizeof num)
			goto bad;
		memcpy(num, p, n);
		num[n] = '\0';
		lo = hi = sv_parse_u64(num, 0, 31, &e);
		if (e)
			goto bad;
		p += n;
		if (*p == '-') {
			p++;
			n = strcspn(p, ",");
			if (n == 0 || n >= sizeof num)
				goto bad;
			memcpy(num, p, n);
			num[n] = '\0';
			hi = sv_parse_u64(num, lo, 31, &e);
			if (e)
				goto bad;
			p += n;
		}
		for (uint64_t c = lo; c <= hi; c++)
			*mask |= UINT32_C(1) << c;
		if (*p == ',' && *++p == '\0')
			goto bad;
	}
	if (*mask)
		return SV_EXIT_OK;
bad:
	return sv_seterr(err, errsz, SV_EXIT_USAGE, "option --classes: expected "
	                 "class numbers 0..31 and ranges such as 0-4,7: '%s'", s);
}

/* Keep the images of the classes in mask, labels renumbered 0..k-1 in
 * the order of the old labels. */
static void
keep(struct sv_split *s, const int *newlab)
{
	size_t per = (size_t)s->h * s->w * s->c;
	uint32_t k = 0;

	for (uint32_t i = 0; i < s->n; i++) {
		if (newlab[s->y[i]] < 0)
			continue;
		if (k != i)
			memmove(s->x + (size_t)k * per, s->x + (size_t)i * per, per);
		s->y[k++] = (uint8_t)newlab[s->y[i]];
	}
	s->n = k;
}

int
sv_dataset_keep_classes(struct sv_dataset *d, uint32_t mask, char *err,
                        size_t errsz)
{
	int newlab[256], k = 0;

	for (int c = 0; c < 256; c++)
		newlab[c] = c < 32 && c < d->nclass && (mask >> c & 1) ? k++ : -1;
	for (int c = 0; c < 32; c++)
		if ((mask >> c & 1) && c >= d->nclass)
			return sv_seterr(err, errsz, SV_EXIT_USAGE, "option --classes: "
			                 "%s has classes 0..%d, not %d", d->name,
			                 d->nclass - 1, c);
	if (k < 2)
		return sv_seterr(err, errsz, SV_EXIT_USAGE, "option --classes: "
		                 "at least two classes are needed");
	keep(&d->train, newlab);
	keep(&d->test, newlab);
	d->nclass = k;
	return SV_EXIT_OK;
}
