/* Unit tests of the mustache engine beyond the official spec: escaping, values from
 * jansson, indentation, inheritance, error messages, limits, loading, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "tmpl/tmpl.h"

/* Renders src against JSON text data with set as partials; returns a malloc'd string,
 * or NULL on error (message in err). */
static char *
render(tmpl_set_t *set, const char *src, const char *data, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *ctx = data ? json_loads(data, JSON_DECODE_ANY, &jerr) : NULL;
	if (data)
		assert_non_null(ctx);
	buf_t out = BUF_INIT;
	int rc = tmpl_render_string(set, src, strlen(src), ctx, &out, err, errlen);
	json_decref(ctx);
	if (rc < 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out, NULL);
}

static void
check(tmpl_set_t *set, const char *src, const char *data, const char *want)
{
	char err[256] = "";
	char *got = render(set, src, data, err, sizeof err);
	if (got == NULL)
		fail_msg("%s: %s", src, err);
	assert_string_equal(got, want);
	free(got);
}

static void
check_error(const char *src, const char *want)
{
	tmpl_set_t *set = tmpl_set_new();
	char err[256] = "";
	assert_int_equal(tmpl_set_add(set, "page", src, strlen(src), err, sizeof err), -1);
	assert_string_equal(err, want);
	assert_false(tmpl_set_has(set, "page"));
	tmpl_set_free(set);
}

static void
add(tmpl_set_t *set, const char *name, const char *src)
{
	char err[256] = "";
	if (tmpl_set_add(set, name, src, strlen(src), err, sizeof err) < 0)
		fail_msg("%s", err);
}

static void
test_escaping(void **state)
{
	(void)state;
	const char *data = "{\"s\": \"<a href=\\\"x\\\">Tom & Jerry's</a>\"}";
	check(NULL, "{{s}}", data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	check(NULL, "{{{s}}}", data, "<a href=\"x\">Tom & Jerry's</a>");
	check(NULL, "{{& s }}", data, "<a href=\"x\">Tom & Jerry's</a>");
	check(NULL, "{{=<% %>=}}<%s%>|<%{s}%>", "{\"s\": \"'\"}", "&#39;|'");
	/* template text itself is never escaped or re-interpreted */
	check(NULL, "<b>{{x}}</b>", "{\"x\": \"{{x}}\"}", "<b>{{x}}</b>");
}

static void
test_values(void **state)
{
	(void)state;
	const char *data = "{\"i\": 42, \"neg\": -7, \"big\": 9007199254740993, \"r\": 1.21,"
	                   " \"third\": 0.1, \"exp\": 1e300, \"t\": true, \"f\": false,"
	                   " \"n\": null, \"o\": {\"a\": 1}, \"l\": [1, 2]}";
	check(NULL, "{{i}} {{neg}} {{big}}", data, "42 -7 9007199254740993");
	check(NULL, "{{r}} {{third}} {{exp}}", data, "1.21 0.1 1e+300");
	check(NULL, "[{{t}}|{{f}}|{{n}}|{{o}}|{{l}}|{{missing}}]", data, "[true|false||||]");
	check(NULL, "{{#l}}({{.}}){{/l}}", data, "(1)(2)");
	/* a root that is not an object */
	check(NULL, "{{.}}", "3.5", "3.5");
	check(NULL, "[{{.}}{{x}}]", NULL, "[]");
}

static void
test_truthiness(void **state)
{
	(void)state;
	const char *data = "{\"e\": \"\", \"s\": \"x\", \"zero\": 0, \"l\": [], \"o\": {},"
	                   " \"f\": false, \"n\": null}";
	check(NULL, "{{#e}}E{{/e}}{{^e}}!E{{/e}}", data, "!E");
	check(NULL, "{{#s}}S{{/s}}", data, "S");
	check(NULL, "{{#zero}}Z{{/zero}}", data, "Z");
	check(NULL, "{{#l}}L{{/l}}{{^l}}!L{{/l}}", data, "!L");
	check(NULL, "{{#o}}O{{/o}}", data, "O");
	check(NULL, "{{^f}}F{{/f}}{{^n}}N{{/n}}{{^nope}}M{{/nope}}", data, "FNM");
}

static void
test_dotted_and_stack(void **state)
{
	(void)state;
	const char *data =
	        "{\"user\": {\"name\": \"An\", \"addr\": {\"city\": \"Huế\"}},"
	        " \"site\": \"S\", \"items\": [{\"v\": 1}, {\"v\": 2, \"site\": \"T\"}]}";
	check(NULL, "{{user.name}} {{user.addr.city}} {{user.nope.city}}", data, "An Huế ");
	check(NULL, "{{#items}}{{v}}{{site}} {{/items}}", data, "1S 2T ");
	check(NULL, "{{#user}}{{#addr}}{{city}}/{{name}}/{{site}}{{/addr}}{{/user}}", data,
	      "Huế/An/S");
	check(NULL, "{{#items}}{{#.}}{{v}}{{/.}}{{/items}}", data, "12");
	/* the first part found on the stack shadows outer ones even if the rest misses */
	check(NULL, "{{#user}}{{user.name}}{{/user}}", data, "An");
	check(NULL, "{{#items}}{{items.v}}{{/items}}", data, "");
}

static void
test_partial_indentation(void **state)
{
	(void)state;
	tmpl_set_t *set = tmpl_set_new();
	add(set, "list", "<ul>\n  {{#items}}\n  {{>item}}\n  {{/items}}\n</ul>\n");
	add(set, "item", "<li>\n  {{name}}\n</li>\n");
	check(set, "<div>\n  {{>list}}\n</div>\n",
	      "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}",
	      "<div>\n"
	      "  <ul>\n"
	      "    <li>\n"
	      "      a\n"
	      "    </li>\n"
	      "    <li>\n"
	      "      b\n"
	      "    </li>\n"
	      "  </ul>\n"
	      "</div>\n");
	/* an inline partial is not indented, nor is data containing newlines */
	check(set, "x {{>item}}|", "{\"name\": \"1\\n2\"}", "x <li>\n  1\n2\n</li>\n|");
	/* a missing partial renders as nothing, standalone line included */
	check(set, "a\n  {{>nope}}\nb\n", "{}", "a\nb\n");
	tmpl_set_free(set);
}

static void
test_inheritance(void **state)
{
	(void)state;
	tmpl_set_t *set = tmpl_set_new();
	add(set, "layout",
	    "<html>\n"
	    "<title>{{$title}}Default{{/title}}</title>\n"
	    "<body>\n"
	    "  {{$body}}\n"
	    "  <p>empty</p>\n"
	    "  {{/body}}\n"
	    "  {{>footer}}\n"
	    "</body>\n"
	    "</html>\n");
	add(set, "footer", "<footer>{{$foot}}(c) {{site}}{{/foot}}</footer>\n");
	add(set, "page",
	    "{{<layout}}\n"
	    "{{$title}}{{name}}{{/title}}\n"
	    "{{$body}}\n"
	    "<h1>{{name}}</h1>\n"
	    "{{#rows}}\n"
	    "<p>{{.}}</p>\n"
	    "{{/rows}}\n"
	    "{{/body}}\n"
	    "{{/layout}}\n");
	const char *data = "{\"name\": \"Đơn vị\", \"site\": \"suotdoi\", \"rows\": [1, 2]}";
	json_t *ctx = json_loads(data, 0, NULL);
	buf_t out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "page", ctx, &out), 0);
	assert_string_equal(buf_cstr(&out), "<html>\n"
	                                    "<title>Đơn vị</title>\n"
	                                    "<body>\n"
	                                    "  <h1>Đơn vị</h1>\n"
	                                    "  <p>1</p>\n"
	                                    "  <p>2</p>\n"
	                                    "  <footer>(c) suotdoi</footer>\n"
	                                    "</body>\n"
	                                    "</html>\n");
	/* the layout alone shows its defaults */
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "layout", ctx, &out), 0);
	assert_non_null(strstr(buf_cstr(&out), "<title>Default</title>\n<body>\n  <p>empty</p>\n"));
	/* blocks pass through partials: the page can override the footer's block */
	add(set, "page2", "{{<layout}}{{$foot}}none{{/foot}}{{/layout}}");
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "page2", ctx, &out), 0);
	assert_non_null(strstr(buf_cstr(&out), "<footer>none</footer>"));
	buf_free(&out);
	json_decref(ctx);
	/* a missing parent renders as nothing */
	check(set, "[{{<nope}}{{$a}}x{{/a}}{{/nope}}]", "{}", "[]");
	tmpl_set_free(set);
}

static void
test_errors(void **state)
{
	(void)state;
	check_error("a\n{{#items}}\nx\n", "page:2: unclosed section \"items\"");
	check_error("{{^a}}", "page:1: unclosed inverted section \"a\"");
	check_error("x\n{{<layout}}\n{{$b}}\n{{/layout}}\n",
	            "page:4: mismatched closing tag \"layout\": expected \"b\" (opened on line 3)");
	check_error("a\n\n{{/a}}", "page:3: closing tag \"a\" without an opening tag");
	check_error("{{#a}}\n{{/b}}\n{{/a}}",
	            "page:2: mismatched closing tag \"b\": expected \"a\" (opened on line 1)");
	check_error("1\n2 {{name\n", "page:2: unclosed tag (no \"}}\" after \"{{\")");
	check_error("{{{name}}", "page:1: unclosed tag (no \"}}}\" after \"{{\")");
	check_error("{{=<% %>=}}\n<%x", "page:2: unclosed tag (no \"%>\" after \"<%\")");
	check_error("a {{ }}", "page:1: empty tag");
	check_error("{{#}}{{/}}", "page:1: empty tag");
	check_error("{{=<%=}}", "page:1: bad delimiter change \"<%\"");
	check_error("{{= a b c =}}", "page:1: bad delimiter change \"a b c\"");
	check_error("{{first name}}", "page:1: invalid tag name \"first name\"");
	check_error("{{a..b}}", "page:1: invalid tag name \"a..b\"");
	/* a multi-line comment moves the line count on */
	check_error("{{!\n\n}}\n{{#a}}", "page:4: unclosed section \"a\"");

	char deep[64 * 6 + 8] = "";
	for (int i = 0; i < 65; i++)
		strcat(deep, "{{#a}}");
	check_error(deep, "page:1: sections nested deeper than 64");

	/* the error may be ignored */
	tmpl_set_t *set = tmpl_set_new();
	assert_int_equal(tmpl_set_add(set, "x", "{{#a}}", 6, NULL, 0), -1);
	char tiny[8];
	assert_int_equal(tmpl_set_add(set, "x", "{{#a}}", 6, tiny, sizeof tiny), -1);
	assert_string_equal(tiny, "x:1: un");
	tmpl_set_free(set);
}

static void
test_missing_and_replace(void **state)
{
	(void)state;
	tmpl_set_t *set = tmpl_set_new();
	buf_t out = BUF_INIT;
	buf_puts(&out, "keep");
	assert_int_equal(tmpl_render(set, "nope", NULL, &out), -1);
	assert_string_equal(buf_cstr(&out), "keep");
	assert_false(tmpl_set_has(set, "nope"));

	add(set, "a", "one");
	add(set, "a", "two");
	assert_true(tmpl_set_has(set, "a"));
	assert_int_equal(tmpl_render(set, "a", NULL, &out), 0);
	assert_string_equal(buf_cstr(&out), "keeptwo");
	/* a failed replacement keeps the old template */
	assert_int_equal(tmpl_set_add(set, "a", "{{", 2, NULL, 0), -1);
	assert_true(tmpl_set_has(set, "a"));

	/* enough names to grow the table */
	char name[32];
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "t%d", i);
		add(set, name, name);
	}
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "t%d", i);
		buf_reset(&out);
		assert_int_equal(tmpl_render(set, name, NULL, &out), 0);
		assert_string_equal(buf_cstr(&out), name);
	}
	buf_free(&out);
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}

static void
test_recursion_limit(void **state)
{
	(void)state;
	tmpl_set_t *set = tmpl_set_new();
	add(set, "loop", "x{{>loop}}");
	add(set, "ping", "{{<pong}}{{/pong}}");
	add(set, "pong", "{{>ping}}");
	add(set, "tree", "{{name}}({{#kids}}{{>tree}}{{/kids}})");
	buf_t out = BUF_INIT;
	buf_puts(&out, "<");
	assert_int_equal(tmpl_render(set, "loop", NULL, &out), -1);
	assert_string_equal(buf_cstr(&out), "<");
	assert_int_equal(tmpl_render(set, "ping", NULL, &out), -1);
	assert_string_equal(buf_cstr(&out), "<");
	char err[128];
	assert_null(render(set, "{{>loop}}", "{}", err, sizeof err));
	assert_string_equal(err, "<string>: partials nested deeper than 64");
	/* data-driven recursion within the limit is fine */
	check(set, "{{>tree}}", "{\"name\": \"a\", \"kids\": [{\"name\": \"b\", \"kids\": []}]}",
	      "a(b())");
	buf_free(&out);
	tmpl_set_free(set);
}

static void
test_load_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_tmpl_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/units", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	const struct {
		const char *name, *text;
	} files[] = {
	        {"layout.mustache", "<main>{{$body}}{{/body}}</main>"},
	        {"units/show.mustache", "{{<layout}}{{$body}}{{name}}{{/body}}{{/layout}}"},
	        {"notes.txt", "{{#not a template"},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
		FILE *fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(files[i].text, fp);
		fclose(fp);
	}

	char err[256] = "";
	tmpl_set_t *set = tmpl_set_new();
	assert_int_equal(tmpl_set_load_dir(set, dir, err, sizeof err), 0);
	assert_true(tmpl_set_has(set, "layout"));
	assert_true(tmpl_set_has(set, "units/show"));
	assert_false(tmpl_set_has(set, "notes"));
	json_t *ctx = json_pack("{s:s}", "name", "A&B");
	buf_t out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "units/show", ctx, &out), 0);
	assert_string_equal(buf_cstr(&out), "<main>A&amp;B</main>");
	buf_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);

	/* a broken template names its file and line */
	snprintf(path, sizeof path, "%s/units/bad.mustache", dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("ok\n{{#rows}}\n", fp);
	fclose(fp);
	set = tmpl_set_new();
	assert_int_equal(tmpl_set_load_dir(set, dir, err, sizeof err), -1);
	assert_string_equal(err, "units/bad:2: unclosed section \"rows\"");
	tmpl_set_free(set);
	set = tmpl_set_new();
	snprintf(path, sizeof path, "%s/none", dir);
	assert_int_equal(tmpl_set_load_dir(set, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "none: "));
	tmpl_set_free(set);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

typedef struct job {
	const tmpl_set_t *set;
	json_t *ctx;
	const char *want;
	int bad;
} job_t;

static void *
worker(void *arg)
{
	job_t *j = arg;
	for (int i = 0; i < 200; i++) {
		buf_t out = BUF_INIT;
		if (tmpl_render(j->set, "page", j->ctx, &out) != 0 ||
		    strcmp(buf_cstr(&out), j->want) != 0)
			j->bad++;
		buf_free(&out);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	(void)state;
	tmpl_set_t *set = tmpl_set_new();
	add(set, "page", "{{<box}}{{$in}}\n  {{#rows}}\n  {{>row}}\n  {{/rows}}\n{{/in}}{{/box}}");
	add(set, "box", "<div>\n  {{$in}}\n  {{/in}}\n</div>\n");
	add(set, "row", "<p>{{.}}</p>\n");
	json_t *ctx = json_pack("{s:[i,s,f]}", "rows", 1, "<2>", 3.5);
	const char *want = "<div>\n  <p>1</p>\n  <p>&lt;2&gt;</p>\n  <p>3.5</p>\n</div>\n";
	pthread_t th[8];
	job_t jobs[8];
	for (int i = 0; i < 8; i++) {
		jobs[i] = (job_t){set, ctx, want, 0};
		assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
	}
	int bad = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		bad += jobs[i].bad;
	}
	assert_int_equal(bad, 0);
	json_decref(ctx);
	tmpl_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_escaping),
	        cmocka_unit_test(test_values),
	        cmocka_unit_test(test_truthiness),
	        cmocka_unit_test(test_dotted_and_stack),
	        cmocka_unit_test(test_partial_indentation),
	        cmocka_unit_test(test_inheritance),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_missing_and_replace),
	        cmocka_unit_test(test_recursion_limit),
	        cmocka_unit_test(test_load_dir),
	        cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
