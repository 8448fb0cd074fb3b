/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/clock.h"

#include <time.h>

double al_clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
