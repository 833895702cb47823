/*
 * backoff.c - the shared reconnect gates. Gates are few (one per backend)
 * and live as long as the process, so they sit on a list that is only ever
 * appended to; each gate has its own mutex, held only for a few loads and
 * stores, never across a connect.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoff.h"

#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000

struct backoff {
	struct backoff	*next;
	char		*key;
	pthread_mutex_t	 mtx;
	int		 failures;
	int		 attempting;	/* a thread probes after failures */
	long long	 next_ms;	/* monotonic time of the next attempt */
};

static long long	backoff_now_ms(void);

static pthread_mutex_t	 backoff_list_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct backoff	*backoff_list;

static long long
backoff_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct backoff *
backoff_get(const char *key)
{
	struct backoff	*b;

	pthread_mutex_lock(&backoff_list_mtx);
	for (b = backoff_list; b != NULL; b = b->next)
		if (strcmp(b->key, key) == 0)
			goto out;
	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->key = strdup(key)) == NULL)
		abort();
	pthread_mutex_init(&b->mtx, NULL);
	b->next = backoff_list;
	backoff_list = b;
out:
	pthread_mutex_unlock(&backoff_list_mtx);
	return b;
}

int
backoff_begin(struct backoff *b, int *retry_after)
{
	long long	now = backoff_now_ms(), wait;
	int		ok = 1;

	pthread_mutex_lock(&b->mtx);
	if (b->failures > 0) {
		if (b->attempting || now < b->next_ms) {
			ok = 0;
			wait = b->next_ms - now;
			*retry_after = wait > 1000 ?
			    (int)((wait + 999) / 1000) : 1;
		} else
			b->attempting = 1;
	}
	pthread_mutex_unlock(&b->mtx);
	return ok;
}

int
backoff_fail(struct backoff *b)
{
	long long	delay = BACKOFF_MIN_MS;
	int		n, i;

	pthread_mutex_lock(&b->mtx);
	n = ++b->failures;
	for (i = 1; i < n && delay < BACKOFF_MAX_MS; i++)
		delay *= 2;
	if (delay > BACKOFF_MAX_MS)
		delay = BACKOFF_MAX_MS;
	b->next_ms = backoff_now_ms() + delay;
	b->attempting = 0;
	pthread_mutex_unlock(&b->mtx);
	return n;
}

int
backoff_ok(struct backoff *b)
{
	int	n;

	pthread_mutex_lock(&b->mtx);
	n = b->failures;
	b->failures = 0;
	b->attempting = 0;
	pthread_mutex_unlock(&b->mtx);
	return n;
}
