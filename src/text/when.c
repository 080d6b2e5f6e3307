/* Forgiving date and time reading (see when.h). Plain byte scanning, no locale, no
 * allocation: the readers are fuzzed (fuzz/fuzz_when.c). */
#include "text/when.h"

#include <string.h>

#include "text/text.h"

enum { YEAR_MIN = 1900, YEAR_MAX = 2999 };

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII blanks and the UTF-8 no-break space (U+00A0) that phones' keyboards insert. */
static size_t
blank_len(const char *p, size_t n, size_t i)
{
	if (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		return 1;
	if (i + 1 < n && (unsigned char)p[i] == 0xC2 && (unsigned char)p[i + 1] == 0xA0)
		return 2;
	return 0;
}

static size_t
skip_blanks(const char *p, size_t n, size_t i)
{
	size_t k;
	while ((k = blank_len(p, n, i)) > 0)
		i += k;
	return i;
}

static void
trim(const char **p, size_t *n)
{
	size_t i = skip_blanks(*p, *n, 0);
	*p += i;
	*n -= i;
	for (;;) {
		if (*n >= 1 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' ||
		                (*p)[*n - 1] == '\r' || (*p)[*n - 1] == '\n'))
			(*n)--;
		else if (*n >= 2 && (unsigned char)(*p)[*n - 2] == 0xC2 &&
		         (unsigned char)(*p)[*n - 1] == 0xA0)
			*n -= 2;
		else
			break;
	}
}

/* Digits at p[*i], at most maxd; their count in *nd; the value. */
static int
digits(const char *p, size_t n, size_t *i, size_t maxd, size_t *nd)
{
	int v = 0;
	size_t k = 0;
	while (*i < n && is_digit(p[*i]) && k <= maxd) {
		v = v * 10 + (p[*i] - '0');
		(*i)++;
		k++;
	}
	*nd = k;
	return v;
}

static int
valid_ymd(int y, int m, int d)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= (m == 2 && leap ? 29 : dm[m - 1]);
}

/* A separator between date parts: blanks, or one of / . - with optional blanks around.
 * Returns the index after it, or 0 when there is none. */
static size_t
date_sep(const char *p, size_t n, size_t i)
{
	size_t j = skip_blanks(p, n, i);
	if (j < n && (p[j] == '/' || p[j] == '.' || p[j] == '-'))
		j = skip_blanks(p, n, j + 1);
	return j > i ? j : 0;
}

int
when_parse_date(const char *p, size_t n, int32_t *days)
{
	if (p == NULL)
		return -1;
	trim(&p, &n);
	size_t i = 0, nd;
	int a = digits(p, n, &i, 8, &nd);
	int y, m, d;
	if (i == n && (nd == 8 || nd == 6)) {
		/* ddmmyyyy / ddmmyy: the value fits an int (at most 8 digits) */
		d = (p[0] - '0') * 10 + (p[1] - '0');
		m = (p[2] - '0') * 10 + (p[3] - '0');
		y = nd == 8 ? a % 10000 : 2000 + a % 100;
	} else if (nd == 4) {
		/* yyyy-mm-dd */
		y = a;
		size_t j = date_sep(p, n, i);
		if (!j)
			return -1;
		i = j;
		m = digits(p, n, &i, 2, &nd);
		if (nd < 1 || nd > 2 || !(j = date_sep(p, n, i)))
			return -1;
		i = j;
		d = digits(p, n, &i, 2, &nd);
		if (nd < 1 || nd > 2 || i != n)
			return -1;
	} else if (nd == 1 || nd == 2) {
		d = a;
		size_t j = date_sep(p, n, i);
		if (!j)
			return -1;
		i = j;
		m = digits(p, n, &i, 2, &nd);
		if (nd < 1 || nd > 2 || !(j = date_sep(p, n, i)))
			return -1;
		i = j;
		y = digits(p, n, &i, 4, &nd);
		if ((nd != 4 && nd != 2) || i != n)
			return -1;
		if (nd == 2)
			y += 2000;
	} else
		return -1;
	if (!valid_ymd(y, m, d))
		return -1;
	*days = text_days_from_civil(y, m, d);
	return 0;
}

/* "giờ" in UTF-8 (g i U+1EDD), "phút" (p h U+00FA t). */
static const char GIO[] = "gi\xe1\xbb\x9d";
static const char PHUT[] = "ph\xc3\xbat";

static int
at(const char *p, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);
	return i + k <= n && memcmp(p + i, w, k) == 0;
}

int
when_parse_time(const char *p, size_t n, int *minutes)
{
	if (p == NULL)
		return -1;
	trim(&p, &n);
	size_t i = 0, nd;
	int h = digits(p, n, &i, 4, &nd), m = 0;
	if (i == n && (nd == 3 || nd == 4)) {
		m = h % 100;
		h /= 100;
	} else if (nd == 1 || nd == 2) {
		i = skip_blanks(p, n, i);
		int word; /* h, g, giờ: the minutes may be left out */
		if (at(p, n, i, GIO)) {
			i += sizeof GIO - 1;
			word = 1;
		} else if (i < n && (p[i] == 'h' || p[i] == 'H' || p[i] == 'g' || p[i] == 'G')) {
			i++;
			word = 1;
		} else if (i < n && (p[i] == ':' || p[i] == '.')) {
			i++;
			word = 0;
		} else
			return -1;
		i = skip_blanks(p, n, i);
		m = digits(p, n, &i, 2, &nd);
		if (nd == 0 && !word)
			return -1;
		if (nd != 0 && nd != 2)
			return -1;
		if (nd == 2) {
			i = skip_blanks(p, n, i);
			if (at(p, n, i, PHUT))
				i += sizeof PHUT - 1;
			else if (i < n && (p[i] == 'p' || p[i] == 'P'))
				i++;
		}
		if (i != n)
			return -1;
	} else
		return -1;
	if (h > 23 || m > 59)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

void
when_format_time(int minutes, buf_t *out)
{
	if (minutes < 0)
		minutes = 0;
	if (minutes > 1439)
		minutes = 1439;
	buf_printf(out, "%02d:%02d", minutes / 60, minutes % 60);
}
