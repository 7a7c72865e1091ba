/* test_words.c - base/words.c: a word written by sv_word_put reads back
 * as the same one word, with sh(1) and with sv_words_split */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/words.h"

/* s split: its words joined by '|', or "ERR: message" */
static void
split_is(const char *s, const char *want, const char *what)
{
	char **w, err[128];
	int n;
	struct sv_buf b = { 0 };

	if (sv_words_split(s, &w, &n, err, sizeof err) != 0) {
		is_str(err, want, "%s: refused", what);
		return;
	}
	for (int i = 0; i < n; i++) {
		sv_buf_puts(&b, i ? "|" : "");
		sv_buf_puts(&b, w[i]);
	}
	ok(w[n] == NULL, "%s: the array ends in NULL", what);
	is_str(b.p ? b.p : "", want, "%s", what);
	sv_buf_free(&b);
	sv_words_free(w, n);
}

/* s through sv_word_put, then what sh makes of it (printf '%s\n' WORD)
 * and sv_words_split */
static void
round_trip(const char *s, const char *want_put, const char *what)
{
	struct sv_buf b = { 0 }, cmd = { 0 };
	char **w, err[128], got[256] = "";
	int n;
	FILE *p;

	sv_word_put(&b, s);
	is_str(b.p, want_put, "%s: written", what);
	ok(sv_words_split(b.p, &w, &n, err, sizeof err) == 0 && n == 1 &&
	   strcmp(w[0], s) == 0, "%s: read back as one word", what);
	if (n >= 0)
		sv_words_free(w, n);
	sv_buf_printf(&cmd, "printf '%%s|' %s", b.p);
	if ((p = popen(cmd.p, "r"))) {
		if (!fgets(got, sizeof got, p))
			got[0] = '\0';
		pclose(p);
	}
	sv_buf_free(&cmd);
	sv_buf_printf(&cmd, "%s|", s);
	is_str(got, cmd.p, "%s: sh reads the same one word", what);
	sv_buf_free(&cmd);
	sv_buf_free(&b);
}

int
main(void)
{
	round_trip("synthetic:n=300,test=100", "synthetic:n=300,test=100",
	           "a spec as it is");
	round_trip("fashion-mnist:/data/my data", "'fashion-mnist:/data/my data'",
	           "a blank: quoted");
	round_trip("it's", "'it'\\''s'", "a quote");
	round_trip("a$b*c;d", "'a$b*c;d'", "shell characters are not expanded");
	round_trip("", "''", "an empty word");
	round_trip("dossier/d\xc3\xa9j\xc3\xa0", "dossier/d\xc3\xa9j\xc3\xa0",
	           "UTF-8 as it is");
	round_trip("~/x", "'~/x'", "a tilde is not expanded");

	split_is("-m mlp  --lr 0.1", "-m|mlp|--lr|0.1", "blanks separate");
	split_is(" \t-d 'a b'c\\ d ", "-d|a bc d", "quotes and a backslash");
	split_is("'' x", "|x", "an empty word");
	split_is("", "", "nothing");
	split_is("-d 'a b", "unclosed quote at byte 4", "an unclosed quote");
	split_is("-d \"a\"", "a double quote at byte 4 (quote with ')",
	         "a double quote");
	split_is("x\\", "a backslash at the end", "a backslash at the end");
	return tap_done();
}
