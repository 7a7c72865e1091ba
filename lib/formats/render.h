/* render.h - a figure file: SVG text written as SVG, PNG or PDF, the
 * format chosen by the file name
 *
 * PNG and PDF are drawn from the same SVG text by librsvg and cairo,
 * loaded at run time (dlopen/dlsym only: librsvg-2.so.2 and libcairo.so.2,
 * Debian packages librsvg2-2 and libcairo2).  The programs link neither,
 * and an SVG figure needs neither.  A figure is written to a temporary
 * file beside it and renamed, so a failure leaves no half-written file.
 */
#ifndef SV_RENDER_H
#define SV_RENDER_H

#include <stddef.h>

#include "base/util.h"

enum sv_render_format {
	SV_RENDER_SVG = 0, /* the SVG text as it is */
	SV_RENDER_PNG,     /* a bitmap, SV_RENDER_PNG_SCALE px per SVG px */
	SV_RENDER_PDF      /* one page, 96 SVG px to the inch (0.75 pt each) */
};

/* A PNG has this many pixels across per px of the SVG's width (and down
 * per px of its height): a 760x440 figure is a 1520x880 PNG, crisp on a
 * high-density screen and in print. */
#define SV_RENDER_PNG_SCALE 2

/* The format the file name path asks for: a name ending in ".png" or
 * ".pdf" (in any case) is PNG or PDF, any other name SVG. */
enum sv_render_format sv_render_format_of(const char *path);

/* Load librsvg and cairo, once per process: the environment variables
 * SV_RSVG_LIB and SV_CAIRO_LIB, when set and not empty, name other files
 * to load instead of librsvg-2.so.2 and libcairo.so.2 (read until that
 * library is loaded).  A library once loaded stays loaded until the
 * process exits, also when the other one is missing (GObject types and
 * what the libraries' constructors allocate cannot be unloaded).  Returns
 * 0, or 3 (SV_EXIT_ENV) with err naming the library that cannot be loaded
 * (or the function it lacks), its Debian package, and that an SVG figure
 * needs no library.  Not thread-safe: call it from main(). */
int sv_render_load(char *err, size_t errsz);

/* Draw the SVG document svg[0..len-1] as fmt (PNG or PDF), appending the
 * file's bytes to out; the size is the document's own (its width and
 * height in px).  Loads the libraries first if sv_render_load() was not
 * called.  Returns 0, or 3 (SV_EXIT_ENV) with err set and out as it was:
 * no library, a document librsvg cannot read or that has no size in px,
 * an error of cairo's. */
int sv_render(enum sv_render_format fmt, const char *svg, size_t len,
              struct sv_buf *out, char *err, size_t errsz);

/* Replace the file path by data[0..len-1]: written to "path.PID.tmp"
 * beside it, flushed to disk and renamed over path, so that path is
 * either as it was or complete.  A path that exists and is not a regular
 * file (a symbolic link such as /dev/stdout, a device, a FIFO) is written
 * in place instead.  Returns 0, or 3 (SV_EXIT_ENV) with err as
 * "path: reason" ("path: write error: reason" when writing failed); no
 * temporary file is left behind. */
int sv_write_replace(const char *path, const void *data, size_t len,
                     char *err, size_t errsz);

/* The figure file path from the SVG document svg[0..len-1]: rendered as
 * the name asks (sv_render_format_of, sv_render) and written with
 * sv_write_replace.  Returns 0, or 3 (SV_EXIT_ENV) with err set. */
int sv_render_file(const char *path, const char *svg, size_t len, char *err,
                   size_t errsz);

#endif
