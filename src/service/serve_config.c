/* The configuration: one table of keys for the file, the flags and the start-up log
 * (serve_config.h). */
#include "service/serve_config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/netlist.h"

#define CONFIG_MAX (1u << 20)

enum conf_type { T_TEXT, T_PATH, T_LISTEN, T_INT, T_BOOL, T_URL, T_NETS, T_LEVEL, T_FORMAT, T_TZ };

static const struct {
	conf_key_info_t info;
	enum conf_type type;
	long min, max; /* T_INT */
} keys[CONF_NKEYS] = {
        [CONF_LISTEN] = {{"listen", "--listen", NULL, 0, "127.0.0.1:8080",
                          "địa chỉ IPv4:cổng máy chủ lắng nghe (sau nginx: 127.0.0.1:8080)"},
                         T_LISTEN,
                         0,
                         0},
        [CONF_DB] = {{"db", "--db", NULL, 0, "var/suotdoi.db",
                      "tệp SQLite, hoặc postgresql://… cho nhiều máy chủ"},
                     T_TEXT,
                     0,
                     0},
        [CONF_DATA_DIR] = {{"data_dir", "--data-dir", NULL, 0, NULL,
                            "thư mục dữ liệu: db mặc định DATA_DIR/suotdoi.db, tệp tải lên "
                            "DATA_DIR/suotdoi.uploads"},
                           T_PATH,
                           0,
                           0},
        [CONF_FILES] = {{"files", "--files", NULL, 0, NULL,
                         "tiền tố thư mục tệp (TIỀN_TỐ.uploads, TIỀN_TỐ.contest); mặc định "
                         "cạnh tệp SQLite"},
                        T_PATH,
                        0,
                        0},
        [CONF_ASSETS] = {{"assets", "--assets", NULL, 0, NULL,
                          "thư mục templates/ và static/ (mặc định: nơi cài đặt)"},
                         T_PATH,
                         0,
                         0},
        [CONF_THREADS] = {{"threads", "--threads", NULL, 0, NULL,
                           "số luồng xử lý yêu cầu (mặc định: số CPU)"},
                          T_INT,
                          1,
                          1024},
        [CONF_MAX_CONNECTIONS] = {{"max_connections", "--max-connections", NULL, 0, "2048",
                                   "số kết nối đồng thời tối đa"},
                                  T_INT,
                                  16,
                                  1000000},
        [CONF_MAX_CONNECTIONS_PER_IP] = {{"max_connections_per_ip", "--max-connections-per-ip",
                                          NULL, 0, "128", "số kết nối tối đa từ một địa chỉ IP"},
                                         T_INT,
                                         1,
                                         1000000},
        [CONF_IDLE_TIMEOUT] = {{"idle_timeout", "--idle-timeout", NULL, 0, "15",
                                "số giây một kết nối được im lặng trước khi bị đóng"},
                               T_INT,
                               1,
                               3600},
        [CONF_PUBLIC_URL] = {{"public_url", "--public-url", NULL, 0, NULL,
                              "địa chỉ công khai của trang (https://tên-miền), dùng trong thư"},
                             T_URL,
                             0,
                             0},
        [CONF_TRUSTED_PROXIES] = {{"trusted_proxies", "--trusted-proxies", NULL, 1,
                                   "127.0.0.1, ::1",
                                   "địa chỉ/dải (CIDR) của proxy (nginx) được tin X-Forwarded-*"},
                                  T_NETS,
                                  0,
                                  0},
        [CONF_METRICS_ALLOW] = {{"metrics_allow", "--metrics-allow", NULL, 1, "127.0.0.1, ::1",
                                 "địa chỉ/dải (CIDR) được đọc /metrics"},
                                T_NETS,
                                0,
                                0},
        [CONF_LOG_LEVEL] = {{"log_level", "--log-level", NULL, 1, "info",
                             "mức ghi nhật ký: debug, info, warn, error"},
                            T_LEVEL,
                            0,
                            0},
        [CONF_LOG_FORMAT] = {{"log_format", "--log-format", NULL, 1, "text",
                              "dạng nhật ký: text (khóa=giá_trị) hoặc json (mỗi dòng một JSON)"},
                             T_FORMAT,
                             0,
                             0},
        [CONF_TIME_ZONE] = {{"time_zone", "--time-zone", NULL, 1, "UTC",
                             "múi giờ của dấu thời gian trong nhật ký: UTC, Asia/Ho_Chi_Minh "
                             "hoặc +07:00 (hạn nộp luôn theo giờ Việt Nam)"},
                            T_TZ,
                            0,
                            0},
        [CONF_SMTP_URL] = {{"smtp_url", "--smtp-url", "--smtp", 0, NULL,
                            "máy chủ thư: smtp://máy:587 (STARTTLS) hoặc smtps://máy:465"},
                           T_TEXT,
                           0,
                           0},
        [CONF_MAIL_FROM] = {{"mail_from", "--mail-from", NULL, 0, NULL,
                             "địa chỉ người gửi thư thông báo"},
                            T_TEXT,
                            0,
                            0},
        [CONF_SMTP_USER] = {{"smtp_user", "--smtp-user", NULL, 0, NULL, "tên đăng nhập SMTP"},
                            T_TEXT,
                            0,
                            0},
        [CONF_SMTP_PASSWORD_FILE] = {{"smtp_password_file", "--smtp-password-file", NULL, 0, NULL,
                                      "tệp chứa mật khẩu SMTP (dòng đầu)"},
                                     T_PATH,
                                     0,
                                     0},
        [CONF_SMTP_CA] = {{"smtp_ca", "--smtp-ca", NULL, 0, NULL,
                           "tệp chứng thư CA của máy chủ thư"},
                          T_PATH,
                          0,
                          0},
        [CONF_SMTP_REQUIRE_TLS] = {{"smtp_require_tls", "--smtp-require-tls", NULL, 0, "no",
                                    "yes: không gửi thư nếu không mã hóa được"},
                                   T_BOOL,
                                   0,
                                   0},
        [CONF_SIGN_KEYS] = {{"sign_keys", "--sign-keys", NULL, 0, NULL,
                             "thư mục khóa ký số, <mã đơn vị>.pem"},
                            T_PATH,
                            0,
                            0},
        [CONF_ENROL_RETENTION_DAYS] = {{"enrol_retention_days", "--enrol-retention-days", NULL, 0,
                                        "90",
                                        "số ngày giữ họ tên, điện thoại người đăng ký học "
                                        "sau khi lớp kết thúc"},
                                       T_INT,
                                       1,
                                       3650},
};

const conf_key_info_t *
conf_key(int k)
{
	return k >= 0 && k < CONF_NKEYS ? &keys[k].info : NULL;
}

int
conf_key_by_name(const char *name)
{
	for (int k = 0; k < CONF_NKEYS; k++)
		if (!strcmp(name, keys[k].info.name))
			return k;
	return -1;
}

int
conf_key_by_flag(const char *flag)
{
	for (int k = 0; k < CONF_NKEYS; k++)
		if (!strcmp(flag, keys[k].info.flag) ||
		    (keys[k].info.alias && !strcmp(flag, keys[k].info.alias)))
			return k;
	return -1;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* http(s)://host..., its trailing slashes dropped. */
static int
public_url_ok(char *v)
{
	size_t skip = !strncmp(v, "http://", 7) ? 7 : !strncmp(v, "https://", 8) ? 8 : 0;
	size_t n = strlen(v);
	while (n > skip && v[n - 1] == '/')
		v[--n] = '\0';
	if (skip == 0 || n == skip || v[skip] == '/')
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F)
			return 0;
	return 1;
}

/* a.b.c.d:port (the HTTP layer listens on IPv4) */
static int
listen_ok(const char *v)
{
	const char *colon = strrchr(v, ':');
	if (colon == NULL || colon == v || (size_t)(colon - v) >= 16)
		return 0;
	char host[16];
	memcpy(host, v, (size_t)(colon - v));
	host[colon - v] = '\0';
	struct in_addr a;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	return inet_pton(AF_INET, host, &a) == 1 && colon[1] != '\0' && *end == '\0' && port >= 0 &&
	       port <= 65535;
}

static int
tz_offset(const char *v, int *off)
{
	if (!strcasecmp(v, "UTC") || !strcmp(v, "Z") || !strcmp(v, "Etc/UTC")) {
		*off = 0;
		return 0;
	}
	if (!strcmp(v, "Asia/Ho_Chi_Minh") || !strcmp(v, "Asia/Saigon")) {
		*off = 7 * 3600;
		return 0;
	}
	int h, m;
	char sign, extra;
	if (sscanf(v, "%c%2d:%2d%c", &sign, &h, &m, &extra) == 3 && (sign == '+' || sign == '-') &&
	    strlen(v) == 6 && h <= 14 && m < 60) {
		*off = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
		return 0;
	}
	return -1;
}

static int
check(int k, char *v, char *why, size_t whylen)
{
	const char *name = keys[k].info.name;
	switch (keys[k].type) {
	case T_TEXT:
	case T_PATH:
		if (*v == '\0') {
			snprintf(why, whylen, "%s cần một giá trị (hoặc bỏ dòng này).", name);
			return -1;
		}
		for (const unsigned char *p = (const unsigned char *)v; *p; p++)
			if (*p < 0x20 || *p == 0x7F) {
				snprintf(why, whylen, "%s có ký tự điều khiển.", name);
				return -1;
			}
		return 0;
	case T_LISTEN:
		if (listen_ok(v))
			return 0;
		snprintf(why, whylen, "%s cần dạng địa_chỉ_IPv4:cổng, ví dụ 127.0.0.1:8080.", name);
		return -1;
	case T_INT: {
		char *end;
		long n = strtol(v, &end, 10);
		if (*v != '\0' && *end == '\0' && n >= keys[k].min && n <= keys[k].max)
			return 0;
		snprintf(why, whylen, "%s cần một số nguyên từ %ld đến %ld.", name, keys[k].min,
		         keys[k].max);
		return -1;
	}
	case T_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") ||
		    !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			return 0;
		snprintf(why, whylen, "%s cần yes hoặc no.", name);
		return -1;
	case T_URL:
		if (public_url_ok(v))
			return 0;
		snprintf(why, whylen, "%s cần dạng https://tên-miền (địa chỉ công khai của trang).",
		         name);
		return -1;
	case T_NETS: {
		netlist_t nl;
		char e[200];
		if (netlist_parse(v, &nl, e, sizeof e) == 0) {
			netlist_free(&nl);
			return 0;
		}
		snprintf(why, whylen, "%s: %s", name, e);
		return -1;
	}
	case T_LEVEL:
		if (log_level_parse(v) >= LOG_DEBUG)
			return 0;
		snprintf(why, whylen, "%s cần debug, info, warn hoặc error.", name);
		return -1;
	case T_FORMAT:
		if (!strcmp(v, "text") || !strcmp(v, "json"))
			return 0;
		snprintf(why, whylen, "%s cần text hoặc json.", name);
		return -1;
	case T_TZ: {
		int off;
		if (tz_offset(v, &off) == 0)
			return 0;
		snprintf(why, whylen, "%s cần UTC, Asia/Ho_Chi_Minh hoặc dạng +07:00.", name);
		return -1;
	}
	}
	return -1;
}

int
serve_config_set(serve_config_t *c, int k, const char *value, const char *where, char *err,
                 size_t errlen)
{
	if (c->val[k] != NULL) {
		snprintf(err, errlen, "%s: \"%s\" đã có ở %s.", where, keys[k].info.name,
		         c->where[k]);
		return -1;
	}
	char *v = xstrdup(value);
	char why[300];
	if (check(k, v, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", where, why);
		free(v);
		return -1;
	}
	c->val[k] = v;
	c->where[k] = xstrdup(where);
	return 0;
}

int
serve_config_parse(const char *text, serve_config_t *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	int line = 0;
	const char *p = text;
	while (*p) {
		line++;
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *next = eol ? eol + 1 : p + n;
		while (n > 0 && is_space(*p))
			p++, n--;
		while (n > 0 && is_space(p[n - 1]))
			n--;
		if (n == 0 || *p == '#') {
			p = next;
			continue;
		}
		char where[32];
		snprintf(where, sizeof where, "Dòng %d", line);
		const char *eq = memchr(p, '=', n);
		if (eq == NULL) {
			snprintf(err, errlen, "%s: cần dạng \"khóa = giá trị\".", where);
			serve_config_free(c);
			return -1;
		}
		size_t kn = (size_t)(eq - p);
		while (kn > 0 && is_space(p[kn - 1]))
			kn--;
		const char *v = eq + 1;
		size_t vn = n - (size_t)(v - p);
		while (vn > 0 && is_space(*v))
			v++, vn--;
		if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
			v++, vn -= 2;
		char *key = xstrndup(p, kn), *val = xstrndup(v, vn);
		int k = conf_key_by_name(key), rc = -1;
		if (k < 0)
			snprintf(err, errlen,
			         "%s: khóa không hợp lệ \"%s\" (xem docs/operations.md).", where,
			         key);
		else if (c->val[k] != NULL)
			snprintf(err, errlen, "%s: \"%s\" đã có ở trên.", where, key);
		else
			rc = serve_config_set(c, k, val, where, err, errlen);
		free(key);
		free(val);
		if (rc < 0) {
			serve_config_free(c);
			return -1;
		}
		p = next;
	}
	return 0;
}

int
serve_config_load(const char *path, serve_config_t *c, char *err, size_t errlen)
{
	char *data;
	size_t len;
	memset(c, 0, sizeof *c);
	if (file_read_all(path, CONFIG_MAX, &data, &len, err, errlen) < 0)
		return -1;
	char e[512];
	int rc = -1;
	if (memchr(data, '\0', len))
		snprintf(err, errlen, "%s: không phải tệp văn bản.", path);
	else if ((rc = serve_config_parse(data, c, e, sizeof e)) < 0)
		snprintf(err, errlen, "%s: %s", path, e);
	free(data);
	return rc;
}

void
serve_config_merge(const serve_config_t *flags, const serve_config_t *file, serve_config_t *out)
{
	serve_config_free(out);
	for (int k = 0; k < CONF_NKEYS; k++) {
		const serve_config_t *from = flags && flags->val[k] ? flags : file;
		if (from && from->val[k]) {
			out->val[k] = xstrdup(from->val[k]);
			out->where[k] = xstrdup(from->where[k]);
		}
	}
}

void
serve_config_free(serve_config_t *c)
{
	for (int k = 0; k < CONF_NKEYS; k++) {
		free(c->val[k]);
		free(c->where[k]);
	}
	memset(c, 0, sizeof *c);
}

const char *
conf_get(const serve_config_t *c, int k, char *tmp, size_t tmplen)
{
	if (c->val[k])
		return c->val[k];
	const char *dir = c->val[CONF_DATA_DIR];
	if (dir && (k == CONF_DB || k == CONF_FILES)) {
		snprintf(tmp, tmplen, "%s/%s", dir, k == CONF_DB ? "suotdoi.db" : "suotdoi");
		return tmp;
	}
	return keys[k].info.dflt;
}

long
conf_int(const serve_config_t *c, int k)
{
	const char *v = c->val[k] ? c->val[k] : keys[k].info.dflt;
	return v ? strtol(v, NULL, 10) : 0;
}

int
conf_bool(const serve_config_t *c, int k)
{
	const char *v = c->val[k] ? c->val[k] : keys[k].info.dflt;
	return v && (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"));
}

int
conf_utc_offset(const serve_config_t *c)
{
	int off = 0;
	const char *v =
	        c->val[CONF_TIME_ZONE] ? c->val[CONF_TIME_ZONE] : keys[CONF_TIME_ZONE].info.dflt;
	tz_offset(v, &off);
	return off;
}

/* A URI's password, if any, replaced by *** (postgresql://user:secret@host/db,
 * ...?password=secret) so the start-up log does not publish it. */
static void
mask_password(const char *v, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", v);
	char *scheme = strstr(out, "://");
	if (scheme != NULL) {
		char *auth = scheme + 3;
		size_t an = strcspn(auth, "/?#");
		char *at = memchr(auth, '@', an);
		char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon != NULL) {
			char rest[1024];
			snprintf(rest, sizeof rest, "%s", at);
			snprintf(colon, outlen - (size_t)(colon - out), ":***%s", rest);
		}
	}
	char *pw = strstr(out, "password=");
	if (pw != NULL) {
		char *end = pw + 9 + strcspn(pw + 9, "& ");
		char rest[1024];
		snprintf(rest, sizeof rest, "%s", end);
		snprintf(pw + 9, outlen - (size_t)(pw + 9 - out), "***%s", rest);
	}
}

void
serve_config_describe(const serve_config_t *c, void (*line)(void *arg, const char *text), void *arg)
{
	for (int k = 0; k < CONF_NKEYS; k++) {
		char tmp[1024], text[1400];
		const char *v = conf_get(c, k, tmp, sizeof tmp);
		const char *src = c->val[k]   ? c->where[k]
		                  : v == NULL ? "không đặt"
		                  : v == tmp  ? "từ data_dir"
		                              : "mặc định";
		char shown[1100];
		mask_password(v ? v : "-", shown, sizeof shown);
		snprintf(text, sizeof text, "%s = %s (%s)", keys[k].info.name, shown, src);
		line(arg, text);
	}
}

int
serve_password_read(const char *path, char **out, char *err, size_t errlen)
{
	char *data;
	size_t len;
	*out = NULL;
	if (file_read_all(path, 64 * 1024, &data, &len, err, errlen) < 0)
		return -1;
	data[strcspn(data, "\r\n")] = '\0';
	if (data[0] == '\0') {
		snprintf(err, errlen, "%s: tệp mật khẩu thư trống.", path);
		free(data);
		return -1;
	}
	*out = data;
	return 0;
}
