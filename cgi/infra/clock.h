/*
 * clock.h - the one clock every rule reads, in C and (through db.c) in
 * SQL.  In production it is the system clock.  A test instance may move
 * it: with Test.Enabled = 1 in the configuration, the offset in seconds
 * is read from the file named by Test.ClockFile (re-read whenever the
 * file changes) or from $TUCAI_NOW (an offset such as "+604800", or an
 * absolute time "@1767225600").  Without test mode an offset is refused:
 * clock_init() fails and the program does not start.
 */
#ifndef TUCAI_CLOCK_H
#define TUCAI_CLOCK_H

#include <time.h>

/* Reads the test settings.  Returns 0, or -1 (logged) when an offset is
 * given but test mode is off, or the offset cannot be read. */
int		 clock_init(void);
/* Test mode only: re-reads Test.ClockFile when it changed.  Called at
 * the start of every request and every command. */
void		 clock_tick(void);
/* Now, in seconds since the epoch (UTC). */
time_t		 clock_now(void);
/* The offset from the system clock (0 in production). */
long long	 clock_offset(void);

#endif
