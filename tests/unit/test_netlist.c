/* IP address lists (src/core/netlist.c): what /metrics lets in (metrics_allow) and
 * whose X-Forwarded-For is believed. Also the Prometheus writer's escaping and histograms
 * (src/core/prom.c), which /metrics writes with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/netlist.h"
#include "core/prom.h"

static netlist_t
parse_ok(const char *text)
{
	netlist_t nl;
	char err[256] = "";
	if (netlist_parse(text, &nl, err, sizeof err) != 0)
		fail_msg("\"%s\" refused: %s", text, err);
	return nl;
}

static void
test_ipv4(void **state)
{
	(void)state;
	netlist_t nl = parse_ok("127.0.0.1, 10.0.0.0/8 192.168.1.77/24,,172.16.0.0/12");
	assert_int_equal(nl.n, 4);
	assert_true(netlist_match(&nl, "127.0.0.1"));
	assert_false(netlist_match(&nl, "127.0.0.2"));
	assert_true(netlist_match(&nl, "10.0.0.0"));
	assert_true(netlist_match(&nl, "10.255.255.255"));
	assert_false(netlist_match(&nl, "11.0.0.1"));
	/* host bits past the prefix are ignored: 192.168.1.77/24 is 192.168.1.0/24 */
	assert_true(netlist_match(&nl, "192.168.1.1"));
	assert_false(netlist_match(&nl, "192.168.2.1"));
	assert_true(netlist_match(&nl, "172.31.255.1"));
	assert_false(netlist_match(&nl, "172.32.0.1"));
	/* a dual-stack socket reports IPv4 clients as IPv4-mapped IPv6 */
	assert_true(netlist_match(&nl, "::ffff:127.0.0.1"));
	assert_true(netlist_match(&nl, "::ffff:10.1.2.3"));
	assert_false(netlist_match(&nl, "::ffff:127.0.0.2"));
	/* not addresses */
	assert_false(netlist_match(&nl, "-"));
	assert_false(netlist_match(&nl, ""));
	assert_false(netlist_match(&nl, NULL));
	assert_false(netlist_match(&nl, "localhost"));
	netlist_free(&nl);
	assert_int_equal(nl.n, 0);
	assert_null(nl.e);
}

static void
test_ipv6(void **state)
{
	(void)state;
	netlist_t nl = parse_ok("::1\tfd00::/8\n2001:db8:abcd:12::/64 2001:db8::5/127");
	assert_int_equal(nl.n, 4);
	assert_true(netlist_match(&nl, "::1"));
	assert_false(netlist_match(&nl, "::2"));
	assert_true(netlist_match(&nl, "fd12:3456::1"));
	assert_true(netlist_match(&nl, "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(netlist_match(&nl, "fe80::1"));
	assert_true(netlist_match(&nl, "2001:db8:abcd:12:ffff::1"));
	assert_false(netlist_match(&nl, "2001:db8:abcd:13::1"));
	/* a /127: ::4 and ::5 */
	assert_true(netlist_match(&nl, "2001:db8::4"));
	assert_true(netlist_match(&nl, "2001:db8::5"));
	assert_false(netlist_match(&nl, "2001:db8::6"));
	/* IPv4 entries do not match IPv6 clients outside ::ffff:0:0/96, and the reverse */
	assert_false(netlist_match(&nl, "127.0.0.1"));
	netlist_free(&nl);
	/* ::/0 and 0.0.0.0/0: everything of their family (0.0.0.0/0 is ::ffff:0:0/96) */
	nl = parse_ok("0.0.0.0/0");
	assert_true(netlist_match(&nl, "203.0.113.9"));
	assert_false(netlist_match(&nl, "2001:db8::1"));
	netlist_free(&nl);
	nl = parse_ok("::/0");
	assert_true(netlist_match(&nl, "2001:db8::1"));
	assert_true(netlist_match(&nl, "203.0.113.9"));
	netlist_free(&nl);
}

static void
test_empty(void **state)
{
	(void)state;
	netlist_t nl = parse_ok("");
	assert_int_equal(nl.n, 0);
	assert_false(netlist_match(&nl, "127.0.0.1"));
	netlist_free(&nl);
	nl = parse_ok(" , ,\t");
	assert_int_equal(nl.n, 0);
	netlist_free(&nl);
	nl = parse_ok(NULL);
	assert_int_equal(nl.n, 0);
	netlist_free(&nl);
}

/* Each bad entry is refused with a Vietnamese sentence that quotes it; nothing is kept. */
static void
test_bad_entries(void **state)
{
	(void)state;
	static const struct {
		const char *text, *quoted, *says;
	} bad[] = {
	        {"127.0.0.1, localhost", "\"localhost\"", "không phải địa chỉ"},
	        {"10.0.0.0/33", "\"10.0.0.0/33\"", "từ 0 đến 32"},
	        {"::1/129", "\"::1/129\"", "từ 0 đến 128"},
	        {"10.0.0.0/", "\"10.0.0.0/\"", "độ dài tiền tố"},
	        {"10.0.0.0/8x", "\"10.0.0.0/8x\"", "độ dài tiền tố"},
	        {"10.0.0.0/-1", "\"10.0.0.0/-1\"", "độ dài tiền tố"},
	        {"256.0.0.1", "\"256.0.0.1\"", "không phải địa chỉ"},
	        {"10.0.0", "\"10.0.0\"", "không phải địa chỉ"},
	        {"fd00::/8;::1", "\"fd00::/8;::1\"", "độ dài tiền tố"},
	        {"1.2.3.4/8/8", "\"1.2.3.4/8/8\"", "độ dài tiền tố"},
	        {"[::1]", "\"[::1]\"", "không phải địa chỉ"},
	        {"::1 2001:db8::zz", "\"2001:db8::zz\"", "không phải địa chỉ"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		netlist_t nl = {(netlist_entry_t *)1, 99};
		char err[256] = "";
		if (netlist_parse(bad[i].text, &nl, err, sizeof err) != -1)
			fail_msg("\"%s\" accepted", bad[i].text);
		assert_int_equal(nl.n, 0);
		assert_null(nl.e);
		if (!strstr(err, bad[i].quoted) || !strstr(err, bad[i].says))
			fail_msg("\"%s\": message \"%s\" lacks %s / %s", bad[i].text, err,
			         bad[i].quoted, bad[i].says);
	}
	/* an entry too long to be an address is cut in the message, not overflowed */
	char longer[300];
	memset(longer, '1', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	netlist_t nl;
	char err[256];
	assert_int_equal(netlist_parse(longer, &nl, err, sizeof err), -1);
	assert_non_null(strstr(err, "quá dài"));
}

static void
test_prom_writer(void **state)
{
	(void)state;
	buf_t lab = BUF_INIT, out = BUF_INIT;
	prom_label(&lab, "route", "/a\"b\\c\nd");
	prom_label(&lab, "method", "GET");
	assert_string_equal(buf_cstr(&lab), "route=\"/a\\\"b\\\\c\\nd\",method=\"GET\"");
	prom_sample(&out, "x_total", buf_cstr(&lab), 3);
	prom_sample(&out, "y", NULL, 0.25);
	prom_sample(&out, "z", "", 1e20);
	assert_string_equal(buf_cstr(&out), "x_total{route=\"/a\\\"b\\\\c\\nd\",method=\"GET\"} 3\n"
	                                    "y 0.25\n"
	                                    "z 1e+20\n");
	buf_reset(&out);
	static const uint64_t bounds[] = {1, 2, 4};
	prom_hist_t h = {0};
	uint64_t obs[] = {0, 1, 2, 3, 4, 5, 100};
	for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++)
		prom_hist_observe(&h, bounds, 3, obs[i]);
	prom_hist_write(&out, "g", "k=\"v\"", &h, bounds, 3, 0.5);
	assert_string_equal(buf_cstr(&out), "g_bucket{k=\"v\",le=\"0.5\"} 2\n"
	                                    "g_bucket{k=\"v\",le=\"1\"} 3\n"
	                                    "g_bucket{k=\"v\",le=\"2\"} 5\n"
	                                    "g_bucket{k=\"v\",le=\"+Inf\"} 7\n"
	                                    "g_sum{k=\"v\"} 57.5\n"
	                                    "g_count{k=\"v\"} 7\n");
	buf_reset(&out);
	prom_hist_write(&out, "s", NULL, &h, bounds, 3, 1);
	assert_non_null(strstr(buf_cstr(&out), "s_bucket{le=\"1\"} 2\ns_bucket{le=\"2\"} 3\n"));
	assert_non_null(strstr(buf_cstr(&out), "s_sum 115\ns_count 7\n"));
	buf_free(&lab);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ipv4),        cmocka_unit_test(test_ipv6),
	        cmocka_unit_test(test_empty),       cmocka_unit_test(test_bad_entries),
	        cmocka_unit_test(test_prom_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
