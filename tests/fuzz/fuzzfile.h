/* fuzzfile.h - the fuzz input as a file: readers that take a path read
 * it from a memory file (memfd) named by /proc/self/fd/N */
#ifndef SV_FUZZFILE_H
#define SV_FUZZFILE_H

#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a file holding exactly d[0..n); NULL if it cannot be made. */
static const char *
fuzz_file(const uint8_t *d, size_t n)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		if ((fd = memfd_create("sv-fuzz", 0)) < 0)
			return NULL;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (n && pwrite(fd, d, n, 0) != (ssize_t)n))
		return NULL;
	return path;
}

#endif
