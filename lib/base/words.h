/* words.h - command-line words written into a text and read back: the
 * recipe column holds an sv-train command line that a shell and
 * sv-train --recipe both split into the words that made it */
#ifndef SV_WORDS_H
#define SV_WORDS_H

#include <stddef.h>

#include "util.h"

/* Append s to b as one shell word: as it is when every byte is a letter,
 * a digit, a byte over 127 or one of "_-./:=,+@%" (and s is not empty),
 * else in single quotes, a quote written '\'' (POSIX sh). */
void sv_word_put(struct sv_buf *b, const char *s);

/* Split s into words, the grammar sv_word_put writes: words are
 * separated by blanks (space or tab); inside a word '...' is taken as
 * it is and a backslash takes the next byte as it is.  A double quote,
 * a quote that is not closed or a backslash at the end is refused.
 * On success *words is a malloc'ed array of *n malloc'ed strings, then
 * a NULL (free with sv_words_free), and the return is 0; else -1 with
 * err set ("unclosed quote at byte 12"). */
int sv_words_split(const char *s, char ***words, int *n, char *err,
                   size_t errsz);

void sv_words_free(char **words, int n);

#endif
