/* test_record.c - the record reader, the seed parser and number parsers */
#include "tap.h"

#include "formats/record.h"
#include "train/seeds.h"
#include "base/util.h"

#include <stdlib.h>

/* Read all of text; return the status that ended it, count data lines. */
static enum sv_rec_status
read_all(const char *text, size_t *ndata, char *err, size_t errsz)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct sv_reader r;
	enum sv_rec_status st;

	sv_reader_init(&r, fp, "in");
	*ndata = 0;
	while ((st = sv_reader_next(&r)) == SV_REC_DATA)
		(*ndata)++;
	snprintf(err, errsz, "%s", st == SV_REC_BAD ? r.err : "");
	sv_reader_free(&r);
	fclose(fp);
	return st;
}

struct rec_case {
	const char *name, *text;
	enum sv_rec_status want;
	size_t ndata;
	const char *err; /* substring of the message, for bad cases */
};

static const struct rec_case rec_cases[] = {
	/* good */
	{ "plain numbers", "1\n2\n3\n", SV_REC_EOF, 3, NULL },
	{ "header and rows", "#seed\tacc\n1\t0.5\n2\t0.6\n", SV_REC_EOF, 2, NULL },
	{ "repeated header skipped", "#a\tb\n1\t2\n#a\tb\n3\t4\n", SV_REC_EOF, 2, NULL },
	{ "comments and blanks", "# note\n\n#\n#a\n1\n\n# x\n2\n", SV_REC_EOF, 2, NULL },
	{ "no final newline", "#a\n1\n2", SV_REC_EOF, 2, NULL },
	{ "CRLF lines", "#a\tb\r\n1\t2\r\n", SV_REC_EOF, 1, NULL },
	{ "header only", "#a\tb\n", SV_REC_EOF, 0, NULL },
	{ "empty input", "", SV_REC_EOF, 0, NULL },
	{ "NA fields", "#a\tb\nNA\t1\n", SV_REC_EOF, 1, NULL },
	/* bad */
	{ "conflicting header", "#a\tb\n1\t2\n#a\tc\n", SV_REC_BAD, 1, "in:3: header differs" },
	{ "too few fields", "#a\tb\n1\n", SV_REC_BAD, 0, "in:2: 1 fields where the header has 2" },
	{ "too many fields", "#a\tb\n1\t2\t3\n", SV_REC_BAD, 0, "in:2: 3 fields where the header has 2: '1\\t2\\t3'" },
	{ "empty column name", "#a\t\tb\n", SV_REC_BAD, 0, "in:1: empty column name" },
	{ "duplicate column", "#a\tb\ta\n", SV_REC_BAD, 0, "duplicate column name in header: 'a'" },
	{ "header after plain data", "1\n#a\n", SV_REC_BAD, 1, "in:2: header after data lines" },
	{ "NUL byte", "#a\n1\0002\n", SV_REC_BAD, 0, "in:2: NUL byte" },
	{ "trailing tab", "#a\tb\n1\t2\t\n", SV_REC_BAD, 0, "3 fields where" },
	{ "header then conflicting later header", "#a\n#b\n", SV_REC_BAD, 0, "in:2: header differs" },
	{ "empty field count mismatch", "#a\tb\n\t\t\n", SV_REC_BAD, 0, "3 fields" },
	{ "first repeated name reported", "#a\tb\tb\ta\n", SV_REC_BAD, 0, "duplicate column name in header: 'b'" },
	{ "repeat after a later one", "#x\ty\tz\ty\tx\n", SV_REC_BAD, 0, "duplicate column name in header: 'y'" },
	{ "empty name before a duplicate", "#a\t\ta\n", SV_REC_BAD, 0, "empty column name" },
	{ "duplicate before an empty name", "#a\ta\t\n", SV_REC_BAD, 0, "duplicate column name in header: 'a'" },
};

static void
test_reader(void)
{
	for (size_t i = 0; i < sizeof rec_cases / sizeof rec_cases[0]; i++) {
		const struct rec_case *c = &rec_cases[i];
		char err[1100];
		size_t n;
		/* fmemopen needs the real length for the NUL case */
		enum sv_rec_status st;

		if (strcmp(c->name, "NUL byte") == 0) {
			static const char nul[] = "#a\n1\0002\n";
			FILE *fp = fmemopen((void *)nul, sizeof nul - 1, "r");
			struct sv_reader r;

			sv_reader_init(&r, fp, "in");
			n = 0;
			while ((st = sv_reader_next(&r)) == SV_REC_DATA)
				n++;
			snprintf(err, sizeof err, "%s", r.err);
			sv_reader_free(&r);
			fclose(fp);
		} else {
			st = read_all(c->text, &n, err, sizeof err);
		}
		is_int(st, c->want, "reader: %s: status", c->name);
		is_int(n, c->ndata, "reader: %s: data lines", c->name);
		if (c->err)
			ok(strstr(err, c->err) != NULL, "reader: %s: message '%s' has '%s'",
			   c->name, err, c->err);
	}
}

static void
test_fields(void)
{
	const char *text = "#seed\tacc\tname\n7\t0.875\tx\n8\tNA\ty\n9\tabc\tz\n";
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct sv_reader r;
	double v = -1;
	uint64_t u;

	sv_reader_init(&r, fp, "f.tsv");
	is_int(sv_reader_next(&r), SV_REC_DATA, "fields: first line");
	is_int(sv_reader_pick(&r, "acc"), 1, "pick by name");
	is_int(sv_reader_pick(&r, "3"), 2, "pick by number");
	is_int(sv_reader_pick(&r, "nope"), -1, "pick unknown name");
	ok(strstr(r.err, "no column 'nope'") != NULL, "pick unknown says so: %s", r.err);
	is_int(sv_reader_pick(&r, "4"), -1, "pick number past the header");
	is_int(sv_reader_double(&r, 1, &v), 0, "double parses");
	ok(v == 0.875, "double value exact");
	is_int(sv_reader_u64(&r, 0, &u), 0, "u64 parses");
	is_int(u, 7, "u64 value");
	is_int(sv_reader_next(&r), SV_REC_DATA, "second line");
	is_int(sv_reader_double(&r, 1, &v), 1, "NA is missing");
	is_int(sv_reader_next(&r), SV_REC_DATA, "third line");
	is_int(sv_reader_double(&r, 1, &v), -1, "bad number refused");
	is_str(r.err, "f.tsv:4: field 'acc': not a number: 'abc'", "bad number message");
	is_int(sv_reader_next(&r), SV_REC_EOF, "end");
	sv_reader_free(&r);
	fclose(fp);
}

/* Double and long double fields accept the same texts, with the same
 * messages: finite numbers of a double's range, no leading blank of any
 * kind */
static void
test_field_acceptance(void)
{
	static const struct {
		const char *text, *err; /* err NULL: accepted */
	} cases[] = {
		{ "0.5", NULL }, { "-1e-320", NULL }, { "1e300", NULL },
		{ "NA", NULL },
		{ "nan", "not a number" }, { "NaN", "not a number" },
		{ "inf", "out of range" }, { "-inf", "out of range" },
		{ "1e999", "out of range" }, { "-1e400", "out of range" },
		{ "\f0.5", "not a number" }, { "\v0.5", "not a number" },
		{ "\r0.5", "not a number" }, { " 0.5", "not a number" },
		{ "0x", "not a number" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[64], want[128], errd[1024];
		FILE *fp;
		struct sv_reader r;
		double d;
		long double l;
		int rd, rl;

		snprintf(text, sizeof text, "#acc\n%s\n", cases[i].text);
		fp = fmemopen(text, strlen(text), "r");
		sv_reader_init(&r, fp, "in");
		sv_reader_next(&r);
		rd = sv_reader_double(&r, 0, &d);
		snprintf(errd, sizeof errd, "%s", r.err);
		rl = sv_reader_ldouble(&r, 0, &l);
		if (!cases[i].err) {
			ok(rd >= 0 && rl == rd, "'%s' accepted by both", cases[i].text);
		} else {
			char t[64];

			snprintf(want, sizeof want, "in:2: field 'acc': %s: '%s'",
			         cases[i].err, sv_msg_text(cases[i].text, 40, t,
			                                   sizeof t));
			ok(rd < 0 && rl < 0 && strcmp(errd, want) == 0 &&
			   strcmp(r.err, want) == 0, "refused by both: %s", want);
		}
		sv_reader_free(&r);
		fclose(fp);
	}
}

static void
test_multi_input(void)
{
	const char *a = "#x\ty\n1\t2\n", *b = "#x\ty\n3\t4\n", *c = "#x\tz\n5\t6\n";
	FILE *fa = fmemopen((void *)a, strlen(a), "r");
	FILE *fb = fmemopen((void *)b, strlen(b), "r");
	FILE *fc = fmemopen((void *)c, strlen(c), "r");
	struct sv_reader r;

	sv_reader_init(&r, fa, "a");
	is_int(sv_reader_next(&r), SV_REC_DATA, "multi: a data");
	is_int(sv_reader_next(&r), SV_REC_EOF, "multi: a eof");
	sv_reader_next_input(&r, fb, "b");
	is_int(sv_reader_next(&r), SV_REC_DATA, "multi: b same header skipped");
	is_str(r.field[0], "3", "multi: b field");
	is_int(sv_reader_next(&r), SV_REC_EOF, "multi: b eof");
	sv_reader_next_input(&r, fc, "c");
	is_int(sv_reader_next(&r), SV_REC_BAD, "multi: c conflicting header");
	ok(strncmp(r.err, "c:1: header differs", 19) == 0, "multi: names file and line: %s", r.err);
	sv_reader_free(&r);
	fclose(fa), fclose(fb), fclose(fc);
}

struct seed_case {
	const char *text;
	int good;
	uint64_t last;
	const char *err;
};

static const struct seed_case seed_cases[] = {
	{ "0\n1\n2\n", 1, 2, NULL },
	{ "18446744073709551615\n", 1, UINT64_MAX, NULL },
	{ "# seeds\n\n3407\n", 1, 3407, NULL },
	{ "#seed\tacc\n42\t0.9\n", 1, 42, NULL },
	{ "#acc\tseed\n0.9\t43\n", 1, 43, NULL },
	{ "18446744073709551616\n", 0, 0, "in:1: seed: too large" },
	{ "-1\n", 0, 0, "in:1: seed: not an unsigned integer (0..18446744073709551615): '-1'" },
	{ "1.5\n", 0, 0, "not an unsigned integer" },
	{ "0x10\n", 0, 0, "not an unsigned integer" },
	{ " 7\n", 0, 0, "' 7'" },
	{ "7 \n", 0, 0, "'7 '" },
	{ "1\nabc\n", 0, 0, "in:2:" },
	{ "1\t2\n", 0, 0, "in:1: expected one seed per line: '1\t2'" },
	{ "+5\n", 0, 0, "not an unsigned integer" },
	{ "#acc\n0.9\n", 0, 0, "in:2: records have no 'seed' column" },
	{ "#seed\nNA\n", 0, 0, "'NA'" },
	{ "#seed\n\n5x\n", 0, 0, "in:3:" },
};

static void
test_seeds(void)
{
	for (size_t i = 0; i < sizeof seed_cases / sizeof seed_cases[0]; i++) {
		const struct seed_case *c = &seed_cases[i];
		FILE *fp = fmemopen((void *)c->text, strlen(c->text), "r");
		struct sv_reader r;
		enum sv_rec_status st;
		uint64_t s = 0, last = 0;

		sv_reader_init(&r, fp, "in");
		while ((st = sv_next_seed(&r, &s)) == SV_REC_DATA)
			last = s;
		if (c->good) {
			is_int(st, SV_REC_EOF, "seeds %zu: reads to the end", i);
			ok(last == c->last, "seeds %zu: last seed %llu", i,
			   (unsigned long long)last);
		} else {
			is_int(st, SV_REC_BAD, "seeds %zu: refused", i);
			ok(strstr(r.err, c->err) != NULL, "seeds %zu: message '%s' has '%s'",
			   i, r.err, c->err);
		}
		sv_reader_free(&r);
		fclose(fp);
	}
}

/* NUL bytes without a newline (as /dev/zero) are refused at the first
 * one, before the buffer grows */
static void
test_nul_stream(void)
{
	size_t n = 8 << 20;
	char *zeros = calloc(n, 1), t[64];
	FILE *fp = fmemopen(zeros, n, "r");
	struct sv_reader r;

	sv_reader_init(&r, fp, "zero");
	is_int(sv_reader_next(&r), SV_REC_BAD, "a stream of NULs is bad input");
	is_str(r.err, "zero:1: NUL byte in line", "at line 1");
	ok(r.bufcap <= 1 << 16, "refused before the buffer grew (%zu bytes)",
	   r.bufcap);
	sv_reader_free(&r);
	fclose(fp);
	free(zeros);
	is_str(sv_msg_text("a\tb\r\x01", 200, t, sizeof t), "a\\tb\\r\\x01",
	       "message text: control bytes escaped");
	is_str(sv_msg_text("abcdef", 3, t, sizeof t), "abc",
	       "message text: cut at max bytes");
}

static void
test_numbers(void)
{
	const char *e;
	char buf[64];
	struct sv_buf b = { 0 };

	ok(sv_parse_u64("42", 0, 100, &e) == 42 && !e, "u64 42");
	sv_parse_u64("101", 0, 100, &e);
	is_str(e, "too large", "u64 above max");
	sv_parse_u64("1", 2, 100, &e);
	is_str(e, "too small", "u64 below min");
	sv_parse_u64("", 0, 100, &e);
	ok(e != NULL, "u64 empty refused");
	sv_parse_u64("4a", 0, 100, &e);
	ok(e != NULL, "u64 trailing junk refused");
	ok(sv_parse_i64("-5", -10, 10, &e) == -5 && !e, "i64 -5");
	sv_parse_i64("-", -10, 10, &e);
	ok(e != NULL, "i64 lone minus refused");
	ok(sv_parse_i64("-9223372036854775808", INT64_MIN, 0, &e) == INT64_MIN && !e, "i64 min");
	ok(sv_parse_double("1e-3", 0, 1, &e) == 1e-3 && !e, "double 1e-3");
	sv_parse_double("nan", -1e9, 1e9, &e);
	ok(e != NULL, "double nan refused");
	sv_parse_double("inf", -HUGE_VAL, HUGE_VAL, &e);
	ok(e != NULL, "double inf refused");
	sv_parse_double("1e999", -HUGE_VAL, HUGE_VAL, &e);
	ok(e != NULL, "double overflow refused");
	sv_parse_double("0.5x", 0, 1, &e);
	ok(e != NULL, "double trailing junk refused");
	sv_parse_double(" 0.5", 0, 1, &e);
	ok(e != NULL, "double leading blank refused");

	sv_put_f32(&b, 0.1f);
	is_str(b.p, "0.100000001", "float32 printed with 9 digits");
	b.len = 0;
	sv_put_f64(&b, 0.1);
	is_str(b.p, "0.10000000000000001", "double printed with 17 digits");
	b.len = 0;
	sv_put_f64(&b, NAN);
	is_str(b.p, "NA", "NaN printed as NA");
	snprintf(buf, sizeof buf, "%.9g", (double)strtof("0.100000001", NULL));
	is_str(buf, "0.100000001", "float32 round trip");
	sv_buf_free(&b);
}

/* Read text (csv, names_header as given); the fields of every data line
 * joined by '|', lines by ';', into out (or "BAD: err"). */
static void
read_csv_all(const char *text, int csv, int names, char *out, size_t n)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct sv_reader r;
	enum sv_rec_status st;
	size_t k = 0;

	sv_reader_init(&r, fp, "t");
	r.csv = csv;
	r.names_header = names;
	out[0] = '\0';
	while ((st = sv_reader_next(&r)) == SV_REC_DATA) {
		for (size_t i = 0; i < r.nfield; i++)
			k += (size_t)snprintf(out + k, n - k, "%s%s",
			                      i ? "|" : "", r.field[i]);
		k += (size_t)snprintf(out + k, n - k, ";");
	}
	if (st == SV_REC_BAD) {
		size_t e = strlen(r.err);

		if (e + 6 > n)
			e = n - 6;
		memcpy(out, "BAD: ", 5);
		memcpy(out + 5, r.err, e);
		out[5 + e] = '\0';
	} else if (r.header)
		snprintf(out + k, n - k, " header %s", r.header);
	sv_reader_free(&r);
	fclose(fp);
}

static void
test_csv_and_plain_header(void)
{
	char out[512];
	struct sv_reader r;
	double v;

	read_csv_all("a,b\n1,2\n", 1, 1, out, sizeof out);
	is_str(out, "1|2; header a\tb", "CSV with a plain header");
	read_csv_all("\"x, \"\"y\"\"\",b\n\"1,5\",\"\"\n", 1, 1, out, sizeof out);
	is_str(out, "1,5|; header x, \"y\"\tb",
	       "quoted commas, doubled quotes, an empty quoted field");
	read_csv_all(",seed,acc\n0,1,0.5\n", 1, 1, out, sizeof out);
	is_str(out, "0|1|0.5; header 1\tseed\tacc",
	       "an empty name (pandas' index) is the column's number");
	read_csv_all("a,b\n1,\"2\n", 1, 1, out, sizeof out);
	is_str(out, "BAD: t:2: CSV: a quote is not closed on its line",
	       "an open quote");
	read_csv_all("a,b\n1,\"2\"3\n", 1, 1, out, sizeof out);
	is_str(out, "BAD: t:2: CSV: text after a closing quote",
	       "text after a quote");
	read_csv_all("a,b\n1,2,3\n", 1, 1, out, sizeof out);
	is_str(out, "BAD: t:2: 3 fields where the header has 2",
	       "a ragged CSV line");
	read_csv_all("seed\tacc\n0\t0.5\n", 0, 1, out, sizeof out);
	is_str(out, "0|0.5; header seed\tacc", "a plain TSV header");
	read_csv_all("seed\tacc\n0\t0.5\n", 0, 0, out, sizeof out);
	is_str(out, "seed|acc;0|0.5;", "only where the caller asks for it");
	read_csv_all("A\t0.5\nB\t0.7\n", 0, 1, out, sizeof out);
	is_str(out, "A|0.5;B|0.7;", "a first line with a number is data");
	read_csv_all("acc\nNA\n", 0, 1, out, sizeof out);
	is_str(out, "NA; header acc", "NA under a plain header is data");
	read_csv_all("NA\n1\n", 0, 1, out, sizeof out);
	is_str(out, "NA;1;", "a first line of NA is data");
	read_csv_all("# note\nacc\n1\n", 0, 1, out, sizeof out);
	is_str(out, "1; header acc", "after a comment");
	read_csv_all("1\nacc\n", 0, 1, out, sizeof out);
	ok(strncmp(out, "1;acc;", 6) == 0, "names after data are data");

	/* empty cells are NA */
	{
		static const char text[] = "a\tb\n\t2\n";
		FILE *fp = fmemopen((void *)text, strlen(text), "r");

		sv_reader_init(&r, fp, "t");
		r.names_header = 1;
		is_int(sv_reader_next(&r), SV_REC_DATA, "a line with an empty cell");
		is_int(sv_reader_double(&r, 0, &v), 1, "the empty cell is NA");
		is_int(sv_reader_double(&r, 1, &v), 0, "the other a number");
		sv_reader_free(&r);
		fclose(fp);
	}
	ok(sv_is_na("") && sv_is_na("NA") && !sv_is_na("na") && !sv_is_na(" "),
	   "NA: empty or 'NA'");
}

static void
test_plain_header_inputs(void)
{
	static const char a[] = "seed,acc\n1,0.5\n", b[] = "seed,acc\n2,0.6\n",
	                  c[] = "seed,acx\n3,0.7\n";
	FILE *fa = fmemopen((void *)a, strlen(a), "r");
	FILE *fb = fmemopen((void *)b, strlen(b), "r");
	FILE *fc = fmemopen((void *)c, strlen(c), "r");
	struct sv_reader r;

	sv_reader_init(&r, fa, "a");
	r.csv = r.names_header = 1;
	is_int(sv_reader_next(&r), SV_REC_DATA, "first input");
	is_int(sv_reader_next(&r), SV_REC_EOF, "its end");
	sv_reader_next_input(&r, fb, "b");
	is_int(sv_reader_next(&r), SV_REC_DATA, "the same plain header is skipped");
	is_str(r.field[0], "2", "and the data follows");
	is_int(sv_reader_next(&r), SV_REC_EOF, "end of b");
	sv_reader_next_input(&r, fc, "c");
	is_int(sv_reader_next(&r), SV_REC_BAD, "another plain header");
	is_str(r.err, "c:1: header differs from the first one: '#seed\\tacx'",
	       "says which");
	sv_reader_free(&r);
	fclose(fa);
	fclose(fb);
	fclose(fc);
}

int
main(void)
{
	sv_setlocale();
	test_csv_and_plain_header();
	test_plain_header_inputs();
	test_reader();
	test_fields();
	test_field_acceptance();
	test_multi_input();
	test_seeds();
	test_numbers();
	test_nul_stream();
	return tap_done();
}
