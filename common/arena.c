/*
 * arena.c - chunked bump allocation. A request allocates from the current
 * chunk; when it is full a new chunk is linked in front. Reset frees every
 * chunk but the first, so a steady-state request does no malloc at all.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_ALIGN		16
#define ARENA_DEFAULT_CHUNK	16384

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;	/* usable bytes after the header */
	size_t			 used;
	/* Keeps data ARENA_ALIGN-aligned on every ABI we build for. */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct arena_chunk	*head;	/* current chunk, then older ones */
	struct arena_chunk	*first;	/* kept across resets */
	size_t			 chunk_size;
	size_t			 used;
};

static struct arena_chunk	*arena_chunk_new(size_t);

static struct arena_chunk *
arena_chunk_new(size_t size)
{
	struct arena_chunk	*c;

	if (size > SIZE_MAX - sizeof(*c) ||
	    (c = malloc(sizeof(*c) + size)) == NULL)
		abort();
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *
arena_create(size_t chunk_size)
{
	struct arena	*a;

	if ((a = malloc(sizeof(*a))) == NULL)
		abort();
	a->chunk_size = chunk_size != 0 ? chunk_size : ARENA_DEFAULT_CHUNK;
	a->head = a->first = arena_chunk_new(a->chunk_size);
	a->used = 0;
	return a;
}

void
arena_destroy(struct arena *a)
{
	struct arena_chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk	*c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (c != a->first)
			free(c);
	}
	a->head = a->first;
	a->head->next = NULL;
	a->head->used = 0;
	a->used = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk	*c = a->head;
	size_t			 off;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		abort();
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	off = c->used;
	if (n > a->chunk_size) {
		/*
		 * An oversized request gets an exact chunk of its own, linked
		 * behind the current one so its free space is not wasted.
		 */
		c = arena_chunk_new(n);
		c->next = a->head->next;
		a->head->next = c;
		off = 0;
	} else if (n > c->size - off) {
		c = arena_chunk_new(a->chunk_size);
		c->next = a->head;
		a->head = c;
		off = 0;
	}
	c->used = off + n;
	a->used += n;
	return c->data + off;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		abort();
	p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	n = strnlen(s, n);
	p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, SIZE_MAX);
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}
