/* The SQLite schema: the migrations store_sqlite.c applies at open, in order. */
#include "db/schema.h"

/* Each migration runs in its own transaction and is recorded; never edit a released
 * one, append a new one. A migration that rebuilds a table others refer to (SQLite cannot
 * change a CHECK in place) sets rebuild: it runs with foreign keys off, as SQLite's
 * documented procedure requires, and commits only if foreign_key_check finds nothing. */
const struct migration sqlite_migrations[] = {
        {1, "unit registry",
         "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
         "INSERT INTO meta VALUES('units_generation', 1);"
         "CREATE TABLE unit_kinds("
         " code TEXT PRIMARY KEY,"
         " name TEXT NOT NULL,"
         " is_locality INTEGER NOT NULL DEFAULT 0 CHECK(is_locality IN (0,1)),"
         " sort INTEGER NOT NULL DEFAULT 0);"
         "CREATE TABLE units("
         " id INTEGER PRIMARY KEY,"
         " code TEXT NOT NULL UNIQUE,"
         " name TEXT NOT NULL CHECK(length(name) > 0),"
         " kind TEXT NOT NULL REFERENCES unit_kinds(code),"
         " parent_id INTEGER REFERENCES units(id),"
         " locality_code TEXT NOT NULL DEFAULT '',"
         " email TEXT NOT NULL DEFAULT '',"
         " phone TEXT NOT NULL DEFAULT '',"
         " active INTEGER NOT NULL DEFAULT 1 CHECK(active IN (0,1)),"
         " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
         " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
         "CREATE INDEX units_parent ON units(parent_id);"
         SCHEMA_UNIT_KINDS
         /* The single national root every province hangs from. */
         "INSERT INTO units(code,name,kind,parent_id) VALUES('VN','Việt Nam','quoc_gia',NULL);",
         0},
        {2, "accounts and audit",
         "CREATE TABLE users("
         " id INTEGER PRIMARY KEY,"
         " username TEXT NOT NULL UNIQUE,"
         " full_name TEXT NOT NULL DEFAULT '',"
         " email TEXT NOT NULL DEFAULT '',"
         " password_hash TEXT NOT NULL,"
         " must_change_password INTEGER NOT NULL DEFAULT 0 CHECK(must_change_password IN (0,1)),"
         " disabled INTEGER NOT NULL DEFAULT 0 CHECK(disabled IN (0,1)),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id));"
         "CREATE TABLE user_roles("
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " role TEXT NOT NULL CHECK(role IN ('admin','head','entry','overseer','viewer')),"
         " granted_by INTEGER REFERENCES users(id),"
         " granted_at INTEGER NOT NULL,"
         " PRIMARY KEY(user_id, unit_id, role));"
         "CREATE INDEX user_roles_unit ON user_roles(unit_id);"
         "CREATE TABLE sessions("
         " id INTEGER PRIMARY KEY,"
         " token_hash BLOB NOT NULL UNIQUE,"
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " csrf TEXT NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " last_seen_at INTEGER NOT NULL,"
         " ip TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX sessions_user ON sessions(user_id);"
         "CREATE TABLE api_tokens("
         " id INTEGER PRIMARY KEY,"
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " name TEXT NOT NULL,"
         " token_hash BLOB NOT NULL UNIQUE,"
         " prefix TEXT NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " last_used_at INTEGER,"
         " revoked_at INTEGER);"
         "CREATE INDEX api_tokens_user ON api_tokens(user_id);"
         "CREATE TABLE audit_log("
         " id INTEGER PRIMARY KEY,"
         " at INTEGER NOT NULL,"
         " actor_id INTEGER,"
         " actor_name TEXT NOT NULL DEFAULT '',"
         " unit_id INTEGER,"
         " unit_path TEXT NOT NULL,"
         " action TEXT NOT NULL,"
         " target TEXT NOT NULL DEFAULT '',"
         " old_value TEXT NOT NULL DEFAULT '',"
         " new_value TEXT NOT NULL DEFAULT '',"
         " ip TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX audit_path ON audit_log(unit_path, id);"
         /* Append-only, enforced by the database: no code path can rewrite history,
          * whatever a handler gets wrong. */
         "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
         " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
         "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
         " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
         0},
        {3, "reporting loop",
         "CREATE TABLE templates("
         " id INTEGER PRIMARY KEY,"
         " code TEXT NOT NULL UNIQUE,"
         " name TEXT NOT NULL,"
         " year INTEGER NOT NULL,"
         " json TEXT NOT NULL,"
         " created_at INTEGER NOT NULL);"
         "CREATE TABLE campaigns("
         " id INTEGER PRIMARY KEY,"
         " issuer_unit_id INTEGER NOT NULL REFERENCES units(id),"
         " parent_id INTEGER REFERENCES campaigns(id),"
         " template_id INTEGER NOT NULL REFERENCES templates(id),"
         " year INTEGER NOT NULL,"
         " name TEXT NOT NULL,"
         " theme TEXT NOT NULL DEFAULT '',"
         " start_date INTEGER NOT NULL DEFAULT 0,"
         " end_date INTEGER NOT NULL DEFAULT 0,"
         " registration_deadline INTEGER NOT NULL DEFAULT 0,"
         " opening_time TEXT NOT NULL DEFAULT '',"
         " opening_place TEXT NOT NULL DEFAULT '',"
         " opening_participants TEXT NOT NULL DEFAULT '',"
         " status TEXT NOT NULL CHECK(status IN ('draft','open','closed')),"
         " expected_kinds TEXT NOT NULL DEFAULT '',"
         " deadlines TEXT NOT NULL DEFAULT '',"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id));"
         /* UNIQUE(campaign_id, unit_id) is also the index store_reports_of_campaign
          * walks in unit order. */
         "CREATE TABLE reports("
         " id INTEGER PRIMARY KEY,"
         " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " status TEXT NOT NULL CHECK(status IN ('draft','submitted','returned','approved')),"
         " version INTEGER NOT NULL CHECK(version > 0),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER,"
         " on_behalf INTEGER NOT NULL DEFAULT 0 CHECK(on_behalf IN (0,1)),"
         " submitted_at INTEGER NOT NULL DEFAULT 0,"
         " submitted_by INTEGER,"
         " reviewed_at INTEGER NOT NULL DEFAULT 0,"
         " reviewed_by INTEGER,"
         " comment TEXT NOT NULL DEFAULT '',"
         " UNIQUE(campaign_id, unit_id));"
         /* Covering index for store_values_of_campaign (campaign, unit order, and the
          * rowid and status it needs): the start-up roll-up of ~70,000 reports never
          * touches the reports table itself. */
         "CREATE INDEX reports_rollup ON reports(campaign_id, unit_id, status);"
         /* Clustered on (report_id, item): a report's values are one contiguous range,
          * read in item order. store_values_of_campaign needs only has_num = 1 rows and
          * filters them inside that range; nearly every value is numeric, so a partial
          * index would copy almost the whole table for no gain. */
         "CREATE TABLE report_values("
         " report_id INTEGER NOT NULL REFERENCES reports(id),"
         " item TEXT NOT NULL,"
         " has_num INTEGER NOT NULL CHECK(has_num IN (0,1)),"
         " num INTEGER NOT NULL DEFAULT 0,"
         " text TEXT NOT NULL DEFAULT '',"
         " PRIMARY KEY(report_id, item)) WITHOUT ROWID;"
         "CREATE TABLE report_frozen("
         " report_id INTEGER NOT NULL REFERENCES reports(id),"
         " item TEXT NOT NULL,"
         " has_num INTEGER NOT NULL CHECK(has_num IN (0,1)),"
         " num INTEGER NOT NULL DEFAULT 0,"
         " text TEXT NOT NULL DEFAULT '',"
         " frozen_at INTEGER NOT NULL,"
         " PRIMARY KEY(report_id, item)) WITHOUT ROWID;"
         "CREATE TABLE report_events("
         " id INTEGER PRIMARY KEY,"
         " report_id INTEGER NOT NULL REFERENCES reports(id),"
         " at INTEGER NOT NULL,"
         " user_id INTEGER,"
         " action TEXT NOT NULL,"
         " comment TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX report_events_report ON report_events(report_id);"
         "CREATE TABLE reminders("
         " id INTEGER PRIMARY KEY,"
         " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " at INTEGER NOT NULL,"
         " \"by\" INTEGER,"
         " note TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX reminders_campaign ON reminders(campaign_id, at);",
         0},
        {4, "report photos",
         /* re-encoded JPEGs (src/media/photo.c): ~100-300 KB each, kept with the report so
          * one backup file holds everything */
         "CREATE TABLE report_photos("
         " id INTEGER PRIMARY KEY,"
         " report_id INTEGER NOT NULL REFERENCES reports(id),"
         " caption TEXT NOT NULL DEFAULT '',"
         " width INTEGER NOT NULL,"
         " height INTEGER NOT NULL,"
         " full BLOB NOT NULL,"
         " thumb BLOB NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER);"
         "CREATE INDEX report_photos_report ON report_photos(report_id, id);",
         0},
        {5, "documents and activities",
         /* A document is a draft (number 0) until published; publishing gives it the
          * issuer's next number of the year, which the partial unique index guards:
          * two publications can never share a number, whatever a caller races. */
         "CREATE TABLE documents("
         " id INTEGER PRIMARY KEY,"
         " issuer_unit_id INTEGER NOT NULL REFERENCES units(id),"
         " campaign_id INTEGER REFERENCES campaigns(id),"
         " derived_from INTEGER REFERENCES documents(id),"
         " kind TEXT NOT NULL CHECK(kind IN ('cv','kh','bc','qd')),"
         " status TEXT NOT NULL CHECK(status IN ('draft','published')),"
         " is_public INTEGER NOT NULL DEFAULT 0 CHECK(is_public IN (0,1)),"
         " year INTEGER NOT NULL,"
         " number INTEGER NOT NULL DEFAULT 0 CHECK(number >= 0),"
         " doc_date INTEGER NOT NULL DEFAULT 0,"
         " subject TEXT NOT NULL DEFAULT '',"
         " json TEXT NOT NULL,"
         " version INTEGER NOT NULL CHECK(version > 0),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER REFERENCES users(id),"
         " published_at INTEGER NOT NULL DEFAULT 0,"
         " published_by INTEGER REFERENCES users(id),"
         " CHECK((status = 'draft') = (number = 0)));"
         /* also the index the next-number query reads (its WHERE implies number > 0) */
         "CREATE UNIQUE INDEX documents_number ON documents(issuer_unit_id, year, number)"
         " WHERE number > 0;"
         /* the issuer's listing, in its order (store_docs_of_issuer) */
         "CREATE INDEX documents_issuer ON documents(issuer_unit_id,"
         " coalesce(nullif(published_at, 0), updated_at), id);"
         "CREATE INDEX documents_derived ON documents(derived_from);"
         "CREATE TABLE doc_recipients("
         " doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " read_at INTEGER NOT NULL DEFAULT 0,"
         " read_by INTEGER REFERENCES users(id),"
         " PRIMARY KEY(doc_id, unit_id)) WITHOUT ROWID;"
         "CREATE INDEX doc_recipients_unit ON doc_recipients(unit_id);"
         "CREATE TABLE doc_tasks("
         " id INTEGER PRIMARY KEY,"
         " doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " duty INTEGER NOT NULL CHECK(duty >= 0),"
         " role TEXT NOT NULL CHECK(role IN ('chu_tri','phoi_hop')),"
         " task TEXT NOT NULL DEFAULT '',"
         " due_date INTEGER NOT NULL DEFAULT 0,"
         " done_at INTEGER NOT NULL DEFAULT 0,"
         " done_by INTEGER REFERENCES users(id),"
         " note TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX doc_tasks_doc ON doc_tasks(doc_id, duty, unit_id);"
         "CREATE INDEX doc_tasks_unit ON doc_tasks(unit_id);"
         /* unit_path ("/VN/31/306/") is copied from the unit so a subtree is one range
          * of an index, as in audit_log. expected/actual: -1 = not given. */
         "CREATE TABLE activities("
         " id INTEGER PRIMARY KEY,"
         " campaign_id INTEGER REFERENCES campaigns(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " kind TEXT NOT NULL,"
         " title TEXT NOT NULL,"
         " description TEXT NOT NULL DEFAULT '',"
         " start_at INTEGER NOT NULL,"
         " end_at INTEGER NOT NULL,"
         " place TEXT NOT NULL DEFAULT '',"
         " mode TEXT NOT NULL CHECK(mode IN ('truc_tiep','truc_tuyen','ket_hop')),"
         " link TEXT NOT NULL DEFAULT '',"
         " audience TEXT NOT NULL DEFAULT '',"
         " expected INTEGER NOT NULL DEFAULT -1 CHECK(expected >= -1),"
         " is_public INTEGER NOT NULL DEFAULT 0 CHECK(is_public IN (0,1)),"
         " late INTEGER NOT NULL DEFAULT 0 CHECK(late IN (0,1)),"
         " status TEXT NOT NULL CHECK(status IN ('planned','held','cancelled')),"
         " actual INTEGER NOT NULL DEFAULT -1 CHECK(actual >= -1),"
         " outcome TEXT NOT NULL DEFAULT '',"
         " version INTEGER NOT NULL CHECK(version > 0),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER REFERENCES users(id),"
         " CHECK(end_at >= start_at));"
         "CREATE INDEX activities_start ON activities(start_at);"
         "CREATE INDEX activities_path ON activities(unit_path, start_at);"
         "CREATE INDEX activities_campaign ON activities(campaign_id, unit_id);"
         "CREATE TABLE activity_photos("
         " id INTEGER PRIMARY KEY,"
         " activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,"
         " caption TEXT NOT NULL DEFAULT '',"
         " width INTEGER NOT NULL,"
         " height INTEGER NOT NULL,"
         " full BLOB NOT NULL,"
         " thumb BLOB NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER);"
         "CREATE INDEX activity_photos_activity ON activity_photos(activity_id, id);",
         0},
        /* The reporting service's state machine has "reopened" (an approved report the
         * level above opened again for changes); migration 3's CHECK refused it, so every
         * reopen failed in the store. The table is rebuilt with the same columns, rows
         * and ids; report_values, report_frozen, report_events and report_photos refer to
         * it by name and keep pointing at it. */
        {6, "reopened reports",
         "CREATE TABLE reports_new("
         " id INTEGER PRIMARY KEY,"
         " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " status TEXT NOT NULL"
         "  CHECK(status IN ('draft','submitted','returned','approved','reopened')),"
         " version INTEGER NOT NULL CHECK(version > 0),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER,"
         " on_behalf INTEGER NOT NULL DEFAULT 0 CHECK(on_behalf IN (0,1)),"
         " submitted_at INTEGER NOT NULL DEFAULT 0,"
         " submitted_by INTEGER,"
         " reviewed_at INTEGER NOT NULL DEFAULT 0,"
         " reviewed_by INTEGER,"
         " comment TEXT NOT NULL DEFAULT '',"
         " UNIQUE(campaign_id, unit_id));"
         "INSERT INTO reports_new(id,campaign_id,unit_id,status,version,updated_at,updated_by,"
         " on_behalf,submitted_at,submitted_by,reviewed_at,reviewed_by,comment)"
         " SELECT id,campaign_id,unit_id,status,version,updated_at,updated_by,on_behalf,"
         " submitted_at,submitted_by,reviewed_at,reviewed_by,comment FROM reports;"
         "DROP TABLE reports;"
         "ALTER TABLE reports_new RENAME TO reports;"
         "CREATE INDEX reports_rollup ON reports(campaign_id, unit_id, status);",
         1},
        /* The registry through time (docs/data-model.md): a unit is valid from valid_from
         * to valid_to, days since 1970-01-01, both inclusive (0 = since always,
         * 2147483647 = open-ended), so a GSO code may name another unit after a merger:
         * a code is unique per valid_from, and the domain layer keeps one code's units
         * from overlapping. unit_placements keeps where a unit sat before it moved (its
         * parent until valid_to); units.parent_id is its placement after the last one.
         * unit_lineage: the new unit formed from the old one, wholly or in part. */
        {7, "registry through time",
         "CREATE TABLE units_new("
         " id INTEGER PRIMARY KEY,"
         " code TEXT NOT NULL,"
         " name TEXT NOT NULL CHECK(length(name) > 0),"
         " kind TEXT NOT NULL REFERENCES unit_kinds(code),"
         " parent_id INTEGER REFERENCES units_new(id),"
         " locality_code TEXT NOT NULL DEFAULT '',"
         " email TEXT NOT NULL DEFAULT '',"
         " phone TEXT NOT NULL DEFAULT '',"
         " active INTEGER NOT NULL DEFAULT 1 CHECK(active IN (0,1)),"
         " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
         " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
         " valid_from INTEGER NOT NULL DEFAULT 0 CHECK(valid_from >= 0),"
         " valid_to INTEGER NOT NULL DEFAULT 2147483647,"
         " CHECK(valid_to >= valid_from),"
         " UNIQUE(code, valid_from));"
         "INSERT INTO units_new(id,code,name,kind,parent_id,locality_code,email,phone,active,"
         " created_at,updated_at)"
         " SELECT id,code,name,kind,parent_id,locality_code,email,phone,active,created_at,"
         " updated_at FROM units;"
         "DROP TABLE units;"
         "ALTER TABLE units_new RENAME TO units;"
         "CREATE INDEX units_parent ON units(parent_id);"
         "CREATE TABLE unit_placements("
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " valid_to INTEGER NOT NULL,"
         " parent_id INTEGER NOT NULL REFERENCES units(id),"
         " PRIMARY KEY(unit_id, valid_to)) WITHOUT ROWID;"
         "CREATE TABLE unit_lineage("
         " new_id INTEGER NOT NULL REFERENCES units(id),"
         " old_id INTEGER NOT NULL REFERENCES units(id),"
         " kind TEXT NOT NULL CHECK(kind IN ('full','partial')),"
         " CHECK(new_id <> old_id),"
         " PRIMARY KEY(new_id, old_id)) WITHOUT ROWID;"
         "CREATE INDEX unit_lineage_old ON unit_lineage(old_id);"
         "CREATE TABLE registry_imports("
         " id INTEGER PRIMARY KEY,"
         " as_of INTEGER NOT NULL,"
         " at INTEGER NOT NULL,"
         " \"by\" INTEGER REFERENCES users(id),"
         " source TEXT NOT NULL DEFAULT '',"
         " summary TEXT NOT NULL DEFAULT '');",
         1},
        /* A registry upload between its preview and its confirmation (the admin page works
         * without JavaScript: the files are sent once, kept here, applied by id). */
        {8, "registry uploads",
         "CREATE TABLE registry_uploads("
         " id INTEGER PRIMARY KEY,"
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " created_at INTEGER NOT NULL,"
         " as_of INTEGER NOT NULL,"
         " generation INTEGER NOT NULL,"
         " units_name TEXT NOT NULL DEFAULT '',"
         " units BLOB NOT NULL,"
         " merges_name TEXT NOT NULL DEFAULT '',"
         " merges BLOB);",
         0},
        /* Notifications: a notice per event (to a unit or a user) written in the event's
         * own transaction, an outbox row per e-mail address, a row per delivery attempt;
         * reminders learn their kind, schedule rule, notice and channels; a campaign's chase
         * schedule (docs/data-model.md, "Notifications"). */
        {9, "notices, outbox, chase schedule",
         "CREATE TABLE notices("
         " id INTEGER PRIMARY KEY,"
         " at INTEGER NOT NULL,"
         " kind TEXT NOT NULL,"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " user_id INTEGER REFERENCES users(id),"
         " campaign_id INTEGER REFERENCES campaigns(id),"
         " about_unit_id INTEGER REFERENCES units(id),"
         " \"by\" INTEGER," /* who caused it: informational, like reports.updated_by */
         " title TEXT NOT NULL,"
         " body TEXT NOT NULL DEFAULT '',"
         " link TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX notices_unit ON notices(unit_id, id);"
         "CREATE INDEX notices_user ON notices(user_id, id) WHERE user_id IS NOT NULL;"
         "CREATE TABLE notice_reads("
         " notice_id INTEGER NOT NULL REFERENCES notices(id),"
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " at INTEGER NOT NULL,"
         " PRIMARY KEY(user_id, notice_id)) WITHOUT ROWID;"
         "CREATE TABLE outbox("
         " id INTEGER PRIMARY KEY,"
         " notice_id INTEGER REFERENCES notices(id),"
         " recipient TEXT NOT NULL,"
         " subject TEXT NOT NULL,"
         " body_text TEXT NOT NULL,"
         " body_html TEXT NOT NULL DEFAULT '',"
         " status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','sent','failed')),"
         " attempts INTEGER NOT NULL DEFAULT 0,"
         " created_at INTEGER NOT NULL,"
         " next_at INTEGER NOT NULL,"
         " sent_at INTEGER NOT NULL DEFAULT 0,"
         " last_error TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX outbox_due ON outbox(next_at) WHERE status='pending';"
         "CREATE INDEX outbox_notice ON outbox(notice_id);"
         "CREATE TABLE deliveries("
         " id INTEGER PRIMARY KEY,"
         " mail_id INTEGER NOT NULL REFERENCES outbox(id),"
         " at INTEGER NOT NULL,"
         " ok INTEGER NOT NULL CHECK(ok IN (0,1)),"
         " detail TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX deliveries_mail ON deliveries(mail_id);"
         "ALTER TABLE reminders ADD COLUMN kind TEXT NOT NULL DEFAULT 'manual'"
         " CHECK(kind IN ('manual','all','auto','escalate'));"
         "ALTER TABLE reminders ADD COLUMN rule TEXT NOT NULL DEFAULT '';"
         "ALTER TABLE reminders ADD COLUMN notice_id INTEGER REFERENCES notices(id);"
         "ALTER TABLE reminders ADD COLUMN channels TEXT NOT NULL DEFAULT 'app';"
         "CREATE UNIQUE INDEX reminders_once ON reminders(campaign_id, unit_id, kind, rule)"
         " WHERE kind IN ('auto','escalate');"
         "CREATE TABLE campaign_chase("
         " campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id),"
         " remind_days TEXT NOT NULL,"
         " escalate_days INTEGER NOT NULL,"
         " automatic INTEGER NOT NULL CHECK(automatic IN (0,1)));",
         0},
        /* A note on every value (the seed form's "Ghi chú"): the unit's own words beside a
         * figure; a row may now hold a note alone (has_num 0, text '', e.g. "không tổ
         * chức" on a count left empty). Frozen figures carry no note. */
        {10, "value notes", "ALTER TABLE report_values ADD COLUMN note TEXT NOT NULL DEFAULT '';",
         0},
        /* A published document's digitally signed PDF, kept byte for byte as issued: the
         * signature covers these bytes, so they are served, never rendered again
         * (docs/documents.md, "Chữ ký số"). One signature per document. */
        {11, "signed documents",
         "CREATE TABLE doc_signed("
         " doc_id INTEGER PRIMARY KEY REFERENCES documents(id),"
         " pdf BLOB NOT NULL,"
         " sha256 TEXT NOT NULL,"
         " signer TEXT NOT NULL DEFAULT '',"
         " signed_at INTEGER NOT NULL,"
         " signed_by INTEGER REFERENCES users(id));",
         0},
        /* What a Word import recognised and what it did not, kept with the draft it made so
         * the review page can be opened again (and reloaded) after the upload's redirect
         * (docs/documents.md, "Nhập văn bản từ Word"). */
        {12, "the review of imported drafts",
         "CREATE TABLE doc_imports("
         " doc_id INTEGER PRIMARY KEY REFERENCES documents(id),"
         " at INTEGER NOT NULL,"
         " \"by\" INTEGER REFERENCES users(id),"
         " review TEXT NOT NULL);",
         0},
        /* A phone's own key for an activity it registered offline (docs/activities.md,
         * "Không có mạng"): the same registration sent again after a lost answer finds
         * the first one instead of making a second. Unique per user who created it. */
        {13, "activity client ids",
         "ALTER TABLE activities ADD COLUMN client_id TEXT;"
         "CREATE UNIQUE INDEX activities_client ON activities(created_by, client_id)"
         " WHERE client_id IS NOT NULL;",
         0},
        /* Class enrolment (docs/activities.md, "Đăng ký học"): a class's settings beside
         * the activity (a table of its own, so activities' rows and API stay as they are),
         * and the citizens' enrolments. name/phone/note are emptied (purged_at set) a set
         * time after the class ends; the rows and their status stay for the counts. */
        {14, "class enrolment",
         "CREATE TABLE enrol_settings("
         " activity_id INTEGER PRIMARY KEY REFERENCES activities(id),"
         " open INTEGER NOT NULL CHECK(open IN (0,1)),"
         " fee INTEGER NOT NULL DEFAULT 0 CHECK(fee >= 0),"
         " capacity INTEGER NOT NULL CHECK(capacity > 0),"
         " deadline INTEGER NOT NULL DEFAULT 0,"
         " contact_name TEXT NOT NULL DEFAULT '',"
         " contact_phone TEXT NOT NULL DEFAULT '',"
         " contact_email TEXT NOT NULL DEFAULT '');"
         "CREATE TABLE enrolments("
         " id INTEGER PRIMARY KEY,"
         " activity_id INTEGER NOT NULL REFERENCES activities(id),"
         " code TEXT NOT NULL UNIQUE,"
         " name TEXT NOT NULL,"
         " phone TEXT NOT NULL,"
         " birth_year INTEGER NOT NULL DEFAULT 0,"
         " note TEXT NOT NULL DEFAULT '',"
         " status TEXT NOT NULL CHECK(status IN ('enrolled','waiting','cancelled')),"
         " attended INTEGER NOT NULL DEFAULT 0 CHECK(attended IN (0,1)),"
         " created_at INTEGER NOT NULL,"
         " changed_at INTEGER NOT NULL,"
         " promoted_at INTEGER NOT NULL DEFAULT 0,"
         " purged_at INTEGER NOT NULL DEFAULT 0);"
         "CREATE INDEX enrolments_activity ON enrolments(activity_id, id);"
         "CREATE INDEX enrolments_phone ON enrolments(phone, created_at);",
         0},
        /* Open learning resources (học liệu mở, docs/resources.md): a unit publishes a file
         * or a link; fold is the search text (title + description without diacritics).
         * The bytes live in their own table so listing never reads them. */
        {15, "open learning resources",
         "CREATE TABLE resources("
         " id INTEGER PRIMARY KEY,"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " campaign_id INTEGER REFERENCES campaigns(id),"
         " title TEXT NOT NULL,"
         " description TEXT NOT NULL DEFAULT '',"
         " topic TEXT NOT NULL,"
         " audience TEXT NOT NULL,"
         " licence TEXT NOT NULL,"
         " link TEXT NOT NULL DEFAULT '',"
         " file_name TEXT NOT NULL DEFAULT '',"
         " file_type TEXT NOT NULL DEFAULT '',"
         " file_size INTEGER NOT NULL DEFAULT 0 CHECK(file_size >= 0),"
         " published_on INTEGER NOT NULL,"
         " status TEXT NOT NULL CHECK(status IN ('draft','published','withdrawn')),"
         " fold TEXT NOT NULL DEFAULT '',"
         " version INTEGER NOT NULL CHECK(version > 0),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER REFERENCES users(id),"
         " CHECK((link = '') <> (file_name = '')));"
         "CREATE INDEX resources_path ON resources(unit_path, published_on);"
         "CREATE INDEX resources_published ON resources(status, published_on);"
         "CREATE TABLE resource_files("
         " resource_id INTEGER PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,"
         " bytes BLOB NOT NULL);",
         0},
        /* Reading culture (văn hóa đọc, docs/reading.md): a unit's shelves, the book
         * ledger (the only source of holdings: never a count edited in place) and the
         * reading records. */
        {16, "reading culture",
         "CREATE TABLE reading_shelves("
         " id INTEGER PRIMARY KEY,"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " name TEXT NOT NULL CHECK(length(name) > 0),"
         " kind TEXT NOT NULL,"
         " books_start INTEGER NOT NULL CHECK(books_start >= 0),"
         " opened_on INTEGER NOT NULL,"
         " closed_on INTEGER NOT NULL DEFAULT 0,"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id));"
         "CREATE INDEX reading_shelves_path ON reading_shelves(unit_path);"
         "CREATE TABLE book_moves("
         " id INTEGER PRIMARY KEY,"
         " kind TEXT NOT NULL CHECK(kind IN ('add','move','withdraw')),"
         " day INTEGER NOT NULL,"
         " shelf_id INTEGER NOT NULL REFERENCES reading_shelves(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " to_shelf_id INTEGER REFERENCES reading_shelves(id),"
         " to_unit_id INTEGER REFERENCES units(id),"
         " to_path TEXT NOT NULL DEFAULT '',"
         " count INTEGER NOT NULL CHECK(count > 0),"
         " note TEXT NOT NULL DEFAULT '',"
         " received_on INTEGER NOT NULL DEFAULT 0,"
         " received_by INTEGER REFERENCES users(id),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id),"
         " CHECK((kind = 'move') = (to_shelf_id IS NOT NULL)),"
         " CHECK(to_shelf_id IS NULL OR to_shelf_id <> shelf_id));"
         "CREATE INDEX book_moves_shelf ON book_moves(shelf_id);"
         "CREATE INDEX book_moves_to ON book_moves(to_shelf_id);"
         "CREATE INDEX book_moves_path ON book_moves(unit_path, day);"
         "CREATE INDEX book_moves_to_unit ON book_moves(to_unit_id);"
         "CREATE TABLE reading_logs("
         " id INTEGER PRIMARY KEY,"
         " shelf_id INTEGER NOT NULL REFERENCES reading_shelves(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " day INTEGER NOT NULL,"
         " channel TEXT NOT NULL CHECK(channel IN ('tai_cho','muon_ve','truc_tuyen')),"
         " readers INTEGER NOT NULL CHECK(readers >= 0),"
         " loans INTEGER NOT NULL CHECK(loans >= 0),"
         " note TEXT NOT NULL DEFAULT '',"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id));"
         "CREATE INDEX reading_logs_path ON reading_logs(unit_path, day);",
         0},
        /* Contests with citizen entries (docs/contests.md): the organiser's contest, its
         * judges (user accounts), the entries citizens send without an account (their media
         * files live in the database's side directory "<db>.contest/", named here), and
         * the judges' scores. */
        {17, "contests",
         "CREATE TABLE contests("
         " id INTEGER PRIMARY KEY,"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " title TEXT NOT NULL,"
         " theme TEXT NOT NULL DEFAULT '',"
         " rules TEXT NOT NULL DEFAULT '',"
         " types TEXT NOT NULL,"
         " audio_max_bytes INTEGER NOT NULL CHECK(audio_max_bytes > 0),"
         " video_max_bytes INTEGER NOT NULL CHECK(video_max_bytes > 0),"
         " audio_max_seconds INTEGER NOT NULL CHECK(audio_max_seconds > 0),"
         " video_max_seconds INTEGER NOT NULL CHECK(video_max_seconds > 0),"
         " starts_at INTEGER NOT NULL,"
         " ends_at INTEGER NOT NULL CHECK(ends_at > starts_at),"
         " results_on INTEGER NOT NULL DEFAULT 0,"
         " status TEXT NOT NULL CHECK(status IN ('draft','published','announced')),"
         " announced_at INTEGER NOT NULL DEFAULT 0,"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER REFERENCES users(id),"
         " purged_at INTEGER NOT NULL DEFAULT 0);"
         "CREATE INDEX contests_path ON contests(unit_path, ends_at);"
         "CREATE TABLE contest_judges("
         " contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,"
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " ord INTEGER NOT NULL,"
         " PRIMARY KEY(contest_id, user_id));"
         "CREATE TABLE contest_entries("
         " id INTEGER PRIMARY KEY,"
         " contest_id INTEGER NOT NULL REFERENCES contests(id),"
         " code TEXT NOT NULL UNIQUE,"
         " status TEXT NOT NULL CHECK(status IN ('pending','approved','rejected','withdrawn')),"
         " name TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL DEFAULT '',"
         " locality TEXT NOT NULL DEFAULT '', title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '',"
         " media_kind TEXT NOT NULL DEFAULT '' CHECK(media_kind IN ('','photo','audio','video')),"
         " media_file TEXT NOT NULL DEFAULT '', media_mime TEXT NOT NULL DEFAULT '',"
         " media_info TEXT NOT NULL DEFAULT '',"
         " media_size INTEGER NOT NULL DEFAULT 0, media_ms INTEGER NOT NULL DEFAULT 0,"
         " reason TEXT NOT NULL DEFAULT '', prize TEXT NOT NULL DEFAULT '',"
         " ip TEXT NOT NULL DEFAULT '',"
         " created_at INTEGER NOT NULL, moderated_at INTEGER NOT NULL DEFAULT 0,"
         " moderated_by INTEGER NOT NULL DEFAULT 0);"
         "CREATE INDEX contest_entries_contest ON contest_entries(contest_id, status, id);"
         "CREATE INDEX contest_entries_phone ON contest_entries(phone, created_at);"
         "CREATE TABLE contest_scores("
         " entry_id INTEGER NOT NULL REFERENCES contest_entries(id) ON DELETE CASCADE,"
         " judge_id INTEGER NOT NULL REFERENCES users(id),"
         " score INTEGER NOT NULL CHECK(score BETWEEN 0 AND 100),"
         " comment TEXT NOT NULL DEFAULT '',"
         " at INTEGER NOT NULL,"
         " PRIMARY KEY(entry_id, judge_id));",
         0},
        /* Commendation (khen thưởng, docs/awards.md): candidates proposed by a unit and
         * carried up the tree level by level (at_unit_id: the unit that must act now), the
         * decisions (a Quyết định document each) whose annex lists the accepted ones, the
         * proposals' supporting files and their history. A decided proposal is an award:
         * its final form and amount are the row's; what was first proposed stays beside. */
        {18, "commendation",
         "CREATE TABLE award_decisions("
         " id INTEGER PRIMARY KEY,"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
         " document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),"
         " fund_source TEXT NOT NULL CHECK(fund_source IN ('nsnn','xhh','khac')),"
         " status TEXT NOT NULL CHECK(status IN ('draft','issued')),"
         " issued_on INTEGER NOT NULL DEFAULT 0,"
         " is_public INTEGER NOT NULL DEFAULT 1 CHECK(is_public IN (0,1)),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id));"
         "CREATE INDEX award_decisions_path ON award_decisions(unit_path, status);"
         "CREATE INDEX award_decisions_campaign ON award_decisions(campaign_id, status);"
         "CREATE TABLE award_proposals("
         " id INTEGER PRIMARY KEY,"
         " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " at_unit_id INTEGER NOT NULL REFERENCES units(id),"
         " at_path TEXT NOT NULL,"
         " status TEXT NOT NULL CHECK(status IN"
         "  ('draft','sent','returned','declined','withdrawn','in_decision','decided')),"
         " category TEXT NOT NULL,"
         " name TEXT NOT NULL CHECK(length(name) > 0),"
         " place TEXT NOT NULL DEFAULT '',"
         " achievements TEXT NOT NULL DEFAULT '',"
         " form TEXT NOT NULL,"
         " amount INTEGER NOT NULL CHECK(amount >= 0),"
         " proposed_form TEXT NOT NULL,"
         " proposed_amount INTEGER NOT NULL CHECK(proposed_amount >= 0),"
         " decision_id INTEGER REFERENCES award_decisions(id),"
         " ord INTEGER NOT NULL DEFAULT 0,"
         " version INTEGER NOT NULL CHECK(version > 0),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER REFERENCES users(id),"
         " CHECK((decision_id IS NULL) = (status NOT IN ('in_decision','decided'))));"
         "CREATE INDEX award_proposals_at ON award_proposals(at_unit_id, status, id);"
         "CREATE INDEX award_proposals_path ON award_proposals(unit_path, campaign_id);"
         "CREATE INDEX award_proposals_decision ON award_proposals(decision_id, ord);"
         "CREATE TABLE award_files("
         " id INTEGER PRIMARY KEY,"
         " proposal_id INTEGER NOT NULL REFERENCES award_proposals(id) ON DELETE CASCADE,"
         " name TEXT NOT NULL,"
         " mime TEXT NOT NULL,"
         " size INTEGER NOT NULL CHECK(size >= 0),"
         " bytes BLOB NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id));"
         "CREATE INDEX award_files_proposal ON award_files(proposal_id);"
         "CREATE TABLE award_events("
         " id INTEGER PRIMARY KEY,"
         " proposal_id INTEGER NOT NULL REFERENCES award_proposals(id) ON DELETE CASCADE,"
         " at INTEGER NOT NULL,"
         " user_id INTEGER REFERENCES users(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " action TEXT NOT NULL,"
         " comment TEXT NOT NULL DEFAULT '',"
         " detail TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX award_events_proposal ON award_events(proposal_id, id);",
         0},
        /* Budget (docs/budget.md): per campaign and unit, planned, approved and spent
         * amounts in whole dong by source and purpose; the head row carries the version
         * a form was read at. Spent on khen_thuong is never stored: it is the decided
         * awards' money. */
        {19, "budget",
         "CREATE TABLE budget_heads("
         " campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " unit_path TEXT NOT NULL,"
         " version INTEGER NOT NULL CHECK(version > 0),"
         " updated_at INTEGER NOT NULL,"
         " updated_by INTEGER REFERENCES users(id),"
         " PRIMARY KEY(campaign_id, unit_id));"
         "CREATE TABLE budget_lines("
         " campaign_id INTEGER NOT NULL,"
         " unit_id INTEGER NOT NULL,"
         " unit_path TEXT NOT NULL,"
         " source TEXT NOT NULL CHECK(source IN ('nsnn','xhh','khac')),"
         " purpose TEXT NOT NULL CHECK(purpose IN ('tuyen_truyen','lop_hoc','khen_thuong',"
         "'khac')),"
         " planned INTEGER NOT NULL CHECK(planned BETWEEN 0 AND 1000000000000),"
         " approved INTEGER NOT NULL CHECK(approved BETWEEN 0 AND 1000000000000),"
         " spent INTEGER NOT NULL CHECK(spent BETWEEN 0 AND 1000000000000),"
         " CHECK(purpose <> 'khen_thuong' OR spent = 0),"
         /* clustered by path: a subtree's lines are one range of the table */
         " PRIMARY KEY(campaign_id, unit_path, unit_id, source, purpose),"
         " FOREIGN KEY(campaign_id, unit_id) REFERENCES budget_heads(campaign_id, unit_id))"
         " WITHOUT ROWID;"
         "CREATE INDEX budget_lines_unit ON budget_lines(campaign_id, unit_id);"
         /* moves with every save: the stamp kept totals are checked against */
         "CREATE TABLE budget_changes(id INTEGER PRIMARY KEY CHECK(id = 1),"
         " n INTEGER NOT NULL);",
         0},
        /* The public awards of a unit (store_awards_public, docs/awards.md "Printing"): the
         * decisions it issued and the awards its people received, by unit id, so a unit's
         * public page never scans the nation's proposals. */
        {20, "award printing indexes",
         "CREATE INDEX award_decisions_unit ON award_decisions(unit_id, status, is_public,"
         " issued_on);"
         "CREATE INDEX award_proposals_unit ON award_proposals(unit_id, status);",
         0},
        /* The outbox's given-up mails counted by /metrics at every scrape
         * (store_mail_backlog) without reading the table: its rows hold whole e-mails. */
        {21, "outbox failed index",
         "CREATE INDEX outbox_failed ON outbox(id) WHERE status='failed';", 0},
};
const int sqlite_nmigrations = (int)(sizeof sqlite_migrations / sizeof sqlite_migrations[0]);
