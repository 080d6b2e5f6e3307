/* libFuzzer driver for the mustache engine: compiles and renders the input as a template
 * against a fixed context and a few partials (a layout with blocks, a self-including one
 * to hit the depth limit). Must never crash, leak or trip UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tmpl/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tmpl_set_t *set;
static json_t *ctx;

static void
setup(void)
{
	static const char *const partials[][2] = {
	        {"item", "<li>{{name}}</li>\n"},
	        {"list", "<ul>\n  {{#list}}\n  {{>item}}\n  {{/list}}\n</ul>\n"},
	        {"layout", "<h1>{{$title}}T{{/title}}</h1>\n  {{$body}}\n  b\n  {{/body}}\n"
	                   "{{<frame}}{{$inner}}[{{.}}]{{/inner}}{{/frame}}"},
	        {"frame", "  <div>{{$inner}}{{/inner}}</div>\n"},
	        {"loop", "{{#obj}}{{>loop}}{{/obj}}"},
	};
	set = tmpl_set_new();
	for (size_t i = 0; i < sizeof partials / sizeof partials[0]; i++)
		if (tmpl_set_add(set, partials[i][0], partials[i][1], strlen(partials[i][1]), NULL,
		                 0))
			abort();
	/* one-element lists: nested sections over longer ones would make the output
	 * grow exponentially with the nesting depth, which is not a bug */
	ctx = json_pack("{s:s, s:i, s:f, s:b, s:b, s:n, s:s, s:[s], s:[], s:{s:s, s:[i]}}", "name",
	                "<a&'b\">", "n", 42, "r", 1.21, "t", 1, "f", 0, "z", "e", "", "list", "x",
	                "empty", "obj", "k", "v", "list", 7);
	if (ctx == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* indentation is repeated on every line, so output can be quadratic in the input */
	if (size > 8192)
		return 0;
	if (set == NULL)
		setup();
	buf_t out = BUF_INIT;
	char err[256];
	tmpl_render_string(set, (const char *)data, size, ctx, &out, err, sizeof err);
	buf_free(&out);
	return 0;
}
