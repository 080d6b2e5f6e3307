/* Strict HTTP before routing: the request target and the header fields (http/strict.h). */
#include "http/strict.h"

#include <string.h>
#include <strings.h>

/* tchar of RFC 9110, section 5.6.2 */
static int
is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A control character: anything below a space but tab (tab_ok), and DEL. */
static int
is_ctl(unsigned char c, int tab_ok)
{
	return (c < 0x20 && !(tab_ok && c == '\t')) || c == 0x7F;
}

int
http_strict_uri(const char *uri, size_t len, const char **why)
{
	*why = NULL;
	if (len > HTTP_URI_MAX) {
		*why = "Địa chỉ yêu cầu quá dài (tối đa 8192 byte); hãy rút gọn địa chỉ hoặc "
		       "gửi dữ liệu bằng biểu mẫu.";
		return 414;
	}
	size_t params = 0;
	int in_query = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (is_ctl(c, 0) || c == ' ') {
			*why = "Địa chỉ yêu cầu chứa ký tự điều khiển hoặc khoảng trắng chưa mã "
			       "hóa; hãy mã hóa địa chỉ (%XX) trước khi gửi.";
			return 400;
		}
		if (c == '?' && !in_query) {
			in_query = 1;
			params = 1;
		} else if (c == '&' && in_query) {
			params++;
		}
	}
	if (params > HTTP_QUERY_PARAMS_MAX) {
		*why = "Địa chỉ yêu cầu có quá nhiều tham số (tối đa 256); hãy gửi dữ liệu bằng "
		       "biểu mẫu.";
		return 414;
	}
	return 0;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int
http_strict_headers(const http_strict_hdr_t *h, size_t n, int http11, const char **why, size_t *bad)
{
	size_t hosts = 0, clens = 0, tes = 0, first_clen = n, first_te = n;
	*why = NULL;
	*bad = n;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *name = (const unsigned char *)h[i].name;
		const unsigned char *value = (const unsigned char *)h[i].value;
		*bad = i;
		if (name[0] == '\0') {
			*why = "Yêu cầu có một tiêu đề không có tên.";
			return 400;
		}
		for (const unsigned char *p = name; *p; p++) {
			if (*p == ' ' || *p == '\t') {
				*why = "Tên tiêu đề không được có khoảng trắng (trước dấu hai "
				       "chấm hay ở giữa).";
				return 400;
			}
			if (!is_tchar(*p)) {
				*why = "Tên tiêu đề chứa ký tự không hợp lệ (chỉ chữ, số và "
				       "dấu gạch).";
				return 400;
			}
		}
		for (const unsigned char *p = value; *p; p++) {
			if (is_ctl(*p, 1)) {
				*why = "Giá trị tiêu đề chứa ký tự điều khiển.";
				return 400;
			}
		}
		if (strcasecmp(h[i].name, "Host") == 0) {
			if (++hosts > 1) {
				*why = "Yêu cầu có hai tiêu đề Host; chỉ được gửi một.";
				return 400;
			}
		} else if (strcasecmp(h[i].name, "Content-Length") == 0) {
			if (++clens > 1) {
				*why = "Yêu cầu có hai tiêu đề Content-Length; chỉ được gửi một.";
				return 400;
			}
			if (!all_digits(h[i].value)) {
				*why = "Tiêu đề Content-Length phải là một số nguyên không âm.";
				return 400;
			}
			first_clen = i;
		} else if (strcasecmp(h[i].name, "Transfer-Encoding") == 0) {
			if (++tes > 1 || strcasecmp(h[i].value, "chunked") != 0) {
				*why = "Máy chủ chỉ nhận Transfer-Encoding: chunked (một lần, "
				       "không kèm mã hóa khác).";
				return 501;
			}
			first_te = i;
		}
	}
	*bad = n;
	if (clens > 0 && tes > 0) {
		*bad = first_clen > first_te ? first_clen : first_te;
		*why = "Yêu cầu không được có cả Transfer-Encoding và Content-Length.";
		return 400;
	}
	if (http11 && hosts == 0) {
		*why = "Yêu cầu HTTP/1.1 thiếu tiêu đề Host.";
		return 400;
	}
	*bad = n;
	return 0;
}
