/* util.h - errors, bounded number parsing, checked allocation and output */
#ifndef SV_UTIL_H
#define SV_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>

/* Exit statuses shared by every tool (see STYLE: exit status). */
enum sv_exit {
	SV_EXIT_OK = 0,      /* success */
	SV_EXIT_FOUND = 1,   /* the check ran and found a difference/outlier */
	SV_EXIT_USAGE = 2,   /* usage error or bad input */
	SV_EXIT_ENV = 3      /* environment: missing data, no GPU, no memory */
};

/* Set once in main(): the name used in every message. */
void sv_set_progname(const char *argv0);
const char *sv_progname(void);

/* Numbers in the C locale whatever the user's locale; messages may be
 * localised. Call first in main(). */
void sv_setlocale(void);

/* "prog: message\n" on stderr, then exit(status). */
void sv_die(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* "prog: message\n" on stderr. */
void sv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same from a va_list.  Every message is one line: control bytes in
 * it (a tab or newline in a file name, a field, an option value) are
 * written as sv_escape() writes them; a backslash is left as it is. */
void sv_vwarn(const char *fmt, va_list ap);
/* One synopsis line plus the --help hint on stderr, exit 2. */
void sv_usage_error(const char *synopsis, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* Format a message into err[errsz] (when err is not NULL) and return
 * status: for functions that report through an error buffer. */
int sv_seterr(char *err, size_t errsz, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Allocation that cannot fail silently: exits 3 when memory is out. */
void *sv_malloc(size_t n);
void *sv_calloc(size_t n, size_t size);
void *sv_realloc(void *p, size_t n);
/* n*size with an overflow check (exits 3 on overflow). */
void *sv_mallocarray(size_t n, size_t size);
char *sv_strdup(const char *s);

/* s as messages quote user text: tab, newline and CR as "\t", "\n",
 * "\r", a backslash as "\\", any other control character as "\xHH", so
 * a message stays one line of one field; written into out[outsz] (cut
 * with "..." when too long) and returned. */
const char *sv_escape(const char *s, char *out, size_t outsz);

/* Bounded number parsers, strtonum style.
 * Grammar: optional blanks are NOT accepted; the whole string must be the
 * number.  u64: decimal digits only (no sign, no 0x).  i64: optional '-'.
 * double: strtod's grammar in the C locale, finite values only, plus "nan"
 * refused.  On error *errstr names the problem ("not a number", "too
 * small", "too large") and 0 is returned; on success *errstr is NULL. */
uint64_t sv_parse_u64(const char *s, uint64_t min, uint64_t max,
                      const char **errstr);
int64_t sv_parse_i64(const char *s, int64_t min, int64_t max,
                     const char **errstr);
double sv_parse_double(const char *s, double min, double max,
                       const char **errstr);

/* Option parsing helpers: parse or die with
 * "prog: option --name: <errstr>: 'text'" and exit 2. */
uint64_t sv_opt_u64(const char *opt, const char *s, uint64_t min, uint64_t max);
double sv_opt_double(const char *opt, const char *s, double min, double max);

/* Write all of buf to fd, retrying short writes and EINTR.
 * Returns 0 or -1 with errno set. */
int sv_write_all(int fd, const void *buf, size_t n);

struct option;
/* For completion: "--name" of each long option, one a line; then close
 * stdout and exit 0. */
void sv_list_options_exit(const struct option *longopts)
	__attribute__((noreturn));
/* "PROG (sv) VERSION"; then close stdout and exit 0. */
void sv_version_exit(void) __attribute__((noreturn));

/* Flush and close stdout; on any write error say so and exit 3. */
void sv_close_stdout(void);

/* A growable byte buffer for building one output line at a time. */
struct sv_buf {
	char *p;
	size_t len, cap;
};
void sv_buf_reserve(struct sv_buf *b, size_t extra);
void sv_buf_add(struct sv_buf *b, const char *s, size_t n);
void sv_buf_puts(struct sv_buf *b, const char *s);
void sv_buf_printf(struct sv_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sv_buf_free(struct sv_buf *b);

#endif
