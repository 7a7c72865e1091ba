/* json.c - writing JSON objects into an sv_buf */
#include "json.h"

#include <math.h>

#include "record.h"

void
sv_json_str(struct sv_buf *b, const char *s)
{
	sv_buf_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sv_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			sv_buf_printf(b, "\\u%04x", c);
		else
			sv_buf_add(b, s, 1);
	}
	sv_buf_puts(b, "\"");
}

void
sv_json_num(struct sv_buf *b, double v)
{
	if (isfinite(v))
		sv_put_shortest(b, v);
	else
		sv_buf_puts(b, "null");
}

void
sv_json_key(struct sv_buf *b, const char *k)
{
	sv_buf_puts(b, b->len && b->p[b->len - 1] != '{' ? ", " : "");
	sv_json_str(b, k);
	sv_buf_puts(b, ": ");
}

void
sv_json_kv(struct sv_buf *b, const char *k, double v)
{
	sv_json_key(b, k);
	sv_json_num(b, v);
}

void
sv_json_pair(struct sv_buf *b, const char *k, double lo, double hi)
{
	sv_json_key(b, k);
	if (isnan(lo) || isnan(hi)) {
		sv_buf_puts(b, "null");
		return;
	}
	sv_buf_puts(b, "[");
	sv_json_num(b, lo);
	sv_buf_puts(b, ", ");
	sv_json_num(b, hi);
	sv_buf_puts(b, "]");
}
