/* test_ordered.c - base/ordered.c: every item worked once, done in input
 * order, for several worker counts and windows */
#include "tap.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/ordered.h"

struct ctx {
	int worked[200];
	int order[200];
	int ndone;
	int bad_worker;
	int nworkers;
	pthread_mutex_t mu;
};

static void
work(void *p, int worker, void *item)
{
	struct ctx *c = p;
	int i = *(int *)item;
	struct timespec ts = { 0, (long)((i * 7919) % 13) * 100000L };

	nanosleep(&ts, NULL);   /* later items often finish first */
	pthread_mutex_lock(&c->mu);
	c->worked[i]++;
	if (worker < 0 || worker >= c->nworkers)
		c->bad_worker = 1;
	pthread_mutex_unlock(&c->mu);
}

static void
done(void *p, void *item)
{
	struct ctx *c = p;

	c->order[c->ndone++] = *(int *)item;
}

static void
run(int nworkers, size_t window, int n)
{
	static int items[200];
	struct ctx c = { .nworkers = nworkers };
	struct sv_ordered *q;
	int inorder = 1, once = 1;

	pthread_mutex_init(&c.mu, NULL);
	q = sv_ordered_new(nworkers, window, work, done, &c);
	for (int i = 0; i < n; i++) {
		items[i] = i;
		sv_ordered_put(q, &items[i]);
	}
	sv_ordered_finish(q);
	for (int i = 0; i < n; i++) {
		inorder &= c.order[i] == i;
		once &= c.worked[i] == 1;
	}
	is_int(c.ndone, n, "%d workers, window %zu: %d items done", nworkers,
	       window, n);
	ok(inorder, "%d workers, window %zu: done in input order", nworkers,
	   window);
	ok(once, "%d workers, window %zu: each item worked once", nworkers,
	   window);
	ok(!c.bad_worker, "%d workers: worker indices in 0..%d", nworkers,
	   nworkers - 1);
	pthread_mutex_destroy(&c.mu);
}

int
main(void)
{
	run(1, 1, 50);
	run(2, 4, 200);
	run(4, 8, 200);
	run(7, 7, 3);     /* fewer items than workers */
	run(3, 1, 20);    /* the window is raised to the workers */
	run(4, 8, 0);     /* nothing at all */
	return tap_done();
}
