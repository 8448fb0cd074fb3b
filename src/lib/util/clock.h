/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The monotonic clock, for timeouts, deadlines and rates. */
#ifndef AL_UTIL_CLOCK_H
#define AL_UTIL_CLOCK_H

/** Seconds of CLOCK_MONOTONIC (an arbitrary origin; only differences mean anything). */
double al_clock_now(void);

#endif
