/* The commendation catalog: see award_catalog.h. */
#include "domain/award_catalog.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/mem.h"
#include "domain/jsonerr.h"
#include "text/text.h"

#define CODE_MAX 32
#define NAME_MAX_BYTES 200
#define LIST_MAX 100
#define AMOUNT_LIMIT 1000000000000LL /* 10^12 đồng: far above any single award */

static int
code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX_BYTES || !text_utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* Whether o has only the fields of allowed (NULL-terminated); the first other in *bad. */
static int
only(json_t *o, const char *const *allowed, const char **bad)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		size_t i = 0;
		while (allowed[i] && strcmp(allowed[i], k) != 0)
			i++;
		if (!allowed[i]) {
			*bad = k;
			return 0;
		}
	}
	return 1;
}

/* A string field: copied into *out, or a message. */
static int
str_field(json_t *o, const char *key, const char *path, int is_code, char **out, char *err,
          size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s.%s: phải là một chuỗi ký tự; hãy sửa tệp danh mục.", path,
		         key);
		return -1;
	}
	const char *s = json_string_value(v);
	if (is_code ? !code_ok(s) : !name_ok(s)) {
		snprintf(err, errlen,
		         is_code ? "%s.%s: mã \"%.40s\" không hợp lệ; chỉ dùng a-z, 0-9 và \"_\", "
		                   "dài "
		                   "1-32 ký tự."
		                 : "%s.%s: tên \"%.40s\" không hợp lệ; cần 1-200 byte trên một "
		                   "dòng.",
		         path, key, s);
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

award_catalog_t *
award_catalog_parse(const char *json, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		snprintf(err, errlen, "Danh mục khen thưởng: %s.",
		         root ? "tài liệu phải là một đối tượng {\"categories\": …}"
		              : json_problem_vi(&je, "tài liệu phải là một đối tượng"));
		json_decref(root);
		return NULL;
	}
	award_catalog_t *c = xcalloc(1, sizeof *c);
	static const char *const top[] = {"categories", "forms", "max_amount", NULL};
	static const char *const catf[] = {"code", "name", "collective", "kind", NULL};
	static const char *const formf[] = {"code", "name", NULL};
	const char *bad = NULL;
	char path[64];
	if (!only(root, top, &bad)) {
		snprintf(err, errlen, "%s: trường không được hỗ trợ; hãy bỏ trường này.", bad);
		goto fail;
	}
	json_t *cats = json_object_get(root, "categories"), *forms = json_object_get(root, "forms");
	json_t *max = json_object_get(root, "max_amount");
	if (!json_is_array(cats) || json_array_size(cats) == 0 ||
	    json_array_size(cats) > LIST_MAX) {
		snprintf(err, errlen, "categories: phải là danh sách từ 1 đến %d loại.", LIST_MAX);
		goto fail;
	}
	if (!json_is_array(forms) || json_array_size(forms) == 0 ||
	    json_array_size(forms) > LIST_MAX) {
		snprintf(err, errlen, "forms: phải là danh sách từ 1 đến %d hình thức.", LIST_MAX);
		goto fail;
	}
	if (!json_is_integer(max) || json_integer_value(max) < 0 ||
	    json_integer_value(max) > AMOUNT_LIMIT) {
		snprintf(err, errlen,
		         "max_amount: phải là số nguyên đồng từ 0 đến 1.000.000.000.000.");
		goto fail;
	}
	c->max_amount = json_integer_value(max);
	c->categories = xcalloc(json_array_size(cats), sizeof *c->categories);
	for (size_t i = 0; i < json_array_size(cats); i++) {
		json_t *o = json_array_get(cats, i);
		snprintf(path, sizeof path, "categories[%zu]", i);
		if (!json_is_object(o) || !only(o, catf, &bad)) {
			snprintf(err, errlen, "%s: %s", path,
			         json_is_object(o)
			                 ? "có trường không được hỗ trợ; hãy bỏ trường đó."
			                 : "phải là một đối tượng {\"code\", \"name\", …}.");
			goto fail;
		}
		award_category_t *x = &c->categories[c->ncategories++];
		json_t *col = json_object_get(o, "collective");
		if (str_field(o, "code", path, 1, (char **)&x->code, err, errlen) < 0 ||
		    str_field(o, "name", path, 0, (char **)&x->name, err, errlen) < 0 ||
		    str_field(o, "kind", path, 1, (char **)&x->kind, err, errlen) < 0)
			goto fail;
		if (!json_is_boolean(col)) {
			snprintf(err, errlen,
			         "%s.collective: phải là true (tập thể) hoặc false (cá nhân).",
			         path);
			goto fail;
		}
		x->collective = json_is_true(col);
		for (size_t k = 0; k + 1 < c->ncategories; k++)
			if (!strcmp(c->categories[k].code, x->code) ||
			    !strcmp(c->categories[k].kind, x->kind)) {
				snprintf(err, errlen,
				         "%s: mã hoặc loại đã có ở categories[%zu]; mỗi mã chỉ "
				         "ghi một lần.",
				         path, k);
				goto fail;
			}
	}
	c->forms = xcalloc(json_array_size(forms), sizeof *c->forms);
	for (size_t i = 0; i < json_array_size(forms); i++) {
		json_t *o = json_array_get(forms, i);
		snprintf(path, sizeof path, "forms[%zu]", i);
		if (!json_is_object(o) || !only(o, formf, &bad)) {
			snprintf(err, errlen, "%s: phải là một đối tượng {\"code\", \"name\"}.",
			         path);
			goto fail;
		}
		award_form_t *x = &c->forms[c->nforms++];
		if (str_field(o, "code", path, 1, (char **)&x->code, err, errlen) < 0 ||
		    str_field(o, "name", path, 0, (char **)&x->name, err, errlen) < 0)
			goto fail;
		for (size_t k = 0; k + 1 < c->nforms; k++)
			if (!strcmp(c->forms[k].code, x->code)) {
				snprintf(err, errlen, "%s.code: đã có ở forms[%zu].", path, k);
				goto fail;
			}
	}
	json_decref(root);
	return c;
fail:
	json_decref(root);
	award_catalog_free(c);
	return NULL;
}

award_catalog_t *
award_catalog_load(const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	if (file_read_all(path, 1 << 20, &buf, &len, err, errlen) < 0)
		return NULL;
	char e[512];
	award_catalog_t *c = award_catalog_parse(buf, len, e, sizeof e);
	free(buf);
	if (c == NULL)
		snprintf(err, errlen, "%s: %s", path, e);
	return c;
}

void
award_catalog_free(award_catalog_t *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->ncategories; i++) {
		free((char *)c->categories[i].code);
		free((char *)c->categories[i].name);
		free((char *)c->categories[i].kind);
	}
	for (size_t i = 0; i < c->nforms; i++) {
		free((char *)c->forms[i].code);
		free((char *)c->forms[i].name);
	}
	free(c->categories);
	free(c->forms);
	free(c);
}

const award_category_t *
award_category_find(const award_catalog_t *c, const char *code)
{
	for (size_t i = 0; c && code && i < c->ncategories; i++)
		if (!strcmp(c->categories[i].code, code))
			return &c->categories[i];
	return NULL;
}

const award_form_t *
award_form_find(const award_catalog_t *c, const char *code)
{
	for (size_t i = 0; c && code && i < c->nforms; i++)
		if (!strcmp(c->forms[i].code, code))
			return &c->forms[i];
	return NULL;
}
