/*
 * tap.h - minimal TAP output for the C unit tests.
 */
#ifndef TUCAI_TAP_H
#define TUCAI_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) do {						\
	int c_ = (cond) ? 1 : 0;					\
	printf("%sok %d - ", c_ ? "" : "not ", ++tap_n);		\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
	if (!c_) {							\
		tap_failed++;						\
		printf("#   at %s:%d\n", __FILE__, __LINE__);	\
	}								\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int e_ = (g_ == NULL && w_ == NULL) ||				\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	ok(e_, __VA_ARGS__);						\
	if (!e_)							\
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");				\
} while (0)

static inline int
tap_done(void)
{

	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
