/* Prometheus text exposition (see prom.h). */
#include "core/prom.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const uint64_t prom_seconds_bounds[PROM_SECONDS_BUCKETS] = {
        1000000,   2500000,   5000000,    10000000,   25000000,   50000000,    100000000,
        250000000, 500000000, 1000000000, 2500000000, 5000000000, 10000000000,
};

void
prom_family(buf_t *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A value as the format reads it (Go's ParseFloat): integers exactly, others in as few
 * digits as read back the same. */
static void
put_value(buf_t *b, double v)
{
	if (isnan(v))
		buf_puts(b, "NaN");
	else if (isinf(v))
		buf_puts(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9e15)
		buf_printf(b, "%.0f", v);
	else {
		char t[40];
		snprintf(t, sizeof t, "%.15g", v);
		if (strtod(t, NULL) != v) /* the shortest of the two that reads back as v */
			snprintf(t, sizeof t, "%.17g", v);
		buf_puts(b, t);
	}
}

void
prom_sample(buf_t *b, const char *name, const char *labels, double value)
{
	buf_puts(b, name);
	if (labels && *labels) {
		buf_putc(b, '{');
		buf_puts(b, labels);
		buf_putc(b, '}');
	}
	buf_putc(b, ' ');
	put_value(b, value);
	buf_putc(b, '\n');
}

void
prom_label(buf_t *b, const char *name, const char *value)
{
	if (b->len > 0 && b->data[b->len - 1] != '{')
		buf_putc(b, ',');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\' || *p == '"')
			buf_putc(b, '\\');
		if (*p == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

size_t
prom_bucket(const uint64_t *bounds, size_t n, uint64_t v)
{
	size_t i = 0;
	while (i < n && v > bounds[i])
		i++;
	return i;
}

void
prom_hist_observe(prom_hist_t *h, const uint64_t *bounds, size_t n, uint64_t v)
{
	h->bucket[prom_bucket(bounds, n, v)]++;
	h->sum += v;
	h->count++;
}

void
prom_hist_write(buf_t *b, const char *name, const char *labels, const prom_hist_t *h,
                const uint64_t *bounds, size_t n, double scale)
{
	char metric[128], le[160];
	const char *sep = labels && *labels ? "," : "";
	uint64_t cum = 0;
	snprintf(metric, sizeof metric, "%s_bucket", name);
	for (size_t i = 0; i <= n && i <= PROM_BUCKETS_MAX; i++) {
		cum += h->bucket[i];
		if (i < n)
			snprintf(le, sizeof le, "le=\"%g\"", (double)bounds[i] * scale);
		else
			snprintf(le, sizeof le, "le=\"+Inf\"");
		buf_printf(b, "%s{%s%s%s} %llu\n", metric, labels ? labels : "", sep, le,
		           (unsigned long long)cum);
	}
	snprintf(metric, sizeof metric, "%s_sum", name);
	prom_sample(b, metric, labels, (double)h->sum * scale);
	snprintf(metric, sizeof metric, "%s_count", name);
	prom_sample(b, metric, labels, (double)h->count);
}
