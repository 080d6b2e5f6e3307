/* The schemas of the backends: versioned migrations, applied in order at open and recorded
 * in schema_migrations. Never edit a released one; append a new one. */
#ifndef SUOTDOI_DB_SCHEMA_H
#define SUOTDOI_DB_SCHEMA_H

struct migration {
	int version;
	const char *name;
	const char *sql;
	/* SQLite: a rebuild of a table others refer to (SQLite cannot change a CHECK in
	 * place) runs with foreign keys off, as SQLite's documented procedure requires, and
	 * commits only if foreign_key_check finds nothing */
	int rebuild;
};

/* The kinds of unit both schemas start with (SQLite's migration 1, PostgreSQL's baseline):
 * data, localities first (the registries' types), then the bodies. */
#define SCHEMA_UNIT_KINDS \
        "INSERT INTO unit_kinds(code,name,is_locality,sort) VALUES" \
        " ('quoc_gia','Quốc gia',1,10)," \
        " ('tinh','Tỉnh',1,20)," \
        " ('tp_tw','Thành phố trực thuộc Trung ương',1,21)," \
        " ('huyen','Huyện',1,30)," \
        " ('quan','Quận',1,31)," \
        " ('thi_xa','Thị xã',1,32)," \
        " ('tp_thuoc_tinh','Thành phố thuộc tỉnh',1,33)," \
        " ('xa','Xã',1,40)," \
        " ('phuong','Phường',1,41)," \
        " ('thi_tran','Thị trấn',1,42)," \
        " ('dac_khu','Đặc khu',1,43)," \
        " ('bo_gddt','Bộ Giáo dục và Đào tạo',0,100)," \
        " ('ubnd_tinh','UBND tỉnh/thành phố',0,110)," \
        " ('so_gddt','Sở Giáo dục và Đào tạo',0,120)," \
        " ('ubnd_huyen','UBND huyện/quận',0,130)," \
        " ('phong_gddt','Phòng Giáo dục và Đào tạo',0,140)," \
        " ('phong_vhtt','Phòng Văn hóa và Thông tin',0,150)," \
        " ('tt_vhttt','Trung tâm Văn hóa - Thông tin và Thể thao',0,160)," \
        " ('ubnd_xa','UBND xã/phường/thị trấn',0,170)," \
        " ('tthtcd','Trung tâm học tập cộng đồng',0,180)," \
        " ('tt_gdnn_gdtx','Trung tâm GDNN-GDTX',0,190)," \
        " ('truong_mn','Trường mầm non',0,200)," \
        " ('truong_th','Trường tiểu học',0,210)," \
        " ('truong_thcs','Trường trung học cơ sở',0,220)," \
        " ('truong_thpt','Trường trung học phổ thông',0,230)," \
        " ('hoi_khuyen_hoc','Hội Khuyến học',0,240)," \
        " ('thu_vien','Thư viện',0,250);"

extern const struct migration sqlite_migrations[];
extern const int sqlite_nmigrations;

/* PostgreSQL's (schema_pg.c): it starts at 20, the SQLite schema after its migration 20.
 * A later change is one migration in EACH array with the SAME version number, so that a
 * database of either backend at version N has the same tables. */
extern const struct migration pg_migrations[];
extern const int pg_nmigrations;

#endif
