/* tap.h - a minimal TAP producer for the C unit tests (run by prove) */
#ifndef SV_TAP_H
#define SV_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_str(got, want, ...)                                             \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__))     \
			printf("#   got '%s'\n#   want '%s'\n",             \
			       g_ ? g_ : "(null)", w_ ? w_ : "(null)");    \
	} while (0)

#define is_int(got, want, ...)                                             \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		if (!ok(g_ == w_, __VA_ARGS__))                            \
			printf("#   got %lld, want %lld\n", g_, w_);         \
	} while (0)

/* |got - want| <= tol * max(1, |want|) */
#define is_near(got, want, tol, ...)                                       \
	do {                                                               \
		double g_ = (got), w_ = (want), t_ = (tol);                \
		double s_ = fabs(w_) > 1 ? fabs(w_) : 1;                   \
		if (!ok(fabs(g_ - w_) <= t_ * s_ ||                        \
		        (isnan(g_) && isnan(w_)), __VA_ARGS__))            \
			printf("#   got %.17g, want %.17g\n", g_, w_);      \
	} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

#endif
