/* bintrees.c - the same program as bintrees.sg, in C (malloc and free). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
struct node { struct node *left, *right; };
static struct node *make(int d)
{
	struct node *n = calloc(1, sizeof *n);
	if (d > 0) {
		n->left = make(d - 1);
		n->right = make(d - 1);
	}
	return n;
}
static int check(struct node *n) { return n->left ? 1 + check(n->left) + check(n->right) : 1; }
static void drop(struct node *n) { if (n->left) { drop(n->left); drop(n->right); } free(n); }
int main(void)
{
	int maxd = 16;
	long long t0 = now();
	struct node *longlived = make(maxd);
	long long total = 0;
	for (int d = 4; d <= maxd; d += 2) {
		int iters = 1 << (maxd - d + 4);
		for (int i = 0; i < iters; i++) {
			struct node *t = make(d);
			total += check(t);
			drop(t);
		}
	}
	total += check(longlived);
	drop(longlived);
	long long t1 = now();
	printf("check %lld\ntime_ns %lld\n", total, t1 - t0);
	return 0;
}
