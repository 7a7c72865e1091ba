/* test_input.c - the input layer: FILE arguments as one stream, the
 * default column, sv-train's column table, the JSON writer */
#include "tap.h"

#include "formats/columns.h"
#include "formats/input.h"
#include "formats/json.h"
#include "formats/table.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

/* A temporary file holding text; its name in path[64]. */
static void
tmpfile_with(char *path, const char *text)
{
	int fd;

	snprintf(path, 64, "/tmp/sv-test-input.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static void
test_files(void)
{
	char a[64], b[64], *files[3];
	struct sv_input in;
	size_t n = 0;
	enum sv_rec_status st;

	tmpfile_with(a, "#seed\tacc\n1\t0.5\n2\t0.6\n");
	tmpfile_with(b, "#seed\tacc\n3\t0.7\n");
	files[0] = a, files[1] = b, files[2] = "/nonexistent/sv-x";
	sv_input_init(&in, files, 2);
	while ((st = sv_input_next(&in)) == SV_REC_DATA) {
		n++;
		if (n == 3) {
			is_str(in.r.name, b, "the third record comes from the "
			       "second file");
			is_int((int)in.r.lineno, 2, "line numbers restart per file");
		}
	}
	is_int(st, SV_REC_EOF, "two files end in EOF");
	is_int((int)n, 3, "records of both files, one header");
	sv_input_free(&in);

	sv_input_init(&in, files + 1, 2);
	while ((st = sv_input_next(&in)) == SV_REC_DATA)
		;
	is_int(st, SV_REC_BAD, "a missing file is bad input");
	ok(strstr(in.r.err, "/nonexistent/sv-x: No such file") != NULL,
	   "the message names the file: %s", in.r.err);
	sv_input_free(&in);
	unlink(a);
	unlink(b);

	sv_input_init(&in, NULL, 0);
	is_str(in.r.name, SV_STDIN_NAME, "no FILE: standard input, named %s",
	       SV_STDIN_NAME);
	sv_input_free(&in);
}

/* The default column of text's first data line (or of its header). */
static int
default_col(const char *text, char *err, size_t errsz)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct sv_reader r;
	int c;

	sv_reader_init(&r, fp, "in");
	sv_reader_next(&r);
	c = sv_default_column(&r);
	snprintf(err, errsz, "%s", c < 0 ? r.err : "");
	sv_reader_free(&r);
	fclose(fp);
	return c;
}

static void
test_default_column(void)
{
	char err[1100];

	is_int(default_col("#seed\tx\tacc\n1\t2\t0.5\n", err, sizeof err), 2,
	       "acc when the header has it");
	is_int(default_col("#seed\tname\tloss\n1\ta\t0.5\n", err, sizeof err),
	       2, "else the only numeric column but seed");
	is_int(default_col("#seed\tloss\tepoch\n1\tNA\t3\n", err, sizeof err),
	       1, "NA counts as numeric, epoch does not");
	is_int(default_col("a\t0.5\n", err, sizeof err), 1,
	       "plain input: the only numeric field");
	is_int(default_col("#a\tb\n1\t2\n", err, sizeof err), -1,
	       "two numeric columns: none");
	is_str(err, "in:2: several numeric columns and none called 'acc': "
	       "pick one with -f", "the message says why");
	is_int(default_col("#a\tb\nx\ty\n", err, sizeof err), -1,
	       "no numeric column: none");
	ok(strstr(err, "no numeric columns") != NULL, "%s", err);
	is_int(default_col("#seed\tloss\n", err, sizeof err), 1,
	       "header only: the only column but seed");
	is_int(default_col("#a\tb\n", err, sizeof err), -1,
	       "header only, two columns: none");
	is_str(err, "in: several columns and none called 'acc': pick one "
	       "with -f", "the header-only message");
}

static void
test_columns(void)
{
	struct sv_buf b = { 0 };
	const struct sv_column *c;

	sv_train_header(&b, 0);
	is_str(b.p, "seed\tmodel\tdata\tepochs\tvary\tcorrect\ttotal\tacc\t"
	       "test_loss\ttrain_loss\tsecs\tdevice\tthreads\tinit_hash\thash\t"
	       "recipe\tdata_hash\tinit_from\tversion",
	       "sv-train's header, in record order");
	b.len = 0;
	sv_train_header(&b, 1);
	ok(b.len > 6 && strcmp(b.p + b.len - 6, "\tepoch") == 0,
	   "per-epoch records end with epoch");
	c = sv_train_column("acc");
	ok(c && c->type == SV_COL_REAL && !(c->flags & SV_COL_KEY),
	   "acc is a real measurement");
	c = sv_train_column("seed");
	ok(c && c->type == SV_COL_U64 && (c->flags & SV_COL_KEY),
	   "seed is a u64 key");
	ok(sv_train_column("nosuch") == NULL, "an unknown name is NULL");
	sv_buf_free(&b);
}

static void
test_json(void)
{
	struct sv_buf b = { 0 };

	sv_buf_puts(&b, "{");
	sv_json_kv(&b, "n", 3);
	sv_json_kv(&b, "mean", 0.95);
	sv_json_kv(&b, "sd", NAN);
	sv_json_pair(&b, "ci", 0.25, 1e300 * 1e300);
	sv_json_pair(&b, "no", NAN, 1);
	sv_json_key(&b, "s");
	sv_json_str(&b, "a\"b\\c\td\x01");
	sv_buf_puts(&b, "}");
	is_str(b.p, "{\"n\": 3, \"mean\": 0.95, \"sd\": null, "
	       "\"ci\": [0.25, null], \"no\": null, "
	       "\"s\": \"a\\\"b\\\\c\\u0009d\\u0001\"}",
	       "keys, shortest numbers, null, escapes");
	sv_buf_free(&b);
}

static void
test_table(void)
{
	struct sv_table t;
	struct sv_buf b = { 0 };
	char *cells[2];

	sv_table_init(&t, 3);
	cells[0] = sv_strdup("A"), cells[1] = sv_strdup("BB");
	sv_table_row(&t, "", cells);
	cells[0] = sv_cell_g(0.123456789), cells[1] = sv_cell_g(NAN);
	sv_table_row(&t, "mean", cells);
	cells[0] = sv_cell_range(0.5, 0.75), cells[1] = sv_cell_range(NAN, 1);
	sv_table_row(&t, "ci", cells);
	sv_table_put(&t, &b);
	is_str(b.p, "              A  BB\n"
	            "mean   0.123457  NA\n"
	            "ci    0.5..0.75  NA\n", "labels left, cells right");
	sv_buf_free(&b);
}

/* a FILE named *.csv is CSV; the list of columns for messages */
static void
test_csv_input(void)
{
	char a[64], b[80], *files[1], cols[64];
	struct sv_input in;

	tmpfile_with(a, "seed,acc\n1,0.5\n");
	snprintf(b, sizeof b, "%s.CSV", a);
	if (rename(a, b) != 0)
		abort();
	files[0] = b;
	sv_input_init(&in, files, 1);
	is_int(sv_input_next(&in), SV_REC_DATA, "a .CSV file");
	ok(in.r.csv && in.r.nfield == 2, "read as CSV, two fields");
	is_int(sv_input_column(&in.r, NULL), 1, "the default column is acc");
	is_str(sv_input_column_list(&in.r, cols, sizeof cols),
	       " (the columns: 'seed', 'acc')", "the columns");
	is_str(sv_input_column_list(&in.r, cols, 30),
	       " (the columns: 'seed' ...)", "cut to the room there is");
	sv_input_free(&in);
	unlink(b);
	tmpfile_with(a, "seed,acc\n1,0.5\n");
	files[0] = a;
	sv_input_init(&in, files, 1);
	in.csv = 1;
	is_int(sv_input_next(&in), SV_REC_DATA, "csv forced");
	ok(in.r.csv && in.r.nfield == 2, "any name read as CSV");
	sv_input_free(&in);
	unlink(a);
}

int
main(void)
{
	sv_setlocale();
	test_csv_input();
	test_files();
	test_default_column();
	test_columns();
	test_json();
	test_table();
	return tap_done();
}
