/* Scripts and style sheets served without comments and indentation (http_asset_trim,
 * src/http/compress.c): what goes, and what must stay for the code to mean the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/compress.h"

static void
expect(const char *type, const char *in, const char *want)
{
	size_t n = strlen(in);
	char *d = malloc(n + 1);
	memcpy(d, in, n + 1);
	size_t len = http_asset_trim(d, n, type);
	d[len] = 0;
	if (strcmp(d, want) != 0)
		fail_msg("trim of [%s]\ngave [%s]\nwant [%s]", in, d, want);
	free(d);
}

static void
test_what_goes(void **state)
{
	(void)state;
	const char *js = "text/javascript; charset=utf-8";
	expect(js,
	       "/* A file comment\n * on lines. */\n(function () {\n  \"use strict\";\n"
	       "  // a note\n\n  var a = \"x\"; // kept: code before it\n    return a;\n})();\n",
	       "(function () {\n\"use strict\";\nvar a = \"x\"; // kept: code before it\n"
	       "return a;\n})();\n");
	/* a comment that ends with code after it on its line stays whole */
	expect(js, "  /* a */ var b = 1;\n  f();\n", "/* a */ var b = 1;\nf();\n");
	expect(js, "  /* a\n   * b */ var b = 1;\n", "/* a\n   * b */ var b = 1;\n");
	/* CSS: indentation and block comments; "//" is not a comment there */
	expect("text/css", "/* header */\n.a {\n  color: red; /* why */\n}\n  //x\n",
	       ".a {\ncolor: red; /* why */\n}\n//x\n");
	/* a comment closed on the line it opens inside is harmless: the others still go */
	expect(js, "  f(); /* why */\n  // note\n  /* block\n   */\n  g();\n",
	       "f(); /* why */\ng();\n");
	/* no trailing newline */
	expect(js, "  f();\n  // end", "f();\n");
}

static void
test_what_stays(void **state)
{
	(void)state;
	const char *js = "application/javascript";
	/* a block comment opened inside a line: its lines could close it, so only the
	 * indentation and blank lines go */
	expect(js, "var a = 1; /* starts here\n  // not a comment line\n  /* x */\n  done */\n",
	       "var a = 1; /* starts here\n// not a comment line\n/* x */\ndone */\n");
	expect(js, "var s = \"/*\";\n  // c\n", "var s = \"/*\";\n// c\n");
	/* template literals and continued strings: untouched */
	const char *tl = "var t = `\n  // kept\n  `;\n";
	expect(js, tl, tl);
	const char *cont = "var s = \"a\\\n  // b\";\n";
	expect(js, cont, cont);
	/* an unterminated comment is kept as it is */
	expect(js, "  f();\n  /* open\n  g();\n", "f();\n/* open\n  g();\n");
	/* other types are untouched */
	const char *html = "  <p>\n  // x\n";
	expect("text/html", html, html);
	expect(NULL, html, html);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_what_goes),
	        cmocka_unit_test(test_what_stays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
