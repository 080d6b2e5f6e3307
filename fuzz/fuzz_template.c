/* libFuzzer driver for results templates: the input is read as a template document and,
 * as text typed into a field, by template_parse_value for fixed count, money and yes/no
 * items. A document that parses must come back unchanged through
 * template_from_json(template_to_json(t)), and template_check must cope with any values.
 * Must never crash, leak or trip UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
dump(const template_t *t)
{
	json_t *j = template_to_json(t);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		abort();
	return s;
}

static void
values(const template_t *t, const uint8_t *data, size_t size)
{
	size_t nc = t->ncols + 1, nt = t->ntexts + 1;
	int64_t *num = xcalloc(nc, sizeof *num);
	unsigned char *has = xcalloc(nc, 1);
	const char **text = xcalloc(nt, sizeof *text);
	for (size_t c = 0; c < t->ncols; c++) {
		uint8_t b = size ? data[c % size] : 0;
		has[c] = b & 1;
		num[c] = (int64_t)(b >> 1) - 8;
		if (b == 0xFF)
			num[c] = INT64_MAX;
		if (b == 0xFE)
			num[c] = INT64_MIN;
		if (template_item_col(t, (int)c) == NULL)
			abort();
	}
	for (size_t c = 0; c < t->ntexts; c++)
		text[c] = (c & 1) ? "Có nội dung" : NULL;
	tpl_values_t v = {num, has, text};
	tpl_error_t errs[16];
	for (int submitting = 0; submitting < 2; submitting++) {
		size_t n = template_check(t, &v, submitting, errs, 16);
		if (n > 16)
			abort();
		for (size_t i = 0; i < n; i++)
			if (strlen(errs[i].msg) >= sizeof errs[i].msg)
				abort();
	}
	size_t nr;
	const tpl_ratio_t *r = template_ratios(t, &nr);
	for (size_t k = 0; k < nr; k++) {
		double x;
		if (r[k].num_col < 0 || (size_t)r[k].num_col >= t->ncols || r[k].den_col < 0 ||
		    (size_t)r[k].den_col >= t->ncols || r[k].min > r[k].max)
			abort();
		if (template_ratio_value(&r[k], num, has, &x))
			(void)template_ratio_outside(&r[k], x);
	}
	free(text);
	free(has);
	free(num);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	template_t *t = NULL;
	if (template_from_json((const char *)data, size, &t, err, sizeof err) == 0) {
		char *a = dump(t);
		template_t *t2 = NULL;
		if (template_from_json(a, strlen(a), &t2, err, sizeof err) < 0)
			abort(); /* our own output refused */
		char *b = dump(t2);
		if (strcmp(a, b) != 0)
			abort();
		free(b);
		free(a);
		values(t2, data, size);
		for (size_t s = 0; s < t->nsections; s++)
			for (size_t i = 0; i < t->sections[s].nitems; i++) {
				const tpl_item_t *it = &t->sections[s].items[i];
				if (template_item(t, it->code) != it)
					abort();
				int64_t v;
				int has;
				template_parse_value(it, "1.234", &v, &has, err, sizeof err);
			}
		template_free(t2);
		template_free(t);
	}

	/* the same bytes as typed into a field */
	static tpl_item_t items[3];
	if (items[0].code == NULL) {
		static const char label[] =
		        "Số lớp bồi dưỡng nâng cao trình độ chuyên môn nghiệp vụ "
		        "cho cán bộ, công chức, viên chức, công nhân lao động";
		/* designated: fields added to tpl_item_t later are zero (no from, no warn) */
		items[0] = (tpl_item_t){.code = "a",
		                        .number = "5",
		                        .label = label,
		                        .type = TPL_COUNT,
		                        .unit = "lớp",
		                        .help = "",
		                        .max = INT64_C(1000000000000),
		                        .agg = TPL_AGG_SUM,
		                        .col = 0,
		                        .tcol = -1};
		items[1] = (tpl_item_t){.code = "b",
		                        .number = "",
		                        .label = "Tổng kinh phí",
		                        .type = TPL_MONEY,
		                        .unit = "đồng",
		                        .help = "",
		                        .has_min = 1,
		                        .has_max = 1,
		                        .min = 1000,
		                        .max = 5000000,
		                        .agg = TPL_AGG_SUM,
		                        .col = 1,
		                        .tcol = -1};
		items[2] = (tpl_item_t){.code = "c",
		                        .number = "1",
		                        .label = "Kế hoạch",
		                        .type = TPL_BOOL,
		                        .unit = "",
		                        .help = "",
		                        .max = 1,
		                        .agg = TPL_AGG_COUNT_YES,
		                        .col = 2,
		                        .tcol = -1};
	}
	char *text = xstrndup((const char *)data, size);
	for (size_t k = 0; k < 3; k++) {
		int64_t v;
		int has;
		err[0] = '\0';
		int rc = template_parse_value(&items[k], text, &v, &has, err, sizeof err);
		if (rc == 0 && has && (v < items[k].min || v > items[k].max))
			abort();
		if (rc < 0 && err[0] == '\0')
			abort();
	}
	free(text);
	return 0;
}
