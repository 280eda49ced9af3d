/*
 * tap.h - minimal TAP output for the C unit tests.
 *
 * ok(cond, fmt, ...) and is_str(got, want, fmt, ...) print one result
 * each.  The plan comes first with plan(n), or else at the end from
 * tap_done(), which returns the exit status (1 when anything failed).
 */
#ifndef TUCAI_TAP_H
#define TUCAI_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned;

#define ok(cond, ...) do {						\
	int tap_c_ = (cond) ? 1 : 0;					\
	printf("%sok %d - ", tap_c_ ? "" : "not ", ++tap_n);		\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
	if (!tap_c_) {							\
		tap_failed++;						\
		printf("#   at %s:%d\n", __FILE__, __LINE__);	\
	}								\
	fflush(stdout);							\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *tap_g_ = (got), *tap_w_ = (want);			\
	int tap_e_ = (tap_g_ == NULL && tap_w_ == NULL) ||		\
	    (tap_g_ != NULL && tap_w_ != NULL &&			\
	    strcmp(tap_g_, tap_w_) == 0);				\
	ok(tap_e_, __VA_ARGS__);					\
	if (!tap_e_)							\
		printf("#   got '%s', want '%s'\n",			\
		    tap_g_ ? tap_g_ : "(null)",				\
		    tap_w_ ? tap_w_ : "(null)");			\
} while (0)

/* Prints the plan "1..n" before the first result. */
static inline void
plan(int n)
{

	tap_planned = 1;
	printf("1..%d\n", n);
}

/* Prints the plan when plan() was not called; returns the exit status. */
static inline int
tap_done(void)
{

	if (!tap_planned)
		printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
