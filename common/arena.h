/*
 * arena.h - a per-request bump allocator.
 *
 * Everything a request needs (copied FastCGI params, the body, path
 * parameters, response headers) is allocated here and released at once by
 * arena_reset() after the response is sent. Allocation never fails: on
 * out-of-memory the process aborts, as for any malloc in this project.
 * An arena is used by one thread at a time.
 */
#ifndef PARLEY_ARENA_H
#define PARLEY_ARENA_H

#include <stddef.h>

struct arena;

/*
 * Creates an arena whose chunks are chunk_size bytes (0: a default of
 * 16 KiB). Larger allocations get a chunk of their own. Free it with
 * arena_destroy().
 */
struct arena	*arena_create(size_t chunk_size);
void		 arena_destroy(struct arena *a);

/* Frees everything allocated since creation; keeps the first chunk. */
void		 arena_reset(struct arena *a);

/* n bytes aligned for any type, uninitialised; valid until reset. */
void		*arena_alloc(struct arena *a, size_t n);

/* Zeroed n * size bytes; aborts on overflow. */
void		*arena_calloc(struct arena *a, size_t n, size_t size);

/* NUL-terminated copies. arena_strndup copies at most n bytes of s. */
char		*arena_strdup(struct arena *a, const char *s);
char		*arena_strndup(struct arena *a, const char *s, size_t n);

/* A formatted string in the arena. */
char		*arena_printf(struct arena *a, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Bytes handed out since the last reset (for tests and limits). */
size_t		 arena_used(const struct arena *a);

#endif
