/* svar.h - named files in tar, tar.gz and directories, read in place */
#ifndef SV_SVAR_H
#define SV_SVAR_H

#include <stddef.h>
#include <stdint.h>

/* What a reader accepts; a limit of 0 means the default below. */
struct sv_ar_limits {
	uint64_t max_entry;  /* bytes in one entry */
	uint64_t max_total;  /* bytes over all entries read */
	size_t max_entries;  /* entries (files) in one archive or directory */
};
#define SV_AR_MAX_ENTRY (UINT64_C(1) << 31)   /* 2 GiB, as SV_CKPT_MAXBYTES */
#define SV_AR_MAX_TOTAL (UINT64_C(1) << 40)   /* 1 TiB streamed */
#define SV_AR_MAX_ENTRIES 1000000
#define SV_AR_MAX_DEPTH 16                    /* directory levels */

enum sv_ar_status {
	SV_AR_OK = 0,
	SV_AR_EIO,       /* open/read/write failed */
	SV_AR_EFORMAT,   /* not a tar archive (or an unknown output suffix) */
	SV_AR_EUNSAFE,   /* absolute path, '..' or empty name component */
	SV_AR_ELINK,     /* symbolic or hard link */
	SV_AR_ETYPE,     /* device, fifo, socket or other special file */
	SV_AR_ELIMIT,    /* entry, total or count over the limits */
	SV_AR_EDUP,      /* two entries with one name */
	SV_AR_ENOENT,    /* sv_ar_read_one: no entry by that name */
	SV_AR_ENOMEM,    /* allocation failed */
	SV_AR_ECALLBACK  /* the callback asked to stop with an error */
};

/* One file read as a stream: an entry of an archive, a file of a
 * directory, or a single file, pipe or standard input (sv_ar_open).
 * name and size are for the caller; the other fields are the reader's. */
struct sv_ar_stream {
	const char *name;   /* entry name ("sub/x"), or the path opened */
	uint64_t size;      /* bytes announced (tar header, fstat of a
	                     * regular file); SV_AR_SIZE_UNKNOWN for a pipe */
	/* the reader's state */
	const char *where;  /* archive or directory path, NULL for a file */
	uint64_t max;       /* reading past max bytes fails (SV_AR_ELIMIT) */
	uint64_t done;      /* bytes delivered so far */
	int fd;             /* file read with read(2), or -1 */
	int own_fd;         /* close fd in sv_ar_close */
	void *a;            /* struct archive * delivering the data, or NULL */
	unsigned char *peek;         /* bytes read ahead (sv_ar_peek) ... */
	size_t npeek, ipeek, peekcap; /* ... held, handed out, allocated */
	int raw;            /* decompressed single file (SV_AR_DECOMPRESS) */
	uint32_t crc;       /* CRC-32 of the bytes delivered (raw gzip) */
	int fail;           /* an entry that cannot be read (a link, special
	                     * file or bad name in a directory): every read
	                     * fails with this status and ... */
	char *failmsg;      /* ... this message ("DIR: entry 'x': what") */
};
#define SV_AR_SIZE_UNKNOWN UINT64_MAX

/* One file: its name inside the archive or directory and its bytes.
 * buf and name are the reader's and valid only during the callback. */
struct sv_ar_entry {
	const char *name;
	const unsigned char *buf;
	size_t size;
};

/* Return 0 to go on, 1 to stop early (the walk returns SV_AR_OK), or -1
 * to stop with SV_AR_ECALLBACK (the callback reports its own error). */
typedef int (*sv_ar_fn)(const struct sv_ar_entry *e, void *ctx);
/* The same for a streamed walk: the callback may read s (sv_ar_read,
 * sv_ar_slurp, sv_ar_peek) or leave it unread. */
typedef int (*sv_ar_stream_fn)(struct sv_ar_stream *s, void *ctx);

/* Call fn for each regular file in path, never extracting anything.
 * path is a directory or a tar archive (ustar, pax, GNU; plain or
 * compressed with gzip, bzip2, xz or zstd); the archive is opened once
 * and read front to back, so a pipe or FIFO works.
 * Archive: entries in archive order; a leading "./" is dropped from names;
 * directory entries are skipped; an absolute name, a '..' or empty
 * component, a link, a special file, an entry whose declared size exceeds
 * lim->max_entry (refused before its data is read), more than max_entries
 * entries or more than max_total bytes stop the walk with an error.
 * Two entries with one name stop the walk (SV_AR_EDUP), when the second
 * is met; so does an entry name with a control character (SV_AR_EUNSAFE).
 * Directory: regular files in it and below (at most SV_AR_MAX_DEPTH
 * levels), named relative to path ("sub/x"), in strcmp order of those
 * names; names starting with '.' and names ending in ".tmp" (files being
 * written) are skipped.  A symbolic link, a special file (FIFO, socket,
 * device), a file that cannot be opened or a name with a control
 * character is handed to fn in its turn as a stream whose every read
 * fails (s->fail: SV_AR_ELINK, SV_AR_ETYPE, SV_AR_EIO or SV_AR_EUNSAFE,
 * message "path: entry 'name': what"), so the caller reports that entry
 * and the walk goes on with the rest.
 * lim may be NULL (defaults).  err gets "path: entry 'name': what", the
 * name escaped as sv_escape does.
 * sv_ar_walk hands each entry as a stream; sv_ar_each reads it whole
 * first (the size limit checked before allocating). */
int sv_ar_walk(const char *path, const struct sv_ar_limits *lim,
               sv_ar_stream_fn fn, void *ctx, char *err, size_t errsz);
int sv_ar_each(const char *path, const struct sv_ar_limits *lim,
               sv_ar_fn fn, void *ctx, char *err, size_t errsz);

/* Walk the tar archive whose bytes s delivers (a file opened with
 * sv_ar_open, bytes already peeked included), with path for messages. */
int sv_ar_walk_stream(struct sv_ar_stream *s, const char *path,
                      const struct sv_ar_limits *lim, sv_ar_stream_fn fn,
                      void *ctx, char *err, size_t errsz);

/* Open one file as a stream: path, or standard input for "-" (named
 * "stdin").  A directory is refused (SV_AR_ETYPE); a missing path is
 * SV_AR_EIO with strerror's text.  With SV_AR_DECOMPRESS the stream
 * delivers the file decompressed (gzip, bzip2, xz, zstd; a plain file
 * as it is), and a gzip file whose CRC-32 or length does not match its
 * data fails at its end (SV_AR_EFORMAT).  max: the most bytes the
 * stream may deliver (0: SV_AR_MAX_ENTRY).  Close with sv_ar_close. */
#define SV_AR_DECOMPRESS 1u
int sv_ar_open(const char *path, unsigned flags, uint64_t max,
               struct sv_ar_stream *s, char *err, size_t errsz);
void sv_ar_close(struct sv_ar_stream *s);

/* Read up to n bytes into buf: SV_AR_OK with *got bytes (0 at the end),
 * or an error: SV_AR_EIO, SV_AR_ELIMIT (more than the limit),
 * SV_AR_EFORMAT (corrupt compressed data). */
int sv_ar_read(struct sv_ar_stream *s, void *buf, size_t n, size_t *got,
               char *err, size_t errsz);

/* Look at the first n bytes without consuming them: *p points to *got
 * bytes (fewer than n only at the end), valid until the next read. */
int sv_ar_peek(struct sv_ar_stream *s, size_t n, const unsigned char **p,
               size_t *got, char *err, size_t errsz);

/* Read the rest of s into a malloc'ed buffer (*buf, *n; the caller frees
 * *buf; never NULL on success).  An announced size over the limit is
 * refused before anything is allocated; a stream of unknown size grows
 * its buffer up to the limit and no further. */
int sv_ar_slurp(struct sv_ar_stream *s, unsigned char **buf, size_t *n,
                char *err, size_t errsz);

/* "path: entry 'name'" for an entry, "path" for a file: for messages. */
void sv_ar_where(const struct sv_ar_stream *s, char *out, size_t outsz);

/* The exit status (SV_EXIT_*) for a status of this reader: out of memory
 * is the environment, anything else bad input. */
int sv_ar_exit(int status);

/* Read the one entry called name from the archive or directory path into
 * a malloc'ed buffer (*buf, *n; the caller frees *buf).  SV_AR_ENOENT if
 * there is none; the same refusals as sv_ar_each. */
int sv_ar_read_one(const char *path, const char *name,
                   const struct sv_ar_limits *lim, unsigned char **buf,
                   size_t *n, char *err, size_t errsz);

/* Is name a safe relative entry name?  Grammar: components separated by
 * '/', none empty, "." or ".."; no leading '/'.  A leading "./" must be
 * stripped first (sv_ar_each does).  1 yes, 0 no. */
int sv_ar_name_ok(const char *name);

/* Names: one rule for every tool.  A name holding a control character
 * (bytes 0x01..0x1f and 0x7f: tab, newline, CR ...) is refused as bad
 * input wherever it comes from: a path on the command line, a file in a
 * directory, an archive entry, a member to pack.  So no hash line or
 * record ever holds one.  1 if name holds one, 0 if not. */
int sv_ar_name_ctrl(const char *name);


/* One file to store: name in the archive, and either the path of a file
 * to copy (path != NULL) or size bytes at buf.  All the caller's. */
struct sv_ar_member {
	const char *name;
	const char *path;
	const void *buf;
	size_t size;
};

/* Write a byte-identical archive: the same members give the same bytes
 * on every machine and at every time.  Entries in strcmp order of name,
 * pax-restricted tar (plain ustar headers unless a name needs more), mode
 * 0644, mtime 0, uid/gid 0, no user/group names, no atime/ctime; gzip
 * without a timestamp or file name; the last block not padded.  Output
 * format from out's suffix: ".tar", ".tar.gz" or ".tgz".  Written to
 * out.tmp and renamed, so a failed run leaves no partial archive.
 * Unsafe or duplicate names, and names with a control character, are
 * refused. */
int sv_ar_write(const char *out, const struct sv_ar_member *m, size_t n,
                char *err, size_t errsz);

#endif
