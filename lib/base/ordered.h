/* ordered.h - items worked on by several threads at once, finished in the
 * order they were given
 *
 * The caller puts items in order (sv_ordered_put blocks while `window`
 * items are in the queue or being worked on).  Each of nworkers threads
 * takes the oldest waiting item and calls work(ctx, worker, item), worker
 * being its index 0..nworkers-1 (for per-thread state).  done(ctx, item)
 * is called once per item, in the order the items were put, under one
 * lock, as soon as that item and every item before it are worked: the
 * place to print results.  With nworkers 1 the items are worked in order
 * on one thread.  Items are the caller's; work and done may not call
 * sv_ordered_* on the same queue.
 */
#ifndef SV_ORDERED_H
#define SV_ORDERED_H

#include <stddef.h>

struct sv_ordered;

typedef void (*sv_ordered_work)(void *ctx, int worker, void *item);
typedef void (*sv_ordered_done)(void *ctx, void *item);

/* Start nworkers (>= 1) threads; window >= nworkers.  Exits 3 when a
 * thread cannot be started. */
struct sv_ordered *sv_ordered_new(int nworkers, size_t window,
                                  sv_ordered_work work, sv_ordered_done done,
                                  void *ctx);
/* Queue item (blocks while the window is full). */
void sv_ordered_put(struct sv_ordered *q, void *item);
/* Wait until every item is done, stop the threads, free q. */
void sv_ordered_finish(struct sv_ordered *q);

#endif
