/* opts.c - getopt_long, --help and --list-options from one table */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "util.h"

void
sv_opts_init(struct sv_opts *g, const struct sv_optdef *defs,
             const char *synopsis)
{
	size_t n = 0, k = 0;

	while (defs[n].name)
		n++;
	g->defs = defs;
	g->synopsis = synopsis;
	g->where = NULL;
	g->longopts = sv_calloc(n + 1, sizeof *g->longopts);
	g->shortopts = sv_malloc(2 * n + 2);
	g->shortopts[k++] = ':';   /* report a missing value as ':' */
	for (size_t i = 0; i < n; i++) {
		g->longopts[i] = (struct option){ defs[i].name, defs[i].has_arg,
		                                  NULL, defs[i].val };
		if (defs[i].val > 0 && defs[i].val < SV_OPT_LONG) {
			g->shortopts[k++] = (char)defs[i].val;
			if (defs[i].has_arg == required_argument)
				g->shortopts[k++] = ':';
		}
	}
	g->shortopts[k] = '\0';
}

void
sv_opts_free(struct sv_opts *g)
{
	free(g->longopts);
	free(g->shortopts);
	g->longopts = NULL;
	g->shortopts = NULL;
}

void
sv_opts_usage(const struct sv_opts *g, FILE *fp)
{
	fprintf(fp, "usage: %s\n", g->synopsis);
}

void
sv_opts_error(const struct sv_opts *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sv_vwarn(fmt, ap);
	va_end(ap);
	sv_opts_usage(g, stderr);
	fprintf(stderr, "Try '%s --help' for more information.\n",
	        sv_progname());
	exit(SV_EXIT_USAGE);
}

/* The option text as the user wrote it, for messages: "--name" from the
 * argument getopt just consumed, or "-c" for a short letter. */
static void
opt_text(char **argv, int c, char *buf, size_t n)
{
	const char *a = argv[optind - 1];

	if (c && c != ':' && c != '?')
		snprintf(buf, n, "-%c", c);
	else if (a && a[0] == '-' && a[1] == '-') {
		size_t len = strcspn(a, "=");

		snprintf(buf, n, "%.*s", (int)(len < n - 1 ? len : n - 1), a);
	} else
		snprintf(buf, n, "%s", a ? a : "?");
}

int
sv_opts_next(struct sv_opts *g, int argc, char **argv)
{
	char text[128];
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, g->shortopts, g->longopts, NULL);
	switch (c) {
	case 'V':
		sv_version_exit();
	case SV_OPT_LIST_OPTIONS:
		for (const struct sv_optdef *d = g->defs; d->name; d++)
			printf("--%s\n", d->name);
		sv_close_stdout();
		exit(SV_EXIT_OK);
	case ':':
		/* a short option reports itself in optopt; a long one does not */
		if (optopt > 0 && optopt < SV_OPT_LONG &&
		    !(argv[optind - 1][0] == '-' && argv[optind - 1][1] == '-'))
			snprintf(text, sizeof text, "-%c", optopt);
		else
			opt_text(argv, 0, text, sizeof text);
		sv_opts_error(g, "%soption '%s' needs a value",
		              g->where ? g->where : "", text);
	case '?':
		if (optopt > 0 && optopt < SV_OPT_LONG &&
		    !(argv[optind - 1][0] == '-' && argv[optind - 1][1] == '-'))
			snprintf(text, sizeof text, "-%c", optopt);
		else
			opt_text(argv, 0, text, sizeof text);
		sv_opts_error(g, "%sunknown option '%s'", g->where ? g->where : "",
		              text);
	default:
		return c;
	}
}

void
sv_opts_help(const struct sv_opts *g, FILE *fp)
{
	fputs("Options:\n", fp);
	for (const struct sv_optdef *d = g->defs; d->name; d++) {
		char left[80];
		const char *h = d->help, *nl;
		int w;

		if (d->val > 0 && d->val < SV_OPT_LONG)
			w = snprintf(left, sizeof left, "-%c, --%s%s%s", d->val,
			             d->name, d->arg ? " " : "", d->arg ? d->arg : "");
		else
			w = snprintf(left, sizeof left, "    --%s%s%s", d->name,
			             d->arg ? " " : "", d->arg ? d->arg : "");
		if (w > 24) /* too long for the column: text on the next line */
			fprintf(fp, "  %s\n  %-24s ", left, "");
		else
			fprintf(fp, "  %-24s ", left);
		while ((nl = strchr(h, '\n'))) {
			fprintf(fp, "%.*s\n  %-24s ", (int)(nl - h), h, "");
			h = nl + 1;
		}
		fprintf(fp, "%s\n", h);
	}
}
