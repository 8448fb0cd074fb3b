/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Calendar dates for plans: parsing, arithmetic through day numbers, TTLs in days. */
#include <authlint/plan.h>

#include <stdio.h>
#include <string.h>

/* Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static al_date civil_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	al_date out = {(int)(y + (m <= 2)), (int)m, (int)d};
	return out;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static bool digits(const char *p, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

al_status al_date_parse(const char *text, al_date *out)
{
	al_date d;
	if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
	    !digits(text, 4, &d.year) || !digits(text + 5, 2, &d.month) || !digits(text + 8, 2, &d.day))
		return AL_EINVAL;
	if (d.year < 1970 || d.month < 1 || d.month > 12 || d.day < 1 ||
	    d.day > days_in_month(d.year, d.month))
		return AL_EINVAL;
	*out = d;
	return AL_OK;
}

void al_date_format(al_date date, char out[11])
{
	unsigned y = (unsigned)date.year % 10000u, m = (unsigned)date.month % 100u, d = (unsigned)date.day % 100u;
	const char digits[] = "0123456789";
	char *p = out;
	*p++ = digits[y / 1000];
	*p++ = digits[y / 100 % 10];
	*p++ = digits[y / 10 % 10];
	*p++ = digits[y % 10];
	*p++ = '-';
	*p++ = digits[m / 10];
	*p++ = digits[m % 10];
	*p++ = '-';
	*p++ = digits[d / 10];
	*p++ = digits[d % 10];
	*p = '\0';
}

al_date al_date_add_days(al_date date, long days)
{
	long z = days_from_civil(date.year, date.month, date.day) + days;
	/* stay within what al_date_parse accepts */
	long lo = 0, hi = days_from_civil(9999, 12, 31);
	return civil_from_days(z < lo ? lo : z > hi ? hi : z);
}

long al_date_diff_days(al_date from, al_date to)
{
	return days_from_civil(to.year, to.month, to.day) -
	       days_from_civil(from.year, from.month, from.day);
}

al_date al_date_from_unix(int64_t unix_seconds)
{
	int64_t days = unix_seconds / 86400;
	if (unix_seconds < 0 && unix_seconds % 86400 != 0)
		days--;
	return civil_from_days(days < 0 ? 0 : (long)days);
}

unsigned al_ttl_days(uint32_t ttl)
{
	return (unsigned)((ttl + 86399ull) / 86400u);
}

const char *al_ttl_text(uint32_t ttl, char out[24])
{
	static const struct {
		uint32_t seconds;
		const char *name;
	} units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ttl < units[i].seconds && units[i].seconds > 1)
			continue;
		unsigned long n = (unsigned long)((ttl + (uint64_t)units[i].seconds - 1) / units[i].seconds);
		snprintf(out, 24, "%lu %s%s", n, units[i].name, n == 1 ? "" : "s");
		return out;
	}
	snprintf(out, 24, "0 seconds");
	return out;
}
