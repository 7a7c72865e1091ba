/* opts.h - one option table per tool drives getopt_long, --help's option
 * list and --list-options (the shell completions read it)
 *
 * A tool writes one array of struct sv_optdef ending with SV_OPTS_COMMON,
 * calls sv_opts_next() in its getopt loop, and prints its help with
 * sv_opts_help().  --version and --list-options are answered inside
 * sv_opts_next() (print, close stdout, exit 0); --help is returned as 'h'
 * so that the tool prints its own text around the option list.  An
 * unknown option or a missing value is a usage error (one message, the
 * synopsis, the --help hint; exit 2), never getopt's own message.
 */
#ifndef SV_OPTS_H
#define SV_OPTS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* Codes for options without a short letter start here. */
#define SV_OPT_LONG 256
#define SV_OPT_LIST_OPTIONS 0x7fff0000

struct sv_optdef {
	const char *name;  /* long name, without "--"; NULL ends the table */
	int has_arg;       /* no_argument or required_argument */
	int val;           /* the short letter (< 256), else >= SV_OPT_LONG */
	const char *arg;   /* value name shown in --help ("N"); NULL for none */
	const char *help;  /* its --help text; '\n' starts an indented line */
};

/* The rows every tool has; put them last, then the { NULL } row. */
#define SV_OPTS_COMMON                                                     \
	{ "help", no_argument, 'h', NULL, "print this help and exit" },    \
	{ "version", no_argument, 'V', NULL, "print the version and exit" }, \
	{ "list-options", no_argument, SV_OPT_LIST_OPTIONS, NULL,          \
	  "print the long options, one a line (for shell completion)" },   \
	{ NULL, 0, 0, NULL, NULL }

/* --plain-header, the same in every tool that writes records: the header
 * line without its leading '#' (man/sv-records.5), for readers that take
 * the first line as the names (pandas, R, spreadsheets). */
#define SV_OPTDEF_PLAIN_HEADER(code)                                       \
	{ "plain-header", no_argument, (code), NULL,                        \
	  "write the header line without its '#' (the first line\n"        \
	  "is the names, as pandas and R read it)" }

/* getopt state built from one table.  Owns longopts and shortopts. */
struct sv_opts {
	const struct sv_optdef *defs;
	const char *synopsis;  /* the usage line(s) after "usage: " */
	struct option *longopts;
	char *shortopts;
	const char *where;     /* before sv_opts_next's messages, e.g.
	                        * "option --recipe: "; NULL for none */
};

/* Build the getopt tables from defs (ending with a NULL name). */
void sv_opts_init(struct sv_opts *g, const struct sv_optdef *defs,
                  const char *synopsis);
void sv_opts_free(struct sv_opts *g);

/* The next option's val with optarg set, as getopt_long; -1 at the end.
 * --version and --list-options exit here; errors exit 2 here. */
int sv_opts_next(struct sv_opts *g, int argc, char **argv);

/* "usage: SYNOPSIS\n" on fp. */
void sv_opts_usage(const struct sv_opts *g, FILE *fp);
/* "Options:\n" then one row per option ("  -f, --field COL   text"). */
void sv_opts_help(const struct sv_opts *g, FILE *fp);

/* Usage error with this table's synopsis (exit 2). */
void sv_opts_error(const struct sv_opts *g, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

#endif
