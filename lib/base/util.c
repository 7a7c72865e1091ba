/* util.c - errors, bounded number parsing, checked allocation and output */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *progname = "sv";

void
sv_set_progname(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 && *argv0)
		progname = slash ? slash + 1 : argv0;
}

const char *
sv_progname(void)
{
	return progname;
}

void
sv_setlocale(void)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
}

/* The escape of one byte for messages into e[8]; its length. */
static size_t
escape_byte(unsigned char c, char e[8])
{
	if (c == '\t')
		strcpy(e, "\\t");
	else if (c == '\n')
		strcpy(e, "\\n");
	else if (c == '\r')
		strcpy(e, "\\r");
	else if (c == '\\')
		strcpy(e, "\\\\");
	else if (c < 0x20 || c == 0x7f)
		snprintf(e, 8, "\\x%02x", c);
	else
		e[0] = (char)c, e[1] = '\0';
	return strlen(e);
}

/* One message line: user text inside it (a file name, a field, an
 * option's value) may hold tabs, newlines or other control bytes, which
 * are written as \t, \n, \xHH so that the message stays one line. */
void
sv_vwarn(const char *fmt, va_list ap)
{
	char small[1024], *m = small;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof small, fmt, aq);
	va_end(aq);
	if (n >= (int)sizeof small && (m = malloc((size_t)n + 1)) != NULL)
		vsnprintf(m, (size_t)n + 1, fmt, ap);
	else if (!m || n < 0)
		m = small;
	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	for (const unsigned char *p = (const unsigned char *)m; *p; p++) {
		char e[8];

		if (*p < 0x20 || *p == 0x7f) {
			escape_byte(*p, e);
			fputs(e, stderr);
		} else {
			fputc(*p, stderr);
		}
	}
	fputc('\n', stderr);
	if (m != small)
		free(m);
}

void
sv_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sv_vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

void
sv_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sv_vwarn(fmt, ap);
	va_end(ap);
}

void
sv_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sv_vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s\nTry '%s --help' for more information.\n",
	        synopsis, progname);
	exit(SV_EXIT_USAGE);
}

int
sv_seterr(char *err, size_t errsz, int status, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return status;
}

void *
sv_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		sv_die(SV_EXIT_ENV, "out of memory (%zu bytes)", n);
	return p;
}

void *
sv_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		sv_die(SV_EXIT_ENV, "out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
sv_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		sv_die(SV_EXIT_ENV, "out of memory (%zu bytes)", n);
	return q;
}

void *
sv_mallocarray(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		sv_die(SV_EXIT_ENV, "allocation overflow (%zu x %zu)", n, size);
	return sv_malloc(n * size);
}

char *
sv_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(sv_malloc(n), s, n);
}

uint64_t
sv_parse_u64(const char *s, uint64_t min, uint64_t max, const char **errstr)
{
	uint64_t v = 0;
	const char *p = s;

	*errstr = NULL;
	if (!s || !*s) {
		*errstr = "empty";
		return 0;
	}
	for (; *p; p++) {
		unsigned d;

		if (*p < '0' || *p > '9') {
			*errstr = "not an unsigned integer";
			return 0;
		}
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			*errstr = "too large";
			return 0;
		}
		v = v * 10 + d;
	}
	if (v < min) {
		*errstr = "too small";
		return 0;
	}
	if (v > max) {
		*errstr = "too large";
		return 0;
	}
	return v;
}

int64_t
sv_parse_i64(const char *s, int64_t min, int64_t max, const char **errstr)
{
	uint64_t mag;
	int neg = s && *s == '-';

	mag = sv_parse_u64(neg ? s + 1 : s, 0, neg ? (uint64_t)INT64_MAX + 1
	                                           : (uint64_t)INT64_MAX, errstr);
	if (*errstr) {
		if (strcmp(*errstr, "not an unsigned integer") == 0 ||
		    strcmp(*errstr, "empty") == 0)
			*errstr = "not an integer";
		return 0;
	}
	{
		int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;

		if (v < min) {
			*errstr = "too small";
			return 0;
		}
		if (v > max) {
			*errstr = "too large";
			return 0;
		}
		return v;
	}
}

double
sv_parse_double(const char *s, double min, double max, const char **errstr)
{
	char *end;
	double v;

	*errstr = NULL;
	if (!s || !*s || isspace((unsigned char)*s)) {
		*errstr = "not a number";
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || isnan(v)) {
		*errstr = "not a number";
		return 0;
	}
	if (isinf(v) || (errno == ERANGE && fabs(v) > 1.0)) {
		*errstr = "out of range";
		return 0;
	}
	if (v < min) {
		*errstr = "too small";
		return 0;
	}
	if (v > max) {
		*errstr = "too large";
		return 0;
	}
	return v;
}

uint64_t
sv_opt_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	const char *e;
	uint64_t v = sv_parse_u64(s, min, max, &e);

	if (e)
		sv_die(SV_EXIT_USAGE, "option %s: %s (%llu..%llu): '%s'", opt, e,
		       (unsigned long long)min, (unsigned long long)max, s);
	return v;
}

double
sv_opt_double(const char *opt, const char *s, double min, double max)
{
	const char *e;
	double v = sv_parse_double(s, min, max, &e);

	if (e)
		sv_die(SV_EXIT_USAGE, "option %s: %s (%g..%g): '%s'", opt, e, min,
		       max, s);
	return v;
}

int
sv_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
sv_close_stdout(void)
{
	int bad = ferror(stdout);
	int err = 0;

	if (fflush(stdout) != 0)
		bad = 1, err = errno;
	if (fclose(stdout) != 0 && !bad)
		bad = 1, err = errno;
	if (bad) {
		fprintf(stderr, "%s: write error: %s\n", progname,
		        err ? strerror(err) : "output failed");
		_exit(SV_EXIT_ENV);
	}
}

void
sv_list_options_exit(const struct option *o)
{
	for (; o->name; o++)
		printf("--%s\n", o->name);
	sv_close_stdout();
	exit(SV_EXIT_OK);
}

void
sv_version_exit(void)
{
	printf("%s (sv) %s\n", progname, SV_VERSION);
	sv_close_stdout();
	exit(SV_EXIT_OK);
}

void
sv_buf_reserve(struct sv_buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + extra + 1)
			cap *= 2;
		b->p = sv_realloc(b->p, cap);
		b->cap = cap;
	}
}

void
sv_buf_add(struct sv_buf *b, const char *s, size_t n)
{
	sv_buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sv_buf_puts(struct sv_buf *b, const char *s)
{
	sv_buf_add(b, s, strlen(s));
}

void
sv_buf_printf(struct sv_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	sv_buf_reserve(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		sv_die(SV_EXIT_ENV, "formatting failed");
	if ((size_t)n >= b->cap - b->len) {
		sv_buf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
sv_buf_free(struct sv_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

const char *
sv_escape(const char *s, char *out, size_t outsz)
{
	const unsigned char *p;
	size_t o = 0, need = 0;
	char e[8];
	int cut;

	if (!outsz)
		return out;
	for (p = (const unsigned char *)s; *p; p++)
		need += escape_byte(*p, e);
	cut = need + 1 > outsz;
	for (p = (const unsigned char *)s; *p; p++) {
		size_t l = escape_byte(*p, e);

		/* cut short: room for this escape, "..." and the NUL */
		if (cut && o + l + 4 > outsz) {
			if (o + 4 <= outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, e, l);
		o += l;
	}
	out[o] = '\0';
	return out;
}
