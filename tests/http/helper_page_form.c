/* A form posted the way a browser does (helper_app.h, ha_post_page_form): the page is read,
 * every field of the form taken with its current value, the test's changes applied, the
 * whole set sent. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "helper_app.h"

typedef struct field {
	char *name, *value;
} field_t;

typedef struct fields {
	field_t *v;
	size_t n, cap;
} fields_t;

static void
add(fields_t *f, const char *name, const char *value)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 32;
		f->v = realloc(f->v, f->cap * sizeof *f->v);
		if (!f->v)
			abort();
	}
	f->v[f->n].name = strdup(name);
	f->v[f->n].value = strdup(value ? value : "");
	f->n++;
}

static char *
attr(xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static int
has_attr(xmlNode *n, const char *name)
{
	return xmlHasProp(n, (const xmlChar *)name) != NULL;
}

static int
is(xmlNode *n, const char *tag)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, tag) == 0;
}

/* The form whose action (or one of whose buttons' formaction) is path. */
static int
posts_to(xmlNode *n, const char *path)
{
	char *a = attr(n, is(n, "form") ? "action" : "formaction");
	int yes = a && strcmp(a, path) == 0;
	xmlFree(a);
	if (yes)
		return 1;
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !is(c, "form") && posts_to(c, path))
			return 1;
	return 0;
}

static xmlNode *
find_form(xmlNode *n, const char *path)
{
	for (; n; n = n->next) {
		if (is(n, "form") && posts_to(n, path))
			return n;
		xmlNode *f = find_form(n->children, path);
		if (f)
			return f;
	}
	return NULL;
}

/* What a browser sends for the controls under n (HTML's "constructing the entry list"). */
static void
collect(xmlNode *n, fields_t *f)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		char *name = attr(n, "name");
		if (name && *name && !has_attr(n, "disabled")) {
			if (is(n, "input")) {
				char *type = attr(n, "type"), *value = attr(n, "value");
				const char *t = type ? type : "text";
				if (!strcasecmp(t, "checkbox") || !strcasecmp(t, "radio")) {
					if (has_attr(n, "checked"))
						add(f, name, value ? value : "on");
				} else if (strcasecmp(t, "submit") && strcasecmp(t, "button") &&
				           strcasecmp(t, "reset") && strcasecmp(t, "image") &&
				           strcasecmp(t, "file"))
					add(f, name, value);
				xmlFree(type);
				xmlFree(value);
			} else if (is(n, "textarea")) {
				xmlChar *text = xmlNodeGetContent(n);
				const char *t = (const char *)text;
				if (t && *t == '\n') /* the parser's leading newline rule */
					t++;
				add(f, name, t);
				xmlFree(text);
			} else if (is(n, "select")) {
				xmlNode *first = NULL;
				int any = 0;
				for (xmlNode *o = n->children; o; o = o->next) {
					xmlNode *opts = is(o, "optgroup") ? o->children : o;
					for (xmlNode *p = opts; p;
					     p = is(o, "optgroup") ? p->next : NULL) {
						if (!is(p, "option"))
							continue;
						if (!first)
							first = p;
						if (has_attr(p, "selected")) {
							char *v = attr(p, "value");
							xmlChar *t =
							        v ? NULL : xmlNodeGetContent(p);
							add(f, name, v ? v : (char *)t);
							xmlFree(v);
							xmlFree(t);
							any = 1;
						}
					}
				}
				if (!any && first && !has_attr(n, "multiple")) {
					char *v = attr(first, "value");
					xmlChar *t = v ? NULL : xmlNodeGetContent(first);
					add(f, name, v ? v : (char *)t);
					xmlFree(v);
					xmlFree(t);
				}
			}
		}
		xmlFree(name);
		if (!is(n, "select") && !is(n, "textarea"))
			collect(n->children, f);
	}
}

static void
fields_free(fields_t *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].name), free(f->v[i].value);
	free(f->v);
	*f = (fields_t){0};
}

/* The fields of the page's form that has the most. */
static void
biggest(xmlNode *n, fields_t *best)
{
	for (; n; n = n->next) {
		if (is(n, "form")) {
			fields_t f = {0};
			collect(n->children, &f);
			if (f.n > best->n) {
				fields_free(best);
				*best = f;
			} else
				fields_free(&f);
			continue;
		}
		biggest(n->children, best);
	}
}

/* The fields of page's form posting to path (GET as c) with the changes of kv applied, into
 * *out (ha_post_page_form's rules). */
static void
page_fields(unsigned short port, ha_client_t *c, const char *page, const char *path,
            const char *const *kv, fields_t *out)
{
	hc_resp_t g = ha_req(port, c, "GET", page, NULL, 0);
	if (g.status != 200) {
		fprintf(stderr, "ha_post_page_form: GET %s: %ld\n", page, g.status);
		abort();
	}
	const char *html = buf_cstr(&g.body);
	htmlDocPtr doc =
	        htmlReadMemory(html, (int)strlen(html), page, "UTF-8",
	                       HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	xmlNode *form = doc ? find_form(xmlDocGetRootElement(doc), path) : NULL;
	fields_t f = {0};
	if (form)
		collect(form->children, &f);
	else if (doc) /* no button for this user (a clerk's submit): the page's biggest form */
		biggest(xmlDocGetRootElement(doc), &f);
	if (f.n == 0) {
		fprintf(stderr, "ha_post_page_form: no form posting to %s on %s\n", path, page);
		abort();
	}
	xmlFreeDoc(doc);
	hc_resp_free(&g);
	for (size_t k = 0; kv && kv[k]; k += 2) {
		const char *name = kv[k], *value = kv[k + 1];
		int append = *name == '+';
		name += append;
		size_t i = 0;
		while (!append && i < f.n && strcmp(f.v[i].name, name) != 0)
			i++;
		if (value == NULL) { /* every field of that name left out */
			size_t w = 0;
			for (size_t r = 0; r < f.n; r++)
				if (strcmp(f.v[r].name, name) != 0)
					f.v[w++] = f.v[r];
				else
					free(f.v[r].name), free(f.v[r].value);
			f.n = w;
		} else if (!append && i < f.n) {
			free(f.v[i].value);
			f.v[i].value = strdup(value);
		} else
			add(&f, name, value);
	}
	*out = f;
}

hc_resp_t
ha_post_page_form(unsigned short port, ha_client_t *c, const char *page, const char *path,
                  const char *const *kv)
{
	fields_t f = {0};
	page_fields(port, c, page, path, kv, &f);
	buf_t b = BUF_INIT;
	CURL *h = curl_easy_init();
	for (size_t i = 0; i < f.n; i++) {
		char *en = curl_easy_escape(h, f.v[i].name, 0),
		     *ev = curl_easy_escape(h, f.v[i].value, 0);
		buf_printf(&b, "%s%s=%s", i ? "&" : "", en, ev);
		curl_free(en);
		curl_free(ev);
		free(f.v[i].name);
		free(f.v[i].value);
	}
	curl_easy_cleanup(h);
	free(f.v);
	hc_resp_t r = ha_req(port, c, "POST", path, buf_cstr(&b), 0);
	buf_free(&b);
	return r;
}

/* body ("a=1&b=2", percent-encoded, '+' a space) as its pairs: *names and *values (n
 * each, malloc'd strings; free with free_pairs). */
static size_t
body_pairs(const char *body, char ***names, char ***values)
{
	size_t n = 1;
	for (const char *p = body; *p; p++)
		n += *p == '&';
	*names = calloc(n, sizeof **names);
	*values = calloc(n, sizeof **values);
	char *copy = strdup(body);
	if (!*names || !*values || !copy)
		abort();
	CURL *h = curl_easy_init();
	size_t k = 0;
	for (char *save = NULL, *pair = strtok_r(copy, "&", &save); pair;
	     pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		if (eq)
			*eq++ = '\0';
		for (char *q = eq; q && *q; q++)
			if (*q == '+')
				*q = ' ';
		int len;
		char *name = curl_easy_unescape(h, pair, 0, &len);
		char *value = curl_easy_unescape(h, eq ? eq : "", 0, &len);
		(*names)[k] = strdup(name);
		(*values)[k] = strdup(value);
		k++;
		curl_free(name);
		curl_free(value);
	}
	curl_easy_cleanup(h);
	free(copy);
	return k;
}

static void
free_pairs(char **names, char **values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]), free(values[i]);
	free(names);
	free(values);
}

hc_resp_t
ha_post_page_body(unsigned short port, ha_client_t *c, const char *page, const char *path,
                  const char *body)
{
	char **names, **values;
	size_t n = body_pairs(body, &names, &values);
	const char **kv = calloc(2 * n + 1, sizeof *kv);
	if (!kv)
		abort();
	for (size_t i = 0; i < n; i++)
		kv[2 * i] = names[i], kv[2 * i + 1] = values[i];
	hc_resp_t r = ha_post_page_form(port, c, page, path, kv);
	free(kv);
	free_pairs(names, values, n);
	return r;
}

hc_resp_t
ha_post_page_over(unsigned short port, ha_client_t *c, const char *page, const char *path,
                  const char *body)
{
	char **names, **values;
	size_t n = body_pairs(body, &names, &values);
	/* ha_post_page_form's changes: (name, NULL) for each pair, dropping the page's fields
	 * of that name, then ("+name", value), adding the test's */
	const char **kv = calloc(4 * n + 1, sizeof *kv);
	char **plus = calloc(n ? n : 1, sizeof *plus);
	if (!kv || !plus)
		abort();
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		kv[k++] = names[i];
		kv[k++] = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		plus[i] = malloc(strlen(names[i]) + 2);
		if (!plus[i])
			abort();
		plus[i][0] = '+';
		strcpy(plus[i] + 1, names[i]);
		kv[k++] = plus[i];
		kv[k++] = values[i];
	}
	hc_resp_t r = ha_post_page_form(port, c, page, path, kv);
	for (size_t i = 0; i < n; i++)
		free(plus[i]);
	free(plus);
	free(kv);
	free_pairs(names, values, n);
	return r;
}

static size_t
mp_body(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

hc_resp_t
ha_post_page_multipart(unsigned short port, ha_client_t *c, const char *page, const char *path,
                       const char *const *kv, const char *file_field, const void *data, size_t len,
                       const char *name, const char *ctype)
{
	fields_t f = {0};
	page_fields(port, c, page, path, kv, &f);
	char url[300];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	hc_resp_t r = {0};
	CURL *h = curl_easy_init();
	curl_mime *m = curl_mime_init(h);
	for (size_t i = 0; i < f.n; i++) {
		curl_mimepart *p = curl_mime_addpart(m);
		curl_mime_name(p, f.v[i].name);
		curl_mime_data(p, f.v[i].value, CURL_ZERO_TERMINATED);
		free(f.v[i].name);
		free(f.v[i].value);
	}
	free(f.v);
	/* the file input: a browser sends it even when nothing is chosen (no name, no bytes) */
	if (file_field) {
		curl_mimepart *p = curl_mime_addpart(m);
		curl_mime_name(p, file_field);
		curl_mime_filename(p, data ? name : "");
		curl_mime_type(p, data ? ctype : "application/octet-stream");
		curl_mime_data(p, data ? data : "", data ? len : 0);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	if (c)
		curl_easy_setopt(h, CURLOPT_COOKIE, c->cookie);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, mp_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, mp_body);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);
	if (curl_easy_perform(h) != CURLE_OK) {
		fprintf(stderr, "ha_post_page_multipart: %s: transport error\n", path);
		abort();
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
	curl_mime_free(m);
	curl_easy_cleanup(h);
	return r;
}
