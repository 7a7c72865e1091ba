/* fuzz_numbers.c - libFuzzer harness: the bounded number parsers
 * (sv_parse_u64, sv_parse_i64, sv_parse_double) on arbitrary text; the
 * first 16 bytes choose the bounds, and every accepted value must lie
 * within them (make fuzz) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uint64_t a = 0, b = 0;
	const char *e;
	char *s;

	if (n >= 16) {
		memcpy(&a, d, 8);
		memcpy(&b, d + 8, 8);
		d += 16, n -= 16;
	}
	if (!(s = malloc(n + 1)))
		return 0;
	memcpy(s, d, n);
	s[n] = '\0';
	{
		uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
		uint64_t v = sv_parse_u64(s, lo, hi, &e);

		if (!e && (v < lo || v > hi))
			abort();
	}
	{
		int64_t x = (int64_t)a, y = (int64_t)b;
		int64_t lo = x < y ? x : y, hi = x < y ? y : x;
		int64_t v = sv_parse_i64(s, lo, hi, &e);

		if (!e && (v < lo || v > hi))
			abort();
	}
	{
		double x = (double)(int64_t)a / 4096.0, y = (double)(int64_t)b / 4096.0;
		double lo = x < y ? x : y, hi = x < y ? y : x;
		double v = sv_parse_double(s, lo, hi, &e);

		if (!e && (!isfinite(v) || v < lo || v > hi))
			abort();
	}
	free(s);
	return 0;
}
