/* render.c - a figure file: SVG text written as SVG, PNG or PDF
 *
 * librsvg reads the SVG text and draws it on a cairo surface: an image
 * surface saved as PNG, or a PDF surface.  Both libraries are loaded with
 * dlopen, so nothing here needs their headers: the few types crossing the
 * boundary are declared below as the libraries' ABI has them. */
#include "render.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define RSVG_SONAME  "librsvg-2.so.2"
#define RSVG_DEB     "librsvg2-2"
#define CAIRO_SONAME "libcairo.so.2"
#define CAIRO_DEB    "libcairo2"

/* glib's GError, librsvg's RsvgRectangle; cairo's enums are ints */
struct gerror {
	uint32_t domain;
	int code;
	char *message;
};

struct rsvg_rect {
	double x, y, width, height;
};

enum { CAIRO_OK = 0, CAIRO_FORMAT_ARGB32 = 0 };
#define CAIRO_MAX_SIDE 32767 /* pixman's limit on an image side */

typedef int (*write_fn)(void *closure, const unsigned char *data,
                        unsigned int n);

/* The loaded libraries and their functions: one per process.  A library
 * once loaded stays loaded, also when the other is missing: unloading
 * glib, pixman or fontconfig would lose what their constructors allocated,
 * and GObject types cannot be unregistered. */
static struct {
	void *so[2];  /* librsvg, cairo */
	int ready;    /* so[] open and every function below found */
	/* librsvg (g_* through its dependencies glib and gobject) */
	void *(*handle_new_from_data)(const unsigned char *, size_t,
	                              struct gerror **);
	int (*intrinsic_size_px)(void *, double *, double *);
	int (*render_document)(void *, void *, const struct rsvg_rect *,
	                       struct gerror **);
	void (*object_unref)(void *);
	void (*error_free)(struct gerror *);
	/* cairo */
	void *(*image_surface_create)(int, int, int);
	void *(*pdf_surface_create_for_stream)(write_fn, void *, double, double);
	int (*surface_status)(void *);
	int (*surface_write_to_png_stream)(void *, write_fn, void *);
	void (*surface_finish)(void *);
	void (*surface_destroy)(void *);
	void *(*create)(void *);
	int (*status)(void *);
	void (*show_page)(void *);
	void (*destroy)(void *);
	const char *(*status_to_string)(int);
} lib;

enum sv_render_format
sv_render_format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return SV_RENDER_SVG;
	if (strcasecmp(dot, ".png") == 0)
		return SV_RENDER_PNG;
	if (strcasecmp(dot, ".pdf") == 0)
		return SV_RENDER_PDF;
	return SV_RENDER_SVG;
}

/* The name in the environment variable var, else soname. */
static const char *
lib_name(const char *var, const char *soname)
{
	const char *s = getenv(var);

	return s && *s ? s : soname;
}

/* dlopen name, or 3 with err naming what and deb. */
static int
open_lib(void **h, const char *name, const char *what, const char *deb,
         char *err, size_t errsz)
{
	const char *e;

	if ((*h = dlopen(name, RTLD_NOW | RTLD_LOCAL)))
		return 0;
	e = dlerror();
	return sv_seterr(err, errsz, SV_EXIT_ENV, "PNG and PDF figures need "
	                 "%s, which cannot be loaded: %s (Debian package %s); "
	                 "a figure named *.svg needs no library", what,
	                 e ? e : name, deb);
}

int
sv_render_load(char *err, size_t errsz)
{
	const char *rsvg = lib_name("SV_RSVG_LIB", RSVG_SONAME);
	const char *cairo = lib_name("SV_CAIRO_LIB", CAIRO_SONAME);
	/* each function, the library it is taken from (0 librsvg, 1 cairo)
	 * and where it goes */
	const struct {
		int cairo;
		const char *name;
		void *slot;
	} fn[] = {
		{ 0, "rsvg_handle_new_from_data", &lib.handle_new_from_data },
		{ 0, "rsvg_handle_get_intrinsic_size_in_pixels",
		  &lib.intrinsic_size_px },
		{ 0, "rsvg_handle_render_document", &lib.render_document },
		{ 0, "g_object_unref", &lib.object_unref },
		{ 0, "g_error_free", &lib.error_free },
		{ 1, "cairo_image_surface_create", &lib.image_surface_create },
		{ 1, "cairo_pdf_surface_create_for_stream",
		  &lib.pdf_surface_create_for_stream },
		{ 1, "cairo_surface_status", &lib.surface_status },
		{ 1, "cairo_surface_write_to_png_stream",
		  &lib.surface_write_to_png_stream },
		{ 1, "cairo_surface_finish", &lib.surface_finish },
		{ 1, "cairo_surface_destroy", &lib.surface_destroy },
		{ 1, "cairo_create", &lib.create },
		{ 1, "cairo_status", &lib.status },
		{ 1, "cairo_show_page", &lib.show_page },
		{ 1, "cairo_destroy", &lib.destroy },
		{ 1, "cairo_status_to_string", &lib.status_to_string },
	};
	int rc;

	if (lib.ready)
		return 0;
	if (!lib.so[0] && (rc = open_lib(&lib.so[0], rsvg, "librsvg ("
	                                 RSVG_SONAME ")", RSVG_DEB, err,
	                                 errsz)) != 0)
		return rc;
	if (!lib.so[1] && (rc = open_lib(&lib.so[1], cairo, "cairo ("
	                                 CAIRO_SONAME ")", CAIRO_DEB, err,
	                                 errsz)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof fn / sizeof fn[0]; i++) {
		void *p = dlsym(lib.so[fn[i].cairo], fn[i].name);

		if (!p) {
			rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s has no %s: "
			               "PNG and PDF figures need %s (Debian package "
			               "%s); a figure named *.svg needs no library",
			               fn[i].cairo ? cairo : rsvg, fn[i].name,
			               fn[i].cairo ? "cairo with PNG and PDF "
			               "surfaces" : "librsvg 2.52 or later",
			               fn[i].cairo ? CAIRO_DEB : RSVG_DEB);
			return rc;
		}
		memcpy(fn[i].slot, &p, sizeof p);
	}
	lib.ready = 1;
	return 0;
}

/* cairo's write function: append to the sv_buf closure */
static int
put(void *closure, const unsigned char *data, unsigned int n)
{
	sv_buf_add(closure, (const char *)data, n);
	return CAIRO_OK;
}

/* "what: GError's message" into err (without the line end librsvg's
 * messages may have); returns 3. */
static int
gerr(const char *what, const struct gerror *ge, char *err, size_t errsz)
{
	const char *m = ge && ge->message ? ge->message : "no reason given";
	size_t n = strlen(m);

	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %.*s", what, (int)n, m);
}

/* "what: cairo's message" into err when status is an error; returns 3 or
 * 0. */
static int
cairo_err(int status, const char *what, char *err, size_t errsz)
{
	if (status == CAIRO_OK)
		return 0;
	return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", what,
	                 lib.status_to_string(status));
}

int
sv_render(enum sv_render_format fmt, const char *svg, size_t len,
          struct sv_buf *out, char *err, size_t errsz)
{
	struct gerror *ge = NULL;
	void *h = NULL, *surf = NULL, *cr = NULL;
	size_t start = out->len;
	struct rsvg_rect vp = { 0, 0, 0, 0 };
	double w, ht;
	int rc;

	if (fmt != SV_RENDER_PNG && fmt != SV_RENDER_PDF)
		return sv_seterr(err, errsz, SV_EXIT_ENV, "no such format");
	if ((rc = sv_render_load(err, errsz)) != 0)
		return rc;
	if (!(h = lib.handle_new_from_data((const unsigned char *)svg, len,
	                                   &ge))) {
		rc = gerr("librsvg cannot read the SVG", ge, err, errsz);
		goto out;
	}
	if (!lib.intrinsic_size_px(h, &w, &ht) || !(w >= 1 && ht >= 1) ||
	    !(w * SV_RENDER_PNG_SCALE <= CAIRO_MAX_SIDE &&
	      ht * SV_RENDER_PNG_SCALE <= CAIRO_MAX_SIDE)) {
		rc = sv_seterr(err, errsz, SV_EXIT_ENV, "the SVG has no width "
		               "and height in px from 1 to %d",
		               CAIRO_MAX_SIDE / SV_RENDER_PNG_SCALE);
		goto out;
	}
	if (fmt == SV_RENDER_PNG) {
		vp.width = ceil(w * SV_RENDER_PNG_SCALE);
		vp.height = ceil(ht * SV_RENDER_PNG_SCALE);
		surf = lib.image_surface_create(CAIRO_FORMAT_ARGB32,
		                                (int)vp.width, (int)vp.height);
	} else {
		vp.width = w * 0.75;   /* 96 px = 72 pt = 1 inch */
		vp.height = ht * 0.75;
		surf = lib.pdf_surface_create_for_stream(put, out, vp.width,
		                                         vp.height);
	}
	if ((rc = cairo_err(lib.surface_status(surf), "cairo surface", err,
	                    errsz)) != 0)
		goto out;
	cr = lib.create(surf);
	if ((rc = cairo_err(lib.status(cr), "cairo", err, errsz)) != 0)
		goto out;
	if (!lib.render_document(h, cr, &vp, &ge)) {
		rc = gerr("librsvg cannot draw the SVG", ge, err, errsz);
		goto out;
	}
	if (fmt == SV_RENDER_PDF)
		lib.show_page(cr);
	if ((rc = cairo_err(lib.status(cr), "cairo", err, errsz)) != 0)
		goto out;
	lib.destroy(cr);
	cr = NULL;
	if (fmt == SV_RENDER_PNG) {
		rc = cairo_err(lib.surface_write_to_png_stream(surf, put, out),
		               "PNG", err, errsz);
	} else {
		lib.surface_finish(surf); /* writes the PDF */
		rc = cairo_err(lib.surface_status(surf), "PDF", err, errsz);
	}
out:
	if (cr)
		lib.destroy(cr);
	if (surf)
		lib.surface_destroy(surf);
	if (h)
		lib.object_unref(h);
	if (ge)
		lib.error_free(ge);
	if (rc)
		out->len = start;
	return rc;
}

/* Write data to the open fd and close it: 0, or -1 with errno set. */
static int
write_close(int fd, const void *data, size_t len, int sync)
{
	int e;

	if (sv_write_all(fd, data, len) != 0 || (sync && fsync(fd) != 0)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int
sv_write_replace(const char *path, const void *data, size_t len, char *err,
                 size_t errsz)
{
	struct stat st;
	char *tmp;
	size_t n;
	int fd = -1, rc = 0;

	/* only a regular file (or none) is replaced */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		               0666)) < 0)
			return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
			                 strerror(errno));
		if (write_close(fd, data, len, 0) != 0)
			return sv_seterr(err, errsz, SV_EXIT_ENV, "%s: write "
			                 "error: %s", path, strerror(errno));
		return 0;
	}
	n = strlen(path) + 32;
	tmp = sv_malloc(n);
	/* a new name of this process's own: path.PID.tmp, else (a file of
	 * that name is there) path.PID-1.tmp, ... */
	for (int i = 0; fd < 0 && i < 100; i++) {
		if (i == 0)
			snprintf(tmp, n, "%s.%ld.tmp", path, (long)getpid());
		else
			snprintf(tmp, n, "%s.%ld-%d.tmp", path, (long)getpid(), i);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		          O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		               strerror(errno));
	} else if (write_close(fd, data, len, 1) != 0) {
		rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s: write error: %s",
		               path, strerror(errno));
		unlink(tmp);
	} else if (rename(tmp, path) != 0) {
		rc = sv_seterr(err, errsz, SV_EXIT_ENV, "%s: %s", path,
		               strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

int
sv_render_file(const char *path, const char *svg, size_t len, char *err,
               size_t errsz)
{
	enum sv_render_format fmt = sv_render_format_of(path);
	struct sv_buf b = { 0 };
	char why[1024];
	int rc;

	if (fmt == SV_RENDER_SVG)
		return sv_write_replace(path, svg, len, err, errsz);
	if ((rc = sv_render(fmt, svg, len, &b, why, sizeof why)) == 0)
		rc = sv_write_replace(path, b.p, b.len, err, errsz);
	else
		sv_seterr(err, errsz, rc, "%s: %s", path, why);
	sv_buf_free(&b);
	return rc;
}
