/* json.h - writing JSON objects into an sv_buf, one key at a time
 *
 * Numbers are the shortest text that reads back as the same double;
 * NaN and infinities, which JSON has no text for, are null. */
#ifndef SV_JSON_H
#define SV_JSON_H

#include "base/util.h"

/* s as a JSON string: quotes, backslashes and control bytes escaped;
 * other bytes (UTF-8 included) copied. */
void sv_json_str(struct sv_buf *b, const char *s);
/* v as a JSON number, or null when it is not finite. */
void sv_json_num(struct sv_buf *b, double v);
/* "key": with the ", " separator unless b ends with '{'. */
void sv_json_key(struct sv_buf *b, const char *k);
/* "key": number */
void sv_json_kv(struct sv_buf *b, const char *k, double v);
/* "key": [lo, hi], or "key": null when lo or hi is NaN. */
void sv_json_pair(struct sv_buf *b, const char *k, double lo, double hi);

#endif
