/* Numbers and dates the Vietnamese way: "1.234.567" with '.' grouping, "05/01/2022".
 * Parsing is strict about grouping, since "1.23" or "1,5" typed into a count or an
 * amount of money is more likely a mistake than a number to guess at. */
#include "text/text.h"

#include <string.h>

#include "core/mem.h"

#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 2999

void
text_format_int(int64_t v, buf_t *out)
{
	/* Work on the magnitude as unsigned so that INT64_MIN needs no special case. */
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char tmp[32];
	size_t pos = sizeof tmp;
	int digits = 0;
	do {
		if (digits > 0 && digits % 3 == 0)
			tmp[--pos] = '.';
		tmp[--pos] = (char)('0' + m % 10);
		m /= 10;
		digits++;
	} while (m);
	if (v < 0)
		tmp[--pos] = '-';
	buf_append(out, tmp + pos, sizeof tmp - pos);
}

/* Length of the space-like character at p[0..n) (ASCII blank, or a no-break space that
 * spreadsheets and word processors put in numbers), or 0. */
static size_t
space_len(const char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n'))
		return 1;
	if (n >= 2 && memcmp(p, "\xC2\xA0", 2) == 0) /* U+00A0 */
		return 2;
	if (n >= 3 && (memcmp(p, "\xE2\x80\xAF", 3) == 0 || /* U+202F narrow no-break */
	               memcmp(p, "\xE2\x80\x89", 3) == 0))  /* U+2009 thin space */
		return 3;
	return 0;
}

/* A space that may group digits: like space_len, but tabs and line breaks are only
 * trimmed around a number, never inside it. */
static size_t
blank_len(const char *p, size_t n)
{
	if (p[0] == '\t' || p[0] == '\r' || p[0] == '\n')
		return 0;
	return space_len(p, n);
}

/* space_len, looking backwards from the end of p[0..n). */
static size_t
space_len_back(const char *p, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++)
		if (space_len(p + n - k, k) == k)
			return k;
	return 0;
}

static void
trim(const char **p, size_t *n)
{
	size_t k;
	while (*n > 0 && (k = space_len(*p, *n)) > 0)
		*p += k, *n -= k;
	while (*n > 0 && (k = space_len_back(*p, *n)) > 0)
		*n -= k;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
text_parse_int(const char *p, size_t n, int64_t *out)
{
	trim(&p, &n);
	size_t i = 0;
	int neg = 0;
	if (i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	size_t group = 0;   /* digits in the current group */
	size_t first = 0;   /* digits in the first group */
	int sep_kind = 0;   /* 0 none yet, '.' or ' ' */
	int first_zero = 0; /* first group starts with 0 */
	if (i == n)
		return -1;
	while (i < n) {
		if (is_digit(p[i])) {
			unsigned d = (unsigned)(p[i] - '0');
			if (sep_kind == 0 && group == 0)
				first_zero = d == 0;
			if (v > (limit - d) / 10)
				return -1;
			v = v * 10 + d;
			group++;
			i++;
			continue;
		}
		size_t k = 1;
		if (p[i] != '.')
			k = blank_len(p + i, n - i);
		if (k == 0)
			return -1;
		int kind = p[i] == '.' ? '.' : ' ';
		/* A separator closes a group: the first may have 1..3 digits, the others 3. */
		if (sep_kind == 0) {
			first = group;
			if (first == 0 || first > 3)
				return -1;
		} else if (kind != sep_kind || group != 3) {
			return -1;
		}
		sep_kind = kind;
		group = 0;
		i += k;
	}
	if (group == 0)
		return -1;
	if (sep_kind != 0 && (group != 3 || (first_zero && first > 0)))
		return -1; /* "1.23", or "0.123" which is a decimal, not a grouped integer */
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

/* Howard Hinnant's days_from_civil: proleptic Gregorian, valid for any int64 year. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int64_t y, int64_t m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Reads 1..maxd digits at p[*i]; exactly maxd when exact. -1 if not there. */
static int64_t
read_num(const char *p, size_t n, size_t *i, size_t maxd, int exact)
{
	int64_t v = 0;
	size_t k = 0;
	while (*i < n && is_digit(p[*i]) && k < maxd) {
		v = v * 10 + (p[*i] - '0');
		(*i)++;
		k++;
	}
	if (k == 0 || (exact && k != maxd))
		return -1;
	return v;
}

int
text_parse_date(const char *p, size_t n, int32_t *days)
{
	trim(&p, &n);
	size_t i = 0;
	int64_t d = read_num(p, n, &i, 2, 0);
	if (d < 0 || i >= n || p[i++] != '/')
		return -1;
	int64_t m = read_num(p, n, &i, 2, 0);
	if (m < 0 || i >= n || p[i++] != '/')
		return -1;
	int64_t y = read_num(p, n, &i, 4, 1);
	if (y < 0 || i != n)
		return -1;
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return -1;
	*days = (int32_t)days_from_civil(y, m, d);
	return 0;
}

void
text_format_date(int32_t days, buf_t *out)
{
	int64_t y, m, d;
	civil_from_days(days, &y, &m, &d);
	buf_printf(out, "%02d/%02d/%04lld", (int)d, (int)m, (long long)y);
}

int32_t
text_days_from_civil(int y, int m, int d)
{
	return (int32_t)days_from_civil(y, m, d);
}

void
text_civil_from_days(int32_t days, int *y, int *m, int *d)
{
	int64_t yy, mm, dd;
	civil_from_days(days, &yy, &mm, &dd);
	*y = (int)yy;
	*m = (int)mm;
	*d = (int)dd;
}
