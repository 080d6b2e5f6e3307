/* The server's configuration file (src/service/serve_config.c): every key, comments and
 * blank lines, quotes, and errors that name their line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/serve_config.h"

static void
test_every_key(void **state)
{
	(void)state;
	const char *text = "# suotdoi\n"
	                   "db = /var/lib/suotdoi/suotdoi.db\n"
	                   "  listen=0.0.0.0:8080  \r\n"
	                   "\n"
	                   "threads = 8\n"
	                   "   # indented comment\n"
	                   "smtp_url = smtps://mail.example.vn:465\n"
	                   "mail_from = \"thongbao@example.vn\"\n"
	                   "smtp_user = thongbao\n"
	                   "smtp_password_file = /etc/suotdoi/smtp-password\n"
	                   "smtp_ca = /etc/ssl/certs/ca.pem\n"
	                   "smtp_require_tls = yes\n"
	                   "sign_keys = /etc/suotdoi/sign-keys\n"
	                   "public_url = https://tuanle.example.vn//";
	serve_config_t c;
	char err[256];
	assert_int_equal(serve_config_parse(text, &c, err, sizeof err), 0);
	assert_string_equal(c.val[CONF_DB], "/var/lib/suotdoi/suotdoi.db");
	assert_string_equal(c.where[CONF_DB], "Dòng 2");
	assert_string_equal(c.val[CONF_LISTEN], "0.0.0.0:8080");
	assert_int_equal(conf_int(&c, CONF_THREADS), 8);
	assert_string_equal(c.val[CONF_SMTP_URL], "smtps://mail.example.vn:465");
	assert_string_equal(c.val[CONF_MAIL_FROM], "thongbao@example.vn");
	assert_string_equal(c.val[CONF_SMTP_USER], "thongbao");
	assert_string_equal(c.val[CONF_SMTP_PASSWORD_FILE], "/etc/suotdoi/smtp-password");
	assert_string_equal(c.val[CONF_SMTP_CA], "/etc/ssl/certs/ca.pem");
	assert_int_equal(conf_bool(&c, CONF_SMTP_REQUIRE_TLS), 1);
	assert_string_equal(c.val[CONF_PUBLIC_URL], "https://tuanle.example.vn");
	assert_string_equal(c.val[CONF_SIGN_KEYS], "/etc/suotdoi/sign-keys");
	serve_config_free(&c);

	/* nothing given: the defaults */
	assert_int_equal(serve_config_parse("", &c, err, sizeof err), 0);
	assert_null(c.val[CONF_DB]);
	assert_string_equal(conf_get(&c, CONF_DB, NULL, 0), "var/suotdoi.db");
	assert_string_equal(conf_get(&c, CONF_LISTEN, NULL, 0), "127.0.0.1:8080");
	assert_null(conf_get(&c, CONF_SMTP_URL, NULL, 0));
	assert_null(conf_get(&c, CONF_FILES, NULL, 0));
	assert_int_equal(conf_int(&c, CONF_THREADS), 0);
	assert_int_equal(conf_int(&c, CONF_MAX_CONNECTIONS), 2048);
	assert_int_equal(conf_bool(&c, CONF_SMTP_REQUIRE_TLS), 0);
	assert_string_equal(conf_get(&c, CONF_LOG_LEVEL, NULL, 0), "info");
	assert_int_equal(conf_utc_offset(&c), 0);
	serve_config_free(&c);

	/* the operator's keys: data_dir implies db and files; limits; logs; address lists */
	const char *ops = "data_dir = /var/lib/suotdoi\n"
	                  "max_connections = 4096\nmax_connections_per_ip = 64\n"
	                  "idle_timeout = 30\nlog_level = warn\nlog_format = json\n"
	                  "time_zone = Asia/Ho_Chi_Minh\n"
	                  "metrics_allow = 10.0.0.0/8, 2001:db8::/32\n"
	                  "trusted_proxies = 127.0.0.1\nenrol_retention_days = 30\n";
	assert_int_equal(serve_config_parse(ops, &c, err, sizeof err), 0);
	char tmp[256];
	assert_string_equal(conf_get(&c, CONF_DB, tmp, sizeof tmp), "/var/lib/suotdoi/suotdoi.db");
	assert_string_equal(conf_get(&c, CONF_FILES, tmp, sizeof tmp), "/var/lib/suotdoi/suotdoi");
	assert_int_equal(conf_int(&c, CONF_MAX_CONNECTIONS), 4096);
	assert_int_equal(conf_int(&c, CONF_MAX_CONNECTIONS_PER_IP), 64);
	assert_int_equal(conf_int(&c, CONF_IDLE_TIMEOUT), 30);
	assert_int_equal(conf_int(&c, CONF_ENROL_RETENTION_DAYS), 30);
	assert_int_equal(conf_utc_offset(&c), 7 * 3600);
	assert_string_equal(c.val[CONF_METRICS_ALLOW], "10.0.0.0/8, 2001:db8::/32");
	serve_config_free(&c);
}

/* Flags and file: a flag wins; every key's flag is its name with dashes; an old alias. */
static void
test_flags_over_file(void **state)
{
	(void)state;
	for (int k = 0; k < CONF_NKEYS; k++) {
		char flag[64] = "--";
		const char *name = conf_key(k)->name;
		for (size_t i = 0; name[i]; i++)
			flag[2 + i] = name[i] == '_' ? '-' : name[i];
		assert_int_equal(conf_key_by_flag(flag), k);
		assert_int_equal(conf_key_by_name(name), k);
		assert_non_null(conf_key(k)->help);
	}
	assert_int_equal(conf_key_by_flag("--smtp"), CONF_SMTP_URL);
	assert_int_equal(conf_key_by_flag("--nope"), -1);

	serve_config_t file, flags = {0}, eff = {0};
	char err[256];
	assert_int_equal(
	        serve_config_parse("listen = 0.0.0.0:80\nthreads = 4\n", &file, err, sizeof err),
	        0);
	assert_int_equal(serve_config_set(&flags, CONF_THREADS, "16", "--threads", err, sizeof err),
	                 0);
	assert_int_equal(serve_config_set(&flags, CONF_THREADS, "2", "--threads", err, sizeof err),
	                 -1);
	assert_string_equal(err, "--threads: \"threads\" đã có ở --threads.");
	assert_int_equal(
	        serve_config_set(&flags, CONF_LOG_LEVEL, "loud", "--log-level", err, sizeof err),
	        -1);
	assert_string_equal(err, "--log-level: log_level cần debug, info, warn hoặc error.");
	serve_config_merge(&flags, &file, &eff);
	assert_int_equal(conf_int(&eff, CONF_THREADS), 16);
	assert_string_equal(eff.where[CONF_THREADS], "--threads");
	assert_string_equal(eff.val[CONF_LISTEN], "0.0.0.0:80");
	assert_string_equal(eff.where[CONF_LISTEN], "Dòng 1");
	serve_config_free(&file);
	serve_config_free(&flags);
	serve_config_free(&eff);
}

static void
collect(void *arg, const char *text)
{
	char *out = arg;
	strcat(out, text);
	strcat(out, "\n");
}

/* The start-up log shows every key with where it came from, and no password. */
static void
test_describe(void **state)
{
	(void)state;
	serve_config_t c;
	char err[256];
	assert_int_equal(serve_config_parse("db = postgresql://suotdoi:bímật@db1/suotdoi?sslmode="
	                                    "require\nsmtp_url = smtp://u:pw@mail:587\n",
	                                    &c, err, sizeof err),
	                 0);
	static char out[16384];
	out[0] = '\0';
	serve_config_describe(&c, collect, out);
	assert_non_null(strstr(out, "db = postgresql://suotdoi:***@db1/suotdoi?sslmode=require "
	                            "(Dòng 1)\n"));
	assert_non_null(strstr(out, "smtp_url = smtp://u:***@mail:587 (Dòng 2)\n"));
	assert_null(strstr(out, "bímật"));
	assert_non_null(strstr(out, "listen = 127.0.0.1:8080 (mặc định)\n"));
	assert_non_null(strstr(out, "sign_keys = - (không đặt)\n"));
	size_t lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, CONF_NKEYS);
	serve_config_free(&c);
	assert_int_equal(serve_config_parse("db = postgresql:///x?host=/tmp&password=s3&user=a\n",
	                                    &c, err, sizeof err),
	                 0);
	out[0] = '\0';
	serve_config_describe(&c, collect, out);
	assert_non_null(strstr(out, "db = postgresql:///x?host=/tmp&password=***&user=a (Dòng 1)"));
	serve_config_free(&c);
}

static void
test_errors_name_the_line(void **state)
{
	(void)state;
	struct {
		const char *text, *want;
	} cases[] = {
	        {"db = a\n\nsmtp_host = x\n", "Dòng 3: khóa không hợp lệ \"smtp_host\" (xem"},
	        {"# c\nlisten\n", "Dòng 2: cần dạng \"khóa = giá trị\"."},
	        {"db = a\ndb = b\n", "Dòng 2: \"db\" đã có ở trên."},
	        {"threads = 0\n", "Dòng 1: threads cần một số nguyên từ 1 đến 1024."},
	        {"threads = 4x\n", "Dòng 1: threads cần một số nguyên từ 1 đến 1024."},
	        {"listen = localhost:80\n", "Dòng 1: listen cần dạng địa_chỉ_IPv4:cổng"},
	        {"listen = 1.2.3.4:70000\n", "Dòng 1: listen cần dạng địa_chỉ_IPv4:cổng"},
	        {"max_connections = 1e3\n", "Dòng 1: max_connections cần một số nguyên"},
	        {"log_format = xml\n", "Dòng 1: log_format cần text hoặc json."},
	        {"time_zone = Europe/Paris\n", "Dòng 1: time_zone cần UTC"},
	        {"metrics_allow = 10.0.0.0/33\n", "Dòng 1: metrics_allow: "},
	        {"trusted_proxies = nginx\n", "Dòng 1: trusted_proxies: "},
	        {"db = \n", "Dòng 1: db cần một giá trị"},
	        {"mail_from = a\x01b\n", "Dòng 1: mail_from có ký tự điều khiển."},
	        {"smtp_require_tls = maybe\n", "Dòng 1: smtp_require_tls cần yes hoặc no."},
	        {"public_url = tuanle.example.vn\n", "Dòng 1: public_url cần dạng"},
	        {"public_url = https:///\n", "Dòng 1: public_url cần dạng"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		serve_config_t c;
		char err[256] = "";
		assert_int_equal(serve_config_parse(cases[k].text, &c, err, sizeof err), -1);
		if (strncmp(err, cases[k].want, strlen(cases[k].want)) != 0)
			fail_msg("%s: got \"%s\"", cases[k].text, err);
		assert_null(c.val[CONF_DB]);
	}
}

static void
test_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/suotdoi-conf-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], pw[256], err[512];
	snprintf(path, sizeof path, "%s/suotdoi.conf", dir);
	snprintf(pw, sizeof pw, "%s/pw", dir);
	FILE *f = fopen(path, "w");
	fputs("listen = 127.0.0.1:9000\nfoo = bar\n", f);
	fclose(f);
	serve_config_t c;
	assert_int_equal(serve_config_load(path, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "suotdoi.conf: Dòng 2"));
	assert_int_equal(serve_config_load("/nonexistent/x.conf", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));

	f = fopen(pw, "w");
	fputs("mật khẩu bí mật\r\nsecond line\n", f);
	fclose(f);
	char *p;
	assert_int_equal(serve_password_read(pw, &p, err, sizeof err), 0);
	assert_string_equal(p, "mật khẩu bí mật");
	free(p);
	f = fopen(pw, "w");
	fputs("\n", f);
	fclose(f);
	assert_int_equal(serve_password_read(pw, &p, err, sizeof err), -1);
	assert_null(p);
	assert_non_null(strstr(err, "trống"));
	unlink(pw);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_key),       cmocka_unit_test(test_errors_name_the_line),
	        cmocka_unit_test(test_flags_over_file), cmocka_unit_test(test_describe),
	        cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
