#include "_fast.h"

/* The same update as mean.py, over a whole buffer without returning to Python. */
void runstats_push_many(runstats_t *s, const double *xs, size_t count) {
    for (size_t i = 0; i < count; i++) {
        double delta = xs[i] - s->mean;
        s->n += 1;
        s->mean += delta / (double)s->n;
        s->m2 += delta * (xs[i] - s->mean);
    }
}
