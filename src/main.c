/* suotdoi entry point: subcommands serve, units import/search, demo, migrate. Each
 * opens the store itself; errors go to stderr in Vietnamese with a non-zero exit. */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/app.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/store.h"
#include "docs/signing.h"
#include "domain/accounts.h"
#include "domain/auth.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "domain/demo_docs.h"
#include "domain/gen.h"
#include "domain/jsonin.h"
#include "domain/template.h"
#include "domain/campaign.h"
#include "domain/units.h"
#include "service/mailer.h"
#include "service/reading.h"
#include "service/awards.h"
#include "service/backup.h"
#include "service/budget.h"
#include "service/contest.h"
#include "service/resources.h"
#include "service/registry.h"
#include "service/serve_config.h"
#include "service/values_import.h"
#include "http/http.h"
#include "text/text.h"

#define DEFAULT_DB "var/suotdoi.db"
#define MAX_IMPORT_BYTES (256u << 20)

typedef struct opts {
	const char *db, *listen, *assets;
	const char *unit, *role, *name, *email, *password, *province;
	const char *campaign, *as;
	const char *as_of, *merges;
	const char *from, *to; /* migrate: moving a deployment */
	const char *files;     /* the file directories' prefix (app_open_files) */
	const char *config;    /* --config FILE */
	/* the configuration's keys given as flags, the file's, and both merged (flags win) */
	serve_config_t flags, file, eff;
	char db_buf[1024], files_buf[1024];
	const char *into; /* backup: the parent of dated backups, --keep of them kept */
	int keep;
	int dry_run, carry_roles;
	int repair_legacy; /* units import: store names repaired from TCVN3/VNI */
	unsigned seed;
	unsigned threads;
	int scale;
	int enrol_retention_days; /* serve: 0 = the default (service/enrol.h) */
	const char *args[8];
	int nargs;
} opts_t;

static void
usage(FILE *f)
{
	char keys[4096];
	size_t n = 0;
	for (int k = 0; k < CONF_NKEYS && n < sizeof keys; k++) {
		const conf_key_info_t *ki = conf_key(k);
		n += (size_t)snprintf(keys + n, sizeof keys - n, "          %s%s  %s\n", ki->name,
		                      ki->reload ? "*" : "", ki->help);
	}
	fprintf(f,
	        "Cách dùng: suotdoi LỆNH [tùy chọn]\n"
	        "  serve [--config TỆP] [--db PATH] [--listen 127.0.0.1:8080] [các khóa cấu hình]\n"
	        "        chạy máy chủ web; tệp cấu hình: các dòng \"khóa = giá trị\" (# là chú\n"
	        "        thích); mỗi khóa cũng là một tùy chọn --khóa-gạch-ngang GIÁ_TRỊ (hoặc\n"
	        "        --khóa=GIÁ_TRỊ), tùy chọn được ưu tiên hơn tệp; SIGHUP: đọc lại tệp (các\n"
	        "        khóa đánh dấu * áp dụng ngay, khóa khác khi khởi động lại). Các khóa:\n"
	        "%s"
	        "  units import FILE.csv [FILE2.csv …] [--repair-legacy] [--db PATH]\n"
	        "        nhập đơn vị (tất cả hoặc không); đơn vị hành chính không đổi tên, cấp\n"
	        "        trên hay loại bằng cách này; tên gõ bằng bảng mã TCVN3/VNI bị từ chối\n"
	        "        kèm gợi ý, --repair-legacy: lưu tên đã sửa theo gợi ý\n"
	        "  units import DANH_MỤC.csv --as-of NGÀY [--merges BẢNG_SÁP_NHẬP.csv] "
	        "[--dry-run]\n"
	        "        [--carry-roles] [--db PATH]\n"
	        "        nhập danh mục hành chính mới có hiệu lực từ NGÀY (2025-07-01 hoặc\n"
	        "        01/07/2025) mà không viết lại lịch sử: in bản xem trước (số đơn vị mở,\n"
	        "        đóng, đổi cấp trên, cảnh báo, cơ quan/trường học chờ xếp lại) rồi ghi,\n"
	        "        trừ khi có --dry-run; --carry-roles: tài khoản có vai trò ở đơn vị được\n"
	        "        sáp nhập toàn bộ được cấp cùng vai trò ở đơn vị kế thừa\n"
	        "  units pending [--db PATH]           cơ quan, trường học chờ xếp vào đơn vị mới\n"
	        "  units place TỆP.csv [--db PATH]     xếp chúng (cột code,parent_code; "
	        "parent_code\n"
	        "        là - thì đơn vị đóng cùng đơn vị cũ, để trống thì vẫn chờ)\n"
	        "  units search TỪ_KHÓA [--db PATH]    tìm đơn vị theo tên hoặc mã\n"
	        "  user add --unit MÃ --role VAI_TRÒ [--name \"Họ tên\"] [--email E]\n"
	        "           [--password MK] TÊN_ĐĂNG_NHẬP [--db PATH]\n"
	        "        tạo tài khoản (vai trò: admin, head, overseer, entry, viewer); không có\n"
	        "        --password thì tạo mật khẩu ngẫu nhiên, phải đổi khi đăng nhập lần đầu\n"
	        "  demo [--db PATH]                    tạo cơ sở dữ liệu trình diễn\n"
	        "  gen --db PATH [--seed N] [--province MÃ] [--scale N]\n"
	        "        tạo bộ dữ liệu quy mô cả nước (~71.000 đơn vị, báo cáo ngẫu nhiên)\n"
	        "        vào một cơ sở dữ liệu trống, để đo hiệu năng; --scale N: gấp N lần số\n"
	        "        đơn vị cả nước (thêm N-1 bản danh mục mô phỏng, tên địa danh khác nhau)\n"
	        "  migrate [--db PATH]                 áp dụng các bản nâng cấp cấu trúc dữ liệu\n"
	        "  backup --to THƯ_MỤC [--db PATH] [--files TIỀN_TỐ]\n"
	        "        sao lưu khi máy chủ vẫn chạy: cơ sở dữ liệu (SQLite: bản sao trực tuyến,\n"
	        "        kiểm tra toàn vẹn; PostgreSQL: pg_dump), rồi tệp tải lên và tệp cuộc "
	        "thi,\n"
	        "        rồi MANIFEST (tổng kiểm tra sha256 từng tệp); THƯ_MỤC chưa có hoặc trống\n"
	        "  backup --into THƯ_MỤC_CHA --keep N [--db PATH] [--files TIỀN_TỐ]\n"
	        "        như trên vào THƯ_MỤC_CHA/suotdoi-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY (giờ UTC), rồi\n"
	        "        chỉ giữ N bản hoàn chỉnh mới nhất (để chạy hằng đêm)\n"
	        "  restore --from THƯ_MỤC --db PATH [--files TIỀN_TỐ]\n"
	        "        khôi phục một bản sao lưu: kiểm tra mọi tổng kiểm tra trước, không bao "
	        "giờ\n"
	        "        ghi đè cơ sở dữ liệu hay thư mục tệp đã có (PostgreSQL: một cơ sở dữ "
	        "liệu\n"
	        "        mới tạo, trống); bản cũ hơn được nâng cấp cấu trúc\n"
	        "  migrate --from sqlite:PATH --to postgres://…\n"
	        "        chép toàn bộ một cơ sở dữ liệu SQLite sang PostgreSQL (hoặc một tệp\n"
	        "        SQLite mới) trong một lần, rồi đối chiếu số dòng và tổng kiểm tra từng\n"
	        "        bảng; từ chối nếu đích không trống\n"
	        "  values import FILE --campaign ID [--dry-run] [--as TÊN_ĐĂNG_NHẬP] [--db PATH]\n"
	        "        nhập số liệu hàng loạt (dataValueSets JSON hoặc CSV\n"
	        "        unit_code,item_code,value[,comment]); --dry-run chỉ kiểm tra, không ghi;\n"
	        "        --as kiểm tra quyền theo tài khoản đó (mặc định: người vận hành)\n"
	        "  values export --campaign ID --unit MÃ [--db PATH]\n"
	        "        xuất số liệu của cây đơn vị dưới MÃ (dataValueSets JSON) ra stdout\n"
	        "Mặc định --db " DEFAULT_DB "; --config TỆP dùng được với mọi lệnh (db, files…).\n",
	        keys);
}

/* A configuration key given as a flag: "--key VALUE" or "--key=VALUE"; a yes/no key alone
 * ("--smtp-require-tls") means yes. Returns the next index, or -1 after a message. */
static int
config_flag(int argc, char **argv, int i, int k, const char *flag, const char *inline_value,
            opts_t *o)
{
	const char *v = inline_value;
	if (v == NULL && k == CONF_SMTP_REQUIRE_TLS)
		v = "yes";
	if (v == NULL) {
		if (i + 1 >= argc) {
			fprintf(stderr, "Tùy chọn %s cần một giá trị.\n", flag);
			return -1;
		}
		v = argv[++i];
	}
	char err[512];
	if (serve_config_set(&o->flags, k, v, flag, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return i;
}

static int
parse_opts(int argc, char **argv, int first, opts_t *o)
{
	*o = (opts_t){0};
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!strcmp(a, "--from"))
			slot = &o->from;
		else if (!strcmp(a, "--to"))
			slot = &o->to;
		else if (!strcmp(a, "--into"))
			slot = &o->into;
		else if (!strcmp(a, "--unit"))
			slot = &o->unit;
		else if (!strcmp(a, "--role"))
			slot = &o->role;
		else if (!strcmp(a, "--name"))
			slot = &o->name;
		else if (!strcmp(a, "--email"))
			slot = &o->email;
		else if (!strcmp(a, "--password"))
			slot = &o->password;
		else if (!strcmp(a, "--province"))
			slot = &o->province;
		else if (!strcmp(a, "--campaign"))
			slot = &o->campaign;
		else if (!strcmp(a, "--as"))
			slot = &o->as;
		else if (!strcmp(a, "--as-of"))
			slot = &o->as_of;
		else if (!strcmp(a, "--merges"))
			slot = &o->merges;
		else if (!strcmp(a, "--config"))
			slot = &o->config;
		else if (!strcmp(a, "--dry-run")) {
			o->dry_run = 1;
			continue;
		} else if (!strcmp(a, "--carry-roles")) {
			o->carry_roles = 1;
			continue;
		} else if (!strcmp(a, "--repair-legacy")) {
			o->repair_legacy = 1;
			continue;
		} else if (!strcmp(a, "--seed")) {
			if (i + 1 >= argc || atoi(argv[i + 1]) <= 0) {
				fprintf(stderr, "--seed cần một số dương.\n");
				return -1;
			}
			o->seed = (unsigned)atoi(argv[++i]);
			continue;
		} else if (!strcmp(a, "--scale")) {
			if (i + 1 >= argc || atoi(argv[i + 1]) < 1 || atoi(argv[i + 1]) > 100) {
				fprintf(stderr, "--scale cần một số từ 1 đến 100.\n");
				return -1;
			}
			o->scale = atoi(argv[++i]);
			continue;
		} else if (!strcmp(a, "--keep")) {
			if (i + 1 >= argc || atoi(argv[i + 1]) < 1 || atoi(argv[i + 1]) > 10000) {
				fprintf(stderr, "--keep cần một số từ 1 đến 10000.\n");
				return -1;
			}
			o->keep = atoi(argv[++i]);
			continue;
		} else if (a[0] == '-' && a[1] == '-') {
			/* a configuration key (serve_config.h), possibly as --key=value */
			char flag[64];
			const char *eq = strchr(a, '=');
			size_t fl = eq ? (size_t)(eq - a) : strlen(a);
			int k = -1;
			if (fl < sizeof flag) {
				memcpy(flag, a, fl);
				flag[fl] = '\0';
				k = conf_key_by_flag(flag);
			}
			if (k < 0) {
				fprintf(stderr, "Tùy chọn không hợp lệ: %s\n", a);
				return -1;
			}
			if ((i = config_flag(argc, argv, i, k, flag, eq ? eq + 1 : NULL, o)) < 0)
				return -1;
			continue;
		} else {
			if (o->nargs == 8) {
				fprintf(stderr, "Quá nhiều tham số.\n");
				return -1;
			}
			o->args[o->nargs++] = a;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "Tùy chọn %s cần một giá trị.\n", a);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

/* The configuration file under the flags: the effective values every command reads. 0, or
 * -1 after a message naming the file's line or the flag. */
static int
settle_config(opts_t *o)
{
	char err[1024];
	if (o->config && serve_config_load(o->config, &o->file, err, sizeof err) < 0) {
		fprintf(stderr, "Tệp cấu hình %s\n", err);
		return -1;
	}
	serve_config_merge(&o->flags, &o->file, &o->eff);
	const serve_config_t *e = &o->eff;
	o->db = conf_get(e, CONF_DB, o->db_buf, sizeof o->db_buf);
	o->files = conf_get(e, CONF_FILES, o->files_buf, sizeof o->files_buf);
	o->listen = conf_get(e, CONF_LISTEN, NULL, 0);
	o->assets = conf_get(e, CONF_ASSETS, NULL, 0);
	o->threads = (unsigned)conf_int(e, CONF_THREADS);
	o->enrol_retention_days = (int)conf_int(e, CONF_ENROL_RETENTION_DAYS);
	return 0;
}

static void
free_opts(opts_t *o)
{
	serve_config_free(&o->flags);
	serve_config_free(&o->file);
	serve_config_free(&o->eff);
}

static int
import_file(store_t *st, const char *path, int flags)
{
	char err[8192];
	char *data;
	size_t len;
	if (file_read_all(path, MAX_IMPORT_BYTES, &data, &len, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	units_import_stats_t s;
	int rc = units_import_csv_ex(st, data, len, flags, &s, err, sizeof err);
	free(data);
	if (rc < 0) {
		fprintf(stderr, "Nhập %s thất bại:\n%s\n", path, err);
		return -1;
	}
	printf("Đã nhập %s: %zu dòng; thêm mới %zu, cập nhật %zu, không đổi %zu.\n", path, s.rows,
	       s.inserted, s.updated, s.unchanged);
	if (s.repaired)
		printf("Đã sửa %zu tên gõ bằng bảng mã TCVN3/VNI sang Unicode.\n", s.repaired);
	return 0;
}

/* One waiting body, on one line (and its candidates on the next). */
static void
print_body(const registry_body_t *b)
{
	buf_t day = BUF_INIT;
	text_format_date(b->holder_last_day + 1, &day);
	printf("  %s\t%s — dưới %s (%s), đóng từ %s", b->code, b->name, b->holder.code,
	       b->holder.name, buf_cstr(&day));
	buf_free(&day);
	if (b->nbelow)
		printf(" — kèm %zu đơn vị trực thuộc", b->nbelow);
	printf("\n    %s",
	       b->holder_has_successor ? "đơn vị kế thừa: " : "không có đơn vị kế thừa; gợi ý: ");
	for (size_t k = 0; k < b->ncandidates; k++)
		printf("%s%s (%s)", k ? ", " : "", b->candidates[k].code, b->candidates[k].name);
	if (b->candidates_total > b->ncandidates)
		printf(", … (%zu đơn vị)", b->candidates_total);
	printf("\n");
}

#define PREVIEW_BODIES 50

static int
import_dated(store_t *st, const opts_t *o)
{
	char err[8192];
	int32_t as_of;
	if (text_parse_day(o->as_of, &as_of) < 0) {
		fprintf(stderr,
		        "Ngày hiệu lực \"%s\" không hợp lệ; hãy viết dạng 2025-07-01 hoặc "
		        "01/07/2025.\n",
		        o->as_of);
		return 2;
	}
	if (o->nargs != 2) {
		fprintf(stderr, "Nhập danh mục có ngày hiệu lực: mỗi lần một tệp danh mục (kèm "
		                "--merges cho bảng sáp nhập).\n");
		return 2;
	}
	char *data = NULL, *mdata = NULL;
	size_t len = 0, mlen = 0;
	int rc = 1;
	registry_plan_t plan = {0};
	if (file_read_all(o->args[1], MAX_IMPORT_BYTES, &data, &len, err, sizeof err) < 0 ||
	    (o->merges &&
	     file_read_all(o->merges, MAX_IMPORT_BYTES, &mdata, &mlen, err, sizeof err) < 0)) {
		fprintf(stderr, "%s\n", err);
		goto done;
	}
	if (registry_plan(st, data, len, mdata, mlen, as_of, &plan, err, sizeof err) < 0) {
		fprintf(stderr, "Nhập %s thất bại:\n%s\n", o->args[1], err);
		goto done;
	}
	const registry_counts_t *n = &plan.n;
	buf_t day = BUF_INIT;
	text_format_date(as_of, &day);
	printf("Danh mục %s%s%s, có hiệu lực từ ngày %s:\n", o->args[1],
	       o->merges ? ", bảng sáp nhập " : "", o->merges ? o->merges : "", buf_cstr(&day));
	buf_free(&day);
	printf("  dòng trong tệp: %zu%s", n->rows, o->merges ? "" : "\n");
	if (o->merges)
		printf(" (bảng sáp nhập: %zu dòng)\n", n->merge_rows);
	printf("  đơn vị hành chính đang có hiệu lực: %zu\n"
	       "  giữ nguyên: %zu\n"
	       "  mở mới: %zu (mã đổi tên: %zu)\n"
	       "  đóng: %zu (không có đơn vị kế thừa: %zu)\n"
	       "  đổi cấp trên: %zu\n"
	       "  sửa đơn vị mở cùng ngày: %zu\n"
	       "  quan hệ kế thừa ghi mới: %zu\n"
	       "  cơ quan, trường học chuyển theo đơn vị kế thừa: %zu\n"
	       "  cơ quan, trường học chờ xếp lại: %zu (chờ từ trước: %zu)\n",
	       n->base, n->unchanged, n->opened, n->renamed, n->closed, n->closed_without_successor,
	       n->moved, n->corrected, n->lineage, n->bodies_moved, n->bodies_to_place,
	       n->bodies_waiting);
	for (size_t k = 0; k < plan.nwarnings; k++)
		printf("Cảnh báo: %s\n", plan.warnings[k].text);
	size_t waiting = n->bodies_to_place + n->bodies_waiting, shown = 0;
	if (waiting) {
		printf("Cơ quan, trường học chờ xếp lại%s:\n",
		       waiting > PREVIEW_BODIES ? " (50 đơn vị đầu)" : "");
		for (size_t k = 0; k < plan.nbodies && shown < PREVIEW_BODIES; k++)
			if (!plan.bodies[k].auto_placed) {
				print_body(&plan.bodies[k]);
				shown++;
			}
		if (waiting > shown)
			printf("  … và %zu đơn vị khác (xem đủ bằng suotdoi units pending).\n",
			       waiting - shown);
	}
	printf("%s\n", plan.summary);
	if (o->dry_run) {
		printf("Chạy thử (--dry-run): chưa ghi gì.\n");
		rc = 0;
		goto done;
	}
	if (plan.nothing_to_do) {
		printf("Không có gì để ghi.\n");
	} else {
		char source[600];
		snprintf(source, sizeof source, "%s%s%s", o->args[1], o->merges ? " + " : "",
		         o->merges ? o->merges : "");
		if (registry_apply(st, &plan, 0, source, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			goto done;
		}
		printf("Đã ghi.%s\n", waiting ? " Xếp các đơn vị chờ bằng: suotdoi units place "
		                                "TỆP.csv (cột code,parent_code)."
		                              : "");
	}
	/* also on a second run: it is how a failed carry is tried again */
	size_t carried = 0;
	if (o->carry_roles && registry_carry_roles(st, as_of, 0, &carried, err, sizeof err) < 0) {
		fprintf(stderr,
		        "Danh mục đã ghi, nhưng chưa chuyển được vai trò: %s (chạy lại lệnh "
		        "với --carry-roles để thử lại)\n",
		        err);
		goto done;
	}
	if (o->carry_roles)
		printf("Đã cấp %zu vai trò ở đơn vị kế thừa cho tài khoản có vai trò ở đơn vị được "
		       "sáp nhập toàn bộ.\n",
		       carried);
	rc = 0;
done:
	registry_plan_free(&plan);
	free(data);
	free(mdata);
	return rc;
}

static int
units_pending(store_t *st)
{
	char err[512];
	registry_pending_t p;
	if (registry_pending(st, &p, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (p.nbodies == 0)
		printf("Không có cơ quan, trường học nào chờ xếp lại.\n");
	else
		printf("%zu cơ quan, trường học chờ xếp vào đơn vị mới (xếp bằng: suotdoi units "
		       "place TỆP.csv, cột code,parent_code; parent_code là - thì đơn vị đóng "
		       "cùng đơn vị cũ, để trống thì vẫn chờ):\n",
		       p.nbodies);
	for (size_t k = 0; k < p.nbodies; k++)
		print_body(&p.bodies[k]);
	registry_pending_free(&p);
	return 0;
}

static int
units_place(store_t *st, const char *path)
{
	char err[8192], *data;
	size_t len;
	if (file_read_all(path, MAX_IMPORT_BYTES, &data, &len, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	registry_place_stats_t s;
	int rc = registry_place_csv(st, data, len, 0, &s, err, sizeof err);
	free(data);
	if (rc < 0) {
		fprintf(stderr, "Xếp lại theo %s thất bại:\n%s\n", path, err);
		return 1;
	}
	printf("Đã xếp lại %zu đơn vị, đóng %zu đơn vị.\n", s.placed, s.closed);
	return 0;
}

static int
cmd_units(opts_t *o)
{
	char err[1024];
	store_t *st;
	const char *sub = o->nargs ? o->args[0] : "";
	int known = (!strcmp(sub, "import") && o->nargs >= 2) ||
	            (!strcmp(sub, "search") && o->nargs >= 2) ||
	            (!strcmp(sub, "place") && o->nargs == 2) ||
	            (!strcmp(sub, "pending") && o->nargs == 1);
	if (!known) {
		usage(stderr);
		return 2;
	}
	if (o->repair_legacy && (o->as_of || strcmp(sub, "import"))) {
		fprintf(stderr, "--repair-legacy chỉ dùng với suotdoi units import (không kèm "
		                "--as-of).\n");
		return 2;
	}
	if ((o->merges || o->dry_run || o->carry_roles) && !o->as_of) {
		fprintf(stderr,
		        "--merges, --dry-run và --carry-roles chỉ dùng khi nhập danh mục có "
		        "ngày hiệu lực "
		        "(--as-of NGÀY).\n");
		return 2;
	}
	if (o->as_of && strcmp(sub, "import")) {
		fprintf(stderr, "--as-of chỉ dùng với suotdoi units import.\n");
		return 2;
	}
	if (store_open(o->db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	int rc = 0;
	if (!strcmp(sub, "import") && o->as_of) {
		rc = import_dated(st, o);
	} else if (!strcmp(sub, "import")) {
		for (int i = 1; i < o->nargs && rc == 0; i++)
			rc = import_file(st, o->args[i],
			                 o->repair_legacy ? UNITS_IMPORT_REPAIR_LEGACY : 0) < 0
			             ? 1
			             : 0;
	} else if (!strcmp(sub, "pending")) {
		rc = units_pending(st);
	} else if (!strcmp(sub, "place")) {
		rc = units_place(st, o->args[1]);
	} else {
		unit_tree_t *t;
		if (unit_tree_build(st, &t, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			store_close(st);
			return 1;
		}
		int32_t ids[50], total;
		unit_search_t s = {.q = o->args[1], .within = -1, .limit = 50};
		legacy_enc_t enc;
		buf_t rq = BUF_INIT;
		int32_t n = unit_tree_search_legacy(t, &s, ids, &total, &enc, &rq);
		if (enc)
			printf("Từ khóa có vẻ được gõ bằng bảng mã %s: đã tìm theo “%s”.\n",
			       legacy_enc_name(enc), buf_cstr(&rq));
		buf_free(&rq);
		if (n < 0) {
			fprintf(stderr, "Từ khóa không phải văn bản UTF-8 hợp lệ.\n");
			rc = 1;
		}
		for (int32_t k = 0; k < n; k++) {
			const unit_t *u = &t->units[ids[k]];
			printf("%s\t%s\t%s\t%s\n", u->code, u->name, u->kind_name,
			       u->parent >= 0 ? t->units[u->parent].name : "");
		}
		if (n >= 0)
			printf("(%d kết quả)\n", total);
		unit_tree_unref(t);
	}
	store_close(st);
	return rc;
}

/* Create one account from the command line; the audit log names no actor. password NULL:
 * a generated one, printed, to be changed at first sign-in. */
static int
add_user(store_t *st, const unit_tree_t *t, const char *username, const char *unit_code,
         const char *role_s, const char *name, const char *email, const char *password, int quiet)
{
	char err[300], norm[72];
	role_t role;
	if (role_parse(role_s, &role) < 0) {
		fprintf(stderr,
		        "Vai trò \"%s\" không có; dùng admin, head, overseer, entry hoặc "
		        "viewer.\n",
		        role_s ? role_s : "");
		return -1;
	}
	int32_t unit = unit_tree_find_code(t, unit_code ? unit_code : "");
	if (unit < 0) {
		fprintf(stderr,
		        "Không có đơn vị mã \"%s\"; tra mã bằng: suotdoi units search TÊN\n",
		        unit_code ? unit_code : "");
		return -1;
	}
	char generated[AUTH_GENERATED_LEN + 1];
	if (password == NULL) {
		auth_password_generate(generated);
		password = generated;
	} else if (auth_username_normalize(username, norm, err, sizeof err) < 0 ||
	           auth_password_policy(norm, password, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	char hash[AUTH_HASH_MAX];
	int rc_hash = password == generated ? auth_password_hash_generated(password, hash)
	                                    : auth_password_hash(password, hash);
	if (rc_hash < 0) {
		fprintf(stderr, "Không băm được mật khẩu (thiếu bộ nhớ?).\n");
		return -1;
	}
	account_new_t a = {
	        username, name, email, role, t->units[unit].id, hash, password == generated, 0};
	int64_t id;
	if (store_tx_begin(st) < 0)
		return -1;
	int rc = accounts_create(st, &a, norm, &id, err, sizeof err);
	if (rc == 0) {
		buf_t path = BUF_INIT;
		unit_tree_path(t, unit, &path);
		store_audit_t e = {.at = (int64_t)time(NULL),
		                   .actor_name = "(dòng lệnh)",
		                   .unit_id = t->units[unit].id,
		                   .unit_path = buf_cstr(&path),
		                   .action = "user.create",
		                   .target = norm,
		                   .new_value = role_code(role)};
		rc = store_audit_append(st, &e) < 0 ? -1 : 0;
		buf_free(&path);
	}
	if (rc != 0) {
		store_tx_rollback(st);
		fprintf(stderr, "%s\n", rc > 0 ? err : "Lỗi cơ sở dữ liệu khi tạo tài khoản.");
		return -1;
	}
	if (store_tx_commit(st) < 0)
		return -1;
	if (!quiet) {
		printf("Đã tạo tài khoản %s (%s tại %s).\n", norm, role_name(role),
		       t->units[unit].name);
		if (password == generated)
			printf("Mật khẩu ban đầu: %s  (phải đổi khi đăng nhập lần đầu)\n",
			       generated);
	}
	return 0;
}

static int
cmd_user(opts_t *o)
{
	if (o->nargs != 2 || strcmp(o->args[0], "add") != 0) {
		usage(stderr);
		return 2;
	}
	char err[1024];
	store_t *st;
	unit_tree_t *t;
	if (auth_init() < 0 || store_open(o->db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (unit_tree_build(st, &t, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		store_close(st);
		return 1;
	}
	int rc = add_user(st, t, o->args[1], o->unit, o->role, o->name, o->email, o->password, 0);
	unit_tree_unref(t);
	store_close(st);
	return rc < 0 ? 1 : 0;
}

/* Demo accounts for the people of the seeds; one shared password, listed in the README. */
#define DEMO_PASSWORD "Hoctap@2022"
static const struct {
	const char *username, *unit, *role, *name;
} demo_users[] = {
        {"quantri", "VN", "admin", "Quản trị hệ thống"},
        {"so.haiphong", "31", "overseer", "Nguyễn Thị Hoa (Sở GD&ĐT Hải Phòng)"},
        {"xem.haiphong", "31", "viewer", "Cán bộ UBND thành phố Hải Phòng"},
        {"gv.danglam", "HA-11413-TH", "entry", "Lê Thị Mai (giáo viên, nhập liệu)"},
        {"ld.haian", "306", "head", "Trần Thị Kim Oanh (UBND quận Hải An)"},
        {"pgd.haian", "306", "overseer", "Phạm Văn Văn (Phòng GD&ĐT Hải An)"},
        {"th.danglam", "HA-11413-TH", "head", "Trường Tiểu học Đằng Lâm"},
        {"thcs.danglam", "HA-11413-THCS", "head", "Trường THCS Đằng Lâm"},
        {"ld.danglam", "11413", "head", "UBND phường Đằng Lâm"},
        {"mn.catbi", "HA-11422-MN", "head", "Trường Mầm non Cát Bi"},
        {"tthtcd.danglam", "HA-11413-TTHTCD", "head", "Nguyễn Thị Lan (TTHTCĐ Đằng Lâm)"},
        {"pgd.tienlang", "315", "overseer", "Phòng GD&ĐT huyện Tiên Lãng"},
        {"ld.tienlang", "315", "head", "Nguyễn Ngọc Huy (UBND huyện Tiên Lãng)"},
        {"pgd.daitu", "DT-PGDDT", "head", "Phòng GD&ĐT huyện Đại Từ"},
        {"hathuong", "05812", "head", "UBND xã Hà Thượng"},
};

static int
cmd_demo(opts_t *o)
{
	char err[1024];
	store_t *st;
	if (store_open(o->db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	const char *files[] = {"data/dvhc/units-2025-03-01.csv", "data/demo/units-demo.csv"};
	int rc = 0;
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", o->assets ? o->assets : SUOTDOI_SOURCE_DIR,
		         files[i]);
		rc = import_file(st, path, 0) < 0 ? 1 : 0;
	}
	unit_tree_t *t = NULL;
	if (rc == 0 && (auth_init() < 0 || unit_tree_build(st, &t, err, sizeof err) < 0))
		rc = 1;
	for (size_t i = 0; rc == 0 && i < sizeof demo_users / sizeof demo_users[0]; i++)
		if (add_user(st, t, demo_users[i].username, demo_users[i].unit, demo_users[i].role,
		             demo_users[i].name, NULL, DEMO_PASSWORD, 1) < 0)
			rc = 1;
	int64_t campaign = 0;
	if (rc == 0 &&
	    demo_campaign(st, t, o->assets ? o->assets : SUOTDOI_SOURCE_DIR, &campaign) < 0)
		rc = 1;
	if (rc == 0 && demo_activities(st, t, campaign) < 0)
		rc = 1;
	if (rc == 0 && demo_resources(st, t, campaign) < 0)
		rc = 1;
	if (rc == 0 && demo_reading(st, t, campaign) < 0)
		rc = 1;
	if (rc == 0 && demo_budget(st, t, campaign) < 0)
		rc = 1;
	if (rc == 0) { /* media beside the database, as the server finds them (contest_pages.c) */
		char dir[4096];
		snprintf(dir, sizeof dir, "%s.contest", app_files_prefix(o->db, o->files));
		if (demo_contest(st, t, dir) < 0)
			rc = 1;
	}
	if (rc == 0 &&
	    demo_documents(st, t, campaign, o->assets ? o->assets : SUOTDOI_SOURCE_DIR) < 0)
		rc = 1;
	if (rc == 0) { /* commendation proposals, no decision (service/awards.h) */
		char path[4096], cerr[512];
		snprintf(path, sizeof path, "%s/data/awards.json",
		         o->assets ? o->assets : SUOTDOI_SOURCE_DIR);
		award_catalog_t *cat = award_catalog_load(path, cerr, sizeof cerr);
		if (cat == NULL || demo_awards(st, t, cat) < 0) {
			if (cat == NULL)
				fprintf(stderr, "%s\n", cerr);
			rc = 1;
		}
		award_catalog_free(cat);
	}
	unit_tree_unref(t);
	store_close(st);
	if (rc == 0) {
		printf("Cơ sở dữ liệu trình diễn đã sẵn sàng: %s\n", o->db);
		printf("Tài khoản trình diễn (mật khẩu chung %s):\n", DEMO_PASSWORD);
		for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
			printf("  %-15s %s\n", demo_users[i].username, demo_users[i].name);
	}
	return rc;
}

static void
print_line(const char *line, void *ctx)
{
	fprintf(ctx, "%s\n", line);
}

/* suotdoi backup --to DIR | --into PARENT --keep N: the database, then the files, then the
 * manifest, while the server runs (service/backup.h). */
static int
cmd_backup(opts_t *o)
{
	char err[2048];
	if ((o->to != NULL) == (o->into != NULL) || (o->into && !o->keep) || (o->to && o->keep)) {
		fprintf(stderr, "backup: cần --to THƯ_MỤC (chưa có hoặc trống), hoặc --into "
		                "THƯ_MỤC_CHA --keep N.\n");
		return 2;
	}
	backup_summary_t s;
	const char *files = app_files_prefix(o->db, o->files);
	backup_rc_t rc = o->to ? backup_make(o->db, files, o->to, &s, err, sizeof err)
	                       : backup_into(o->db, files, o->into, o->keep, &s, err, sizeof err);
	if (rc != BACKUP_OK && !(o->into && s.files > 0)) {
		fprintf(stderr, "backup: %s\n", err);
		return 1;
	}
	printf("Đã sao lưu %s vào %s: cơ sở dữ liệu %s (phiên bản cấu trúc %d) và %zu tệp, "
	       "tổng %zu tệp, %.1f MB, trong %.1f giây; %s.\n",
	       o->db, s.dir, s.db_kind, s.schema, s.user_files, s.files, (double)s.bytes / 1e6,
	       s.seconds, strcmp(s.db_kind, "sqlite") ? "pg_dump: xong" : "kiểm tra toàn vẹn: ổn");
	if (o->into)
		printf("Đã xóa %zu bản sao lưu cũ (giữ %d bản mới nhất).\n", s.removed, o->keep);
	if (rc != BACKUP_OK) { /* made, but an old one could not be removed */
		fprintf(stderr, "backup: %s\n", err);
		return 1;
	}
	return 0;
}

/* suotdoi restore --from DIR --db SPEC: a backup into a new database (service/backup.h). */
static int
cmd_restore(opts_t *o)
{
	char err[2048];
	if (!o->from) {
		fprintf(stderr, "restore: cần --from THƯ_MỤC_SAO_LƯU và --db ĐÍCH.\n");
		return 2;
	}
	backup_summary_t s;
	backup_rc_t rc = backup_restore(o->from, o->db, app_files_prefix(o->db, o->files), &s, err,
	                                sizeof err);
	if (rc != BACKUP_OK) {
		fprintf(stderr, "restore: %s\n", err);
		return 1;
	}
	printf("Đã khôi phục %s vào %s: cơ sở dữ liệu %s (phiên bản cấu trúc %d, nay %d) và %zu "
	       "tệp, %.1f MB, trong %.1f giây; mọi tổng kiểm tra khớp.\n",
	       s.dir, o->db, s.db_kind, s.schema, s.schema_now, s.user_files, (double)s.bytes / 1e6,
	       s.seconds);
	return 0;
}

static int
cmd_migrate(opts_t *o)
{
	char err[1024];
	store_t *st;
	if (o->from || o->to) {
		if (!o->from || !o->to) {
			fprintf(stderr, "migrate: cần cả --from sqlite:ĐƯỜNG_DẪN và --to ĐÍCH.\n");
			return 2;
		}
		if (store_copy(o->from, o->to, print_line, stdout, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		return 0;
	}
	if (store_open(o->db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	int applied, known;
	store_schema_version(st, &applied, &known);
	printf("Cơ sở dữ liệu %s ở phiên bản %d (chương trình biết %d).\n", o->db, applied, known);
	store_close(st);
	return 0;
}

/* The mail configuration out of the effective configuration (*on 0: no mail), after the
 * checks that need the file system. The strings stay in o->eff and *password. 0, or -1
 * after a message. */
static int
serve_settings(opts_t *o, mail_config_t *mc, int *on, char **password)
{
	char err[1024];
	const serve_config_t *e = &o->eff;
	*on = 0;
	*password = NULL;
	const char *keys = conf_get(e, CONF_SIGN_KEYS, NULL, 0);
	struct stat kd;
	if (keys && (stat(keys, &kd) < 0 || !S_ISDIR(kd.st_mode))) {
		fprintf(stderr, "sign_keys (%s): không có thư mục %s.\n", e->where[CONF_SIGN_KEYS],
		        keys);
		return -1;
	}
	*mc = (mail_config_t){
	        .url = conf_get(e, CONF_SMTP_URL, NULL, 0),
	        .from = conf_get(e, CONF_MAIL_FROM, NULL, 0),
	        .user = conf_get(e, CONF_SMTP_USER, NULL, 0),
	        .ca_file = conf_get(e, CONF_SMTP_CA, NULL, 0),
	        .require_tls = conf_bool(e, CONF_SMTP_REQUIRE_TLS),
	};
	const char *pwfile = conf_get(e, CONF_SMTP_PASSWORD_FILE, NULL, 0);
	if (mc->url == NULL && mc->from == NULL)
		return 0;
	if (mc->url == NULL || mc->from == NULL) {
		fprintf(stderr, "Gửi thư cần cả smtp_url (--smtp) và mail_from (--mail-from).\n");
		return -1;
	}
	if (mail_config_check(mc, err, sizeof err) < 0 ||
	    (pwfile && serve_password_read(pwfile, password, err, sizeof err) < 0)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	mc->password = *password;
	*on = 1;
	return 0;
}

static int
cmd_serve(opts_t *o)
{
	char err[1024];
	app_t app;
	mail_config_t mc;
	char *password;
	int mail_on;
	/* SIGINT, SIGTERM and SIGHUP are for the thread in http_serve's sigwait only: blocked
	 * here, before any thread exists, so every thread inherits the mask */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (serve_settings(o, &mc, &mail_on, &password) < 0)
		return 2;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (app_open_files(&app, o->db, o->files, o->assets, err, sizeof err) < 0) {
		fprintf(stderr, "Không khởi động được: %s\n", err);
		app_close(&app);
		free(password);
		return 1;
	}
	const char *public_url = conf_get(&o->eff, CONF_PUBLIC_URL, NULL, 0);
	app.notify.base_url = public_url ? public_url : "";
	app.sign_keys = conf_get(&o->eff, CONF_SIGN_KEYS, NULL, 0);
	/* from here the app holds the configuration (o->eff's strings move with it) */
	if (app_settings_start(&app, o->config, &o->flags, &o->eff, err, sizeof err) < 0) {
		fprintf(stderr, "Cấu hình: %s\n", err);
		app_close(&app);
		free(password);
		return 2;
	}
	if (app.sign_keys)
		docs_sign_keys_check(app.sign_keys);
	if (mail_on) { /* stopped by app_close before the writer */
		app.mail = &mc;
		app.mailer = mailer_new(app.store, app.writer, &mc, err, sizeof err);
		if (app.mailer == NULL || mailer_start(app.mailer) < 0) {
			fprintf(stderr, "Không khởi động được việc gửi thư: %s\n",
			        app.mailer ? "không tạo được luồng." : err);
			app_close(&app);
			free(password);
			return 1;
		}
		app.notify.mail_on = 1;
		app.notify.wake = mailer_wake_arg;
		app.notify.wake_arg = app.mailer;
	} else
		log_info("mail: not configured (no smtp_url): notices are not e-mailed");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unit_tree_t *t = app_tree(&app);
	log_info("loaded %d units in %.0f ms", t->n,
	         (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	unit_tree_unref(t);
#ifdef __GLIBC__
	/* Big answers (a national XLSX, ~10 MB) are freed once sent. glibc would raise its
	 * mmap threshold to the largest such block freed and from then on keep buffers of that
	 * size in every worker thread's heap (measured: 80 -> 106 MB after three national
	 * exports). A fixed threshold keeps big blocks as mappings returned to the system.
	 * Set after start-up, whose allocations are faster with glibc's defaults (cold start
	 * 40-50 ms shorter: the tree build reuses the blocks it frees as it grows). */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
	app.chase_every = 300; /* the chase schedule's run (src/app/scheduler.c) */
	app.enrol_retention_days = o->enrol_retention_days;
	app_watch_start(&app);
	http_config_t cfg;
	app_http_config(&app, &cfg);
	const serve_config_t *e = &app.settings.eff;
	cfg.listen = conf_get(e, CONF_LISTEN, NULL, 0);
	cfg.threads = (unsigned)conf_int(e, CONF_THREADS);
	cfg.conn_limit = (unsigned)conf_int(e, CONF_MAX_CONNECTIONS);
	cfg.per_ip_limit = (unsigned)conf_int(e, CONF_MAX_CONNECTIONS_PER_IP);
	cfg.timeout_s = (unsigned)conf_int(e, CONF_IDLE_TIMEOUT);
	printf("suotdoi đang chạy tại http://%s/ (Ctrl+C để dừng)\n", cfg.listen);
	fflush(stdout);
	int rc = http_serve(&cfg);
	app_close(&app);
	free(password);
	log_info("stopped cleanly");
	return rc == 0 ? 0 : 1;
}

static int
cmd_gen(opts_t *o)
{
	char err[1024];
	store_t *st;
	if (store_open(o->db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	gen_opts_t g;
	gen_opts_default(&g);
	if (o->seed)
		g.seed = o->seed;
	if (o->assets)
		g.assets = o->assets;
	g.only_province = o->province;
	if (o->scale)
		g.scale = o->scale;
	gen_stats_t s;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = gen_national(st, &g, &s, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("Đã tạo %zu đơn vị hành chính, %zu cơ quan và trường học, %zu báo cáo (%zu đã nộp, "
	       "%zu bản nháp) cho đợt %lld trong %.1f giây: %s\n",
	       s.units, s.bodies, s.reports, s.submitted, s.drafts, (long long)s.campaign_id,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, o->db);
	return 0;
}

/* The actor of a command: the operator (every right), or --as USERNAME with that
 * account's roles. 0, or -1 after a message. */
typedef struct cli_actor {
	arena_t *a;
	const unit_tree_t *t;
	rep_actor_t *actor;
	size_t cap;
} cli_actor_t;

static int
cli_user_row(const store_user_t *u, void *p)
{
	cli_actor_t *c = p;
	c->actor->user_id = u->disabled ? -1 : u->id;
	c->actor->name = arena_strdup(c->a, u->username);
	return 0;
}

static int
cli_role_row(const store_role_t *r, void *p)
{
	cli_actor_t *c = p;
	role_t role;
	int32_t i = unit_tree_find_id(c->t, r->unit_id);
	if (i < 0 || role_parse(r->role, &role) < 0 || c->actor->ngrants == c->cap)
		return 0;
	((access_grant_t *)c->actor->grants)[c->actor->ngrants++] = (access_grant_t){i, role};
	return 0;
}

static int
cli_actor(store_t *st, const unit_tree_t *t, const char *as, arena_t *a, rep_actor_t *out)
{
	*out = (rep_actor_t){.name = "(dòng lệnh)", .ip = "", .operator= 1 };
	if (as == NULL)
		return 0;
	cli_actor_t c = {a, t, out, 64};
	out->operator= 0;
	out->grants = arena_alloc(a, c.cap * sizeof(access_grant_t));
	if (store_user_find(st, as, cli_user_row, &c) != 1 || out->user_id <= 0) {
		fprintf(stderr, "Không có tài khoản đang hoạt động tên \"%s\".\n", as);
		return -1;
	}
	if (store_roles_of_user(st, out->user_id, cli_role_row, &c) < 0)
		return -1;
	return 0;
}

static int
cmd_values(opts_t *o)
{
	const char *sub = o->nargs > 0 ? o->args[0] : "";
	int import = !strcmp(sub, "import");
	if ((!import && strcmp(sub, "export") != 0) || !o->campaign || (import && o->nargs != 2) ||
	    (!import && (!o->unit || o->nargs != 1))) {
		usage(stderr);
		return 2;
	}
	int64_t cid;
	if (text_parse_int(o->campaign, strlen(o->campaign), &cid) < 0 || cid <= 0) {
		fprintf(stderr, "--campaign cần số của đợt báo cáo (ví dụ 1).\n");
		return 2;
	}
	char err[8192];
	store_t *st;
	if (store_open(o->db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	unit_tree_t *t = NULL;
	arena_t a = ARENA_INIT;
	rep_live_t *live = rep_live_new(NULL, NULL);
	int rc = 1;
	char *data = NULL;
	size_t len = 0;
	rep_ctx_t cx = {.store = st, .live = live, .arena = &a, .now = (int64_t)time(NULL)};
	live_campaign_t *lc = NULL;
	int32_t day = unit_today();
	if (campaign_tree_day(st, cid, &day) < 0)
		snprintf(err, sizeof err, "Lỗi khi đọc đợt báo cáo %lld.", (long long)cid);
	else if (unit_tree_build_at(st, day, &t, err, sizeof err) == 0)
		err[0] = '\0';
	if (t == NULL) {
		fprintf(stderr, "%s\n", err);
		goto done;
	}
	cx.tree = t;
	if (cli_actor(st, t, o->as, &a, &cx.actor) < 0)
		goto done;
	rep_rc_t r = rep_live_get(live, st, t, cid, &lc);
	if (r != REP_OK) {
		fprintf(stderr,
		        r == REP_ERR_NOT_FOUND ? "Không có đợt báo cáo số %lld.\n"
		                               : "Lỗi khi đọc đợt báo cáo %lld.\n",
		        (long long)cid);
		goto done;
	}
	if (!import) {
		int32_t i = unit_tree_find_code(t, o->unit);
		if (i < 0) {
			fprintf(stderr, "Không có đơn vị mã \"%s\".\n", o->unit);
			goto done;
		}
		if (!cx.actor.operator&& !access_allowed(t, cx.actor.grants, cx.actor.ngrants,
		                                         ACT_UNIT_VIEW, i)) {
			fprintf(stderr, "Tài khoản %s không được xem số liệu của đơn vị này.\n",
			        o->as);
			goto done;
		}
		buf_t out = BUF_INIT;
		if (values_export_json(&cx, lc, i, &out) == REP_OK &&
		    fwrite(out.data, 1, out.len, stdout) == out.len)
			rc = 0;
		buf_free(&out);
		goto done;
	}
	if (file_read_all(o->args[1], MAX_IMPORT_BYTES, &data, &len, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		goto done;
	}
	vf_rows_t rows;
	if (values_parse(data, len, &a, &rows, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", o->args[1], err);
		goto done;
	}
	vi_summary_t s;
	r = values_import(&cx, lc, &rows, o->dry_run, &s);
	printf("%s\n", s.message);
	for (size_t k = 0; k < s.nconflicts; k++)
		printf("  %s %zu, đơn vị %s%s%s: %s\n", s.json ? "phần tử" : "dòng",
		       s.conflicts[k].line, s.conflicts[k].unit,
		       *s.conflicts[k].item ? ", mục " : "", s.conflicts[k].item,
		       s.conflicts[k].reason);
	if (s.conflicts_total > s.nconflicts)
		printf("  … và %zu xung đột nữa.\n", s.conflicts_total - s.nconflicts);
	/* 0 all went in, 3 some units refused (see the list), 1 the store failed */
	rc = r != REP_OK ? 1 : s.conflicts_total ? 3 : 0;
done:
	free(data);
	rep_live_free(live);
	arena_free(&a);
	unit_tree_unref(t);
	store_close(st);
	return rc;
}

int
main(int argc, char **argv)
{
	jsonin_use_our_allocator(); /* out of memory in jansson aborts in core/mem.c */
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	static const struct {
		const char *name;
		int (*fn)(opts_t *o);
	} cmds[] = {
	        {"serve", cmd_serve},     {"units", cmd_units},     {"demo", cmd_demo},
	        {"user", cmd_user},       {"gen", cmd_gen},         {"backup", cmd_backup},
	        {"restore", cmd_restore}, {"migrate", cmd_migrate}, {"values", cmd_values},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		if (strcmp(cmd, cmds[i].name) != 0)
			continue;
		opts_t o;
		int rc = 2;
		if (parse_opts(argc, argv, 2, &o) == 0 && settle_config(&o) == 0)
			rc = cmds[i].fn(&o);
		free_opts(&o);
		return rc;
	}
	fprintf(stderr, "Lệnh không tồn tại: %s\n", cmd);
	usage(stderr);
	return 2;
}
