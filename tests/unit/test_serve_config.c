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
	assert_string_equal(c.db, "/var/lib/suotdoi/suotdoi.db");
	assert_string_equal(c.listen, "0.0.0.0:8080");
	assert_int_equal(c.threads, 8);
	assert_string_equal(c.smtp_url, "smtps://mail.example.vn:465");
	assert_string_equal(c.mail_from, "thongbao@example.vn");
	assert_string_equal(c.smtp_user, "thongbao");
	assert_string_equal(c.smtp_password_file, "/etc/suotdoi/smtp-password");
	assert_string_equal(c.smtp_ca, "/etc/ssl/certs/ca.pem");
	assert_int_equal(c.smtp_require_tls, 1);
	assert_string_equal(c.public_url, "https://tuanle.example.vn");
	assert_string_equal(c.sign_keys, "/etc/suotdoi/sign-keys");
	serve_config_free(&c);

	assert_int_equal(serve_config_parse("", &c, err, sizeof err), 0);
	assert_null(c.db);
	assert_null(c.smtp_url);
	assert_null(c.sign_keys);
	assert_int_equal(c.threads, 0);
	assert_int_equal(c.smtp_require_tls, -1);
	serve_config_free(&c);
}

static void
test_errors_name_the_line(void **state)
{
	(void)state;
	struct {
		const char *text, *want;
	} cases[] = {
	        {"db = a\n\nsmtp_host = x\n", "Dòng 3: khóa không hợp lệ \"smtp_host\"."},
	        {"# c\nlisten\n", "Dòng 2: cần dạng \"khóa = giá trị\"."},
	        {"db = a\ndb = b\n", "Dòng 2: \"db\" đã có ở trên."},
	        {"threads = 0\n", "Dòng 1: threads cần một số dương."},
	        {"threads = 4x\n", "Dòng 1: threads cần một số dương."},
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
		assert_null(c.db);
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
	        cmocka_unit_test(test_every_key),
	        cmocka_unit_test(test_errors_name_the_line),
	        cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
