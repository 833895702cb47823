/*
 * arena_test.c - alignment, copies, chunk growth and reset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "arena.h"

Test(arena, alloc_is_aligned_and_usable)
{
	struct arena	*a = arena_create(64);
	size_t		 i;
	char		*p;

	for (i = 1; i < 200; i++) {
		p = arena_alloc(a, i);
		cr_assert_eq((uintptr_t)p % 16, 0);
		memset(p, 'x', i);	/* ASan catches overlap or overflow */
	}
	arena_destroy(a);
}

Test(arena, copies)
{
	struct arena	*a = arena_create(0);

	cr_assert_str_eq(arena_strdup(a, "hello"), "hello");
	cr_assert_str_eq(arena_strndup(a, "hello", 3), "hel");
	cr_assert_str_eq(arena_strndup(a, "hi", 10), "hi");
	cr_assert_str_eq(arena_printf(a, "%s=%d", "n", 42), "n=42");
	cr_assert_str_eq(arena_strdup(a, ""), "");
	arena_destroy(a);
}

Test(arena, calloc_zeroes)
{
	struct arena	*a = arena_create(32);
	unsigned char	*p;
	size_t		 i;

	memset(arena_alloc(a, 32), 0xff, 32);
	arena_reset(a);
	p = arena_calloc(a, 8, 4);
	for (i = 0; i < 32; i++)
		cr_assert_eq(p[i], 0);
	arena_destroy(a);
}

Test(arena, oversized_and_many_chunks)
{
	struct arena	*a = arena_create(128);
	char		*big, *small, *s, *items[1000];
	int		 i;

	small = arena_strdup(a, "kept");
	big = arena_alloc(a, 100000);
	memset(big, 'b', 100000);
	/* The current chunk still serves small allocations. */
	s = arena_strdup(a, "next");
	cr_assert_str_eq(small, "kept");
	cr_assert_str_eq(s, "next");
	for (i = 0; i < 1000; i++)
		items[i] = arena_printf(a, "item%d", i);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(atoi(items[i] + 4), i, "chunks never overlap");
	cr_assert_gt(arena_used(a), 100000);
	arena_destroy(a);
	arena_destroy(NULL);
}

Test(arena, reset_reuses_memory)
{
	struct arena	*a = arena_create(256);
	void		*first, *again;
	int		 i;

	first = arena_alloc(a, 16);
	for (i = 0; i < 100; i++)
		arena_alloc(a, 200);
	arena_reset(a);
	cr_assert_eq(arena_used(a), 0);
	again = arena_alloc(a, 16);
	cr_assert_eq(first, again, "first chunk is reused after reset");
	arena_destroy(a);
}
