/* test_render.c - lib/formats/render.c: the format a figure's name asks
 * for, replacing a file through a temporary one, the message when librsvg
 * or cairo is missing, and PNG and PDF drawn from SVG text (a TAP skip
 * where librsvg2-2 or libcairo2 is not installed) */
#include "tap.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "formats/render.h"

static void
skip(const char *what, const char *why)
{
	tap_n++;
	printf("ok %d - %s # SKIP %s\n", tap_n, what, why);
	fflush(stdout);
}

/* The whole of file path into b (emptied first): 0, or -1. */
static int
slurp(const char *path, struct sv_buf *b)
{
	FILE *fp = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	b->len = 0;
	if (!fp)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sv_buf_add(b, chunk, n);
	fclose(fp);
	return 0;
}

/* Entries of folder dir other than . and .. */
static int
entries(const char *dir)
{
	char cmd[512];
	FILE *p;
	int n = 0, c;

	snprintf(cmd, sizeof cmd, "ls -A '%s'", dir);
	if (!(p = popen(cmd, "r")))
		return -1;
	while ((c = fgetc(p)) != EOF)
		n += c == '\n';
	pclose(p);
	return n;
}

static uint32_t
be32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	       (uint32_t)u[2] << 8 | u[3];
}

static const char svg_200x100[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"100\" "
	"viewBox=\"0 0 200 100\" font-family=\"sans-serif\" font-size=\"13\">\n"
	"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
	"<rect x=\"10\" y=\"10\" width=\"80\" height=\"80\" fill=\"#1f77b4\"/>\n"
	"<text x=\"100\" y=\"50\">seeds</text>\n"
	"</svg>\n";

static void
test_format(void)
{
	is_int(sv_render_format_of("h.png"), SV_RENDER_PNG, "h.png is PNG");
	is_int(sv_render_format_of("dir/H.PNG"), SV_RENDER_PNG, "H.PNG is PNG");
	is_int(sv_render_format_of("e.pdf"), SV_RENDER_PDF, "e.pdf is PDF");
	is_int(sv_render_format_of("e.Pdf"), SV_RENDER_PDF, "e.Pdf is PDF");
	is_int(sv_render_format_of("h.svg"), SV_RENDER_SVG, "h.svg is SVG");
	is_int(sv_render_format_of("h"), SV_RENDER_SVG, "no extension is SVG");
	is_int(sv_render_format_of("h.png.txt"), SV_RENDER_SVG,
	       "h.png.txt is SVG");
	is_int(sv_render_format_of("a.png/h"), SV_RENDER_SVG,
	       "a.png/h (a folder named .png) is SVG");
	is_int(sv_render_format_of("/dev/stdout"), SV_RENDER_SVG,
	       "/dev/stdout is SVG");
}

static void
test_write(const char *dir)
{
	char path[512], link[512], err[1024];
	struct sv_buf b = { 0 };

	snprintf(path, sizeof path, "%s/f.png", dir);
	is_int(sv_write_replace(path, "one", 3, err, sizeof err), 0, "write");
	ok(slurp(path, &b) == 0 && b.len == 3 && memcmp(b.p, "one", 3) == 0,
	   "the file holds what was written");
	is_int(sv_write_replace(path, "second", 6, err, sizeof err), 0,
	       "replace");
	ok(slurp(path, &b) == 0 && b.len == 6 && memcmp(b.p, "second", 6) == 0,
	   "the file holds the new bytes");
	is_int(entries(dir), 1, "no temporary file is left");

	/* a symbolic link is written through, and stays a link */
	snprintf(link, sizeof link, "%s/link.png", dir);
	if (ok(symlink("f.png", link) == 0, "symlink")) {
		struct stat st;

		is_int(sv_write_replace(link, "third", 5, err, sizeof err), 0,
		       "write through a link");
		ok(lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
		   "the link is still a link");
		ok(slurp(path, &b) == 0 && b.len == 5 &&
		   memcmp(b.p, "third", 5) == 0, "its target has the bytes");
	}
	is_int(sv_write_replace("/dev/null", "x", 1, err, sizeof err), 0,
	       "a device is written in place");

	/* no such folder: the path and the reason, as fopen's */
	snprintf(path, sizeof path, "%s/none/f.png", dir);
	is_int(sv_write_replace(path, "x", 1, err, sizeof err), SV_EXIT_ENV,
	       "a missing folder is exit 3");
	{
		char want[600];

		snprintf(want, sizeof want, "%s: %s", path, strerror(ENOENT));
		is_str(err, want, "message");
	}
	/* a folder in the way */
	snprintf(path, sizeof path, "%s/d.png", dir);
	if (ok(mkdir(path, 0777) == 0, "mkdir d.png")) {
		is_int(sv_write_replace(path, "x", 1, err, sizeof err),
		       SV_EXIT_ENV, "a folder is not replaced");
		ok(strstr(err, strerror(EISDIR)) != NULL, "message: %s", err);
		rmdir(path);
	}
	is_int(sv_write_replace("/dev/full", "x", 1, err, sizeof err),
	       SV_EXIT_ENV, "/dev/full: exit 3");
	is_str(err, "/dev/full: write error: No space left on device",
	       "message");
	sv_buf_free(&b);
}

/* SV_RSVG_LIB and SV_CAIRO_LIB naming missing files: exit 3, the library,
 * its package and the way out; the libraries stay unloaded. */
static void
test_missing(void)
{
	char err[2048];
	struct sv_buf out = { 0 };

	setenv("SV_RSVG_LIB", "/nonexistent/librsvg.so", 1);
	is_int(sv_render_load(err, sizeof err), SV_EXIT_ENV,
	       "no librsvg: exit 3");
	ok(strstr(err, "PNG and PDF figures need librsvg (librsvg-2.so.2)") &&
	   strstr(err, "/nonexistent/librsvg.so") &&
	   strstr(err, "(Debian package librsvg2-2)") &&
	   strstr(err, "a figure named *.svg needs no library"),
	   "the message names librsvg, librsvg2-2 and *.svg: %s", err);
	sv_buf_puts(&out, "kept");
	is_int(sv_render(SV_RENDER_PNG, svg_200x100, sizeof svg_200x100 - 1,
	                 &out, err, sizeof err), SV_EXIT_ENV,
	       "sv_render without librsvg: exit 3");
	ok(out.len == 4, "the output buffer is as it was");
	unsetenv("SV_RSVG_LIB");

	setenv("SV_CAIRO_LIB", "/nonexistent/libcairo.so", 1);
	is_int(sv_render_load(err, sizeof err), SV_EXIT_ENV,
	       "no cairo: exit 3");
	ok(strstr(err, "cairo (libcairo.so.2)") &&
	   strstr(err, "(Debian package libcairo2)"),
	   "the message names cairo and libcairo2: %s", err);
	unsetenv("SV_CAIRO_LIB");
	sv_buf_free(&out);
}

static void
test_render(const char *dir)
{
	char err[2048], path[512];
	struct sv_buf out = { 0 };

	is_int(sv_render_load(err, sizeof err), 0, "librsvg and cairo load");
	is_int(sv_render(SV_RENDER_PNG, svg_200x100, sizeof svg_200x100 - 1,
	                 &out, err, sizeof err), 0, "PNG");
	ok(out.len > 24 && memcmp(out.p, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	   memcmp(out.p + 12, "IHDR", 4) == 0, "PNG signature, then IHDR");
	if (out.len > 24) {
		is_int(be32(out.p + 16), 200 * SV_RENDER_PNG_SCALE,
		       "PNG width: 200 px times %d", SV_RENDER_PNG_SCALE);
		is_int(be32(out.p + 20), 100 * SV_RENDER_PNG_SCALE,
		       "PNG height: 100 px times %d", SV_RENDER_PNG_SCALE);
	}
	out.len = 0;
	is_int(sv_render(SV_RENDER_PDF, svg_200x100, sizeof svg_200x100 - 1,
	                 &out, err, sizeof err), 0, "PDF");
	sv_buf_add(&out, "", 1);
	ok(out.len > 5 && memcmp(out.p, "%PDF-", 5) == 0, "%%PDF- header");
	ok(strstr(out.p, "/MediaBox [ 0 0 150 75 ]") != NULL,
	   "PDF page 150x75 pt (200x100 px at 96 per inch)");

	/* errors: the buffer is left as it was */
	out.len = 0;
	sv_buf_puts(&out, "kept");
	is_int(sv_render(SV_RENDER_PNG, "<svg", 4, &out, err, sizeof err),
	       SV_EXIT_ENV, "text that is no SVG: exit 3");
	ok(strncmp(err, "librsvg cannot read the SVG: ", 29) == 0,
	   "message: %s", err);
	is_int(out.len, 4, "the output buffer is as it was");
	{
		static const char nosize[] =
			"<svg xmlns=\"http://www.w3.org/2000/svg\"/>";

		is_int(sv_render(SV_RENDER_PDF, nosize, sizeof nosize - 1, &out,
		                 err, sizeof err), SV_EXIT_ENV,
		       "an SVG without width and height: exit 3");
		ok(strstr(err, "no width and height in px") != NULL,
		   "message: %s", err);
	}

	/* the whole: a file per format */
	snprintf(path, sizeof path, "%s/g.PNG", dir);
	is_int(sv_render_file(path, svg_200x100, sizeof svg_200x100 - 1, err,
	                      sizeof err), 0, "sv_render_file g.PNG");
	ok(slurp(path, &out) == 0 && out.len > 8 &&
	   memcmp(out.p, "\x89PNG", 4) == 0, "g.PNG is a PNG");
	snprintf(path, sizeof path, "%s/g.pdf", dir);
	is_int(sv_render_file(path, svg_200x100, sizeof svg_200x100 - 1, err,
	                      sizeof err), 0, "sv_render_file g.pdf");
	ok(slurp(path, &out) == 0 && out.len > 5 &&
	   memcmp(out.p, "%PDF-", 5) == 0, "g.pdf is a PDF");
	snprintf(path, sizeof path, "%s/g.svg", dir);
	is_int(sv_render_file(path, svg_200x100, sizeof svg_200x100 - 1, err,
	                      sizeof err), 0, "sv_render_file g.svg");
	ok(slurp(path, &out) == 0 && out.len == sizeof svg_200x100 - 1 &&
	   memcmp(out.p, svg_200x100, out.len) == 0, "g.svg is the SVG text");
	snprintf(path, sizeof path, "%s/none/g.pdf", dir);
	is_int(sv_render_file(path, svg_200x100, sizeof svg_200x100 - 1, err,
	                      sizeof err), SV_EXIT_ENV,
	       "a PDF into a missing folder: exit 3");
	sv_buf_free(&out);
}

int
main(void)
{
	char dir[] = "/tmp/sv-test-render.XXXXXX";
	char cmd[128];
	void *r, *c;

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_format();
	test_write(dir);
	test_missing();
	/* the libraries themselves, looked for here as the loader would */
	r = dlopen("librsvg-2.so.2", RTLD_NOW | RTLD_LOCAL);
	c = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL);
	if (r && c)
		test_render(dir);
	else
		skip("PNG and PDF from SVG", "librsvg-2.so.2 or libcairo.so.2 "
		     "not installed (Debian packages librsvg2-2, libcairo2)");
	if (c)
		dlclose(c);
	if (r)
		dlclose(r);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
