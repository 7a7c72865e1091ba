/* words.c - command-line words written into a text and read back */
#include "words.h"

#include <stdlib.h>
#include <string.h>

static int
plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c > 127 || strchr("_-./:=,+@%", c);
}

void
sv_word_put(struct sv_buf *b, const char *s)
{
	const char *p = s;

	while (*p && plain_byte((unsigned char)*p))
		p++;
	if (*s && !*p) {
		sv_buf_puts(b, s);
		return;
	}
	sv_buf_puts(b, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			sv_buf_puts(b, "'\\''");
		else
			sv_buf_add(b, p, 1);
	}
	sv_buf_puts(b, "'");
}

void
sv_words_free(char **words, int n)
{
	for (int i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

int
sv_words_split(const char *s, char ***words, int *n, char *err, size_t errsz)
{
	char **w = NULL;
	int nw = 0, cap = 0;
	const char *p = s;

	for (;;) {
		struct sv_buf b = { 0 };

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		/* one word: up to a blank outside quotes */
		while (*p && *p != ' ' && *p != '\t') {
			const char *at = p;

			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q) {
					sv_seterr(err, errsz, 0, "unclosed quote "
					          "at byte %zu", (size_t)(at - s) + 1);
					goto bad;
				}
				sv_buf_add(&b, p + 1, (size_t)(q - p - 1));
				p = q + 1;
			} else if (*p == '\\') {
				if (!p[1]) {
					sv_seterr(err, errsz, 0, "a backslash at "
					          "the end");
					goto bad;
				}
				sv_buf_add(&b, p + 1, 1);
				p += 2;
			} else if (*p == '"') {
				sv_seterr(err, errsz, 0, "a double quote at byte "
				          "%zu (quote with ')", (size_t)(at - s) + 1);
				goto bad;
			} else {
				sv_buf_add(&b, p, 1);
				p++;
			}
		}
		if (nw + 1 >= cap) {
			cap = cap ? cap * 2 : 16;
			w = sv_realloc(w, (size_t)cap * sizeof *w);
		}
		/* '' is an empty word: the buffer may be unallocated */
		w[nw++] = b.p ? b.p : sv_strdup("");
		continue;
bad:
		sv_buf_free(&b);
		sv_words_free(w, nw);
		return -1;
	}
	if (!w)
		w = sv_calloc(1, sizeof *w);
	w[nw] = NULL;
	*words = w;
	*n = nw;
	return 0;
}
