/* ordered.c - a ring of items, a pool of threads, results in order */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ordered.h"
#include "util.h"

enum { S_WAITING, S_WORKING, S_WORKED };

struct slot {
	void *item;
	int state;
};

struct sv_ordered {
	pthread_mutex_t mu;
	pthread_cond_t cv;          /* any change of state */
	struct slot *ring;
	size_t window;
	size_t head;                /* the oldest item not yet done */
	size_t next;                /* the oldest waiting item */
	size_t tail;                /* where the next item goes */
	int stop;
	int nworkers;
	pthread_t *tid;
	sv_ordered_work work;
	sv_ordered_done done;
	void *ctx;
};

struct worker_arg {
	struct sv_ordered *q;
	int index;
};

/* Call done for every worked item at the head; with q->mu held. */
static void
drain(struct sv_ordered *q)
{
	while (q->head < q->tail && q->ring[q->head % q->window].state == S_WORKED) {
		struct slot *s = &q->ring[q->head % q->window];

		q->done(q->ctx, s->item);
		s->item = NULL;
		q->head++;
	}
}

static void *
worker(void *p)
{
	struct worker_arg *a = p;
	struct sv_ordered *q = a->q;
	int index = a->index;

	free(a);
	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct slot *s;

		while (q->next == q->tail && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->next == q->tail)
			break;  /* stopping, nothing left */
		s = &q->ring[q->next++ % q->window];
		s->state = S_WORKING;
		pthread_mutex_unlock(&q->mu);
		q->work(q->ctx, index, s->item);
		pthread_mutex_lock(&q->mu);
		s->state = S_WORKED;
		drain(q);
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct sv_ordered *
sv_ordered_new(int nworkers, size_t window, sv_ordered_work work,
               sv_ordered_done done, void *ctx)
{
	struct sv_ordered *q = sv_calloc(1, sizeof *q);

	if (nworkers < 1)
		nworkers = 1;
	if (window < (size_t)nworkers)
		window = (size_t)nworkers;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->window = window;
	q->ring = sv_calloc(window, sizeof *q->ring);
	q->work = work;
	q->done = done;
	q->ctx = ctx;
	q->nworkers = nworkers;
	q->tid = sv_calloc((size_t)nworkers, sizeof *q->tid);
	for (int i = 0; i < nworkers; i++) {
		struct worker_arg *a = sv_malloc(sizeof *a);
		int e;

		a->q = q;
		a->index = i;
		if ((e = pthread_create(&q->tid[i], NULL, worker, a)) != 0)
			sv_die(SV_EXIT_ENV, "cannot start a thread: %s", strerror(e));
	}
	return q;
}

void
sv_ordered_put(struct sv_ordered *q, void *item)
{
	pthread_mutex_lock(&q->mu);
	while (q->tail - q->head >= q->window)
		pthread_cond_wait(&q->cv, &q->mu);
	q->ring[q->tail % q->window] = (struct slot){ item, S_WAITING };
	q->tail++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
sv_ordered_finish(struct sv_ordered *q)
{
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nworkers; i++)
		pthread_join(q->tid[i], NULL);
	pthread_mutex_lock(&q->mu);
	drain(q);   /* nothing is left unless a worker died */
	pthread_mutex_unlock(&q->mu);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->ring);
	free(q->tid);
	free(q);
}
