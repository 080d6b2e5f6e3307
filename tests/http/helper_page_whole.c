/* A form posted whole with a test's own values over the page's (helper_page_whole.h): the
 * fields the test names dropped from the page's form, then the test's pairs added. */
#include "helper_page_whole.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

hc_resp_t
ha_post_page_over(unsigned short port, ha_client_t *c, const char *page, const char *path,
                  const char *body)
{
	size_t n = 1;
	for (const char *p = body; *p; p++)
		n += *p == '&';
	/* ha_post_page_form's changes: (name, NULL) for each pair, dropping the page's
	 * fields of that name, then ("+name", value), adding the test's */
	const char **kv = calloc(4 * n + 1, sizeof *kv);
	char **own = calloc(2 * n, sizeof *own);
	char *copy = strdup(body);
	if (!kv || !own || !copy)
		abort();
	CURL *h = curl_easy_init();
	size_t m = 0;
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
		char *plus = malloc(strlen(name) + 2);
		if (!plus)
			abort();
		plus[0] = '+';
		strcpy(plus + 1, name);
		own[2 * m] = plus;
		own[2 * m + 1] = strdup(value);
		m++;
		curl_free(name);
		curl_free(value);
	}
	curl_easy_cleanup(h);
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		kv[k++] = own[2 * i] + 1;
		kv[k++] = NULL;
	}
	for (size_t i = 0; i < m; i++) {
		kv[k++] = own[2 * i];
		kv[k++] = own[2 * i + 1];
	}
	kv[k] = NULL;
	hc_resp_t r = ha_post_page_form(port, c, page, path, kv);
	for (size_t i = 0; i < 2 * m; i++)
		free(own[i]);
	free(own);
	free(kv);
	free(copy);
	return r;
}
