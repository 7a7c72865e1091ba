/* ckptsrc.h - checkpoint sources: a file, standard input, a directory or
 * a tar archive of checkpoints, walked one way by every tool */
#ifndef SV_CKPTSRC_H
#define SV_CKPTSRC_H

#include <stddef.h>

#include "ckpt.h"
#include "svar.h"

/* How sv_src_each treats what it finds. */
#define SV_SRC_RAW 1u        /* a named file is one item whatever it holds */
#define SV_SRC_CKPT_ONLY 2u  /* skip entries of a directory or an archive
                              * that do not start with the checkpoint magic */

/* One item of a source.  All three pointers are the walk's and valid
 * only during the callback; s is unread (the callback reads it or not). */
struct sv_src_item {
	const char *name;   /* for messages and output: the path, "stdin",
	                     * "DIR/entry" in a directory, "entry" in an
	                     * archive */
	const char *entry;  /* the name inside the directory or archive;
	                     * NULL for a file or standard input */
	struct sv_ar_stream *s;
};

/* The callback reports its own errors; it returns 0 to go on, -1 to stop
 * the walk (which then returns SV_AR_ECALLBACK). */
typedef int (*sv_src_fn)(const struct sv_src_item *it, void *ctx);

/* Walk the checkpoint source path:
 *   "-"          standard input: one item named "stdin";
 *   a directory  each regular file below it (the rules of sv_ar_walk),
 *                named "DIR/entry";
 *   a file       with SV_SRC_RAW one item; else a file that starts with
 *                the checkpoint magic is one item, and anything else is
 *                read as a tar archive (plain or compressed) whose
 *                entries are the items, named as in the archive.
 * A file is opened once and read front to back, so a pipe or FIFO
 * (`<(cat x.svckpt)`) works.  One item may hold at most lim->max_entry
 * bytes (lim may be NULL: the defaults of svar.h).  Returns SV_AR_OK or
 * an enum sv_ar_status with err set: "path: what" (a path that does not
 * exist is SV_AR_EIO, "path: No such file or directory"; a file that is
 * neither a checkpoint nor a tar archive is SV_AR_EFORMAT; a path with a
 * control character is SV_AR_EUNSAFE, see sv_ar_name_ctrl).  An entry of
 * a directory that cannot be read (a link, a FIFO, a name with a control
 * character) is handed to fn like any other, with SV_SRC_CKPT_ONLY too:
 * reading it fails with the message that names it, and the walk goes on.
 * A directory or archive with no item (none a checkpoint, with
 * SV_SRC_CKPT_ONLY) is SV_AR_EFORMAT, "path: no checkpoint in this
 * directory" (or "archive"; "no file" with SV_SRC_RAW).
 * Paths and names in err are escaped (sv_escape).  sv_ar_exit()
 * turns the status into an exit status (2 bad input, 3 out of memory). */
int sv_src_each(const char *path, unsigned flags,
                const struct sv_ar_limits *lim, sv_src_fn fn, void *ctx,
                char *err, size_t errsz);

/* Read the rest of s as one checkpoint into c (free with sv_ckpt_free);
 * its announced size is checked against the limit before anything is
 * allocated.  Messages name an entry of an archive or directory as
 * "path: entry 'name'" (sv_ar_where), anything else by name (escaped).  Returns SV_EXIT_OK, or
 * SV_EXIT_USAGE (bad input) / SV_EXIT_ENV (out of memory) with err set. */
int sv_src_read_ckpt(struct sv_ar_stream *s, const char *name,
                     struct sv_ckpt *c, char *err, size_t errsz);

/* XXH3-128 of the rest of s, read in pieces in constant memory, as 32
 * lowercase hex digits in hex[33] (what `xxhsum -H2` prints).  An
 * announced size over the limit is refused before anything is read.
 * Returns an exit status as sv_src_read_ckpt. */
int sv_src_hash_raw(struct sv_ar_stream *s, char hex[33], char *err,
                    size_t errsz);

/* The canonical weight hash (sv_tensor_hash) of the checkpoint s holds.
 * Returns an exit status as sv_src_read_ckpt. */
int sv_src_hash_weights(struct sv_ar_stream *s, const char *name,
                        char hex[33], char *err, size_t errsz);

#endif
