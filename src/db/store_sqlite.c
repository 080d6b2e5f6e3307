/* SQLite backend of the store: one connection in WAL mode guarded by a mutex,
 * prepared statements kept for the life of the store, versioned migrations applied
 * at open and recorded in schema_migrations. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/schema.h"
#include "db/store_int.h"

#define migrations sqlite_migrations
#define NMIGRATIONS sqlite_nmigrations

enum {
	Q_KINDS,
	Q_UNITS,
	Q_GEN,
	Q_GEN_BUMP,
	Q_INSERT,
	Q_UPDATE,
	Q_SET_PARENT,
	Q_USER_INSERT,
	Q_USER_GET,
	Q_USER_FIND,
	Q_USER_UPDATE,
	Q_USER_COUNT,
	Q_ROLE_GRANT,
	Q_ROLE_REVOKE,
	Q_ROLES_USER,
	Q_ROLES_UNIT,
	Q_ROLES_ALL,
	Q_SESSION_INSERT,
	Q_SESSION_GET,
	Q_SESSION_TOUCH,
	Q_SESSION_DELETE,
	Q_SESSIONS_DELETE_USER,
	Q_SESSIONS_EXPIRE,
	Q_TOKEN_INSERT,
	Q_TOKEN_FIND,
	Q_TOKENS_USER,
	Q_TOKEN_REVOKE,
	Q_TOKEN_TOUCH,
	Q_AUDIT_APPEND,
	Q_AUDIT_LIST,
	Q_PHOTO_ADD,
	Q_PHOTOS,
	Q_PHOTO_GET,
	Q_PHOTO_DELETE,
	Q_DOC_INSERT,
	Q_DOC_UPDATE,
	Q_DOC_STATE,
	Q_DOC_NEXT_NUMBER,
	Q_DOC_NUMBER_TAKEN,
	Q_DOC_PUBLISH,
	Q_RECIPIENT_ADD,
	Q_TASK_ADD,
	Q_DOC_SET_PUBLIC,
	Q_DOC_GET,
	Q_DOCS_ISSUER,
	Q_DOCS_DERIVED,
	Q_DOCS_TO_UNIT,
	Q_DOC_RECIPIENTS,
	Q_DOC_MARK_READ,
	Q_TASKS_DOC,
	Q_TASKS_UNIT,
	Q_TASK_GET,
	Q_TASK_DONE,
	Q_ACT_INSERT,
	Q_ACT_UPDATE,
	Q_ACT_VERSION,
	Q_ACT_GET,
	Q_ACT_BY_CLIENT,
	Q_ACT_PHOTO_ADD,
	Q_ACT_PHOTOS,
	Q_ACT_PHOTO_GET,
	Q_ACT_PHOTO_DELETE,
	Q_PLACEMENTS,
	Q_PLACEMENTS_OF,
	Q_LINEAGE,
	Q_LINEAGE_OF,
	Q_REG_IMPORTS,
	Q_REG_DATE,
	Q_CODE_LAST,
	Q_UNIT_CLOSE,
	Q_SET_PARENT_AT,
	Q_PLACE_ADD,
	Q_LOCALITY_SET,
	Q_LINEAGE_PUT,
	Q_REG_LOG,
	Q_UPLOAD_PUT,
	Q_UPLOAD_GET,
	Q_UPLOAD_DELETE,
	Q_CHASE_GET,
	Q_CHASE_SET,
	Q_NOTICE_ADD,
	Q_NOTICES_FOR,
	Q_NOTICES_UNREAD,
	Q_NOTICE_GET,
	Q_NOTICE_READ_ONE,
	Q_NOTICE_READ_ALL,
	Q_MAIL_ADD,
	Q_MAILS_DUE,
	Q_MAIL_NEXT,
	Q_MAIL_OK,
	Q_MAIL_FAIL,
	Q_DELIVERY_ADD,
	Q_DELIVERIES,
	Q_MAILS_OF_NOTICE,
	Q_MAILS_RECENT,
	Q_MAIL_COUNTS,
	Q_MAIL_RETRY,
	/* signed documents */
	Q_DOC_SIGNED_PUT,
	Q_DOC_SIGNED_GET,
	Q_DOC_IMPORT_PUT,
	Q_DOC_IMPORT_GET,
	Q_COUNT
};

/* Column lists shared by the statements that fill the same struct (see read_user,
 * read_role, read_token, read_audit). 0 in C stands for NULL in the id columns. */
#define USER_COLS                                                                                  \
	"SELECT id,username,full_name,email,password_hash,must_change_password,disabled,"          \
	"created_at,coalesce(created_by,0) FROM users"
#define ROLE_COLS                                                                                  \
	"SELECT r.user_id,r.unit_id,r.role,coalesce(r.granted_by,0),r.granted_at,u.username,"      \
	"u.full_name,u.disabled FROM user_roles r JOIN users u ON u.id=r.user_id"
#define ROLE_ORDER " ORDER BY u.username,r.unit_id,r.role"
#define TOKEN_COLS                                                                                 \
	"SELECT id,user_id,name,prefix,created_at,coalesce(last_used_at,0),coalesce(revoked_at,0)" \
	" FROM api_tokens"
/* read_doc's columns, from documents aliased d (Q_DOCS_TO_UNIT joins the receipts). */
#define DOC_FIELDS                                                                                 \
	"d.id,d.issuer_unit_id,coalesce(d.campaign_id,0),coalesce(d.derived_from,0),d.kind,"       \
	"d.status,d.is_public,d.year,d.number,d.doc_date,d.subject,d.json,d.version,d.created_at," \
	"coalesce(d.created_by,0),d.updated_at,coalesce(d.updated_by,0),d.published_at,"           \
	"coalesce(d.published_by,0)"
#define DOC_COLS "SELECT " DOC_FIELDS " FROM documents d"
#define TASK_COLS                                                                                  \
	"SELECT id,doc_id,unit_id,duty,role,task,due_date,done_at,coalesce(done_by,0),note"        \
	" FROM doc_tasks"
#define ACT_COLS                                                                                   \
	"SELECT id,coalesce(campaign_id,0),unit_id,unit_path,kind,title,description,start_at,"     \
	"end_at,place,mode,link,audience,expected,is_public,late,status,actual,outcome,version,"   \
	"created_at,coalesce(created_by,0),updated_at,coalesce(updated_by,0),client_id"            \
	" FROM activities"

static const char *const queries[Q_COUNT] = {
        [Q_KINDS] = "SELECT code,name,is_locality,sort FROM unit_kinds ORDER BY sort,code",
        [Q_UNITS] = "SELECT id,code,name,kind,coalesce(parent_id,0),locality_code,email,phone,"
                    "active,valid_from,valid_to FROM units ORDER BY id",
        [Q_GEN] = "SELECT value FROM meta WHERE key='units_generation'",
        [Q_GEN_BUMP] = "UPDATE meta SET value=value+1 WHERE key='units_generation'",
        [Q_INSERT] = "INSERT INTO units(code,name,kind,locality_code,email,phone,active,"
                     "valid_from) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
        [Q_UPDATE] = "UPDATE units SET name=?2,kind=?3,locality_code=?4,email=?5,phone=?6,"
                     "active=?7,updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?1",
        /* undated imports edit the current (open-ended) units */
        [Q_SET_PARENT] = "UPDATE units SET parent_id=(SELECT id FROM units WHERE code=?2"
                         " AND valid_to=2147483647) WHERE code=?1 AND valid_to=2147483647"
                         " AND (SELECT id FROM units WHERE code=?2 AND valid_to=2147483647)"
                         " IS NOT NULL",
        [Q_PLACEMENTS] = "SELECT unit_id,valid_to,parent_id FROM unit_placements"
                         " ORDER BY unit_id,valid_to",
        [Q_PLACEMENTS_OF] = "SELECT unit_id,valid_to,parent_id FROM unit_placements"
                            " WHERE unit_id=?1 ORDER BY valid_to",
        [Q_LINEAGE] = "SELECT new_id,old_id,kind FROM unit_lineage ORDER BY new_id,old_id",
        [Q_LINEAGE_OF] = "SELECT new_id,old_id,kind FROM unit_lineage WHERE new_id=?1"
                         " UNION ALL SELECT new_id,old_id,kind FROM unit_lineage WHERE old_id=?1"
                         " ORDER BY 1,2",
        [Q_REG_IMPORTS] = "SELECT id,as_of,at,coalesce(\"by\",0),source,summary"
                          " FROM registry_imports ORDER BY id DESC",
        [Q_REG_DATE] = "SELECT coalesce(max(as_of),0) FROM registry_imports",
        [Q_CODE_LAST] = "SELECT valid_to FROM units WHERE code=?1 ORDER BY valid_from DESC"
                        " LIMIT 1",
        [Q_UNIT_CLOSE] = "UPDATE units SET valid_to=?2,"
                         "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')"
                         " WHERE id=?1 AND valid_from<=?2",
        [Q_SET_PARENT_AT] = "UPDATE units SET parent_id=(SELECT id FROM units WHERE code=?2"
                            " AND valid_from<=?3 AND valid_to>=?3),"
                            "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')"
                            " WHERE id=?1 AND (SELECT id FROM units WHERE code=?2"
                            " AND valid_from<=?3 AND valid_to>=?3) IS NOT NULL",
        [Q_PLACE_ADD] = "INSERT INTO unit_placements(unit_id,valid_to,parent_id)"
                        " SELECT id,?2,parent_id FROM units WHERE id=?1 AND parent_id IS NOT NULL"
                        " ON CONFLICT(unit_id,valid_to) DO NOTHING",
        [Q_LOCALITY_SET] = "UPDATE units SET locality_code=?2 WHERE id=?1",
        [Q_LINEAGE_PUT] = "INSERT INTO unit_lineage(new_id,old_id,kind)"
                          " SELECT id,?2,?3 FROM units WHERE code=?1 AND valid_from<=?4"
                          " AND valid_to>=?4"
                          " ON CONFLICT(new_id,old_id) DO UPDATE SET kind=excluded.kind",
        [Q_UPLOAD_PUT] = "INSERT INTO registry_uploads(user_id,created_at,as_of,generation,"
                         "units_name,units,merges_name,merges) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
        [Q_UPLOAD_GET] = "SELECT id,user_id,created_at,as_of,generation,units_name,units,"
                         "merges_name,merges FROM registry_uploads WHERE id=?1",
        [Q_UPLOAD_DELETE] = "DELETE FROM registry_uploads WHERE id=?1 OR created_at<?2",
        [Q_REG_LOG] = "INSERT INTO registry_imports(as_of,at,\"by\",source,summary)"
                      " VALUES(?1,?2,nullif(?3,0),?4,?5)",
        [Q_USER_INSERT] = "INSERT INTO users(username,full_name,email,password_hash,"
                          "must_change_password,disabled,created_at,created_by)"
                          " VALUES(?1,?2,?3,?4,?5,?6,?7,nullif(?8,0))",
        [Q_USER_GET] = USER_COLS " WHERE id=?1",
        [Q_USER_FIND] = USER_COLS " WHERE username=?1",
        [Q_USER_UPDATE] = "UPDATE users SET full_name=?2,email=?3,password_hash=?4,"
                          "must_change_password=?5,disabled=?6 WHERE id=?1",
        [Q_USER_COUNT] = "SELECT count(*) FROM users",
        /* ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: OR IGNORE would also
         * swallow a CHECK failure (an unknown role) and report it as "already held". */
        [Q_ROLE_GRANT] = "INSERT INTO user_roles(user_id,unit_id,role,granted_by,granted_at)"
                         " VALUES(?1,?2,?3,nullif(?4,0),?5)"
                         " ON CONFLICT(user_id,unit_id,role) DO NOTHING",
        [Q_ROLE_REVOKE] = "DELETE FROM user_roles WHERE user_id=?1 AND unit_id=?2 AND role=?3",
        [Q_ROLES_USER] = ROLE_COLS " WHERE r.user_id=?1" ROLE_ORDER,
        [Q_ROLES_UNIT] = ROLE_COLS " WHERE r.unit_id=?1" ROLE_ORDER,
        [Q_ROLES_ALL] = ROLE_COLS ROLE_ORDER,
        [Q_SESSION_INSERT] = "INSERT INTO sessions(token_hash,user_id,csrf,created_at,"
                             "last_seen_at,ip) VALUES(?1,?2,?3,?4,?4,?5)",
        [Q_SESSION_GET] = "SELECT id,user_id,csrf,created_at,last_seen_at FROM sessions"
                          " WHERE token_hash=?1",
        [Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen_at=?2 WHERE id=?1",
        [Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id=?1",
        [Q_SESSIONS_DELETE_USER] = "DELETE FROM sessions WHERE user_id=?1",
        [Q_SESSIONS_EXPIRE] = "DELETE FROM sessions WHERE last_seen_at<?1 OR created_at<?2",
        [Q_TOKEN_INSERT] = "INSERT INTO api_tokens(user_id,name,token_hash,prefix,created_at)"
                           " VALUES(?1,?2,?3,?4,?5)",
        [Q_TOKEN_FIND] = TOKEN_COLS " WHERE token_hash=?1 AND revoked_at IS NULL",
        [Q_TOKENS_USER] = TOKEN_COLS " WHERE user_id=?1 ORDER BY id",
        [Q_TOKEN_REVOKE] = "UPDATE api_tokens SET revoked_at=?3"
                           " WHERE id=?2 AND user_id=?1 AND revoked_at IS NULL",
        [Q_TOKEN_TOUCH] = "UPDATE api_tokens SET last_used_at=?2 WHERE id=?1",
        [Q_AUDIT_APPEND] = "INSERT INTO audit_log(at,actor_id,actor_name,unit_id,unit_path,"
                           "action,target,old_value,new_value,ip)"
                           " VALUES(?1,nullif(?2,0),?3,nullif(?4,0),?5,?6,?7,?8,?9,?10)",
        /* A range on the (unit_path, id) index, not LIKE: codes hold '_' and '.', and
         * LIKE folds case. ?2 is the prefix with its last byte incremented. */
        [Q_AUDIT_LIST] = "SELECT id,at,coalesce(actor_id,0),actor_name,coalesce(unit_id,0),"
                         "unit_path,action,target,old_value,new_value,ip FROM audit_log"
                         " WHERE unit_path>=?1 AND unit_path<?2 AND (?3=0 OR id<?3)"
                         " ORDER BY id DESC LIMIT ?4",
        [Q_CHASE_GET] = "SELECT campaign_id,remind_days,escalate_days,automatic FROM campaign_chase"
                        " WHERE campaign_id=?1",
        [Q_CHASE_SET] =
                "INSERT INTO campaign_chase(campaign_id,remind_days,escalate_days,automatic)"
                " VALUES(?1,?2,?3,?4) ON CONFLICT(campaign_id) DO UPDATE SET"
                " remind_days=excluded.remind_days,escalate_days=excluded.escalate_days,"
                "automatic=excluded.automatic",
        [Q_NOTICE_ADD] = "INSERT INTO notices(at,kind,unit_id,user_id,campaign_id,about_unit_id,"
                         "\"by\",title,body,link) VALUES(?1,?2,?3,nullif(?4,0),nullif(?5,0),"
                         "nullif(?6,0),nullif(?7,0),?8,?9,?10)",
        /* ?1 the user, ?2 a JSON array of unit ids, ?3 before id (0: none), ?4 limit,
         * ?5 unread only */
        [Q_NOTICES_FOR] = "SELECT n.id,n.at,n.kind,n.unit_id,coalesce(n.user_id,0),"
                          "coalesce(n.campaign_id,0),coalesce(n.about_unit_id,0),"
                          "coalesce(n.\"by\",0),n.title,n.body,n.link,"
                          "EXISTS(SELECT 1 FROM notice_reads r WHERE r.user_id=?1"
                          " AND r.notice_id=n.id) AS rd FROM notices n"
                          " WHERE (n.user_id=?1 OR (n.user_id IS NULL AND n.unit_id IN"
                          " (SELECT value FROM json_each(?2))))"
                          " AND (?3=0 OR n.id<?3) AND (?5=0 OR NOT EXISTS(SELECT 1 FROM"
                          " notice_reads r WHERE r.user_id=?1 AND r.notice_id=n.id))"
                          " ORDER BY n.id DESC LIMIT ?4",
        [Q_NOTICES_UNREAD] = "SELECT count(*) FROM notices n"
                             " WHERE (n.user_id=?1 OR (n.user_id IS NULL AND n.unit_id IN"
                             " (SELECT value FROM json_each(?2))))"
                             " AND NOT EXISTS(SELECT 1 FROM notice_reads r WHERE r.user_id=?1"
                             " AND r.notice_id=n.id)",
        [Q_NOTICE_GET] = "SELECT n.id,n.at,n.kind,n.unit_id,coalesce(n.user_id,0),"
                         "coalesce(n.campaign_id,0),coalesce(n.about_unit_id,0),"
                         "coalesce(n.\"by\",0),n.title,n.body,n.link,0 FROM notices n"
                         " WHERE n.id=?1",
        [Q_NOTICE_READ_ONE] = "INSERT OR IGNORE INTO notice_reads(notice_id,user_id,at)"
                              " VALUES(?2,?1,?3)",
        [Q_NOTICE_READ_ALL] = "INSERT OR IGNORE INTO notice_reads(notice_id,user_id,at)"
                              " SELECT n.id,?1,?3 FROM notices n"
                              " WHERE n.user_id=?1 OR (n.user_id IS NULL AND n.unit_id IN"
                              " (SELECT value FROM json_each(?2)))",
        [Q_MAIL_ADD] = "INSERT INTO outbox(notice_id,recipient,subject,body_text,body_html,"
                       "created_at,next_at) VALUES(nullif(?1,0),?2,?3,?4,?5,?6,?7)",
#define MAIL_COLS                                                                                  \
	"SELECT id,coalesce(notice_id,0),recipient,subject,body_text,body_html,status,attempts,"   \
	"created_at,next_at,sent_at,last_error FROM outbox"
        [Q_MAILS_DUE] = MAIL_COLS " WHERE status='pending' AND next_at<=?1"
                                  " ORDER BY next_at,id LIMIT ?2",
        [Q_MAIL_NEXT] = "SELECT coalesce(min(next_at),0) FROM outbox WHERE status='pending'",
        [Q_MAIL_OK] = "UPDATE outbox SET status='sent',attempts=attempts+1,sent_at=?2,"
                      "last_error='' WHERE id=?1 AND status='pending'",
        [Q_MAIL_FAIL] = "UPDATE outbox SET attempts=attempts+1,last_error=?2,next_at=?3,"
                        "status=CASE WHEN ?4 THEN 'failed' ELSE 'pending' END"
                        " WHERE id=?1 AND status='pending'",
        [Q_DELIVERY_ADD] = "INSERT INTO deliveries(mail_id,at,ok,detail) VALUES(?1,?2,?3,?4)",
        [Q_DELIVERIES] = "SELECT id,mail_id,at,ok,detail FROM deliveries WHERE mail_id=?1"
                         " ORDER BY id",
        [Q_MAILS_OF_NOTICE] = MAIL_COLS " WHERE notice_id=?1 ORDER BY id",
        [Q_MAILS_RECENT] = MAIL_COLS " ORDER BY id DESC LIMIT ?1",
        [Q_MAIL_RETRY] = "UPDATE outbox SET status='pending',next_at=?2 WHERE id=?1"
                         " AND status='failed'",
        [Q_MAIL_COUNTS] = "SELECT coalesce(sum(status='pending'),0),coalesce(sum(status='sent'),0),"
                          "coalesce(sum(status='failed'),0) FROM outbox",
        [Q_PHOTO_ADD] = "INSERT INTO report_photos(report_id,caption,width,height,full,thumb,"
                        "created_at,created_by) VALUES(?1,?2,?3,?4,?5,?6,?7,nullif(?8,0))",
        [Q_PHOTOS] = "SELECT id,report_id,caption,width,height,length(full),length(thumb),"
                     "created_at,coalesce(created_by,0) FROM report_photos WHERE report_id=?1"
                     " ORDER BY id",
        [Q_PHOTO_GET] = "SELECT id,report_id,caption,width,height,length(full),length(thumb),"
                        "created_at,coalesce(created_by,0),CASE WHEN ?2 THEN thumb ELSE full END"
                        " FROM report_photos WHERE id=?1",
        [Q_PHOTO_DELETE] = "DELETE FROM report_photos WHERE id=?2 AND report_id=?1",
        /* ?1 is the id (unused by the insert), ?2..?12 as bind_doc. A new document is a
         * draft at version 1 whose created_* are its updated_*. */
        [Q_DOC_INSERT] = "INSERT INTO documents(issuer_unit_id,campaign_id,derived_from,kind,"
                         "status,is_public,year,doc_date,subject,json,version,created_at,"
                         "created_by,updated_at,updated_by) VALUES(?2,nullif(?3,0),nullif(?4,0),"
                         "?5,'draft',?6,?7,?8,?9,?10,1,?11,nullif(?12,0),?11,nullif(?12,0))",
        /* Only a draft at the expected version (?13) changes; the issuer never does.
         * When nothing changed, Q_DOC_STATE tells why. */
        [Q_DOC_UPDATE] = "UPDATE documents SET campaign_id=nullif(?3,0),derived_from=nullif(?4,0),"
                         "kind=?5,is_public=?6,year=?7,doc_date=?8,subject=?9,json=?10,"
                         "updated_at=?11,updated_by=nullif(?12,0),version=version+1"
                         " WHERE id=?1 AND version=?13 AND status='draft'",
        [Q_DOC_STATE] = "SELECT status,version,issuer_unit_id FROM documents WHERE id=?1",
        /* Reads the partial unique index documents_number (number>0 matches its WHERE). */
        [Q_DOC_NUMBER_TAKEN] = "SELECT count(*) FROM documents"
                               " WHERE issuer_unit_id=?1 AND year=?2 AND number=?3",
        [Q_DOC_NEXT_NUMBER] = "SELECT coalesce(max(number),0)+1 FROM documents"
                              " WHERE issuer_unit_id=?1 AND year=?2 AND number>0",
        [Q_DOC_PUBLISH] = "UPDATE documents SET status='published',number=?2,year=?3,"
                          "doc_date=?4,json=?5,published_at=?6,published_by=nullif(?7,0),"
                          "updated_at=?6,updated_by=nullif(?7,0),version=version+1"
                          " WHERE id=?1 AND version=?8 AND status='draft'",
        /* DO NOTHING, not OR IGNORE: an unknown unit (foreign key) must still fail. */
        [Q_RECIPIENT_ADD] = "INSERT INTO doc_recipients(doc_id,unit_id) VALUES(?1,?2)"
                            " ON CONFLICT(doc_id,unit_id) DO NOTHING",
        [Q_TASK_ADD] = "INSERT INTO doc_tasks(doc_id,unit_id,duty,role,task,due_date)"
                       " VALUES(?1,?2,?3,?4,?5,?6)",
        [Q_DOC_SET_PUBLIC] = "UPDATE documents SET is_public=?2,updated_at=?3,"
                             "updated_by=nullif(?4,0),version=version+1 WHERE id=?1",
        [Q_DOC_GET] = DOC_COLS " WHERE d.id=?1",
        /* the expression of the documents_issuer index, so no sort */
        [Q_DOCS_ISSUER] = DOC_COLS " WHERE d.issuer_unit_id=?1 ORDER BY"
                                   " coalesce(nullif(d.published_at,0),d.updated_at) DESC,"
                                   "d.id DESC",
        [Q_DOCS_DERIVED] = DOC_COLS " WHERE d.derived_from=?1 ORDER BY d.id",
        [Q_DOCS_TO_UNIT] = "SELECT " DOC_FIELDS ",r.doc_id,r.unit_id,r.read_at,"
                           "coalesce(r.read_by,0) FROM doc_recipients r"
                           " JOIN documents d ON d.id=r.doc_id"
                           " WHERE r.unit_id=?1 AND d.status='published'"
                           " ORDER BY d.published_at DESC,d.id DESC",
        [Q_DOC_RECIPIENTS] = "SELECT doc_id,unit_id,read_at,coalesce(read_by,0)"
                             " FROM doc_recipients WHERE doc_id=?1 ORDER BY unit_id",
        [Q_DOC_MARK_READ] = "UPDATE doc_recipients SET read_at=?3,read_by=nullif(?4,0)"
                            " WHERE doc_id=?1 AND unit_id=?2 AND read_at=0",
        [Q_TASKS_DOC] = TASK_COLS " WHERE doc_id=?1 ORDER BY duty,unit_id,id",
        /* open first, then by due date with none (0) last */
        [Q_TASKS_UNIT] = TASK_COLS " WHERE unit_id=?1 ORDER BY done_at>0,due_date=0,due_date,id",
        [Q_TASK_GET] = TASK_COLS " WHERE id=?1",
        [Q_TASK_DONE] = "UPDATE doc_tasks SET done_at=?3,done_by=nullif(?4,0),note=?5"
                        " WHERE id=?1 AND unit_id=?2",
        /* ?1 is the id (unused by the insert), ?2..?19 the fields in struct order,
         * ?20..?23 created_at/by, updated_at/by, ?24 the expected version: see
         * bind_activity. */
        [Q_ACT_INSERT] = "INSERT INTO activities(campaign_id,unit_id,unit_path,kind,title,"
                         "description,start_at,end_at,place,mode,link,audience,expected,"
                         "is_public,late,status,actual,outcome,version,created_at,created_by,"
                         "updated_at,updated_by,client_id) VALUES(nullif(?2,0),?3,?4,?5,?6,?7,"
                         "?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,1,?20,nullif(?21,0),"
                         "?22,nullif(?23,0),nullif(?25,''))",
        /* created_* record the creation and are never rewritten. */
        [Q_ACT_UPDATE] = "UPDATE activities SET campaign_id=nullif(?2,0),unit_id=?3,"
                         "unit_path=?4,kind=?5,title=?6,description=?7,start_at=?8,end_at=?9,"
                         "place=?10,mode=?11,link=?12,audience=?13,expected=?14,is_public=?15,"
                         "late=?16,status=?17,actual=?18,outcome=?19,updated_at=?22,"
                         "updated_by=nullif(?23,0),version=version+1 WHERE id=?1 AND version=?24",
        [Q_ACT_VERSION] = "SELECT version FROM activities WHERE id=?1",
        [Q_ACT_GET] = ACT_COLS " WHERE id=?1",
        [Q_ACT_BY_CLIENT] = ACT_COLS " WHERE created_by=?1 AND client_id=?2",
        [Q_ACT_PHOTO_ADD] = "INSERT INTO activity_photos(activity_id,caption,width,height,full,"
                            "thumb,created_at,created_by)"
                            " VALUES(?1,?2,?3,?4,?5,?6,?7,nullif(?8,0))",
        [Q_ACT_PHOTOS] = "SELECT id,activity_id,caption,width,height,length(full),length(thumb),"
                         "created_at,coalesce(created_by,0) FROM activity_photos"
                         " WHERE activity_id=?1 ORDER BY id",
        [Q_ACT_PHOTO_GET] = "SELECT id,activity_id,caption,width,height,length(full),"
                            "length(thumb),created_at,coalesce(created_by,0),"
                            "CASE WHEN ?2 THEN thumb ELSE full END"
                            " FROM activity_photos WHERE id=?1",
        [Q_ACT_PHOTO_DELETE] = "DELETE FROM activity_photos WHERE id=?2 AND activity_id=?1",
        /* the first signature stands: a second one changes nothing */
        [Q_DOC_SIGNED_PUT] = "INSERT OR IGNORE INTO doc_signed(doc_id,pdf,sha256,signer,signed_at,"
                             "signed_by) VALUES(?1,?2,?3,?4,?5,nullif(?6,0))",
        [Q_DOC_SIGNED_GET] =
                "SELECT doc_id,sha256,signer,signed_at,coalesce(signed_by,0),"
                "length(pdf),CASE WHEN ?2 THEN pdf END FROM doc_signed WHERE doc_id=?1",
        [Q_DOC_IMPORT_PUT] = "INSERT INTO doc_imports(doc_id,at,\"by\",review) VALUES(?1,?2,"
                             "nullif(?3,0),?4)",
        [Q_DOC_IMPORT_GET] = "SELECT review FROM doc_imports WHERE doc_id=?1",
};

/* One connection. The store has one writer connection, shared by every thread and
 * serialised by its mutex, and one reader connection per thread that reads (WAL readers:
 * a read never waits for the writer, even while a group of writes is being committed). */
typedef struct sqlite_store {
	sqlite3 *db;
	/* Recursive so that store_tx_begin can hold the writer until commit while the same
	 * thread's calls lock it again and join. depth counts this connection's holds. */
	pthread_mutex_t mu;
	int depth;
	int tx_depth; /* writer: store_tx_begin levels open (1 = the transaction, more =
	                 savepoints); only read or written under mu */
	int unsynced; /* writer: the open transaction runs with synchronous=NORMAL */
	int reader;   /* 1: a reader connection (query_only) */
	sqlite3_stmt *stmt[Q_COUNT]; /* prepared on first use (the writer: at open) */
	sqlite3_stmt **qs;           /* the query layer's statements, by slot (store_int.h) */
	int nqs;
	/* store_identity_version (writer): bumped when a row of an identity table changes,
	 * and again when that transaction ends (identity_dirty, under mu like every
	 * statement). quiet: the statement running only notes when a session or token was
	 * last used, which changes no one's identity. */
	_Atomic uint64_t identity_version;
	int identity_dirty;
	int quiet;
	struct sqlite_store *next_reader;
	/* store_reports_version (writer): as identity_version, for reports and campaigns */
	_Atomic uint64_t reports_version;
	int reports_dirty;
	/* store_notices_version (writer): as identity_version, for notices and read marks */
	_Atomic uint64_t notices_version;
	int notices_dirty;
	/* store_budget_version (writer): as identity_version, for budgets, commendation
	 * decisions and campaigns (what the dashboard's kept budget box depends on) */
	_Atomic uint64_t budget_version;
	int budget_dirty;
} sqlite_store_t;

/* The store: the writer connection and the readers opened so far. */
typedef struct sq_db {
	sqlite_store_t w;
	char *path;
	int no_readers;      /* an in-memory or temporary database: everything on the writer */
	pthread_key_t key;   /* this thread's reader */
	pthread_mutex_t rmu; /* guards readers */
	sqlite_store_t *readers;
} sq_db_t;

/* The store whose writer transaction this thread holds: its reads must see its own
 * uncommitted writes, so they go to the writer too. */
static _Thread_local const sq_db_t *tl_tx_db;

static sq_db_t *
backend(store_t *st)
{
	return st->backend;
}

static void
lock(sqlite_store_t *s)
{
	pthread_mutex_lock(&s->mu);
	s->depth++;
}

/* A reader that ends a call with a statement still stepping would keep its read
 * transaction, and this thread would read an old snapshot from then on: say so, and
 * reset it. */
static void
unlock(sqlite_store_t *s)
{
	if (--s->depth == 0 && s->reader && !sqlite3_get_autocommit(s->db)) {
		for (sqlite3_stmt *q = sqlite3_next_stmt(s->db, NULL); q;
		     q = sqlite3_next_stmt(s->db, q))
			if (sqlite3_stmt_busy(q)) {
				log_error("Kho dữ liệu: truy vấn chưa kết thúc: %s",
				          sqlite3_sql(q));
				sqlite3_reset(q);
			}
	}
	pthread_mutex_unlock(&s->mu);
}

static void conn_init(sqlite_store_t *s, sqlite3 *db, int reader);

/* The writer connection: for every write, and for reads inside this thread's
 * transaction. */
static sqlite_store_t *
wr(store_t *st)
{
	return &backend(st)->w;
}

/* This thread's reader, opened on first use; the writer when there can be none or this
 * thread is inside its own transaction. */
static sqlite_store_t *
rd(store_t *st)
{
	sq_db_t *d = backend(st);
	if (d->no_readers || tl_tx_db == d)
		return &d->w;
	sqlite_store_t *r = pthread_getspecific(d->key);
	if (r != NULL)
		return r;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(d->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	            SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA query_only=1; PRAGMA busy_timeout=5000;", NULL, NULL, NULL) !=
	            SQLITE_OK) {
		log_error("Kho dữ liệu: không mở được kết nối đọc (%s); đọc qua kết nối ghi.",
		          db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return &d->w;
	}
	r = xcalloc(1, sizeof *r);
	conn_init(r, db, 1);
	pthread_mutex_lock(&d->rmu);
	r->next_reader = d->readers;
	d->readers = r;
	pthread_mutex_unlock(&d->rmu);
	pthread_setspecific(d->key, r);
	return r;
}

/* Statement i of connection s (whose lock the caller holds), prepared on first use. */
static sqlite3_stmt *
stmt(sqlite_store_t *s, int i)
{
	if (s->stmt[i] == NULL &&
	    sqlite3_prepare_v3(s->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
	                       NULL) != SQLITE_OK)
		log_error("Lỗi chuẩn bị truy vấn: %s", sqlite3_errmsg(s->db));
	return s->stmt[i];
}

static void
conn_init(sqlite_store_t *s, sqlite3 *db, int reader)
{
	s->db = db;
	s->reader = reader;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
}

static void
conn_close(sqlite_store_t *s)
{
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	for (int i = 0; i < s->nqs; i++)
		sqlite3_finalize(s->qs[i]);
	free(s->qs);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
}

static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
applied_version(sqlite3 *db, int *out)
{
	sqlite3_stmt *s;
	*out = 0;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version),0) FROM schema_migrations", -1, &s,
	                       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

/* 1 if PRAGMA foreign_key_check reports no row, 0 if it does, -1 on error. */
static int
foreign_keys_hold(sqlite3 *db)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &q, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 1 : rc == SQLITE_ROW ? 0 : -1;
}

static int
migrate_one(sqlite3 *db, const struct migration *m, char *err, size_t errlen)
{
	if (exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	char rec[256];
	/* %q: a name may hold a quote (one with "drafts'" broke the statement) */
	sqlite3_snprintf((int)sizeof rec, rec,
	                 "INSERT INTO schema_migrations VALUES(%d,'%q',"
	                 "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now'))",
	                 m->version, m->name);
	if (exec(db, m->sql, err, errlen) < 0 || exec(db, rec, err, errlen) < 0) {
		exec(db, "ROLLBACK", NULL, 0);
		return -1;
	}
	if (m->rebuild && foreign_keys_hold(db) != 1) {
		snprintf(err, errlen,
		         "Nâng cấp cơ sở dữ liệu %d (%s): dữ liệu vi phạm khóa ngoại; không "
		         "áp dụng.",
		         m->version, m->name);
		exec(db, "ROLLBACK", NULL, 0);
		return -1;
	}
	if (exec(db, "COMMIT", err, errlen) < 0) {
		exec(db, "ROLLBACK", NULL, 0);
		return -1;
	}
	return 0;
}

static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	if (exec(db,
	         "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY,"
	         " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
	         err, errlen) < 0)
		return -1;
	int have;
	if (applied_version(db, &have) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (have > migrations[NMIGRATIONS - 1].version) {
		snprintf(err, errlen,
		         "Cơ sở dữ liệu ở phiên bản %d, mới hơn chương trình (%d): hãy dùng bản "
		         "suotdoi mới hơn.",
		         have, migrations[NMIGRATIONS - 1].version);
		return -1;
	}
	for (int i = 0; i < NMIGRATIONS; i++) {
		const struct migration *m = &migrations[i];
		if (m->version <= have)
			continue;
		/* foreign_keys cannot change inside a transaction */
		if (m->rebuild && exec(db, "PRAGMA foreign_keys=OFF", err, errlen) < 0)
			return -1;
		int rc = migrate_one(db, m, err, errlen);
		if (m->rebuild &&
		    exec(db, "PRAGMA foreign_keys=ON", rc < 0 ? NULL : err, errlen) < 0)
			rc = -1;
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void
sq_close(store_t *st)
{
	sq_db_t *d = backend(st);
	for (sqlite_store_t *r = d->readers, *next; r; r = next) {
		next = r->next_reader;
		conn_close(r);
		free(r);
	}
	conn_close(&d->w);
	pthread_key_delete(d->key);
	pthread_mutex_destroy(&d->rmu);
	free(d->path);
	free(d);
	free(st);
}

static int
sq_schema_version(store_t *st, int *applied, int *known)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	int rc = applied_version(s->db, applied);
	unlock(s);
	*known = migrations[NMIGRATIONS - 1].version;
	return rc;
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}



/* PRAGMA data_version: moves when another connection commits (SQLite's own contract). */
static int64_t
sq_external_version(store_t *st)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	unlock(s);
	return v;
}


/* Who someone is lives in these tables: users, their roles, sessions and API tokens. The
 * hooks see every row this connection changes in them (all rowid tables, changed by
 * statements with a WHERE: no truncate optimisation, no REPLACE, both of which would skip
 * the update hook), and the end of the transaction that changed them. */
static void
on_update(void *p, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
	(void)op;
	(void)rowid;
	sqlite_store_t *s = p;
	if (strcmp(db, "main") != 0)
		return;
	if (s->quiet)
		return;
	if (!strcmp(table, "users") || !strcmp(table, "user_roles") || !strcmp(table, "sessions") ||
	    !strcmp(table, "api_tokens")) {
		s->identity_dirty = 1;
		atomic_fetch_add(&s->identity_version, 1);
	}
	/* the review queue's count */
	if (!strcmp(table, "reports") || !strcmp(table, "campaigns")) {
		s->reports_dirty = 1;
		atomic_fetch_add(&s->reports_version, 1);
	}
	/* the bell's count */
	if (!strcmp(table, "notices") || !strcmp(table, "notice_reads")) {
		s->notices_dirty = 1;
		atomic_fetch_add(&s->notices_version, 1);
	}
	/* the dashboard's budget box */
	if (!strncmp(table, "budget_", 7) || !strncmp(table, "award_", 6) ||
	    !strcmp(table, "campaigns")) {
		s->budget_dirty = 1;
		atomic_fetch_add(&s->budget_version, 1);
	}
}

static void
on_tx_end(void *p)
{
	sqlite_store_t *s = p;
	if (s->identity_dirty) {
		s->identity_dirty = 0;
		atomic_fetch_add(&s->identity_version, 1);
	}
	if (s->reports_dirty) { /* the review queue's count */
		s->reports_dirty = 0;
		atomic_fetch_add(&s->reports_version, 1);
	}
	if (s->notices_dirty) {
		s->notices_dirty = 0;
		atomic_fetch_add(&s->notices_version, 1);
	}
	if (s->budget_dirty) {
		s->budget_dirty = 0;
		atomic_fetch_add(&s->budget_version, 1);
	}
}

static int
on_commit(void *p)
{
	on_tx_end(p);
	return 0; /* go on with the commit */
}


static int
step_done(sqlite_store_t *s, sqlite3_stmt *q, char *err, size_t errlen, const char *code)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "Không ghi được đơn vị %s: %s", code, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

static void
bind_fields(sqlite3_stmt *q, const store_unit_change_t *r, int first)
{
	/* ?first = name, then kind, locality, email, phone, active */
	sqlite3_bind_text(q, first, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 1, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 2, r->locality_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 3, r->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 4, r->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, first + 5, r->active);
}

static int
insert_unit(sqlite_store_t *s, const store_unit_change_t *r, int32_t valid_from, char *err,
            size_t errlen)
{
	sqlite3_stmt *q = stmt(s, Q_INSERT);
	sqlite3_bind_text(q, 1, r->code, -1, SQLITE_STATIC);
	bind_fields(q, r, 2);
	sqlite3_bind_int(q, 8, valid_from);
	return step_done(s, q, err, errlen, r->code);
}

static int
sq_units_apply(store_t *st, const store_unit_change_t *rows, size_t n, char *err, size_t errlen)
{
	sqlite_store_t *s = wr(st);
	int ret = -1;
	lock(s);
	/* Inside a store_tx_begin transaction BEGIN would fail: a savepoint gives the same
	 * all-or-nothing for this batch and leaves the outer transaction to its owner. */
	int nested = !sqlite3_get_autocommit(s->db);
	if (exec(s->db, nested ? "SAVEPOINT units_apply" : "BEGIN IMMEDIATE", err, errlen) < 0)
		goto out;
	/* Pass 1: rows themselves; pass 2: parents by code, so a batch may carry parents
	 * after their children and foreign keys hold at every statement. */
	for (size_t i = 0; i < n; i++) {
		const store_unit_change_t *r = &rows[i];
		sqlite3_stmt *q;
		if (r->id == 0) {
			if (insert_unit(s, r, r->valid_from, err, errlen) < 0)
				goto rollback;
			continue;
		}
		q = stmt(s, Q_UPDATE);
		sqlite3_bind_int64(q, 1, r->id);
		bind_fields(q, r, 2);
		if (step_done(s, q, err, errlen, r->code) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < n; i++) {
		const store_unit_change_t *r = &rows[i];
		if (r->parent_code == NULL)
			continue;
		sqlite3_stmt *q = stmt(s, Q_SET_PARENT);
		sqlite3_bind_text(q, 1, r->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, r->parent_code, -1, SQLITE_STATIC);
		if (step_done(s, q, err, errlen, r->code) < 0)
			goto rollback;
		if (sqlite3_changes(s->db) != 1) {
			snprintf(err, errlen, "Không tìm thấy đơn vị cấp trên %s của đơn vị %s.",
			         r->parent_code, r->code);
			goto rollback;
		}
	}
	if (n > 0) {
		sqlite3_stmt *q = stmt(s, Q_GEN_BUMP);
		if (step_done(s, q, err, errlen, "-") < 0)
			goto rollback;
	}
	if (exec(s->db, nested ? "RELEASE units_apply" : "COMMIT", err, errlen) < 0)
		goto rollback;
	ret = 0;
	goto out;
rollback:
	exec(s->db, nested ? "ROLLBACK TO units_apply; RELEASE units_apply" : "ROLLBACK", NULL, 0);
out:
	unlock(s);
	return ret;
}

/* ---- the registry through time ---- */

static int
placement_rows(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_placement_t *, void *),
               void *ctx)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_placement_t p = {sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1),
		                       sqlite3_column_int64(q, 2)};
		if ((ret = cb(&p, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	unlock(s);
	return ret;
}

static int
sq_placements_each(store_t *st, int (*cb)(const store_placement_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	return placement_rows(s, stmt(s, Q_PLACEMENTS), cb, ctx);
}

static int
sq_placements_of(store_t *st, int64_t unit_id, int (*cb)(const store_placement_t *, void *),
                 void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_PLACEMENTS_OF);
	sqlite3_bind_int64(q, 1, unit_id);
	return placement_rows(s, q, cb, ctx);
}

static int
lineage_rows(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_lineage_t *, void *),
             void *ctx)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_lineage_t l = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
		                     col_text(q, 2)};
		if ((ret = cb(&l, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	unlock(s);
	return ret;
}

static int
sq_lineage_each(store_t *st, int (*cb)(const store_lineage_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	return lineage_rows(s, stmt(s, Q_LINEAGE), cb, ctx);
}

static int
sq_lineage_of(store_t *st, int64_t unit_id, int (*cb)(const store_lineage_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_LINEAGE_OF);
	sqlite3_bind_int64(q, 1, unit_id);
	return lineage_rows(s, q, cb, ctx);
}

static int
sq_registry_imports(store_t *st, int (*cb)(const store_registry_import_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REG_IMPORTS);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_registry_import_t r = {
		        .id = sqlite3_column_int64(q, 0),
		        .as_of = sqlite3_column_int(q, 1),
		        .at = sqlite3_column_int64(q, 2),
		        .by = sqlite3_column_int64(q, 3),
		        .source = col_text(q, 4),
		        .summary = col_text(q, 5),
		};
		if ((ret = cb(&r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(q);
	unlock(s);
	return ret;
}

static int32_t
sq_registry_date(store_t *st)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REG_DATE);
	int32_t v = -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_reset(q);
	unlock(s);
	return v;
}

static int
sq_unit_code_last_day(store_t *st, const char *code, int32_t *day)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_CODE_LAST);
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q), ret;
	if (rc == SQLITE_ROW) {
		*day = sqlite3_column_int(q, 0);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	unlock(s);
	return ret;
}

/* Step q (bound), expecting exactly one changed row; else err names what and code. */
static int
step_one(sqlite_store_t *s, sqlite3_stmt *q, char *err, size_t errlen, const char *what,
         const char *code)
{
	if (step_done(s, q, err, errlen, code) < 0)
		return -1;
	if (sqlite3_changes(s->db) != 1) {
		snprintf(err, errlen, "%s %s.", what, code);
		return -1;
	}
	return 0;
}

static int
sq_registry_apply(store_t *st, const store_registry_change_t *c, char *err, size_t errlen)
{
	sqlite_store_t *s = wr(st);
	int ret = -1;
	int32_t day = c->as_of;
	char idbuf[32];
	int64_t *opened = xcalloc(c->nopen ? c->nopen : 1, sizeof *opened);
	lock(s);
	int nested = !sqlite3_get_autocommit(s->db);
	if (exec(s->db, nested ? "SAVEPOINT registry_apply" : "BEGIN IMMEDIATE", err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < c->nclose; i++) {
		sqlite3_stmt *q = stmt(s, Q_UNIT_CLOSE);
		sqlite3_bind_int64(q, 1, c->close[i]);
		sqlite3_bind_int(q, 2, day - 1);
		snprintf(idbuf, sizeof idbuf, "%lld", (long long)c->close[i]);
		if (step_one(s, q, err, errlen, "Không đóng được đơn vị (mở sau ngày đóng) id",
		             idbuf) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < c->nopen; i++) {
		if (insert_unit(s, &c->open[i], day, err, errlen) < 0)
			goto rollback;
		opened[i] = sqlite3_last_insert_rowid(s->db);
	}
	for (size_t i = 0; i < c->nupdate; i++) {
		const store_unit_change_t *r = &c->update[i];
		sqlite3_stmt *q = stmt(s, Q_UPDATE);
		sqlite3_bind_int64(q, 1, r->id);
		bind_fields(q, r, 2);
		if (step_one(s, q, err, errlen, "Không tìm thấy đơn vị", r->code) < 0)
			goto rollback;
	}
	/* parents of opened and corrected units, by code on the day */
	for (size_t i = 0; i < c->nopen + c->nupdate; i++) {
		const store_unit_change_t *r =
		        i < c->nopen ? &c->open[i] : &c->update[i - c->nopen];
		if (r->parent_code == NULL)
			continue;
		sqlite3_stmt *q = stmt(s, Q_SET_PARENT_AT);
		sqlite3_bind_int64(q, 1, i < c->nopen ? opened[i] : r->id);
		sqlite3_bind_text(q, 2, r->parent_code, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 3, day);
		if (step_one(s, q, err, errlen, "Không tìm thấy đơn vị cấp trên của đơn vị",
		             r->code) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < c->nmoves; i++) {
		const store_unit_move_t *m = &c->moves[i];
		snprintf(idbuf, sizeof idbuf, "%lld", (long long)m->unit_id);
		sqlite3_stmt *q = stmt(s, Q_PLACE_ADD);
		sqlite3_bind_int64(q, 1, m->unit_id);
		sqlite3_bind_int(q, 2, day - 1);
		if (step_done(s, q, err, errlen, idbuf) < 0)
			goto rollback;
		q = stmt(s, Q_SET_PARENT_AT);
		sqlite3_bind_int64(q, 1, m->unit_id);
		sqlite3_bind_text(q, 2, m->parent_code, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 3, day);
		if (step_one(s, q, err, errlen, "Không tìm thấy đơn vị cấp trên mới",
		             m->parent_code) < 0)
			goto rollback;
		if (m->locality_code) {
			q = stmt(s, Q_LOCALITY_SET);
			sqlite3_bind_int64(q, 1, m->unit_id);
			sqlite3_bind_text(q, 2, m->locality_code, -1, SQLITE_STATIC);
			if (step_done(s, q, err, errlen, idbuf) < 0)
				goto rollback;
		}
	}
	for (size_t i = 0; i < c->nlineage; i++) {
		const store_lineage_change_t *l = &c->lineage[i];
		sqlite3_stmt *q = stmt(s, Q_LINEAGE_PUT);
		sqlite3_bind_text(q, 1, l->new_code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, l->old_id);
		sqlite3_bind_text(q, 3, l->kind, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 4, day);
		if (step_one(s, q, err, errlen, "Không ghi được quan hệ kế thừa của đơn vị",
		             l->new_code) < 0)
			goto rollback;
	}
	int changed = c->nclose + c->nopen + c->nupdate + c->nmoves + c->nlineage > 0;
	if (changed || c->summary) {
		sqlite3_stmt *q = stmt(s, Q_REG_LOG);
		sqlite3_bind_int(q, 1, day);
		sqlite3_bind_int64(q, 2, c->at);
		sqlite3_bind_int64(q, 3, c->by);
		sqlite3_bind_text(q, 4, c->source ? c->source : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, c->summary ? c->summary : "", -1, SQLITE_STATIC);
		if (step_done(s, q, err, errlen, "-") < 0)
			goto rollback;
	}
	if (changed && step_done(s, stmt(s, Q_GEN_BUMP), err, errlen, "-") < 0)
		goto rollback;
	if (exec(s->db, nested ? "RELEASE registry_apply" : "COMMIT", err, errlen) < 0)
		goto rollback;
	ret = 0;
	goto out;
rollback:
	exec(s->db, nested ? "ROLLBACK TO registry_apply; RELEASE registry_apply" : "ROLLBACK",
	     NULL, 0);
out:
	unlock(s);
	free(opened);
	return ret;
}

static int
sq_registry_upload_put(store_t *st, const store_registry_upload_t *u, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	char err[256];
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_UPLOAD_PUT);
	sqlite3_bind_int64(q, 1, u->user_id);
	sqlite3_bind_int64(q, 2, u->created_at);
	sqlite3_bind_int(q, 3, u->as_of);
	sqlite3_bind_int64(q, 4, u->generation);
	sqlite3_bind_text(q, 5, u->units_name, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(q, 6, u->units ? u->units : "", u->units_len, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, u->merges_name, -1, SQLITE_STATIC);
	if (u->merges)
		sqlite3_bind_blob64(q, 8, u->merges, u->merges_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 8);
	int rc = step_done(s, q, err, sizeof err, "-");
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	else
		log_error("%s", err);
	unlock(s);
	return rc;
}

static int
sq_registry_upload_get(store_t *st, int64_t id, int (*cb)(const store_registry_upload_t *, void *),
                       void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_UPLOAD_GET);
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q), ret;
	if (rc == SQLITE_ROW) {
		store_registry_upload_t u = {
		        .id = sqlite3_column_int64(q, 0),
		        .user_id = sqlite3_column_int64(q, 1),
		        .created_at = sqlite3_column_int64(q, 2),
		        .as_of = sqlite3_column_int(q, 3),
		        .generation = sqlite3_column_int64(q, 4),
		        .units_name = col_text(q, 5),
		        .units = sqlite3_column_blob(q, 6),
		        .units_len = (size_t)sqlite3_column_bytes(q, 6),
		        .merges_name = col_text(q, 7),
		        .merges = sqlite3_column_blob(q, 8),
		        .merges_len = (size_t)sqlite3_column_bytes(q, 8),
		};
		ret = cb ? cb(&u, ctx) : 0;
		ret = ret ? ret : 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	unlock(s);
	return ret;
}

static int
sq_registry_upload_delete(store_t *st, int64_t id, int64_t older_than)
{
	sqlite_store_t *s = wr(st);
	char err[256];
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_UPLOAD_DELETE);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, older_than);
	int rc = step_done(s, q, err, sizeof err, "-");
	unlock(s);
	return rc;
}

/* ---- transactions spanning several calls ---- */

/* store_tx_begin opens the transaction, or inside one a savepoint: the writer thread
 * commits a group of writes in one transaction and runs each in its own savepoint, and
 * the workflow it runs opens its own transaction as before, which then nests. The lock is
 * held from begin to the matching commit or rollback. */
static int tx_begin(store_t *st, int unsynced);

static int
sq_tx_begin(store_t *st)
{
	return tx_begin(st, 0);
}

/* synchronous=NORMAL for this transaction only: in WAL mode SQLite then writes the WAL at
 * commit without syncing it (it still syncs before a checkpoint), and store_sync makes it
 * durable. Ordinary commits, before and after, keep synchronous=FULL. */

static int
sq_sync(store_t *st)
{
	sq_db_t *d = backend(st);
	if (d->no_readers)
		return 0; /* a private database: nothing to make durable */
	size_t n = strlen(d->path) + 5;
	char *wal = xmalloc(n);
	snprintf(wal, n, "%s-wal", d->path);
	/* fdatasync on any descriptor of the file writes its dirty pages */
	int fd = open(wal, O_RDONLY | O_CLOEXEC);
	int rc = 0;
	if (fd < 0) {
		/* no WAL: SQLite removed it after checkpointing everything into the database
		 * file, which it synced */
		if (errno != ENOENT) {
			log_error("Kho dữ liệu: không mở được %s: %s", wal, strerror(errno));
			rc = -1;
		}
	} else {
		if (fdatasync(fd) < 0) {
			log_error("Kho dữ liệu: fdatasync %s: %s", wal, strerror(errno));
			rc = -1;
		}
		close(fd);
	}
	free(wal);
	return rc;
}

static int
tx_begin(store_t *st, int unsynced)
{
	sqlite_store_t *s = wr(st);
	char err[256], sql[48];
	lock(s);
	if (s->tx_depth > 0) {
		/* SQLite may have rolled the transaction back on its own (I/O error, full
		 * disk): a savepoint now would start a new transaction outside the group. */
		if (sqlite3_get_autocommit(s->db)) {
			log_error("Kho dữ liệu: giao dịch đã bị hủy; không mở điểm lưu.");
			unlock(s);
			return -1;
		}
		snprintf(sql, sizeof sql, "SAVEPOINT tx%d", s->tx_depth);
	} else {
		snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
		if (unsynced && exec(s->db, "PRAGMA synchronous=NORMAL", err, sizeof err) < 0) {
			log_error("%s", err);
			unlock(s);
			return -1;
		}
		s->unsynced = unsynced;
	}
	if (exec(s->db, sql, err, sizeof err) < 0) {
		log_error("%s", err);
		if (s->tx_depth == 0 && s->unsynced) {
			exec(s->db, "PRAGMA synchronous=FULL", NULL, 0);
			s->unsynced = 0;
		}
		unlock(s);
		return -1;
	}
	if (s->tx_depth++ == 0)
		tl_tx_db = backend(st);
	return 0;
}

/* Ends the innermost level (commit: COMMIT or RELEASE; else, or when that fails, ROLLBACK
 * or ROLLBACK TO) and releases the hold taken by its begin. The caller's own lock of mu
 * is released by the caller. */
static int
tx_end(store_t *st, sqlite_store_t *s, int commit)
{
	char err[256], sql[80];
	int ret = 0;
	int level = --s->tx_depth;
	if (level > 0) {
		snprintf(sql, sizeof sql, "RELEASE tx%d", level);
		if (commit && exec(s->db, sql, err, sizeof err) < 0) {
			log_error("%s", err);
			ret = -1;
			commit = 0;
		}
		if (!commit && !sqlite3_get_autocommit(s->db)) {
			snprintf(sql, sizeof sql, "ROLLBACK TO tx%d; RELEASE tx%d", level, level);
			exec(s->db, sql, NULL, 0);
		}
	} else {
		if (commit && exec(s->db, "COMMIT", err, sizeof err) < 0) {
			log_error("%s", err);
			ret = -1;
			commit = 0;
		}
		/* SQLite may already have rolled back on its own (I/O error, full disk). */
		if (!commit && !sqlite3_get_autocommit(s->db))
			exec(s->db, "ROLLBACK", NULL, 0);
		if (s->unsynced) {
			exec(s->db, "PRAGMA synchronous=FULL", NULL, 0);
			s->unsynced = 0;
		}
		if (tl_tx_db == backend(st))
			tl_tx_db = NULL;
		db_tx_ended(st);
	}
	unlock(s);
	return ret;
}

/* A failed commit is rolled back here, so that level is over either way and its lock is
 * released: the caller must not roll it back again (that would end the level around it). */
static int
sq_tx_commit(store_t *st)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	int ret = -1;
	if (s->tx_depth > 0)
		ret = tx_end(st, s, 1);
	unlock(s);
	return ret;
}

static void
sq_tx_rollback(store_t *st)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	if (s->tx_depth > 0)
		tx_end(st, s, 0);
	unlock(s);
}

/* ---- statement helpers for the account tables ---- */

/* Steps a statement that returns no rows, then resets and unbinds it. Returns
 * SQLITE_DONE or the extended error code (read before the reset). Logs the error
 * unless what is NULL (the caller reports it). */
static int
run(sqlite_store_t *s, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(s->db);
		if (rc == SQLITE_DONE || rc == SQLITE_OK || rc == SQLITE_ROW)
			rc = SQLITE_ERROR;
		if (what)
			log_error("Lỗi cơ sở dữ liệu (%s): %s", what, sqlite3_errmsg(s->db));
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/* Runs a write whose lock the caller took, and releases it: 0 done, -1 error. With
 * changed set, returns 1/0 (a row changed or not) in place of 0. */
static int
write_locked(sqlite_store_t *s, sqlite3_stmt *q, const char *what, int changed)
{
	int rc = run(s, q, what);
	int ret = rc == SQLITE_DONE ? 0 : -1;
	if (ret == 0 && changed)
		ret = sqlite3_changes(s->db) > 0;
	unlock(s);
	return ret;
}

/* Optional text: NULL from C is stored as the column's '' default. */
static void
bind_opt(sqlite3_stmt *q, int i, const char *t)
{
	sqlite3_bind_text(q, i, t ? t : "", -1, SQLITE_STATIC);
}

static void
bind_hash(sqlite3_stmt *q, int i, const unsigned char hash[32])
{
	sqlite3_bind_blob(q, i, hash, 32, SQLITE_STATIC);
}

static void
finish_query(sqlite_store_t *s, sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	unlock(s);
}

/* Logs a failed step of a reading statement and returns -1. */
static int
read_failed(sqlite_store_t *s, const char *what)
{
	log_error("Lỗi cơ sở dữ liệu (%s): %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/* ---- users ---- */

static void
read_user(sqlite3_stmt *q, store_user_t *u)
{
	*u = (store_user_t){
	        .id = sqlite3_column_int64(q, 0),
	        .username = col_text(q, 1),
	        .full_name = col_text(q, 2),
	        .email = col_text(q, 3),
	        .password_hash = col_text(q, 4),
	        .must_change_password = sqlite3_column_int(q, 5),
	        .disabled = sqlite3_column_int(q, 6),
	        .created_at = sqlite3_column_int64(q, 7),
	        .created_by = sqlite3_column_int64(q, 8),
	};
}

static int
sq_user_create(store_t *st, const store_user_t *u, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_USER_INSERT);
	sqlite3_bind_text(q, 1, u->username, -1, SQLITE_STATIC);
	bind_opt(q, 2, u->full_name);
	bind_opt(q, 3, u->email);
	sqlite3_bind_text(q, 4, u->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, u->must_change_password != 0);
	sqlite3_bind_int(q, 6, u->disabled != 0);
	sqlite3_bind_int64(q, 7, u->created_at);
	sqlite3_bind_int64(q, 8, u->created_by);
	int rc = run(s, q, NULL);
	int ret = 0;
	if (rc == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(s->db);
	} else if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		ret = -2; /* username is the only UNIQUE column a caller can collide with */
	} else {
		log_error("Lỗi cơ sở dữ liệu (tạo người dùng %s): %s",
		          u->username ? u->username : "", sqlite3_errmsg(s->db));
		ret = -1;
	}
	unlock(s);
	return ret;
}

static int
user_lookup(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_user_t *, void *), void *ctx)
{
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_user_t u;
		read_user(q, &u);
		if (cb)
			cb(&u, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "users");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_user_get(store_t *st, int64_t id, int (*cb)(const store_user_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_USER_GET);
	sqlite3_bind_int64(q, 1, id);
	return user_lookup(s, q, cb, ctx);
}

static int
sq_user_find(store_t *st, const char *username, int (*cb)(const store_user_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_USER_FIND);
	sqlite3_bind_text(q, 1, username, -1, SQLITE_STATIC);
	return user_lookup(s, q, cb, ctx);
}

static int
sq_user_update(store_t *st, const store_user_t *u)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_USER_UPDATE);
	sqlite3_bind_int64(q, 1, u->id);
	bind_opt(q, 2, u->full_name);
	bind_opt(q, 3, u->email);
	sqlite3_bind_text(q, 4, u->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, u->must_change_password != 0);
	sqlite3_bind_int(q, 6, u->disabled != 0);
	return write_locked(s, q, "cập nhật người dùng", 1);
}

static int
sq_user_count(store_t *st, int64_t *n)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_USER_COUNT);
	int ret = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		*n = sqlite3_column_int64(q, 0);
	else
		ret = read_failed(s, "đếm người dùng");
	finish_query(s, q);
	return ret;
}

/* ---- roles ---- */

static int
sq_role_grant(store_t *st, int64_t user_id, int64_t unit_id, const char *role, int64_t granted_by,
              int64_t now)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_ROLE_GRANT);
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int64(q, 2, unit_id);
	sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, granted_by);
	sqlite3_bind_int64(q, 5, now);
	return write_locked(s, q, "cấp vai trò", 1);
}

static int
sq_role_revoke(store_t *st, int64_t user_id, int64_t unit_id, const char *role)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_ROLE_REVOKE);
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int64(q, 2, unit_id);
	sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
	return write_locked(s, q, "thu hồi vai trò", 1);
}

/* Runs a bound ROLE_COLS statement (lock held) through cb, then releases everything. */
static int
roles_loop(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_role_t *, void *), void *ctx)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_role_t r = {
		        .user_id = sqlite3_column_int64(q, 0),
		        .unit_id = sqlite3_column_int64(q, 1),
		        .role = col_text(q, 2),
		        .granted_by = sqlite3_column_int64(q, 3),
		        .granted_at = sqlite3_column_int64(q, 4),
		        .username = col_text(q, 5),
		        .full_name = col_text(q, 6),
		        .disabled = sqlite3_column_int(q, 7),
		};
		if ((ret = cb(&r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "vai trò");
	finish_query(s, q);
	return ret;
}

static int
sq_roles_of_user(store_t *st, int64_t user_id, int (*cb)(const store_role_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_ROLES_USER);
	sqlite3_bind_int64(q, 1, user_id);
	return roles_loop(s, q, cb, ctx);
}

static int
sq_roles_at_unit(store_t *st, int64_t unit_id, int (*cb)(const store_role_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_ROLES_UNIT);
	sqlite3_bind_int64(q, 1, unit_id);
	return roles_loop(s, q, cb, ctx);
}

static int
sq_roles_each(store_t *st, int (*cb)(const store_role_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	return roles_loop(s, stmt(s, Q_ROLES_ALL), cb, ctx);
}

/* ---- sessions ---- */

static int
sq_session_create(store_t *st, const unsigned char hash[32], int64_t user_id, const char *csrf,
                  int64_t now, const char *ip, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_SESSION_INSERT);
	bind_hash(q, 1, hash);
	sqlite3_bind_int64(q, 2, user_id);
	sqlite3_bind_text(q, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, now);
	bind_opt(q, 5, ip);
	int ret = run(s, q, "tạo phiên") == SQLITE_DONE ? 0 : -1;
	if (ret == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return ret;
}

static int
sq_session_get(store_t *st, const unsigned char hash[32], store_session_t *out)
{
	sqlite_store_t *s = rd(st);
	memset(out, 0, sizeof *out);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_SESSION_GET);
	bind_hash(q, 1, hash);
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(q, 0);
		out->user_id = sqlite3_column_int64(q, 1);
		const char *csrf = col_text(q, 2);
		size_t n = (size_t)sqlite3_column_bytes(q, 2);
		if (n >= sizeof out->csrf)
			n = sizeof out->csrf - 1;
		memcpy(out->csrf, csrf, n);
		out->csrf[n] = '\0';
		out->created_at = sqlite3_column_int64(q, 3);
		out->last_seen_at = sqlite3_column_int64(q, 4);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc phiên");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_session_touch(store_t *st, int64_t id, int64_t now)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_SESSION_TOUCH);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, now);
	s->quiet = 1; /* when it was last used is not who it is */
	int rc = run(s, q, "cập nhật phiên");
	s->quiet = 0;
	unlock(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sq_session_delete(store_t *st, int64_t id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_SESSION_DELETE);
	sqlite3_bind_int64(q, 1, id);
	return write_locked(s, q, "xoá phiên", 0);
}

static int
sq_sessions_delete_user(store_t *st, int64_t user_id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_SESSIONS_DELETE_USER);
	sqlite3_bind_int64(q, 1, user_id);
	return write_locked(s, q, "xoá phiên của người dùng", 0);
}

static int
sq_sessions_expire(store_t *st, int64_t idle_before, int64_t created_before)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_SESSIONS_EXPIRE);
	sqlite3_bind_int64(q, 1, idle_before);
	sqlite3_bind_int64(q, 2, created_before);
	return write_locked(s, q, "xoá phiên hết hạn", 0);
}

/* ---- API tokens ---- */

static void
read_token(sqlite3_stmt *q, store_token_t *t)
{
	*t = (store_token_t){
	        .id = sqlite3_column_int64(q, 0),
	        .user_id = sqlite3_column_int64(q, 1),
	        .name = col_text(q, 2),
	        .prefix = col_text(q, 3),
	        .created_at = sqlite3_column_int64(q, 4),
	        .last_used_at = sqlite3_column_int64(q, 5),
	        .revoked_at = sqlite3_column_int64(q, 6),
	};
}

static int
sq_token_create(store_t *st, int64_t user_id, const char *name, const unsigned char hash[32],
                const char *prefix, int64_t now, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TOKEN_INSERT);
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	bind_hash(q, 3, hash);
	sqlite3_bind_text(q, 4, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, now);
	int ret = run(s, q, "tạo mã truy cập") == SQLITE_DONE ? 0 : -1;
	if (ret == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return ret;
}

static int
sq_token_find(store_t *st, const unsigned char hash[32], int (*cb)(const store_token_t *, void *),
              void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TOKEN_FIND);
	bind_hash(q, 1, hash);
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_token_t t;
		read_token(q, &t);
		if (cb)
			cb(&t, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "tìm mã truy cập");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_tokens_of_user(store_t *st, int64_t user_id, int (*cb)(const store_token_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TOKENS_USER);
	sqlite3_bind_int64(q, 1, user_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_token_t t;
		read_token(q, &t);
		if ((ret = cb(&t, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "mã truy cập");
	finish_query(s, q);
	return ret;
}

static int
sq_token_revoke(store_t *st, int64_t user_id, int64_t token_id, int64_t now)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TOKEN_REVOKE);
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int64(q, 2, token_id);
	sqlite3_bind_int64(q, 3, now);
	return write_locked(s, q, "thu hồi mã truy cập", 1);
}

static int
sq_token_touch(store_t *st, int64_t id, int64_t now)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TOKEN_TOUCH);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, now);
	s->quiet = 1; /* when it was last used is not who it is */
	int rc = run(s, q, "cập nhật mã truy cập");
	s->quiet = 0;
	unlock(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- audit log ---- */

static int
sq_audit_append(store_t *st, const store_audit_t *e)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_AUDIT_APPEND);
	sqlite3_bind_int64(q, 1, e->at);
	sqlite3_bind_int64(q, 2, e->actor_id);
	bind_opt(q, 3, e->actor_name);
	sqlite3_bind_int64(q, 4, e->unit_id);
	sqlite3_bind_text(q, 5, e->unit_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, e->action, -1, SQLITE_STATIC);
	bind_opt(q, 7, e->target);
	bind_opt(q, 8, e->old_value);
	bind_opt(q, 9, e->new_value);
	bind_opt(q, 10, e->ip);
	return write_locked(s, q, "ghi nhật ký", 0);
}

/* Upper bound of a prefix range: the smallest string above every string starting with
 * prefix (drop trailing 0xFF bytes, increment the last one), *n bytes long (free it).
 * With *n 0 there is no bound: bind a zero-length blob, which sorts above every text
 * value. */
static char *
prefix_upper(const char *prefix, size_t *n)
{
	size_t len = strlen(prefix);
	char *hi = xstrndup(prefix, len);
	while (len > 0 && (unsigned char)hi[len - 1] == 0xFF)
		len--;
	if (len > 0)
		hi[len - 1] = (char)((unsigned char)hi[len - 1] + 1);
	*n = len;
	return hi;
}

static int
sq_audit_list(store_t *st, const char *path_prefix, int64_t before_id, int limit,
              int (*cb)(const store_audit_t *, void *), void *ctx)
{
	if (limit <= 0)
		return 0;
	sqlite_store_t *s = rd(st);
	size_t n;
	char *hi = prefix_upper(path_prefix, &n);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_AUDIT_LIST);
	sqlite3_bind_text(q, 1, path_prefix, -1, SQLITE_STATIC);
	if (n > 0) {
		sqlite3_bind_text(q, 2, hi, (int)n, SQLITE_STATIC);
	} else {
		sqlite3_bind_zeroblob(q, 2, 0);
	}
	sqlite3_bind_int64(q, 3, before_id);
	sqlite3_bind_int(q, 4, limit);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_audit_t e = {
		        .id = sqlite3_column_int64(q, 0),
		        .at = sqlite3_column_int64(q, 1),
		        .actor_id = sqlite3_column_int64(q, 2),
		        .actor_name = col_text(q, 3),
		        .unit_id = sqlite3_column_int64(q, 4),
		        .unit_path = col_text(q, 5),
		        .action = col_text(q, 6),
		        .target = col_text(q, 7),
		        .old_value = col_text(q, 8),
		        .new_value = col_text(q, 9),
		        .ip = col_text(q, 10),
		};
		if ((ret = cb(&e, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "đọc nhật ký");
	finish_query(s, q);
	free(hi);
	return ret;
}

/* ---- the reporting loop ---- */

/* Opens a transaction for a multi-statement write (lock held): inside a store_tx_begin
 * transaction BEGIN would fail, so a savepoint gives the same all-or-nothing and leaves
 * the outer transaction to its owner. Returns 1 nested, 0 not, -1 error. */
static int
write_begin(sqlite_store_t *s, const char *what)
{
	char err[256];
	int nested = !sqlite3_get_autocommit(s->db);
	if (exec(s->db, nested ? "SAVEPOINT store_write" : "BEGIN IMMEDIATE", err, sizeof err) <
	    0) {
		log_error("%s (%s)", err, what);
		return -1;
	}
	return nested;
}

/* Commits (ok set) or rolls back what write_begin opened. A failed commit is rolled
 * back. Returns 0 when committed, -1 otherwise. */
static int
write_end(sqlite_store_t *s, int nested, int ok, const char *what)
{
	char err[256];
	if (ok && exec(s->db, nested ? "RELEASE store_write" : "COMMIT", err, sizeof err) == 0)
		return 0;
	if (ok)
		log_error("%s (%s)", err, what);
	/* After an I/O error SQLite may have rolled back everything on its own; the
	 * statement then fails harmlessly. */
	exec(s->db, nested ? "ROLLBACK TO store_write; RELEASE store_write" : "ROLLBACK", NULL, 0);
	return -1;
}

/* ---- notifications: the chase schedule, notices, the outbox ---- */

static int
sq_chase_get(store_t *st, int64_t campaign_id, int (*cb)(const store_chase_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_CHASE_GET);
	sqlite3_bind_int64(q, 1, campaign_id);
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		store_chase_t c = {sqlite3_column_int64(q, 0), col_text(q, 1),
		                   sqlite3_column_int(q, 2), sqlite3_column_int(q, 3)};
		ret = cb(&c, ctx);
		if (ret == 0)
			ret = 1;
	} else if (rc != SQLITE_DONE)
		ret = read_failed(s, "lịch nhắc");
	finish_query(s, q);
	return ret;
}

static int
sq_chase_set(store_t *st, const store_chase_t *c)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_CHASE_SET);
	sqlite3_bind_int64(q, 1, c->campaign_id);
	bind_opt(q, 2, c->remind_days);
	sqlite3_bind_int(q, 3, c->escalate_days);
	sqlite3_bind_int(q, 4, c->automatic ? 1 : 0);
	return write_locked(s, q, "ghi lịch nhắc", 0);
}

static int
sq_notice_add(store_t *st, const store_notice_t *n, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_NOTICE_ADD);
	sqlite3_bind_int64(q, 1, n->at);
	sqlite3_bind_text(q, 2, n->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, n->unit_id);
	sqlite3_bind_int64(q, 4, n->user_id);
	sqlite3_bind_int64(q, 5, n->campaign_id);
	sqlite3_bind_int64(q, 6, n->about_unit_id);
	sqlite3_bind_int64(q, 7, n->by);
	bind_opt(q, 8, n->title);
	bind_opt(q, 9, n->body);
	bind_opt(q, 10, n->link);
	int rc = run(s, q, "ghi thông báo");
	if (rc == SQLITE_DONE && id)
		*id = sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* units[] as the JSON array json_each reads ("[12,40]"); malloc'd. */
static char *
ids_json(const int64_t *units, size_t n)
{
	size_t cap = n * 22 + 3, len = 0;
	char *j = xmalloc(cap);
	j[len++] = '[';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(j + len, cap - len, "%s%lld", i ? "," : "",
		                        (long long)units[i]);
	j[len++] = ']';
	j[len] = 0;
	return j;
}

static void
read_notice(sqlite3_stmt *q, store_notice_t *n)
{
	*n = (store_notice_t){
	        .id = sqlite3_column_int64(q, 0),
	        .at = sqlite3_column_int64(q, 1),
	        .kind = col_text(q, 2),
	        .unit_id = sqlite3_column_int64(q, 3),
	        .user_id = sqlite3_column_int64(q, 4),
	        .campaign_id = sqlite3_column_int64(q, 5),
	        .about_unit_id = sqlite3_column_int64(q, 6),
	        .by = sqlite3_column_int64(q, 7),
	        .title = col_text(q, 8),
	        .body = col_text(q, 9),
	        .link = col_text(q, 10),
	        .read = sqlite3_column_int(q, 11),
	};
}

static int
sq_notices_for(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t before_id,
               int limit, int unread_only, int (*cb)(const store_notice_t *, void *), void *ctx)
{
	char *ids = ids_json(units, n);
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_NOTICES_FOR);
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_text(q, 2, ids, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, before_id);
	sqlite3_bind_int(q, 4, limit);
	sqlite3_bind_int(q, 5, unread_only ? 1 : 0);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_notice_t x;
		read_notice(q, &x);
		if ((ret = cb(&x, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "thông báo");
	finish_query(s, q);
	free(ids);
	return ret;
}

static int
sq_notices_unread(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t *count)
{
	char *ids = ids_json(units, n);
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_NOTICES_UNREAD);
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_text(q, 2, ids, -1, SQLITE_STATIC);
	int ret = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		*count = sqlite3_column_int64(q, 0);
	else
		ret = read_failed(s, "thông báo chưa đọc");
	finish_query(s, q);
	free(ids);
	return ret;
}

static int
sq_notice_get(store_t *st, int64_t id, int (*cb)(const store_notice_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_NOTICE_GET);
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		store_notice_t x;
		read_notice(q, &x);
		ret = cb(&x, ctx);
	} else if (rc != SQLITE_DONE)
		ret = read_failed(s, "thông báo");
	finish_query(s, q);
	return ret;
}

static int
sq_notice_mark_read(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t id,
                    int64_t now)
{
	char *ids = id ? NULL : ids_json(units, n);
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, id ? Q_NOTICE_READ_ONE : Q_NOTICE_READ_ALL);
	sqlite3_bind_int64(q, 1, user_id);
	if (id)
		sqlite3_bind_int64(q, 2, id);
	else
		sqlite3_bind_text(q, 2, ids, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now);
	/* notice_reads is WITHOUT ROWID: no update hook sees it, so the bell's version moves
	 * here (and again when the transaction ends) */
	s->notices_dirty = 1;
	atomic_fetch_add(&s->notices_version, 1);
	int ret = write_locked(s, q, "đánh dấu đã đọc", 0);
	free(ids);
	return ret;
}

static int
sq_mail_add(store_t *st, const store_mail_t *m, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_MAIL_ADD);
	sqlite3_bind_int64(q, 1, m->notice_id);
	bind_opt(q, 2, m->recipient);
	bind_opt(q, 3, m->subject);
	bind_opt(q, 4, m->text);
	bind_opt(q, 5, m->html);
	sqlite3_bind_int64(q, 6, m->created_at);
	sqlite3_bind_int64(q, 7, m->next_at);
	int rc = run(s, q, "ghi thư đi");
	if (rc == SQLITE_DONE && id)
		*id = sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
read_mail(sqlite3_stmt *q, store_mail_t *m)
{
	*m = (store_mail_t){
	        .id = sqlite3_column_int64(q, 0),
	        .notice_id = sqlite3_column_int64(q, 1),
	        .recipient = col_text(q, 2),
	        .subject = col_text(q, 3),
	        .text = col_text(q, 4),
	        .html = col_text(q, 5),
	        .status = col_text(q, 6),
	        .attempts = sqlite3_column_int(q, 7),
	        .created_at = sqlite3_column_int64(q, 8),
	        .next_at = sqlite3_column_int64(q, 9),
	        .sent_at = sqlite3_column_int64(q, 10),
	        .last_error = col_text(q, 11),
	};
}

/* Steps q (bound by the caller, lock held) through its mails. */
static int
each_mail(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_mail_t *, void *), void *ctx)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_mail_t m;
		read_mail(q, &m);
		if ((ret = cb(&m, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "thư đi");
	finish_query(s, q);
	return ret;
}

static int
sq_mails_due(store_t *st, int64_t now, int limit, int (*cb)(const store_mail_t *, void *),
             void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_MAILS_DUE);
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int(q, 2, limit);
	return each_mail(s, q, cb, ctx);
}

static int
sq_mails_of_notice(store_t *st, int64_t notice_id, int (*cb)(const store_mail_t *, void *),
                   void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_MAILS_OF_NOTICE);
	sqlite3_bind_int64(q, 1, notice_id);
	return each_mail(s, q, cb, ctx);
}

static int
sq_mails_recent(store_t *st, int limit, int (*cb)(const store_mail_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_MAILS_RECENT);
	sqlite3_bind_int(q, 1, limit);
	return each_mail(s, q, cb, ctx);
}

static int
sq_mail_next_due(store_t *st, int64_t *at)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_MAIL_NEXT);
	int ret = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		*at = sqlite3_column_int64(q, 0);
	else
		ret = read_failed(s, "thư đi");
	finish_query(s, q);
	return ret;
}

static int
sq_mail_counts(store_t *st, int64_t *pending, int64_t *sent, int64_t *failed)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_MAIL_COUNTS);
	int ret = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		*pending = sqlite3_column_int64(q, 0);
		*sent = sqlite3_column_int64(q, 1);
		*failed = sqlite3_column_int64(q, 2);
	} else
		ret = read_failed(s, "thư đi");
	finish_query(s, q);
	return ret;
}

static int
sq_mail_retry(store_t *st, int64_t id, int64_t now)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_MAIL_RETRY);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, now);
	return write_locked(s, q, "gửi lại thư", 1);
}

static int
sq_mail_attempt(store_t *st, int64_t id, int64_t at, int ok, const char *detail, int64_t next_at,
                int give_up)
{
	if (sq_tx_begin(st) < 0)
		return -1;
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, ok ? Q_MAIL_OK : Q_MAIL_FAIL);
	sqlite3_bind_int64(q, 1, id);
	if (ok)
		sqlite3_bind_int64(q, 2, at);
	else {
		bind_opt(q, 2, detail);
		sqlite3_bind_int64(q, 3, next_at);
		sqlite3_bind_int(q, 4, give_up ? 1 : 0);
	}
	int rc = write_locked(s, q, "ghi lần gửi thư", 0);
	if (rc == 0) {
		lock(s);
		q = stmt(s, Q_DELIVERY_ADD);
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, at);
		sqlite3_bind_int(q, 3, ok ? 1 : 0);
		bind_opt(q, 4, detail);
		rc = write_locked(s, q, "ghi lần gửi thư", 0);
	}
	if (rc < 0) {
		sq_tx_rollback(st);
		return -1;
	}
	return sq_tx_commit(st);
}

static int
sq_mail_deliveries(store_t *st, int64_t mail_id, int (*cb)(const store_delivery_t *, void *),
                   void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DELIVERIES);
	sqlite3_bind_int64(q, 1, mail_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_delivery_t d = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
		                      sqlite3_column_int64(q, 2), sqlite3_column_int(q, 3),
		                      col_text(q, 4)};
		if ((ret = cb(&d, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "lần gửi thư");
	finish_query(s, q);
	return ret;
}

/* ---- report photos ---- */

static void
read_photo(sqlite3_stmt *q, store_photo_t *p)
{
	*p = (store_photo_t){
	        .id = sqlite3_column_int64(q, 0),
	        .report_id = sqlite3_column_int64(q, 1),
	        .caption = col_text(q, 2),
	        .width = sqlite3_column_int(q, 3),
	        .height = sqlite3_column_int(q, 4),
	        .full_len = (size_t)sqlite3_column_int64(q, 5),
	        .thumb_len = (size_t)sqlite3_column_int64(q, 6),
	        .created_at = sqlite3_column_int64(q, 7),
	        .created_by = sqlite3_column_int64(q, 8),
	};
}

/* The photo functions of reports and activities differ only in their table: add, ...,
 * del are the statements of one (the owner's id is ?1 of each, photo_get's thumb ?2). */

static int
photo_add(store_t *st, int add, const store_photo_t *p, const void *full, const void *thumb,
          int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, add);
	sqlite3_bind_int64(q, 1, p->report_id);
	bind_opt(q, 2, p->caption);
	sqlite3_bind_int(q, 3, p->width);
	sqlite3_bind_int(q, 4, p->height);
	sqlite3_bind_blob64(q, 5, full, p->full_len, SQLITE_STATIC);
	sqlite3_bind_blob64(q, 6, thumb, p->thumb_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, p->created_at);
	sqlite3_bind_int64(q, 8, p->created_by);
	int rc = run(s, q, "ghi ảnh");
	if (rc == SQLITE_DONE)
		*id = sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
photos_list(store_t *st, int list, int64_t owner_id, int (*cb)(const store_photo_t *, void *),
            void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, list);
	sqlite3_bind_int64(q, 1, owner_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_photo_t p;
		read_photo(q, &p);
		if ((ret = cb(&p, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "ảnh");
	finish_query(s, q);
	return ret;
}

static int
photo_get(store_t *st, int get, int64_t id, int thumb,
          int (*cb)(const store_photo_t *, const void *, size_t, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, get);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, thumb ? 1 : 0);
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		store_photo_t p;
		read_photo(q, &p);
		cb(&p, sqlite3_column_blob(q, 9), (size_t)sqlite3_column_bytes(q, 9), ctx);
		ret = 1;
	} else if (rc != SQLITE_DONE)
		ret = read_failed(s, "ảnh");
	finish_query(s, q);
	return ret;
}

static int
photo_delete(store_t *st, int del, int64_t owner_id, int64_t id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, del);
	sqlite3_bind_int64(q, 1, owner_id);
	sqlite3_bind_int64(q, 2, id);
	return write_locked(s, q, "xóa ảnh", 1);
}

static int
sq_photo_add(store_t *st, const store_photo_t *p, const void *full, const void *thumb, int64_t *id)
{
	return photo_add(st, Q_PHOTO_ADD, p, full, thumb, id);
}

static int
sq_photos_of_report(store_t *st, int64_t report_id, int (*cb)(const store_photo_t *, void *),
                    void *ctx)
{
	return photos_list(st, Q_PHOTOS, report_id, cb, ctx);
}

static int
sq_photo_get(store_t *st, int64_t id, int thumb,
             int (*cb)(const store_photo_t *, const void *, size_t, void *), void *ctx)
{
	return photo_get(st, Q_PHOTO_GET, id, thumb, cb, ctx);
}

static int
sq_photo_delete(store_t *st, int64_t report_id, int64_t id)
{
	return photo_delete(st, Q_PHOTO_DELETE, report_id, id);
}

/* ---- documents ---- */

static void
read_doc(sqlite3_stmt *q, store_doc_t *d)
{
	*d = (store_doc_t){
	        .id = sqlite3_column_int64(q, 0),
	        .issuer_unit_id = sqlite3_column_int64(q, 1),
	        .campaign_id = sqlite3_column_int64(q, 2),
	        .derived_from = sqlite3_column_int64(q, 3),
	        .kind = col_text(q, 4),
	        .status = col_text(q, 5),
	        .is_public = sqlite3_column_int(q, 6),
	        .year = sqlite3_column_int(q, 7),
	        .number = sqlite3_column_int(q, 8),
	        .doc_date = sqlite3_column_int(q, 9),
	        .subject = col_text(q, 10),
	        .json = col_text(q, 11),
	        .version = sqlite3_column_int64(q, 12),
	        .created_at = sqlite3_column_int64(q, 13),
	        .created_by = sqlite3_column_int64(q, 14),
	        .updated_at = sqlite3_column_int64(q, 15),
	        .updated_by = sqlite3_column_int64(q, 16),
	        .published_at = sqlite3_column_int64(q, 17),
	        .published_by = sqlite3_column_int64(q, 18),
	};
}

/* doc_id, unit_id, read_at, read_by from column first on. */
static void
read_recipient(sqlite3_stmt *q, int first, store_doc_recipient_t *r)
{
	*r = (store_doc_recipient_t){
	        .doc_id = sqlite3_column_int64(q, first),
	        .unit_id = sqlite3_column_int64(q, first + 1),
	        .read_at = sqlite3_column_int64(q, first + 2),
	        .read_by = sqlite3_column_int64(q, first + 3),
	};
}

/* The document's status (copied into status), version and issuer (lock held): 1 found,
 * 0 not, -1 error. The statement is reset before returning. */
static int
doc_state(sqlite_store_t *s, int64_t id, char status[16], int64_t *version, int64_t *issuer)
{
	sqlite3_stmt *q = stmt(s, Q_DOC_STATE);
	sqlite3_bind_int64(q, 1, id);
	int ret, rc = sqlite3_step(q);
	status[0] = '\0';
	*version = *issuer = 0;
	if (rc == SQLITE_ROW) {
		snprintf(status, 16, "%s", col_text(q, 0));
		*version = sqlite3_column_int64(q, 1);
		*issuer = sqlite3_column_int64(q, 2);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "trạng thái văn bản");
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return ret;
}

/* Why a guarded write of document id changed nothing (lock held): -3 not a draft (checked
 * first, so publishing or editing a published document is -3 whatever version the caller
 * holds), -2 version moved on, -1 no such document or error (logged). */
static int
doc_refusal(sqlite_store_t *s, int64_t id, int64_t expected_version, const char *what)
{
	char status[16];
	int64_t cur, issuer;
	int found = doc_state(s, id, status, &cur, &issuer);
	if (found < 0)
		return -1;
	if (!found) {
		log_error("Lỗi cơ sở dữ liệu (%s): không có văn bản %lld", what, (long long)id);
		return -1;
	}
	if (strcmp(status, "draft") != 0)
		return -3;
	if (cur != expected_version)
		return -2;
	log_error("Lỗi cơ sở dữ liệu (%s): văn bản %lld không đổi", what, (long long)id);
	return -1;
}

static int
sq_doc_save(store_t *st, const store_doc_t *d, int64_t expected_version, int64_t *id,
            int64_t *version)
{
	sqlite_store_t *s = wr(st);
	const char *what = "lưu văn bản";
	/* A new row's created_* are its updated_* (from created_* when updated_at is 0). */
	int64_t at = d->updated_at ? d->updated_at : d->created_at;
	int64_t by = d->updated_at ? d->updated_by : d->created_by;
	lock(s);
	sqlite3_stmt *q = stmt(s, d->id ? Q_DOC_UPDATE : Q_DOC_INSERT);
	sqlite3_bind_int64(q, 1, d->id);
	sqlite3_bind_int64(q, 2, d->issuer_unit_id);
	sqlite3_bind_int64(q, 3, d->campaign_id);
	sqlite3_bind_int64(q, 4, d->derived_from);
	sqlite3_bind_text(q, 5, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 6, d->is_public != 0);
	sqlite3_bind_int(q, 7, d->year);
	sqlite3_bind_int(q, 8, d->doc_date);
	bind_opt(q, 9, d->subject);
	sqlite3_bind_text(q, 10, d->json ? d->json : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 11, at);
	sqlite3_bind_int64(q, 12, by);
	if (d->id)
		sqlite3_bind_int64(q, 13, expected_version);
	int ret = run(s, q, what) == SQLITE_DONE ? 0 : -1;
	if (ret == 0 && d->id && sqlite3_changes(s->db) == 0)
		ret = doc_refusal(s, d->id, expected_version, what);
	if (ret == 0) {
		if (id)
			*id = d->id ? d->id : sqlite3_last_insert_rowid(s->db);
		if (version)
			*version = d->id ? expected_version + 1 : 1;
	}
	unlock(s);
	return ret;
}

static int
sq_doc_publish(store_t *st, int64_t id, int64_t expected_version, int32_t doc_date, int year,
               const char *json, int64_t now, int64_t by, const int64_t *units, size_t nunits,
               const store_task_t *tasks, size_t ntasks, int *number, int64_t *version)
{
	sqlite_store_t *s = wr(st);
	const char *what = "ban hành văn bản";
	lock(s);
	int ok = 0, ret = -1, num = 0;
	int nested = write_begin(s, what);
	if (nested < 0)
		goto out;
	char status[16];
	int64_t cur, issuer;
	int found = doc_state(s, id, status, &cur, &issuer);
	if (found < 0)
		goto end;
	if (!found) {
		log_error("Lỗi cơ sở dữ liệu (%s): không có văn bản %lld", what, (long long)id);
		goto end;
	}
	if (strcmp(status, "draft") != 0) {
		ret = -3;
		goto end;
	}
	if (cur != expected_version) {
		ret = -2;
		goto end;
	}
	/* a number given by the caller (a document issued on paper) must be free that year */
	int given = *number > 0 ? *number : 0;
	sqlite3_stmt *q = stmt(s, given ? Q_DOC_NUMBER_TAKEN : Q_DOC_NEXT_NUMBER);
	sqlite3_bind_int64(q, 1, issuer);
	sqlite3_bind_int(q, 2, year);
	if (given)
		sqlite3_bind_int(q, 3, given);
	int rc = sqlite3_step(q);
	int64_t got = 0;
	if (rc == SQLITE_ROW)
		got = sqlite3_column_int64(q, 0);
	else
		read_failed(s, what);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_ROW)
		goto end;
	if (given && got > 0) {
		ret = -4;
		goto end;
	}
	num = given ? given : (int)got;
	q = stmt(s, Q_DOC_PUBLISH);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, num);
	sqlite3_bind_int(q, 3, year);
	sqlite3_bind_int(q, 4, doc_date);
	sqlite3_bind_text(q, 5, json ? json : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, now);
	sqlite3_bind_int64(q, 7, by);
	sqlite3_bind_int64(q, 8, expected_version);
	if (run(s, q, what) != SQLITE_DONE)
		goto end;
	if (sqlite3_changes(s->db) != 1) {
		log_error("Lỗi cơ sở dữ liệu (%s): văn bản %lld không đổi", what, (long long)id);
		goto end;
	}
	q = stmt(s, Q_RECIPIENT_ADD);
	for (size_t i = 0; i < nunits; i++) {
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, units[i]);
		if (run(s, q, what) != SQLITE_DONE)
			goto end;
	}
	q = stmt(s, Q_TASK_ADD);
	for (size_t i = 0; i < ntasks; i++) {
		const store_task_t *t = &tasks[i];
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, t->unit_id);
		sqlite3_bind_int(q, 3, t->duty);
		sqlite3_bind_text(q, 4, t->role, -1, SQLITE_STATIC);
		bind_opt(q, 5, t->task);
		sqlite3_bind_int(q, 6, t->due_date);
		if (run(s, q, what) != SQLITE_DONE)
			goto end;
	}
	ok = 1;
end:
	if (write_end(s, nested, ok, what) == 0) {
		ret = 0;
		if (number)
			*number = num;
		if (version)
			*version = cur + 1;
	}
out:
	unlock(s);
	return ret;
}

static int
sq_doc_set_public(store_t *st, int64_t id, int is_public, int64_t now, int64_t by)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_SET_PUBLIC);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int(q, 2, is_public != 0);
	sqlite3_bind_int64(q, 3, now);
	sqlite3_bind_int64(q, 4, by);
	return write_locked(s, q, "đổi chế độ công khai của văn bản", 1);
}

/* Runs a bound DOC_COLS statement (lock held) through cb, then releases. With one set,
 * stops at the first row and returns 1 found / 0 not. */
static int
docs_loop(sqlite_store_t *s, sqlite3_stmt *q, int one, int (*cb)(const store_doc_t *, void *),
          void *ctx)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_doc_t d;
		read_doc(q, &d);
		if (one) {
			if (cb)
				cb(&d, ctx);
			ret = 1;
			break;
		}
		if ((ret = cb(&d, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "văn bản");
	finish_query(s, q);
	return ret;
}

static int
sq_doc_get(store_t *st, int64_t id, int (*cb)(const store_doc_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_GET);
	sqlite3_bind_int64(q, 1, id);
	return docs_loop(s, q, 1, cb, ctx);
}

static int
sq_docs_of_issuer(store_t *st, int64_t unit_id, int (*cb)(const store_doc_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOCS_ISSUER);
	sqlite3_bind_int64(q, 1, unit_id);
	return docs_loop(s, q, 0, cb, ctx);
}

static int
sq_docs_derived(store_t *st, int64_t doc_id, int (*cb)(const store_doc_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOCS_DERIVED);
	sqlite3_bind_int64(q, 1, doc_id);
	return docs_loop(s, q, 0, cb, ctx);
}

static int
sq_docs_to_unit(store_t *st, int64_t unit_id,
                int (*cb)(const store_doc_t *, const store_doc_recipient_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOCS_TO_UNIT);
	sqlite3_bind_int64(q, 1, unit_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_doc_t d;
		store_doc_recipient_t r;
		read_doc(q, &d);
		read_recipient(q, 19, &r);
		if ((ret = cb(&d, &r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "văn bản đến");
	finish_query(s, q);
	return ret;
}

static int
sq_doc_recipients(store_t *st, int64_t doc_id, int (*cb)(const store_doc_recipient_t *, void *),
                  void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_RECIPIENTS);
	sqlite3_bind_int64(q, 1, doc_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_doc_recipient_t r;
		read_recipient(q, 0, &r);
		if ((ret = cb(&r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "nơi nhận văn bản");
	finish_query(s, q);
	return ret;
}

static int
sq_doc_mark_read(store_t *st, int64_t doc_id, int64_t unit_id, int64_t now, int64_t by)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_MARK_READ);
	sqlite3_bind_int64(q, 1, doc_id);
	sqlite3_bind_int64(q, 2, unit_id);
	sqlite3_bind_int64(q, 3, now);
	sqlite3_bind_int64(q, 4, by);
	return write_locked(s, q, "ghi nhận đã đọc văn bản", 1);
}

static int
sq_doc_signed_put(store_t *st, const store_doc_signed_t *d, const void *pdf, size_t n)
{
	if (n == 0 || n > INT32_MAX)
		return -1;
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_SIGNED_PUT);
	sqlite3_bind_int64(q, 1, d->doc_id);
	sqlite3_bind_blob(q, 2, pdf, (int)n, SQLITE_STATIC);
	bind_opt(q, 3, d->sha256);
	bind_opt(q, 4, d->signer);
	sqlite3_bind_int64(q, 5, d->signed_at);
	sqlite3_bind_int64(q, 6, d->signed_by);
	return write_locked(s, q, "lưu văn bản đã ký số", 1);
}

static int
sq_doc_signed_get(store_t *st, int64_t doc_id, int with_pdf,
                  int (*cb)(const store_doc_signed_t *, const void *, size_t, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_SIGNED_GET);
	sqlite3_bind_int64(q, 1, doc_id);
	sqlite3_bind_int(q, 2, with_pdf ? 1 : 0);
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		store_doc_signed_t d = {
		        .doc_id = sqlite3_column_int64(q, 0),
		        .sha256 = col_text(q, 1),
		        .signer = col_text(q, 2),
		        .signed_at = sqlite3_column_int64(q, 3),
		        .signed_by = sqlite3_column_int64(q, 4),
		        .size = (size_t)sqlite3_column_int64(q, 5),
		};
		const void *p = with_pdf ? sqlite3_column_blob(q, 6) : NULL;
		size_t n = with_pdf ? (size_t)sqlite3_column_bytes(q, 6) : 0;
		cb(&d, p, n, ctx);
		ret = 1;
	} else if (rc != SQLITE_DONE)
		ret = read_failed(s, "văn bản đã ký số");
	finish_query(s, q);
	return ret;
}

static int
sq_doc_import_put(store_t *st, int64_t doc_id, int64_t at, int64_t by, const char *review)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_IMPORT_PUT);
	sqlite3_bind_int64(q, 1, doc_id);
	sqlite3_bind_int64(q, 2, at);
	sqlite3_bind_int64(q, 3, by);
	sqlite3_bind_text(q, 4, review, -1, SQLITE_STATIC);
	return write_locked(s, q, "lưu kết quả nhập văn bản từ Word", 0);
}

static int
sq_doc_import_get(store_t *st, int64_t doc_id, buf_t *review)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_DOC_IMPORT_GET);
	sqlite3_bind_int64(q, 1, doc_id);
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		buf_puts(review, col_text(q, 0));
		ret = 1;
	} else if (rc != SQLITE_DONE)
		ret = read_failed(s, "kết quả nhập văn bản từ Word");
	finish_query(s, q);
	return ret;
}

/* ---- tasks (the duties of published documents) ---- */

static void
read_task(sqlite3_stmt *q, store_task_t *t)
{
	*t = (store_task_t){
	        .id = sqlite3_column_int64(q, 0),
	        .doc_id = sqlite3_column_int64(q, 1),
	        .unit_id = sqlite3_column_int64(q, 2),
	        .duty = sqlite3_column_int(q, 3),
	        .role = col_text(q, 4),
	        .task = col_text(q, 5),
	        .due_date = sqlite3_column_int(q, 6),
	        .done_at = sqlite3_column_int64(q, 7),
	        .done_by = sqlite3_column_int64(q, 8),
	        .note = col_text(q, 9),
	};
}

/* Runs a bound TASK_COLS statement (lock held) through cb, then releases; with one set,
 * 1 found / 0 not. */
static int
tasks_loop(sqlite_store_t *s, sqlite3_stmt *q, int one, int (*cb)(const store_task_t *, void *),
           void *ctx)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_task_t t;
		read_task(q, &t);
		if (one) {
			if (cb)
				cb(&t, ctx);
			ret = 1;
			break;
		}
		if ((ret = cb(&t, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "nhiệm vụ");
	finish_query(s, q);
	return ret;
}

static int
sq_tasks_of_doc(store_t *st, int64_t doc_id, int (*cb)(const store_task_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TASKS_DOC);
	sqlite3_bind_int64(q, 1, doc_id);
	return tasks_loop(s, q, 0, cb, ctx);
}

static int
sq_tasks_of_unit(store_t *st, int64_t unit_id, int (*cb)(const store_task_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TASKS_UNIT);
	sqlite3_bind_int64(q, 1, unit_id);
	return tasks_loop(s, q, 0, cb, ctx);
}

static int
sq_task_get(store_t *st, int64_t id, int (*cb)(const store_task_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TASK_GET);
	sqlite3_bind_int64(q, 1, id);
	return tasks_loop(s, q, 1, cb, ctx);
}

static int
sq_task_set_done(store_t *st, int64_t id, int64_t unit_id, int64_t done_at, int64_t by,
                 const char *note)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TASK_DONE);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, unit_id);
	/* reopening clears who and the note */
	sqlite3_bind_int64(q, 3, done_at > 0 ? done_at : 0);
	sqlite3_bind_int64(q, 4, done_at > 0 ? by : 0);
	bind_opt(q, 5, done_at > 0 ? note : "");
	return write_locked(s, q, "cập nhật nhiệm vụ", 1);
}

/* ---- activities ---- */

static void
read_activity(sqlite3_stmt *q, store_activity_t *a)
{
	*a = (store_activity_t){
	        .id = sqlite3_column_int64(q, 0),
	        .campaign_id = sqlite3_column_int64(q, 1),
	        .unit_id = sqlite3_column_int64(q, 2),
	        .unit_path = col_text(q, 3),
	        .kind = col_text(q, 4),
	        .title = col_text(q, 5),
	        .description = col_text(q, 6),
	        .start_at = sqlite3_column_int64(q, 7),
	        .end_at = sqlite3_column_int64(q, 8),
	        .place = col_text(q, 9),
	        .mode = col_text(q, 10),
	        .link = col_text(q, 11),
	        .audience = col_text(q, 12),
	        .expected = sqlite3_column_int64(q, 13),
	        .is_public = sqlite3_column_int(q, 14),
	        .late = sqlite3_column_int(q, 15),
	        .status = col_text(q, 16),
	        .actual = sqlite3_column_int64(q, 17),
	        .outcome = col_text(q, 18),
	        .version = sqlite3_column_int64(q, 19),
	        .created_at = sqlite3_column_int64(q, 20),
	        .created_by = sqlite3_column_int64(q, 21),
	        .updated_at = sqlite3_column_int64(q, 22),
	        .updated_by = sqlite3_column_int64(q, 23),
	        .client_id = col_text(q, 24),
	};
}

/* Binds ?1 = id, ?2..?19 the fields, ?20..?23 created/updated at/by and ?24 the expected
 * version (Q_ACT_INSERT, Q_ACT_UPDATE). */
static void
bind_activity(sqlite3_stmt *q, const store_activity_t *a, int64_t expected_version)
{
	sqlite3_bind_int64(q, 1, a->id);
	sqlite3_bind_int64(q, 2, a->campaign_id);
	sqlite3_bind_int64(q, 3, a->unit_id);
	sqlite3_bind_text(q, 4, a->unit_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, a->title, -1, SQLITE_STATIC);
	bind_opt(q, 7, a->description);
	sqlite3_bind_int64(q, 8, a->start_at);
	sqlite3_bind_int64(q, 9, a->end_at);
	bind_opt(q, 10, a->place);
	sqlite3_bind_text(q, 11, a->mode, -1, SQLITE_STATIC);
	bind_opt(q, 12, a->link);
	bind_opt(q, 13, a->audience);
	sqlite3_bind_int64(q, 14, a->expected);
	sqlite3_bind_int(q, 15, a->is_public != 0);
	sqlite3_bind_int(q, 16, a->late != 0);
	sqlite3_bind_text(q, 17, a->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 18, a->actual);
	bind_opt(q, 19, a->outcome);
	if (a->id == 0) {
		sqlite3_bind_int64(q, 20, a->created_at);
		sqlite3_bind_int64(q, 21, a->created_by);
		bind_opt(q, 25, a->client_id);
	}
	sqlite3_bind_int64(q, 22, a->updated_at);
	sqlite3_bind_int64(q, 23, a->updated_by);
	if (a->id)
		sqlite3_bind_int64(q, 24, expected_version);
}

static int
sq_activity_save(store_t *st, const store_activity_t *a, int64_t expected_version, int64_t *id,
                 int64_t *version)
{
	sqlite_store_t *s = wr(st);
	const char *what = "lưu hoạt động";
	lock(s);
	sqlite3_stmt *q = stmt(s, a->id ? Q_ACT_UPDATE : Q_ACT_INSERT);
	bind_activity(q, a, expected_version);
	int ret = run(s, q, what) == SQLITE_DONE ? 0 : -1;
	if (ret == 0 && a->id && sqlite3_changes(s->db) == 0) {
		/* the guarded update changed nothing: a newer version, or no such row */
		q = stmt(s, Q_ACT_VERSION);
		sqlite3_bind_int64(q, 1, a->id);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			ret = -2;
		} else if (rc == SQLITE_DONE) {
			log_error("Lỗi cơ sở dữ liệu (%s): không có hoạt động %lld", what,
			          (long long)a->id);
			ret = -1;
		} else {
			ret = read_failed(s, what);
		}
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
	}
	if (ret == 0) {
		if (id)
			*id = a->id ? a->id : sqlite3_last_insert_rowid(s->db);
		if (version)
			*version = a->id ? expected_version + 1 : 1;
	}
	unlock(s);
	return ret;
}

/* Steps q (bound, the store locked) for one activity: 1 with cb called, 0 none, -1. */
static int
activity_one(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_activity_t *, void *),
             void *ctx)
{
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_activity_t a;
		read_activity(q, &a);
		if (cb)
			cb(&a, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc hoạt động");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_activity_get(store_t *st, int64_t id, int (*cb)(const store_activity_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_ACT_GET);
	sqlite3_bind_int64(q, 1, id);
	return activity_one(s, q, cb, ctx);
}

static int
sq_activity_by_client(store_t *st, int64_t created_by, const char *client_id,
                      int (*cb)(const store_activity_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_ACT_BY_CLIENT);
	sqlite3_bind_int64(q, 1, created_by);
	sqlite3_bind_text(q, 2, client_id, -1, SQLITE_STATIC);
	return activity_one(s, q, cb, ctx);
}

/* The filter combination varies, so the statement is built per call from fixed
 * fragments, every value a named parameter (never spliced), and finalized after. */
static int
sq_activities_find(store_t *st, const store_activity_query_t *f,
                   int (*cb)(const store_activity_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	const char *path = f->path ? f->path : "";
	char sql[1024] = ACT_COLS " WHERE 1";
	size_t len = strlen(sql);
#define WHERE(frag)                                                                                \
	do {                                                                                       \
		size_t n_ = strlen(frag);                                                          \
		memcpy(sql + len, frag, n_ + 1);                                                   \
		len += n_;                                                                         \
	} while (0)
	char *hi = NULL;
	size_t nhi = 0;
	if (*path && f->exact) {
		WHERE(" AND unit_path=:path");
	} else if (*path) {
		/* a range on activities_path, not LIKE: codes hold '_' and '.' */
		WHERE(" AND unit_path>=:path AND unit_path<:hi");
		hi = prefix_upper(path, &nhi);
	}
	if (f->from)
		WHERE(" AND end_at>=:from"); /* inclusive: a zero-length event at from overlaps */
	if (f->to)
		WHERE(" AND start_at<:to");
	if (f->campaign_id)
		WHERE(" AND campaign_id=:campaign");
	if (f->public_only)
		WHERE(" AND is_public=1");
	if (f->kind && *f->kind)
		WHERE(" AND kind=:kind");
	if (f->mode && *f->mode)
		WHERE(" AND mode=:mode");
	WHERE(" ORDER BY start_at,id LIMIT :limit OFFSET :offset");
#undef WHERE
	lock(s);
	sqlite3_stmt *q = NULL;
	int rc, ret = 0;
	if (sqlite3_prepare_v2(s->db, sql, (int)len + 1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, "tìm hoạt động");
		goto out;
	}
	/* binding a name the statement lacks (index 0) is a harmless SQLITE_RANGE */
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":path"), path, -1, SQLITE_STATIC);
	if (hi && nhi > 0)
		sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":hi"), hi, (int)nhi,
		                  SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(q, sqlite3_bind_parameter_index(q, ":hi"), 0);
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":from"), f->from);
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":to"), f->to);
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":campaign"), f->campaign_id);
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":kind"), f->kind ? f->kind : "", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":mode"), f->mode ? f->mode : "", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":limit"),
	                 f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":offset"),
	                 f->offset > 0 ? f->offset : 0);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_activity_t a;
		read_activity(q, &a);
		if ((ret = cb(&a, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "tìm hoạt động");
out:
	sqlite3_finalize(q);
	unlock(s);
	free(hi);
	return ret;
}

static int
sq_activity_photo_add(store_t *st, const store_photo_t *p, const void *full, const void *thumb,
                      int64_t *id)
{
	return photo_add(st, Q_ACT_PHOTO_ADD, p, full, thumb, id);
}

static int
sq_activity_photos(store_t *st, int64_t activity_id, int (*cb)(const store_photo_t *, void *),
                   void *ctx)
{
	return photos_list(st, Q_ACT_PHOTOS, activity_id, cb, ctx);
}

static int
sq_activity_photo_get(store_t *st, int64_t id, int thumb,
                      int (*cb)(const store_photo_t *, const void *, size_t, void *), void *ctx)
{
	return photo_get(st, Q_ACT_PHOTO_GET, id, thumb, cb, ctx);
}

static int
sq_activity_photo_delete(store_t *st, int64_t activity_id, int64_t id)
{
	return photo_delete(st, Q_ACT_PHOTO_DELETE, activity_id, id);
}

/* ---- class enrolment ----
 * Statements prepared per call (the tables are small and these calls rare next to the
 * reports'), every value bound. */

/* Prepares sql on s (whose lock the caller holds); NULL logged. */
static sqlite3_stmt *
enrol_prepare(sqlite_store_t *s, const char *sql)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		log_error("Lỗi chuẩn bị truy vấn: %s", sqlite3_errmsg(s->db));
		sqlite3_finalize(q);
		return NULL;
	}
	return q;
}

static int
sq_enrol_settings_get(store_t *st, int64_t activity_id,
                      int (*cb)(const store_enrol_settings_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(s, "SELECT activity_id, open, fee, capacity, deadline,"
	                                   " contact_name, contact_phone, contact_email"
	                                   " FROM enrol_settings WHERE activity_id=?1");
	int ret = -1;
	if (q) {
		sqlite3_bind_int64(q, 1, activity_id);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			store_enrol_settings_t e = {
			        .activity_id = sqlite3_column_int64(q, 0),
			        .open = sqlite3_column_int(q, 1),
			        .fee = sqlite3_column_int64(q, 2),
			        .capacity = sqlite3_column_int64(q, 3),
			        .deadline = sqlite3_column_int64(q, 4),
			        .contact_name = col_text(q, 5),
			        .contact_phone = col_text(q, 6),
			        .contact_email = col_text(q, 7),
			};
			if (cb)
				cb(&e, ctx);
			ret = 1;
		} else {
			ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc cài đặt đăng ký học");
		}
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_enrol_settings_put(store_t *st, const store_enrol_settings_t *e)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(
	        s, "INSERT OR REPLACE INTO enrol_settings(activity_id, open, fee, capacity,"
	           " deadline, contact_name, contact_phone, contact_email)"
	           " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
	int ret = -1;
	if (q) {
		sqlite3_bind_int64(q, 1, e->activity_id);
		sqlite3_bind_int(q, 2, e->open ? 1 : 0);
		sqlite3_bind_int64(q, 3, e->fee);
		sqlite3_bind_int64(q, 4, e->capacity);
		sqlite3_bind_int64(q, 5, e->deadline);
		bind_opt(q, 6, e->contact_name);
		bind_opt(q, 7, e->contact_phone);
		bind_opt(q, 8, e->contact_email);
		ret = run(s, q, "lưu cài đặt đăng ký học") == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

#define ENROL_COLS                                                                                 \
	"SELECT id, activity_id, code, name, phone, birth_year, note, status, attended,"          \
	" created_at, changed_at, promoted_at, purged_at FROM enrolments"

static void
read_enrolment(sqlite3_stmt *q, store_enrolment_t *e)
{
	*e = (store_enrolment_t){
	        .id = sqlite3_column_int64(q, 0),
	        .activity_id = sqlite3_column_int64(q, 1),
	        .code = col_text(q, 2),
	        .name = col_text(q, 3),
	        .phone = col_text(q, 4),
	        .birth_year = sqlite3_column_int64(q, 5),
	        .note = col_text(q, 6),
	        .status = col_text(q, 7),
	        .attended = sqlite3_column_int(q, 8),
	        .created_at = sqlite3_column_int64(q, 9),
	        .changed_at = sqlite3_column_int64(q, 10),
	        .promoted_at = sqlite3_column_int64(q, 11),
	        .purged_at = sqlite3_column_int64(q, 12),
	};
}

/* Steps q (bound by the caller) and hands each row to cb; finalizes q. The number of rows,
 * or -1. */
static int
enrol_rows(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_enrolment_t *, void *),
           void *ctx)
{
	int n = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_enrolment_t e;
		read_enrolment(q, &e);
		n++;
		if (cb && cb(&e, ctx))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		n = read_failed(s, "đọc danh sách đăng ký học");
	sqlite3_finalize(q);
	return n;
}

static int
sq_enrolments_of(store_t *st, int64_t activity_id, int (*cb)(const store_enrolment_t *, void *),
                 void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(s, ENROL_COLS " WHERE activity_id=?1 ORDER BY id");
	int ret = -1;
	if (q) {
		sqlite3_bind_int64(q, 1, activity_id);
		ret = enrol_rows(s, q, cb, ctx) < 0 ? -1 : 0;
	}
	unlock(s);
	return ret;
}

static int
sq_enrolment_by_code(store_t *st, const char *code, int (*cb)(const store_enrolment_t *, void *),
                     void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(s, ENROL_COLS " WHERE code=?1");
	int ret = -1;
	if (q) {
		sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
		ret = enrol_rows(s, q, cb, ctx);
		if (ret > 1)
			ret = 1;
	}
	unlock(s);
	return ret;
}

static int
sq_enrol_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(s, "SELECT count(DISTINCT activity_id) FROM enrolments"
	                                   " WHERE phone=?1 AND created_at>=?2");
	int ret = -1;
	if (q) {
		sqlite3_bind_text(q, 1, phone, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, since);
		if (sqlite3_step(q) == SQLITE_ROW) {
			*n = sqlite3_column_int64(q, 0);
			ret = 0;
		} else {
			ret = read_failed(s, "đếm lượt đăng ký học");
		}
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_enrolment_add(store_t *st, const store_enrolment_t *e, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(
	        s, "INSERT INTO enrolments(activity_id, code, name, phone, birth_year, note,"
	           " status, attended, created_at, changed_at, promoted_at)"
	           " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?9,?10)");
	int ret = -1;
	if (q) {
		sqlite3_bind_int64(q, 1, e->activity_id);
		bind_opt(q, 2, e->code);
		bind_opt(q, 3, e->name);
		bind_opt(q, 4, e->phone);
		sqlite3_bind_int64(q, 5, e->birth_year);
		bind_opt(q, 6, e->note);
		bind_opt(q, 7, e->status);
		sqlite3_bind_int(q, 8, e->attended ? 1 : 0);
		sqlite3_bind_int64(q, 9, e->created_at);
		sqlite3_bind_int64(q, 10, e->promoted_at);
		int rc = run(s, q, NULL);
		if (rc == SQLITE_DONE) {
			ret = 0;
			if (id)
				*id = sqlite3_last_insert_rowid(s->db);
		} else if (rc == SQLITE_CONSTRAINT_UNIQUE) {
			ret = -3;
		} else {
			log_error("Lỗi cơ sở dữ liệu (ghi đăng ký học): %s", sqlite3_errmsg(s->db));
		}
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_enrolment_update(store_t *st, int64_t activity_id, int64_t id, const char *status,
                    int attended, int64_t changed_at, int64_t promoted_at)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(s, "UPDATE enrolments SET status=?3, attended=?4,"
	                                   " changed_at=?5, promoted_at=?6"
	                                   " WHERE activity_id=?1 AND id=?2");
	int ret = -1;
	if (q) {
		sqlite3_bind_int64(q, 1, activity_id);
		sqlite3_bind_int64(q, 2, id);
		bind_opt(q, 3, status);
		sqlite3_bind_int(q, 4, attended ? 1 : 0);
		sqlite3_bind_int64(q, 5, changed_at);
		sqlite3_bind_int64(q, 6, promoted_at);
		if (run(s, q, "sửa đăng ký học") == SQLITE_DONE)
			ret = sqlite3_changes(s->db) > 0;
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_enrol_purge(store_t *st, int64_t ended_before, int64_t now, int64_t *n)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(
	        s, "UPDATE enrolments SET name='', phone='', note='', birth_year=0, purged_at=?2"
	           " WHERE purged_at=0 AND activity_id IN"
	           " (SELECT id FROM activities WHERE end_at<?1)");
	int ret = -1;
	if (q) {
		sqlite3_bind_int64(q, 1, ended_before);
		sqlite3_bind_int64(q, 2, now);
		if (run(s, q, "xóa dữ liệu cá nhân đăng ký học") == SQLITE_DONE) {
			ret = 0;
			if (n)
				*n = sqlite3_changes(s->db);
		}
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

/* ---- open learning resources ---- */

/* Statements built per call (resources are written rarely and read through filters that
 * vary), every value bound, finalized after. */
#define RES_COLS                                                                                   \
	"SELECT id,unit_id,unit_path,coalesce(campaign_id,0),title,description,topic,audience,"    \
	"licence,link,file_name,file_type,file_size,published_on,status,fold,version,created_at,"  \
	"coalesce(created_by,0),updated_at,coalesce(updated_by,0) FROM resources"

static void
read_resource(sqlite3_stmt *q, store_resource_t *r)
{
	*r = (store_resource_t){
	        .id = sqlite3_column_int64(q, 0),
	        .unit_id = sqlite3_column_int64(q, 1),
	        .unit_path = col_text(q, 2),
	        .campaign_id = sqlite3_column_int64(q, 3),
	        .title = col_text(q, 4),
	        .description = col_text(q, 5),
	        .topic = col_text(q, 6),
	        .audience = col_text(q, 7),
	        .licence = col_text(q, 8),
	        .link = col_text(q, 9),
	        .file_name = col_text(q, 10),
	        .file_type = col_text(q, 11),
	        .file_size = sqlite3_column_int64(q, 12),
	        .published_on = sqlite3_column_int(q, 13),
	        .status = col_text(q, 14),
	        .fold = col_text(q, 15),
	        .version = sqlite3_column_int64(q, 16),
	        .created_at = sqlite3_column_int64(q, 17),
	        .created_by = sqlite3_column_int64(q, 18),
	        .updated_at = sqlite3_column_int64(q, 19),
	        .updated_by = sqlite3_column_int64(q, 20),
	};
}

static int
sq_resource_save(store_t *st, const store_resource_t *r, const void *file, size_t len,
                 int64_t expected_version, int64_t *id, int64_t *version)
{
	static const char ins[] =
	        "INSERT INTO resources(unit_id,unit_path,campaign_id,title,description,topic,"
	        "audience,licence,link,file_name,file_type,file_size,published_on,status,fold,"
	        "version,created_at,created_by,updated_at,updated_by) VALUES(?2,?3,nullif(?4,0),?5,"
	        "?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,1,?17,nullif(?18,0),?19,nullif(?20,0))";
	static const char upd[] =
	        "UPDATE resources SET unit_id=?2,unit_path=?3,campaign_id=nullif(?4,0),title=?5,"
	        "description=?6,topic=?7,audience=?8,licence=?9,link=?10,file_name=?11,"
	        "file_type=?12,file_size=?13,published_on=?14,status=?15,fold=?16,"
	        "version=version+1,updated_at=?19,updated_by=nullif(?20,0)"
	        " WHERE id=?1 AND version=?21";
	const char *what = "lưu học liệu";
	sqlite_store_t *s = wr(st);
	lock(s);
	int nested = write_begin(s, what);
	if (nested < 0) {
		unlock(s);
		return -1;
	}
	int ret = 0;
	int64_t rid = r->id;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(s->db, r->id ? upd : ins, -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, what);
		goto out;
	}
	sqlite3_bind_int64(q, 1, r->id);
	sqlite3_bind_int64(q, 2, r->unit_id);
	bind_opt(q, 3, r->unit_path);
	sqlite3_bind_int64(q, 4, r->campaign_id);
	bind_opt(q, 5, r->title);
	bind_opt(q, 6, r->description);
	bind_opt(q, 7, r->topic);
	bind_opt(q, 8, r->audience);
	bind_opt(q, 9, r->licence);
	bind_opt(q, 10, r->link);
	bind_opt(q, 11, r->file_name);
	bind_opt(q, 12, r->file_type);
	sqlite3_bind_int64(q, 13, r->file_size);
	sqlite3_bind_int(q, 14, r->published_on);
	bind_opt(q, 15, r->status);
	bind_opt(q, 16, r->fold);
	sqlite3_bind_int64(q, 17, r->created_at);
	sqlite3_bind_int64(q, 18, r->created_by);
	sqlite3_bind_int64(q, 19, r->updated_at);
	sqlite3_bind_int64(q, 20, r->updated_by);
	sqlite3_bind_int64(q, 21, expected_version);
	if (sqlite3_step(q) != SQLITE_DONE) {
		ret = read_failed(s, what);
		goto out;
	}
	if (r->id && sqlite3_changes(s->db) == 0) {
		ret = -2; /* a newer version (the caller read the row, so it exists) */
		goto out;
	}
	if (!r->id)
		rid = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(q);
	q = NULL;
	if (file || !r->file_name || !*r->file_name) {
		/* new bytes, or a link now: the old bytes go */
		if (sqlite3_prepare_v2(s->db, "DELETE FROM resource_files WHERE resource_id=?1", -1,
		                       &q, NULL) != SQLITE_OK) {
			ret = read_failed(s, what);
			goto out;
		}
		sqlite3_bind_int64(q, 1, rid);
		if (sqlite3_step(q) != SQLITE_DONE) {
			ret = read_failed(s, what);
			goto out;
		}
		sqlite3_finalize(q);
		q = NULL;
	}
	if (file) {
		if (sqlite3_prepare_v2(s->db,
		                       "INSERT INTO resource_files(resource_id,bytes) VALUES(?1,?2)",
		                       -1, &q, NULL) != SQLITE_OK) {
			ret = read_failed(s, what);
			goto out;
		}
		sqlite3_bind_int64(q, 1, rid);
		sqlite3_bind_blob64(q, 2, file, len, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			ret = read_failed(s, what);
	}
out:
	sqlite3_finalize(q);
	if (write_end(s, nested, ret == 0, what) < 0 && ret == 0)
		ret = -1;
	if (ret == 0) {
		if (id)
			*id = rid;
		if (version)
			*version = r->id ? expected_version + 1 : 1;
	}
	unlock(s);
	return ret;
}

static int
sq_resource_get(store_t *st, int64_t id, int (*cb)(const store_resource_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int ret;
	if (sqlite3_prepare_v2(s->db, RES_COLS " WHERE id=?1", -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, "đọc học liệu");
	} else {
		sqlite3_bind_int64(q, 1, id);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			store_resource_t r;
			read_resource(q, &r);
			if (cb)
				cb(&r, ctx);
			ret = 1;
		} else {
			ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc học liệu");
		}
	}
	sqlite3_finalize(q);
	unlock(s);
	return ret;
}

/* The WHERE clause of a resource query into sql (named parameters only). */
static void
resource_where(const store_resource_query_t *f, buf_t *sql)
{
	const char *path = f->path ? f->path : "";
	buf_puts(sql, " WHERE 1");
	if (*path && f->exact)
		buf_puts(sql, " AND unit_path=:path");
	else if (*path)
		buf_puts(sql, " AND unit_path>=:path AND unit_path<:hi"); /* a range, as activities */
	if (f->status && *f->status)
		buf_puts(sql, " AND status=:status");
	if (f->topic && *f->topic)
		buf_puts(sql, " AND topic=:topic");
	if (f->audience && *f->audience)
		buf_puts(sql, " AND audience=:audience");
	if (f->type && !strcmp(f->type, "link"))
		buf_puts(sql, " AND link<>''");
	else if (f->type && *f->type)
		buf_puts(sql, " AND file_type=:type");
	for (int k = 0; k < f->nwords && k < 8; k++) {
		char w[64];
		snprintf(w, sizeof w, " AND instr(' '||fold,' '||:w%d)>0", k);
		buf_puts(sql, w);
	}
	if (f->from_day)
		buf_puts(sql, " AND published_on>=:from");
	if (f->to_day)
		buf_puts(sql, " AND published_on<=:to");
}

static void
resource_bind(sqlite3_stmt *q, const store_resource_query_t *f, const char *hi, size_t nhi)
{
	const char *path = f->path ? f->path : "";
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":path"), path, -1, SQLITE_STATIC);
	if (hi && nhi > 0)
		sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":hi"), hi, (int)nhi,
		                  SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(q, sqlite3_bind_parameter_index(q, ":hi"), 0);
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":status"), f->status ? f->status : "",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":topic"), f->topic ? f->topic : "",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":audience"),
	                  f->audience ? f->audience : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":type"), f->type ? f->type : "", -1,
	                  SQLITE_STATIC);
	for (int k = 0; k < f->nwords && k < 8; k++) {
		char n[8];
		snprintf(n, sizeof n, ":w%d", k);
		sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, n), f->words[k], -1,
		                  SQLITE_STATIC);
	}
	sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":from"), f->from_day);
	sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":to"),
	                 f->to_day ? f->to_day : INT32_MAX);
}

static int
sq_resources_find(store_t *st, const store_resource_query_t *f,
                  int (*cb)(const store_resource_t *, void *), void *ctx, int64_t *total)
{
	sqlite_store_t *s = rd(st);
	const char *path = f->path ? f->path : "";
	char *hi = NULL;
	size_t nhi = 0;
	if (*path && !f->exact)
		hi = prefix_upper(path, &nhi);
	buf_t where = BUF_INIT, sql = BUF_INIT;
	resource_where(f, &where);
	lock(s);
	sqlite3_stmt *q = NULL;
	int rc, ret = 0;
	if (total) {
		buf_puts(&sql, "SELECT count(*) FROM resources");
		buf_puts(&sql, buf_cstr(&where));
		if (sqlite3_prepare_v2(s->db, buf_cstr(&sql), -1, &q, NULL) != SQLITE_OK) {
			ret = read_failed(s, "đếm học liệu");
			goto out;
		}
		resource_bind(q, f, hi, nhi);
		if (sqlite3_step(q) != SQLITE_ROW) {
			ret = read_failed(s, "đếm học liệu");
			goto out;
		}
		*total = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		q = NULL;
		buf_reset(&sql);
	}
	buf_puts(&sql, RES_COLS);
	buf_puts(&sql, buf_cstr(&where));
	buf_puts(&sql, " ORDER BY published_on DESC, id DESC LIMIT :limit OFFSET :offset");
	if (sqlite3_prepare_v2(s->db, buf_cstr(&sql), -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, "tìm học liệu");
		goto out;
	}
	resource_bind(q, f, hi, nhi);
	sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":limit"),
	                 f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":offset"),
	                 f->offset > 0 ? f->offset : 0);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_resource_t r;
		read_resource(q, &r);
		if ((ret = cb(&r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "tìm học liệu");
out:
	sqlite3_finalize(q);
	unlock(s);
	buf_free(&where);
	buf_free(&sql);
	free(hi);
	return ret;
}

static int
sq_resource_file(store_t *st, int64_t id, int (*cb)(const void *data, size_t len, void *ctx),
                 void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int ret;
	if (sqlite3_prepare_v2(s->db, "SELECT bytes FROM resource_files WHERE resource_id=?1", -1,
	                       &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, "đọc tệp học liệu");
	} else {
		sqlite3_bind_int64(q, 1, id);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			const void *b = sqlite3_column_blob(q, 0);
			size_t n = (size_t)sqlite3_column_bytes(q, 0);
			cb(b ? b : "", n, ctx);
			ret = 1;
		} else {
			ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc tệp học liệu");
		}
	}
	sqlite3_finalize(q);
	unlock(s);
	return ret;
}

/* ---- reading culture ---- */

/* A shelf's holding: the ledger summed (docs/reading.md). In-transit books have left the
 * sender and are not yet the receiver's. */
#define SHELF_HELD                                                                                 \
	"(s.books_start"                                                                           \
	"+coalesce((SELECT sum(count) FROM book_moves WHERE shelf_id=s.id AND kind='add'),0)"      \
	"-coalesce((SELECT sum(count) FROM book_moves WHERE shelf_id=s.id AND kind<>'add'),0)"     \
	"+coalesce((SELECT sum(count) FROM book_moves"                                             \
	" WHERE to_shelf_id=s.id AND received_on>0),0))"
#define SHELF_COLS                                                                                 \
	"SELECT s.id,s.unit_id,s.unit_path,s.name,s.kind,s.books_start,s.opened_on,"               \
	"s.closed_on," SHELF_HELD ",s.created_at,coalesce(s.created_by,0) FROM reading_shelves s"

/* The WHERE of a reading query on table alias t (named parameters only). */
static void
reading_where(const store_reading_query_t *f, const char *t, const char *day, buf_t *sql)
{
	const char *path = f->path ? f->path : "";
	buf_puts(sql, " WHERE 1");
	if (f->id)
		buf_printf(sql, " AND %s.id=:id", t);
	if (*path && f->exact)
		buf_printf(sql, " AND %s.unit_path=:path", t);
	else if (*path)
		buf_printf(sql, " AND %s.unit_path>=:path AND %s.unit_path<:hi", t, t);
	if (f->from_day && day)
		buf_printf(sql, " AND %s>=:from", day);
	if (f->to_day && day)
		buf_printf(sql, " AND %s<=:to", day);
	if (f->channel && *f->channel)
		buf_printf(sql, " AND %s.channel=:channel", t);
}

/* Prepares sql and binds the query's parameters; NULL after logging on failure. */
static sqlite3_stmt *
reading_prepare(sqlite_store_t *s, const char *sql, const store_reading_query_t *f, const char *hi,
                size_t nhi)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		read_failed(s, "đọc văn hóa đọc");
		sqlite3_finalize(q);
		return NULL;
	}
#define IDX(n) sqlite3_bind_parameter_index(q, n)
	sqlite3_bind_int64(q, IDX(":id"), f->id);
	sqlite3_bind_int64(q, IDX(":unit"), f->unit_id);
	sqlite3_bind_text(q, IDX(":path"), f->path ? f->path : "", -1, SQLITE_STATIC);
	if (hi && nhi > 0)
		sqlite3_bind_text(q, IDX(":hi"), hi, (int)nhi, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(q, IDX(":hi"), 0);
	sqlite3_bind_int(q, IDX(":from"), f->from_day);
	sqlite3_bind_int(q, IDX(":to"), f->to_day ? f->to_day : INT32_MAX);
	sqlite3_bind_text(q, IDX(":channel"), f->channel ? f->channel : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(q, IDX(":limit"), f->limit > 0 ? f->limit : -1);
#undef IDX
	return q;
}

typedef int (*reading_row_fn)(sqlite3_stmt *q, void *cb, void *ctx);

/* Runs the SELECT of base + the WHERE of f + tail, calling row for each result. */
static int
reading_select(store_t *st, const char *base, const char *alias, const char *day,
               const store_reading_query_t *f, const char *tail, reading_row_fn row, void *cb,
               void *ctx)
{
	sqlite_store_t *s = rd(st);
	const char *path = f->path ? f->path : "";
	size_t nhi = 0;
	char *hi = *path && !f->exact ? prefix_upper(path, &nhi) : NULL;
	buf_t sql = BUF_INIT;
	buf_puts(&sql, base);
	reading_where(f, alias, day, &sql);
	buf_puts(&sql, tail);
	lock(s);
	int ret = 0, rc = SQLITE_DONE;
	sqlite3_stmt *q = reading_prepare(s, buf_cstr(&sql), f, hi, nhi);
	if (q == NULL)
		ret = -1;
	while (q && (rc = sqlite3_step(q)) == SQLITE_ROW)
		if ((ret = row(q, cb, ctx)) != 0)
			break;
	if (q && ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "đọc văn hóa đọc");
	sqlite3_finalize(q);
	unlock(s);
	buf_free(&sql);
	free(hi);
	return ret;
}

static int
shelf_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_shelf_t r = {
	        .id = sqlite3_column_int64(q, 0),
	        .unit_id = sqlite3_column_int64(q, 1),
	        .unit_path = col_text(q, 2),
	        .name = col_text(q, 3),
	        .kind = col_text(q, 4),
	        .books_start = sqlite3_column_int64(q, 5),
	        .opened_on = sqlite3_column_int(q, 6),
	        .closed_on = sqlite3_column_int(q, 7),
	        .held = sqlite3_column_int64(q, 8),
	        .created_at = sqlite3_column_int64(q, 9),
	        .created_by = sqlite3_column_int64(q, 10),
	};
	return ((int (*)(const store_shelf_t *, void *))cb)(&r, ctx);
}

static int
sq_shelves(store_t *st, const store_reading_query_t *f, int (*cb)(const store_shelf_t *, void *),
           void *ctx)
{
	/* for a period: the shelves active in it */
	store_reading_query_t g = *f;
	g.from_day = g.to_day = 0;
	buf_t tail = BUF_INIT;
	if (f->to_day)
		buf_printf(&tail, " AND s.opened_on<=%d", (int)f->to_day);
	if (f->from_day)
		buf_printf(&tail, " AND (s.closed_on=0 OR s.closed_on>=%d)", (int)f->from_day);
	buf_puts(&tail, " ORDER BY s.unit_path, s.name, s.id LIMIT :limit");
	int rc = reading_select(st, SHELF_COLS, "s", NULL, &g, buf_cstr(&tail), shelf_row,
	                        (void *)cb, ctx);
	buf_free(&tail);
	return rc;
}

/* Inserts one row: sql's parameters bound by bind from row. 0 with *id, or -1. */
static int
reading_insert(store_t *st, const char *sql, void (*bind)(sqlite3_stmt *, const void *),
               const void *row, const char *what, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int ret = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, what);
	} else {
		bind(q, row);
		if (sqlite3_step(q) != SQLITE_DONE)
			ret = read_failed(s, what);
		else if (id)
			*id = sqlite3_last_insert_rowid(s->db);
	}
	sqlite3_finalize(q);
	unlock(s);
	return ret;
}

static void
bind_shelf(sqlite3_stmt *q, const void *p)
{
	const store_shelf_t *r = p;
	sqlite3_bind_int64(q, 1, r->unit_id);
	bind_opt(q, 2, r->unit_path);
	bind_opt(q, 3, r->name);
	bind_opt(q, 4, r->kind);
	sqlite3_bind_int64(q, 5, r->books_start);
	sqlite3_bind_int(q, 6, r->opened_on);
	sqlite3_bind_int(q, 7, r->closed_on);
	sqlite3_bind_int64(q, 8, r->created_at);
	sqlite3_bind_int64(q, 9, r->created_by);
}

static int
sq_shelf_add(store_t *st, const store_shelf_t *r, int64_t *id)
{
	return reading_insert(st,
	                      "INSERT INTO reading_shelves(unit_id,unit_path,name,kind,books_start,"
	                      "opened_on,closed_on,created_at,created_by)"
	                      " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,nullif(?9,0))",
	                      bind_shelf, r, "lưu tủ sách", id);
}

/* One statement of a few int64 parameters ?1..?n: 1 a row changed, 0 none, -1. */
static int
reading_update(store_t *st, const char *sql, const int64_t *v, int n, const char *what)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int ret;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, what);
	} else {
		for (int k = 0; k < n; k++)
			sqlite3_bind_int64(q, k + 1, v[k]);
		ret = sqlite3_step(q) == SQLITE_DONE ? sqlite3_changes(s->db) > 0
		                                     : read_failed(s, what);
	}
	sqlite3_finalize(q);
	unlock(s);
	return ret;
}

static int
sq_shelf_close(store_t *st, int64_t id, int64_t unit_id, int32_t closed_on)
{
	const int64_t v[] = {id, unit_id, closed_on};
	return reading_update(st,
	                      "UPDATE reading_shelves SET closed_on=?3 WHERE id=?1 AND unit_id=?2",
	                      v, 3, "đóng tủ sách");
}

static int
sq_book_move_add(store_t *st, const store_book_move_t *m, int64_t *id, int64_t *held)
{
	const char *what = "ghi sổ sách";
	sqlite_store_t *s = wr(st);
	lock(s);
	int nested = write_begin(s, what);
	if (nested < 0) {
		unlock(s);
		return -1;
	}
	int ret = 0;
	sqlite3_stmt *q = NULL;
	if (strcmp(m->kind, "add") != 0) {
		if (sqlite3_prepare_v2(s->db,
		                       "SELECT " SHELF_HELD " FROM reading_shelves s WHERE s.id=?1",
		                       -1, &q, NULL) != SQLITE_OK) {
			ret = read_failed(s, what);
			goto out;
		}
		sqlite3_bind_int64(q, 1, m->shelf_id);
		if (sqlite3_step(q) != SQLITE_ROW) {
			ret = read_failed(s, what);
			goto out;
		}
		int64_t h = sqlite3_column_int64(q, 0);
		if (held)
			*held = h;
		if (h < m->count) {
			ret = -3;
			goto out;
		}
		sqlite3_finalize(q);
		q = NULL;
	}
	if (sqlite3_prepare_v2(
	            s->db,
	            "INSERT INTO book_moves(kind,day,shelf_id,unit_id,unit_path,to_shelf_id,"
	            "to_unit_id,to_path,count,note,received_on,received_by,created_at,"
	            "created_by) VALUES(?1,?2,?3,?4,?5,nullif(?6,0),nullif(?7,0),?8,?9,"
	            "?10,?11,nullif(?12,0),?13,nullif(?14,0))",
	            -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, what);
		goto out;
	}
	bind_opt(q, 1, m->kind);
	sqlite3_bind_int(q, 2, m->day);
	sqlite3_bind_int64(q, 3, m->shelf_id);
	sqlite3_bind_int64(q, 4, m->unit_id);
	bind_opt(q, 5, m->unit_path);
	sqlite3_bind_int64(q, 6, m->to_shelf_id);
	sqlite3_bind_int64(q, 7, m->to_unit_id);
	bind_opt(q, 8, m->to_path);
	sqlite3_bind_int64(q, 9, m->count);
	bind_opt(q, 10, m->note);
	sqlite3_bind_int(q, 11, m->received_on);
	sqlite3_bind_int64(q, 12, m->received_by);
	sqlite3_bind_int64(q, 13, m->created_at);
	sqlite3_bind_int64(q, 14, m->created_by);
	if (sqlite3_step(q) != SQLITE_DONE)
		ret = read_failed(s, what);
	else if (id)
		*id = sqlite3_last_insert_rowid(s->db);
out:
	sqlite3_finalize(q);
	if (write_end(s, nested, ret == 0, what) < 0 && ret == 0)
		ret = -1;
	unlock(s);
	return ret;
}

static int
sq_book_move_receive(store_t *st, int64_t id, int64_t to_unit_id, int32_t day, int64_t by)
{
	const int64_t v[] = {id, to_unit_id, day, by};
	return reading_update(st,
	                      "UPDATE book_moves SET received_on=?3,received_by=nullif(?4,0)"
	                      " WHERE id=?1 AND kind='move' AND to_unit_id=?2 AND received_on=0",
	                      v, 4, "nhận sách luân chuyển");
}

static int
move_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_book_move_t m = {
	        .id = sqlite3_column_int64(q, 0),
	        .kind = col_text(q, 1),
	        .day = sqlite3_column_int(q, 2),
	        .shelf_id = sqlite3_column_int64(q, 3),
	        .unit_id = sqlite3_column_int64(q, 4),
	        .unit_path = col_text(q, 5),
	        .to_shelf_id = sqlite3_column_int64(q, 6),
	        .to_unit_id = sqlite3_column_int64(q, 7),
	        .to_path = col_text(q, 8),
	        .count = sqlite3_column_int64(q, 9),
	        .note = col_text(q, 10),
	        .received_on = sqlite3_column_int(q, 11),
	        .received_by = sqlite3_column_int64(q, 12),
	        .created_at = sqlite3_column_int64(q, 13),
	        .created_by = sqlite3_column_int64(q, 14),
	        .shelf_name = col_text(q, 15),
	        .to_shelf_name = col_text(q, 16),
	};
	return ((int (*)(const store_book_move_t *, void *))cb)(&m, ctx);
}

static int
sq_book_moves(store_t *st, const store_reading_query_t *f,
              int (*cb)(const store_book_move_t *, void *), void *ctx)
{
	static const char base[] =
	        "SELECT "
	        "m.id,m.kind,m.day,m.shelf_id,m.unit_id,m.unit_path,coalesce(m.to_shelf_id,0),"
	        "coalesce(m.to_unit_id,0),m.to_path,m.count,m.note,m.received_on,"
	        "coalesce(m.received_by,0),m.created_at,coalesce(m.created_by,0),a.name,"
	        "coalesce(b.name,'') FROM book_moves m JOIN reading_shelves a ON a.id=m.shelf_id"
	        " LEFT JOIN reading_shelves b ON b.id=m.to_shelf_id";
	const char *tail = f->unit_id ? " AND (m.unit_id=:unit OR m.to_unit_id=:unit)"
	                                " ORDER BY m.day DESC, m.id DESC LIMIT :limit"
	                              : " ORDER BY m.day DESC, m.id DESC LIMIT :limit";
	return reading_select(st, base, "m", "m.day", f, tail, move_row, (void *)cb, ctx);
}

static void
bind_reading(sqlite3_stmt *q, const void *p)
{
	const store_reading_t *r = p;
	sqlite3_bind_int64(q, 1, r->shelf_id);
	sqlite3_bind_int64(q, 2, r->unit_id);
	bind_opt(q, 3, r->unit_path);
	sqlite3_bind_int(q, 4, r->day);
	bind_opt(q, 5, r->channel);
	sqlite3_bind_int64(q, 6, r->readers);
	sqlite3_bind_int64(q, 7, r->loans);
	bind_opt(q, 8, r->note);
	sqlite3_bind_int64(q, 9, r->created_at);
	sqlite3_bind_int64(q, 10, r->created_by);
}

static int
sq_reading_add(store_t *st, const store_reading_t *r, int64_t *id)
{
	return reading_insert(st,
	                      "INSERT INTO reading_logs(shelf_id,unit_id,unit_path,day,channel,"
	                      "readers,loans,note,created_at,created_by)"
	                      " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,nullif(?10,0))",
	                      bind_reading, r, "ghi lượt đọc", id);
}

static int
log_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_reading_t r = {
	        .id = sqlite3_column_int64(q, 0),
	        .shelf_id = sqlite3_column_int64(q, 1),
	        .unit_id = sqlite3_column_int64(q, 2),
	        .unit_path = col_text(q, 3),
	        .day = sqlite3_column_int(q, 4),
	        .channel = col_text(q, 5),
	        .readers = sqlite3_column_int64(q, 6),
	        .loans = sqlite3_column_int64(q, 7),
	        .note = col_text(q, 8),
	        .created_at = sqlite3_column_int64(q, 9),
	        .created_by = sqlite3_column_int64(q, 10),
	        .shelf_name = col_text(q, 11),
	};
	return ((int (*)(const store_reading_t *, void *))cb)(&r, ctx);
}

static int
sq_readings(store_t *st, const store_reading_query_t *f, int (*cb)(const store_reading_t *, void *),
            void *ctx)
{
	static const char base[] =
	        "SELECT r.id,r.shelf_id,r.unit_id,r.unit_path,r.day,r.channel,r.readers,r.loans,"
	        "r.note,r.created_at,coalesce(r.created_by,0),s.name FROM reading_logs r"
	        " JOIN reading_shelves s ON s.id=r.shelf_id";
	return reading_select(st, base, "r", "r.day", f,
	                      " ORDER BY r.day DESC, r.id DESC LIMIT :limit", log_row, (void *)cb,
	                      ctx);
}

static int
sum_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_reading_sum_t r = {
	        .unit_id = sqlite3_column_int64(q, 0),
	        .what = col_text(q, 1),
	        .key = col_text(q, 2),
	        .n = sqlite3_column_int64(q, 3),
	        .a = sqlite3_column_int64(q, 4),
	        .b = sqlite3_column_int64(q, 5),
	};
	return ((int (*)(const store_reading_sum_t *, void *))cb)(&r, ctx);
}

static int
sq_reading_sums(store_t *st, const store_reading_query_t *f,
                int (*cb)(const store_reading_sum_t *, void *), void *ctx)
{
	store_reading_query_t g = *f;
	g.exact = 0;
	g.id = 0;
	g.channel = "";
	g.limit = 0;
	/* shelves active in the period, by unit and kind, with their holdings now */
	buf_t tail = BUF_INIT;
	if (f->to_day)
		buf_printf(&tail, " AND s.opened_on<=%d", (int)f->to_day);
	if (f->from_day)
		buf_printf(&tail, " AND (s.closed_on=0 OR s.closed_on>=%d)", (int)f->from_day);
	buf_puts(&tail, " GROUP BY s.unit_id, s.kind");
	store_reading_query_t h = g;
	h.from_day = h.to_day = 0;
	int rc = reading_select(st,
	                        "SELECT s.unit_id,'shelf',s.kind,count(*),sum(" SHELF_HELD
	                        "),0 FROM reading_shelves s",
	                        "s", NULL, &h, buf_cstr(&tail), sum_row, (void *)cb, ctx);
	buf_free(&tail);
	if (rc == 0)
		rc = reading_select(st,
		                    "SELECT m.unit_id,m.kind,CASE WHEN m.kind<>'move' OR "
		                    "m.to_unit_id=m.unit_id THEN '' WHEN m.received_on=0 THEN "
		                    "'transit' ELSE 'out' END,count(*),"
		                    "sum(m.count),0 FROM book_moves m",
		                    "m", "m.day", &g, " GROUP BY 1,2,3", sum_row, (void *)cb, ctx);
	if (rc == 0)
		rc = reading_select(st,
		                    "SELECT r.unit_id,'read',r.channel,count(*),sum(r.readers),"
		                    "sum(r.loans) FROM reading_logs r",
		                    "r", "r.day", &g, " GROUP BY 1,2,3", sum_row, (void *)cb, ctx);
	return rc;
}

/* ---- contests (docs/contests.md) ---- */

/* Binds fmt's values from 1: 'i' int64_t, 's' text (NULL as ''), 'n' text (NULL as NULL). */
static void
cq_bind(sqlite3_stmt *q, const char *fmt, va_list ap)
{
	for (int i = 1; *fmt; fmt++, i++) {
		if (*fmt == 'i') {
			sqlite3_bind_int64(q, i, va_arg(ap, int64_t));
		} else {
			const char *t = va_arg(ap, const char *);
			if (*fmt == 'n' && t == NULL)
				sqlite3_bind_null(q, i);
			else
				bind_opt(q, i, t);
		}
	}
}

/* A statement on s (lock held) with fmt's values bound; NULL logged. */
static sqlite3_stmt *
cq_prepare(sqlite_store_t *s, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *q = enrol_prepare(s, sql);
	if (q) {
		va_list ap;
		va_start(ap, fmt);
		cq_bind(q, fmt, ap);
		va_end(ap);
	}
	return q;
}

/* One write statement under its own lock: 1/0 rows changed (changed set) or 0, -1. */
static int
cq_write(store_t *st, int changed, const char *what, const char *sql, const char *fmt, ...)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = enrol_prepare(s, sql);
	int ret = -1;
	if (q) {
		va_list ap;
		va_start(ap, fmt);
		cq_bind(q, fmt, ap);
		va_end(ap);
		if (run(s, q, what) == SQLITE_DONE)
			ret = changed ? sqlite3_changes(s->db) > 0 : 0;
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

#define CONTEST_COLS                                                                           \
	"SELECT id,unit_id,unit_path,title,theme,rules,types,audio_max_bytes,video_max_bytes,"   \
	"audio_max_seconds,video_max_seconds,starts_at,ends_at,results_on,status,announced_at,"  \
	"created_at,coalesce(created_by,0),updated_at,coalesce(updated_by,0),purged_at FROM "   \
	"contests"

static void
read_contest(sqlite3_stmt *q, store_contest_t *c)
{
	*c = (store_contest_t){
	        .id = sqlite3_column_int64(q, 0),
	        .unit_id = sqlite3_column_int64(q, 1),
	        .unit_path = col_text(q, 2),
	        .title = col_text(q, 3),
	        .theme = col_text(q, 4),
	        .rules = col_text(q, 5),
	        .types = col_text(q, 6),
	        .audio_max_bytes = sqlite3_column_int64(q, 7),
	        .video_max_bytes = sqlite3_column_int64(q, 8),
	        .audio_max_seconds = sqlite3_column_int64(q, 9),
	        .video_max_seconds = sqlite3_column_int64(q, 10),
	        .starts_at = sqlite3_column_int64(q, 11),
	        .ends_at = sqlite3_column_int64(q, 12),
	        .results_on = sqlite3_column_int(q, 13),
	        .status = col_text(q, 14),
	        .announced_at = sqlite3_column_int64(q, 15),
	        .created_at = sqlite3_column_int64(q, 16),
	        .created_by = sqlite3_column_int64(q, 17),
	        .updated_at = sqlite3_column_int64(q, 18),
	        .updated_by = sqlite3_column_int64(q, 19),
	        .purged_at = sqlite3_column_int64(q, 20),
	};
}

static int
sq_contest_save(store_t *st, const store_contest_t *c, const int64_t *judges, size_t nj,
                int64_t *id)
{
	static const char ins[] =
	        "INSERT INTO contests(unit_id,unit_path,title,theme,rules,types,audio_max_bytes,"
	        "video_max_bytes,audio_max_seconds,video_max_seconds,starts_at,ends_at,results_on,"
	        "status,announced_at,created_at,created_by,updated_at,updated_by) VALUES(?2,?3,?4,?5,"
	        "?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,nullif(?18,0),?17,nullif(?18,0))";
	static const char upd[] =
	        "UPDATE contests SET unit_id=?2,unit_path=?3,title=?4,theme=?5,rules=?6,types=?7,"
	        "audio_max_bytes=?8,video_max_bytes=?9,audio_max_seconds=?10,video_max_seconds=?11,"
	        "starts_at=?12,ends_at=?13,results_on=?14,status=?15,announced_at=?16,"
	        "updated_at=?17,updated_by=nullif(?18,0) WHERE id=?1";
	const char *what = "lưu cuộc thi";
	sqlite_store_t *s = wr(st);
	lock(s);
	int nested = write_begin(s, what);
	if (nested < 0) {
		unlock(s);
		return -1;
	}
	int ret = -1;
	int64_t cid = c->id;
	sqlite3_stmt *q = cq_prepare(
	        s, c->id ? upd : ins, "iisssssiiiiiiisiii", c->id, c->unit_id, c->unit_path,
	        c->title, c->theme, c->rules, c->types, c->audio_max_bytes, c->video_max_bytes,
	        c->audio_max_seconds, c->video_max_seconds, c->starts_at, c->ends_at,
	        (int64_t)c->results_on, c->status, c->announced_at,
	        c->id ? c->updated_at : c->created_at, c->id ? c->updated_by : c->created_by);
	if (q == NULL || run(s, q, what) != SQLITE_DONE)
		goto out;
	if (!c->id)
		cid = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(q);
	q = cq_prepare(s, "DELETE FROM contest_judges WHERE contest_id=?1", "i", cid);
	if (q == NULL || run(s, q, what) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(q);
	q = enrol_prepare(s, "INSERT OR IGNORE INTO contest_judges(contest_id,user_id,ord) "
	                     "VALUES(?1,?2,?3)");
	if (q == NULL)
		goto out;
	for (size_t k = 0; k < nj; k++) {
		sqlite3_bind_int64(q, 1, cid);
		sqlite3_bind_int64(q, 2, judges[k]);
		sqlite3_bind_int64(q, 3, (int64_t)k);
		if (run(s, q, what) != SQLITE_DONE)
			goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(q);
	if (write_end(s, nested, ret == 0, what) < 0)
		ret = -1;
	if (ret == 0 && id)
		*id = cid;
	unlock(s);
	return ret;
}

static int
sq_contest_get(store_t *st, int64_t id, int (*cb)(const store_contest_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = cq_prepare(s, CONTEST_COLS " WHERE id=?1", "i", id);
	int ret = -1;
	if (q) {
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			store_contest_t c;
			read_contest(q, &c);
			cb(&c, ctx);
			ret = 1;
		} else {
			ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc cuộc thi");
		}
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_contests_find(store_t *st, const store_contest_query_t *f,
                 int (*cb)(const store_contest_t *, void *), void *ctx)
{
	const char *path = f->path ? f->path : "";
	buf_t sql = BUF_INIT;
	buf_puts(&sql, CONTEST_COLS " WHERE 1");
	if (*path && f->exact)
		buf_puts(&sql, " AND unit_path=?1");
	else if (*path)
		buf_puts(&sql, " AND substr(unit_path,1,length(?1))=?1");
	if (f->public_only)
		buf_puts(&sql, " AND status<>'draft'");
	if (f->judge_id)
		buf_puts(&sql, " AND id IN (SELECT contest_id FROM contest_judges WHERE user_id=?2)");
	buf_puts(&sql, " ORDER BY ends_at DESC, id DESC LIMIT ?3");
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = cq_prepare(s, buf_cstr(&sql), "sii", path, f->judge_id,
	                             (int64_t)(f->limit > 0 ? f->limit : -1));
	int ret = -1;
	if (q) {
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			store_contest_t c;
			read_contest(q, &c);
			if (cb(&c, ctx))
				break;
		}
		ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : read_failed(s, "đọc cuộc thi");
		sqlite3_finalize(q);
	}
	unlock(s);
	buf_free(&sql);
	return ret;
}

static int
sq_contest_judges(store_t *st, int64_t contest_id,
                  int (*cb)(int64_t user_id, const char *name, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = cq_prepare(s,
	                             "SELECT u.id, CASE WHEN u.full_name<>'' THEN u.full_name "
	                             "ELSE u.username END FROM contest_judges j JOIN users u ON "
	                             "u.id=j.user_id WHERE j.contest_id=?1 ORDER BY j.ord",
	                             "i", contest_id);
	int ret = -1;
	if (q) {
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			if (cb(sqlite3_column_int64(q, 0), col_text(q, 1), ctx))
				break;
		ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : read_failed(s, "đọc giám khảo");
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

#define ENTRY_COLS                                                                             \
	"SELECT id,contest_id,code,status,name,phone,email,locality,title,body,media_kind,"      \
	"media_file,media_mime,media_info,media_size,media_ms,reason,prize,ip,created_at,"        \
	"moderated_at,moderated_by FROM contest_entries"

static void
read_entry(sqlite3_stmt *q, store_contest_entry_t *e)
{
	*e = (store_contest_entry_t){
	        .id = sqlite3_column_int64(q, 0),
	        .contest_id = sqlite3_column_int64(q, 1),
	        .code = col_text(q, 2),
	        .status = col_text(q, 3),
	        .name = col_text(q, 4),
	        .phone = col_text(q, 5),
	        .email = col_text(q, 6),
	        .locality = col_text(q, 7),
	        .title = col_text(q, 8),
	        .body = col_text(q, 9),
	        .media_kind = col_text(q, 10),
	        .media_file = col_text(q, 11),
	        .media_mime = col_text(q, 12),
	        .media_info = col_text(q, 13),
	        .media_size = sqlite3_column_int64(q, 14),
	        .media_ms = sqlite3_column_int64(q, 15),
	        .reason = col_text(q, 16),
	        .prize = col_text(q, 17),
	        .ip = col_text(q, 18),
	        .created_at = sqlite3_column_int64(q, 19),
	        .moderated_at = sqlite3_column_int64(q, 20),
	        .moderated_by = sqlite3_column_int64(q, 21),
	};
}

static int
sq_contest_entry_add(store_t *st, const store_contest_entry_t *e, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = cq_prepare(
	        s,
	        "INSERT INTO contest_entries(contest_id,code,status,name,phone,email,locality,"
	        "title,body,media_kind,media_file,media_mime,media_info,media_size,media_ms,ip,"
	        "created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)",
	        "issssssssssssiisi", e->contest_id, e->code, e->status, e->name, e->phone, e->email,
	        e->locality, e->title, e->body, e->media_kind, e->media_file, e->media_mime,
	        e->media_info, e->media_size, e->media_ms, e->ip, e->created_at);
	int ret = -1;
	if (q) {
		int rc = run(s, q, NULL);
		if (rc == SQLITE_DONE) {
			ret = 0;
			if (id)
				*id = sqlite3_last_insert_rowid(s->db);
		} else if (rc == SQLITE_CONSTRAINT_UNIQUE) {
			ret = -3;
		} else {
			log_error("Lỗi cơ sở dữ liệu (ghi bài dự thi): %s", sqlite3_errmsg(s->db));
		}
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

/* Every row of q (bound) to cb; 0 or -1. Lock held by the caller. */
static int
entry_rows(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_contest_entry_t *, void *),
           void *ctx, int *found)
{
	int rc;
	*found = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_contest_entry_t e;
		read_entry(q, &e);
		*found = 1;
		if (cb(&e, ctx))
			break;
	}
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : read_failed(s, "đọc bài dự thi");
}

static int
sq_contest_entries(store_t *st, int64_t contest_id, const char *status,
                   int (*cb)(const store_contest_entry_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = cq_prepare(s, ENTRY_COLS " WHERE contest_id=?1 AND (?2='' OR status=?2)"
	                                           " ORDER BY id",
	                             "is", contest_id, status);
	int ret = -1, found;
	if (q) {
		ret = entry_rows(s, q, cb, ctx, &found);
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_contest_entry_get(store_t *st, int64_t id, const char *code,
                     int (*cb)(const store_contest_entry_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = code ? cq_prepare(s, ENTRY_COLS " WHERE code=?1", "s", code)
	                       : cq_prepare(s, ENTRY_COLS " WHERE id=?1", "i", id);
	int ret = -1, found;
	if (q) {
		ret = entry_rows(s, q, cb, ctx, &found);
		if (ret == 0)
			ret = found;
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_contest_entry_set(store_t *st, int64_t id, const char *status, const char *reason,
                     const char *prize, const char *media, int64_t by, int64_t at)
{
	return cq_write(st, 1, "ghi bài dự thi",
	                "UPDATE contest_entries SET status=coalesce(?2,status),"
	                "reason=coalesce(?3,reason),prize=coalesce(?4,prize),"
	                "media_file=coalesce(?5,media_file),moderated_by=?6,moderated_at=?7"
	                " WHERE id=?1",
	                "innnnii", id, status, reason, prize, media, by, at);
}

static int
sq_contest_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = cq_prepare(s,
	                             "SELECT count(*) FROM contest_entries WHERE phone=?1 AND "
	                             "created_at>=?2",
	                             "si", phone, since);
	int ret = -1;
	if (q) {
		if (sqlite3_step(q) == SQLITE_ROW) {
			*n = sqlite3_column_int64(q, 0);
			ret = 0;
		} else {
			ret = read_failed(s, "đếm bài dự thi");
		}
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_contest_score_put(store_t *st, const store_contest_score_t *sc)
{
	return cq_write(st, 0, "ghi điểm",
	                "INSERT OR REPLACE INTO contest_scores(entry_id,judge_id,score,comment,at)"
	                " VALUES(?1,?2,?3,?4,?5)",
	                "iiisi", sc->entry_id, sc->judge_id, (int64_t)sc->score, sc->comment, sc->at);
}

static int
sq_contest_scores(store_t *st, int64_t contest_id,
                  int (*cb)(const store_contest_score_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = cq_prepare(s,
	                             "SELECT c.entry_id,c.judge_id,c.score,c.comment,c.at FROM "
	                             "contest_scores c JOIN contest_entries e ON e.id=c.entry_id "
	                             "WHERE e.contest_id=?1 ORDER BY c.entry_id, c.judge_id",
	                             "i", contest_id);
	int ret = -1;
	if (q) {
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			store_contest_score_t sc = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
			                            sqlite3_column_int(q, 2), col_text(q, 3),
			                            sqlite3_column_int64(q, 4)};
			if (cb(&sc, ctx))
				break;
		}
		ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : read_failed(s, "đọc điểm");
		sqlite3_finalize(q);
	}
	unlock(s);
	return ret;
}

static int
sq_contest_purge(store_t *st, int64_t announced_before, int64_t now,
                 int (*cb)(const char *file, void *), void *ctx, int64_t *n)
{
	static const char due[] = "contest_id IN (SELECT id FROM contests WHERE status='announced'"
	                          " AND announced_at<?1 AND purged_at=0)";
	const char *what = "xóa dữ liệu cá nhân của bài dự thi";
	sqlite_store_t *s = wr(st);
	lock(s);
	int nested = write_begin(s, what);
	if (nested < 0) {
		unlock(s);
		return -1;
	}
	int ret = -1;
	buf_t sql = BUF_INIT;
	buf_printf(&sql, "SELECT media_file FROM contest_entries WHERE %s AND status<>'approved'"
	                 " AND media_file<>''", due);
	sqlite3_stmt *q = cq_prepare(s, buf_cstr(&sql), "i", announced_before);
	if (q == NULL)
		goto out;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		cb(col_text(q, 0), ctx);
	if (rc != SQLITE_DONE) {
		read_failed(s, what);
		goto out;
	}
	sqlite3_finalize(q);
	buf_reset(&sql);
	buf_printf(&sql, "UPDATE contest_entries SET phone='',email='',ip='',media_file=CASE WHEN "
	                 "status='approved' THEN media_file ELSE '' END WHERE %s", due);
	q = cq_prepare(s, buf_cstr(&sql), "i", announced_before);
	if (q == NULL || run(s, q, what) != SQLITE_DONE)
		goto out;
	*n = sqlite3_changes(s->db);
	sqlite3_finalize(q);
	q = cq_prepare(s, "UPDATE contests SET purged_at=?2 WHERE status='announced' AND "
	                  "announced_at<?1 AND purged_at=0", "ii", announced_before, now);
	if (q == NULL || run(s, q, what) != SQLITE_DONE)
		goto out;
	ret = 0;
out:
	sqlite3_finalize(q);
	buf_free(&sql);
	if (write_end(s, nested, ret == 0, what) < 0)
		ret = -1;
	unlock(s);
	return ret;
}

/* ---- budget ---- */

/* " AND <col> IN (?..) AND <path condition>" for ids[0..n) and path: the ids bound from
 * ?1, the path (or its range: paths end in '/', and '0' follows '/') after them. */
static void
budget_where(buf_t *sql, const char *tbl, size_t n, int exact)
{
	buf_printf(sql, " WHERE %s.campaign_id IN (", tbl);
	for (size_t k = 0; k < n; k++)
		buf_printf(sql, "%s?%zu", k ? "," : "", k + 1);
	if (exact)
		buf_printf(sql, ") AND %s.unit_path=?%zu", tbl, n + 1);
	else
		buf_printf(sql, ") AND %s.unit_path>=?%zu AND %s.unit_path<?%zu", tbl, n + 1, tbl,
		           n + 2);
}

static void
budget_bind(sqlite3_stmt *q, const int64_t *ids, size_t n, const char *path, int exact, char *upper)
{
	for (size_t k = 0; k < n; k++)
		sqlite3_bind_int64(q, (int)k + 1, ids[k]);
	bind_opt(q, (int)n + 1, path);
	if (!exact) {
		size_t l = strlen(path);
		memcpy(upper, path, l + 1);
		if (l && upper[l - 1] == '/')
			upper[l - 1] = '0';
		sqlite3_bind_text(q, (int)n + 2, upper, -1, SQLITE_STATIC);
	}
}

/* Runs sql (built by the caller with budget_where) and row() per result row. */
static int
budget_select(store_t *st, const char *sql, const int64_t *ids, size_t n, const char *path,
              int exact, int (*row)(sqlite3_stmt *, void *, void *), void *cb, void *ctx)
{
	if (n == 0 || n > 500 || path == NULL)
		return -1;
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	char *upper = xmalloc(strlen(path) + 1);
	int ret = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, "đọc kinh phí");
	} else {
		budget_bind(q, ids, n, path, exact, upper);
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			if (row(q, cb, ctx))
				break;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			ret = read_failed(s, "đọc kinh phí");
	}
	sqlite3_finalize(q);
	free(upper);
	unlock(s);
	return ret;
}

static int
budget_line_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_budget_line_t l = {
	        .campaign_id = sqlite3_column_int64(q, 0),
	        .unit_id = sqlite3_column_int64(q, 1),
	        .source = col_text(q, 2),
	        .purpose = col_text(q, 3),
	        .planned = sqlite3_column_int64(q, 4),
	        .approved = sqlite3_column_int64(q, 5),
	        .spent = sqlite3_column_int64(q, 6),
	};
	return ((int (*)(const store_budget_line_t *, void *))cb)(&l, ctx);
}

/* head, the WHERE of budget_where on table tbl, tail: run with row() per result row. */
static int
budget_run(store_t *st, const char *head, const char *tbl, const char *tail, const int64_t *ids,
           size_t n, const char *path, int exact, int (*row)(sqlite3_stmt *, void *, void *),
           void *cb, void *ctx)
{
	buf_t sql = BUF_INIT;
	buf_puts(&sql, head);
	budget_where(&sql, tbl, n, exact);
	buf_puts(&sql, tail);
	int rc = budget_select(st, buf_cstr(&sql), ids, n, path, exact, row, cb, ctx);
	buf_free(&sql);
	return rc;
}

static int
sq_budget_lines(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                int (*cb)(const store_budget_line_t *, void *), void *ctx)
{
	return budget_run(st,
	                  "SELECT l.campaign_id,l.unit_id,l.source,l.purpose,l.planned,l.approved,"
	                  "l.spent FROM budget_lines l",
	                  "l", "", ids, n, path, exact, budget_line_row, (void *)cb, ctx);
}

static int
budget_award_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_budget_award_t a = {
	        .decision_id = sqlite3_column_int64(q, 0),
	        .unit_id = sqlite3_column_int64(q, 1),
	        .campaign_id = sqlite3_column_int64(q, 2),
	        .document_id = sqlite3_column_int64(q, 3),
	        .fund_source = col_text(q, 4),
	        .issued_on = sqlite3_column_int(q, 5),
	        .doc_number = sqlite3_column_int(q, 6),
	        .doc_year = sqlite3_column_int(q, 7),
	        .subject = col_text(q, 8),
	        .amount = sqlite3_column_int64(q, 9),
	        .awards = sqlite3_column_int64(q, 10),
	};
	return ((int (*)(const store_budget_award_t *, void *))cb)(&a, ctx);
}

static int
sq_budget_awards(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                 int (*cb)(const store_budget_award_t *, void *), void *ctx)
{
	return budget_run(st,
	                  "SELECT d.id,d.unit_id,d.campaign_id,d.document_id,d.fund_source,"
	                  "d.issued_on,coalesce(doc.number,0),coalesce(doc.year,0),"
	                  "coalesce(doc.subject,''),coalesce(sum(p.amount),0),count(p.id)"
	                  " FROM award_decisions d"
	                  " JOIN award_proposals p ON p.decision_id=d.id AND p.status='decided'"
	                  " LEFT JOIN documents doc ON doc.id=d.document_id",
	                  "d", " AND d.status='issued' GROUP BY d.id ORDER BY d.unit_path,d.issued_on,d.id",
	                  ids, n, path, exact, budget_award_row, (void *)cb, ctx);
}

static int
sq_budget_head(store_t *st, int64_t campaign_id, int64_t unit_id, int64_t *version,
               int64_t *updated_at, int64_t *updated_by)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int ret = 0;
	*version = *updated_at = *updated_by = 0;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT version,updated_at,coalesce(updated_by,0) FROM budget_heads"
	                       " WHERE campaign_id=?1 AND unit_id=?2",
	                       -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, "đọc kinh phí");
	} else {
		sqlite3_bind_int64(q, 1, campaign_id);
		sqlite3_bind_int64(q, 2, unit_id);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			*version = sqlite3_column_int64(q, 0);
			*updated_at = sqlite3_column_int64(q, 1);
			*updated_by = sqlite3_column_int64(q, 2);
		} else if (rc != SQLITE_DONE) {
			ret = read_failed(s, "đọc kinh phí");
		}
	}
	sqlite3_finalize(q);
	unlock(s);
	return ret;
}

/* Prepares sql, binds the int64 values v[0..nv) from ?1, steps once. 0 or -1. */
static int
budget_exec(sqlite_store_t *s, const char *sql, const int64_t *v, int nv, const char *text,
            int text_at, const char *what)
{
	sqlite3_stmt *q = NULL;
	int ret = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, what);
	} else {
		for (int k = 0; k < nv; k++)
			sqlite3_bind_int64(q, k + 1, v[k]);
		if (text_at)
			bind_opt(q, text_at, text);
		if (sqlite3_step(q) != SQLITE_DONE)
			ret = read_failed(s, what);
	}
	sqlite3_finalize(q);
	return ret;
}

static int
sq_budget_save(store_t *st, int64_t campaign_id, int64_t unit_id, const char *unit_path,
               const store_budget_line_t *lines, size_t n, int64_t expected_version, int64_t now,
               int64_t by, int64_t *version)
{
	const char *what = "lưu kinh phí";
	sqlite_store_t *s = wr(st);
	lock(s);
	int nested = write_begin(s, what);
	if (nested < 0) {
		unlock(s);
		return -1;
	}
	int ret;
	const int64_t hv[] = {campaign_id, unit_id, now, by, expected_version};
	if (expected_version == 0)
		ret = budget_exec(s,
		                  "INSERT INTO budget_heads(campaign_id,unit_id,unit_path,version,"
		                  "updated_at,updated_by) VALUES(?1,?2,?6,1,?3,nullif(?4,0))"
		                  " ON CONFLICT DO NOTHING",
		                  hv, 4, unit_path, 6, what);
	else
		ret = budget_exec(s,
		                  "UPDATE budget_heads SET version=version+1,updated_at=?3,"
		                  "updated_by=nullif(?4,0),unit_path=?6"
		                  " WHERE campaign_id=?1 AND unit_id=?2 AND version=?5",
		                  hv, 5, unit_path, 6, what);
	if (ret == 0 && sqlite3_changes(s->db) == 0)
		ret = -2; /* someone saved since the form was read */
	if (ret == 0)
		ret = budget_exec(s,
		                  "INSERT INTO budget_changes(id,n) VALUES(1,1)"
		                  " ON CONFLICT DO UPDATE SET n=n+1",
		                  hv, 0, NULL, 0, what);
	/* the unit's lines replaced: its path may have moved since they were written */
	if (ret == 0)
		ret = budget_exec(s, "DELETE FROM budget_lines WHERE campaign_id=?1 AND unit_id=?2",
		                  hv, 2, NULL, 0, what);
	for (size_t k = 0; ret == 0 && k < n; k++) {
		const store_budget_line_t *l = &lines[k];
		if (l->planned == 0 && l->approved == 0 && l->spent == 0)
			continue;
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(s->db,
		                       "INSERT INTO budget_lines(campaign_id,unit_id,unit_path,source,"
		                       "purpose,planned,approved,spent) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		                       -1, &q, NULL) != SQLITE_OK) {
			ret = read_failed(s, what);
		} else {
			sqlite3_bind_int64(q, 1, campaign_id);
			sqlite3_bind_int64(q, 2, unit_id);
			bind_opt(q, 3, unit_path);
			bind_opt(q, 4, l->source);
			bind_opt(q, 5, l->purpose);
			sqlite3_bind_int64(q, 6, l->planned);
			sqlite3_bind_int64(q, 7, l->approved);
			sqlite3_bind_int64(q, 8, l->spent);
			if (sqlite3_step(q) != SQLITE_DONE)
				ret = read_failed(s, what);
		}
		sqlite3_finalize(q);
	}
	if (write_end(s, nested, ret == 0, what) < 0 && ret == 0)
		ret = -1;
	if (ret == 0)
		*version = expected_version + 1;
	unlock(s);
	return ret;
}


/* ---- decided awards (docs/awards.md) ---- */

static int
sq_decided_awards(store_t *st, const store_decided_query_t *f,
                  int (*cb)(const store_decided_award_t *, void *), void *ctx)
{
	if (f->ncampaigns == 0)
		return 0;
	sqlite_store_t *s = rd(st);
	buf_t sql = BUF_INIT;
	buf_puts(&sql, "SELECT p.id, d.id, d.document_id, d.campaign_id, d.unit_id, d.unit_path,"
	               " p.unit_id, p.category, p.name, p.form, p.amount, d.issued_on, doc.number"
	               " FROM award_decisions d"
	               " JOIN award_proposals p ON p.decision_id = d.id AND p.status = 'decided'"
	               " JOIN documents doc ON doc.id = d.document_id"
	               " WHERE d.status = 'issued' AND d.campaign_id IN (");
	for (size_t k = 0; k < f->ncampaigns; k++)
		buf_printf(&sql, "%s%lld", k ? "," : "", (long long)f->campaigns[k]);
	buf_puts(&sql, ")");
	if (f->decider_id > 0)
		buf_printf(&sql, " AND d.unit_id = %lld", (long long)f->decider_id);
	size_t nhi = 0;
	char *hi = f->path ? prefix_upper(f->path, &nhi) : NULL;
	if (f->path)
		buf_puts(&sql, " AND d.unit_path >= ?1 AND d.unit_path < ?2");
	buf_puts(&sql, " ORDER BY d.unit_path, d.id, p.ord, p.id");
	lock(s);
	sqlite3_stmt *q = NULL;
	int ret = 0, rc = SQLITE_DONE;
	if (sqlite3_prepare_v2(s->db, buf_cstr(&sql), -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, "đọc khen thưởng đã quyết định");
	} else {
		if (f->path) {
			sqlite3_bind_text(q, 1, f->path, -1, SQLITE_STATIC);
			if (nhi > 0)
				sqlite3_bind_text(q, 2, hi, (int)nhi, SQLITE_STATIC);
			else
				sqlite3_bind_zeroblob(q, 2, 0);
		}
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			store_decided_award_t a = {
			        .proposal_id = sqlite3_column_int64(q, 0),
			        .decision_id = sqlite3_column_int64(q, 1),
			        .document_id = sqlite3_column_int64(q, 2),
			        .campaign_id = sqlite3_column_int64(q, 3),
			        .decider_unit_id = sqlite3_column_int64(q, 4),
			        .decider_path = col_text(q, 5),
			        .unit_id = sqlite3_column_int64(q, 6),
			        .category = col_text(q, 7),
			        .name = col_text(q, 8),
			        .form = col_text(q, 9),
			        .amount = sqlite3_column_int64(q, 10),
			        .issued_on = sqlite3_column_int(q, 11),
			        .number = sqlite3_column_int(q, 12),
			};
			if ((ret = cb(&a, ctx)) != 0)
				break;
		}
		if (ret == 0 && rc != SQLITE_DONE)
			ret = read_failed(s, "đọc khen thưởng đã quyết định");
	}
	sqlite3_finalize(q);
	unlock(s);
	buf_free(&sql);
	free(hi);
	return ret;
}

/* ---- commendation ---- */

/* Statements built per call (proposals are written a few at a time), every value bound,
 * finalized after: the one loop below. */
typedef struct aw_bind {
	char t; /* 'i' integer, 's' text, 'b' blob */
	int64_t i;
	const char *s;
	const void *b;
	size_t n;
} aw_bind_t;
#define AWI(v) ((aw_bind_t){'i', (v), NULL, NULL, 0})
#define AWS(v) ((aw_bind_t){'s', 0, (v), NULL, 0})
#define AWB(p, l) ((aw_bind_t){'b', 0, NULL, (p), (l)})
#define AW_ARGS(...)                                                                               \
	(const aw_bind_t[]){__VA_ARGS__},                                                          \
	        sizeof((const aw_bind_t[]){__VA_ARGS__}) / sizeof(aw_bind_t)

/* Prepare sql on s (lock held), bind v[0..n) as ?1.., step: row(q, ctx) per row. 0, or -1
 * (logged). *changes (may be NULL): rows changed by a write. */
static int
aw_run(sqlite_store_t *s, const char *sql, const aw_bind_t *v, size_t n,
       int (*row)(sqlite3_stmt *, void *), void *ctx, int64_t *changes, const char *what)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return read_failed(s, what);
	for (size_t k = 0; k < n; k++) {
		int i = (int)k + 1;
		if (v[k].t == 'i')
			sqlite3_bind_int64(q, i, v[k].i);
		else if (v[k].t == 's')
			bind_opt(q, i, v[k].s);
		else
			sqlite3_bind_blob64(q, i, v[k].b ? v[k].b : "", v[k].n, SQLITE_STATIC);
	}
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (row && row(q, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	int ret = rc == SQLITE_DONE ? 0 : read_failed(s, what);
	if (ret == 0 && changes)
		*changes = sqlite3_changes(s->db);
	sqlite3_finalize(q);
	return ret;
}

/* A read on this thread's reader. */
static int
aw_read(store_t *st, const char *sql, const aw_bind_t *v, size_t n,
        int (*row)(sqlite3_stmt *, void *), void *ctx, const char *what)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	int rc = aw_run(s, sql, v, n, row, ctx, NULL, what);
	unlock(s);
	return rc;
}

/* One write statement in its own transaction (or the caller's). *last: the new rowid. */
static int
aw_write(store_t *st, const char *sql, const aw_bind_t *v, size_t n, int64_t *changes,
         int64_t *last, const char *what)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	int nested = write_begin(s, what);
	if (nested < 0) {
		unlock(s);
		return -1;
	}
	int rc = aw_run(s, sql, v, n, NULL, NULL, changes, what);
	if (rc == 0 && last)
		*last = sqlite3_last_insert_rowid(s->db);
	if (write_end(s, nested, rc == 0, what) < 0)
		rc = -1;
	unlock(s);
	return rc;
}

#define AW_COLS                                                                                    \
	"SELECT p.id,p.campaign_id,p.unit_id,p.unit_path,p.at_unit_id,p.at_path,p.status,"         \
	"p.category,p.name,p.place,p.achievements,p.form,p.amount,p.proposed_form,"                \
	"p.proposed_amount,coalesce(p.decision_id,0),p.ord,p.version,p.created_at,"                \
	"coalesce(p.created_by,0),p.updated_at,coalesce(p.updated_by,0),"                          \
	"coalesce(d.document_id,0),coalesce(d.unit_id,0),coalesce(d.status,''),"                   \
	"coalesce(d.issued_on,0),coalesce(doc.number,0),coalesce(doc.doc_date,0),"                 \
	"coalesce(d.fund_source,'') FROM award_proposals p"                                        \
	" LEFT JOIN award_decisions d ON d.id=p.decision_id"                                       \
	" LEFT JOIN documents doc ON doc.id=d.document_id"

/* A read's callback (one of the kinds of row) and its context, and the rows seen. */
typedef struct aw_rows {
	union {
		int (*award)(const store_award_t *, void *);
		int (*file)(const store_award_file_t *, const void *, size_t, void *);
		int (*event)(const store_award_event_t *, void *);
		int (*decision)(const store_award_decision_t *, void *);
	} cb;
	void *ctx;
	int n;
} aw_rows_t;

static int
aw_row(sqlite3_stmt *q, void *p)
{
	aw_rows_t *r = p;
	store_award_t a = {
	        .id = sqlite3_column_int64(q, 0),
	        .campaign_id = sqlite3_column_int64(q, 1),
	        .unit_id = sqlite3_column_int64(q, 2),
	        .unit_path = col_text(q, 3),
	        .at_unit_id = sqlite3_column_int64(q, 4),
	        .at_path = col_text(q, 5),
	        .status = col_text(q, 6),
	        .category = col_text(q, 7),
	        .name = col_text(q, 8),
	        .place = col_text(q, 9),
	        .achievements = col_text(q, 10),
	        .form = col_text(q, 11),
	        .amount = sqlite3_column_int64(q, 12),
	        .proposed_form = col_text(q, 13),
	        .proposed_amount = sqlite3_column_int64(q, 14),
	        .decision_id = sqlite3_column_int64(q, 15),
	        .ord = sqlite3_column_int(q, 16),
	        .version = sqlite3_column_int64(q, 17),
	        .created_at = sqlite3_column_int64(q, 18),
	        .created_by = sqlite3_column_int64(q, 19),
	        .updated_at = sqlite3_column_int64(q, 20),
	        .updated_by = sqlite3_column_int64(q, 21),
	        .document_id = sqlite3_column_int64(q, 22),
	        .decider_unit_id = sqlite3_column_int64(q, 23),
	        .decision_status = col_text(q, 24),
	        .issued_on = sqlite3_column_int(q, 25),
	        .doc_number = sqlite3_column_int(q, 26),
	        .doc_date = sqlite3_column_int(q, 27),
	        .fund_source = col_text(q, 28),
	};
	r->n++;
	return r->cb.award ? r->cb.award(&a, r->ctx) : 0;
}

static int
sq_award_save(store_t *st, const store_award_t *p, int64_t expected_version, int64_t *id,
              int64_t *version)
{
	static const char ins[] =
	        "INSERT INTO award_proposals(campaign_id,unit_id,unit_path,at_unit_id,at_path,"
	        "status,category,name,place,achievements,form,amount,proposed_form,"
	        "proposed_amount,decision_id,ord,version,created_at,created_by,updated_at,"
	        "updated_by) VALUES(?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,nullif(?16,0),"
	        "?17,1,?18,nullif(?19,0),?20,nullif(?21,0))";
	static const char upd[] =
	        "UPDATE award_proposals SET campaign_id=?2,unit_id=?3,unit_path=?4,at_unit_id=?5,"
	        "at_path=?6,status=?7,category=?8,name=?9,place=?10,achievements=?11,form=?12,"
	        "amount=?13,proposed_form=?14,proposed_amount=?15,decision_id=nullif(?16,0),"
	        "ord=?17,version=version+1,updated_at=?20,updated_by=nullif(?21,0)"
	        " WHERE id=?1 AND version=?22";
	int64_t changes = 0, last = 0;
	int rc = aw_write(
	        st, p->id ? upd : ins,
	        AW_ARGS(AWI(p->id), AWI(p->campaign_id), AWI(p->unit_id), AWS(p->unit_path),
	                AWI(p->at_unit_id), AWS(p->at_path), AWS(p->status), AWS(p->category),
	                AWS(p->name), AWS(p->place), AWS(p->achievements), AWS(p->form),
	                AWI(p->amount), AWS(p->proposed_form), AWI(p->proposed_amount),
	                AWI(p->decision_id), AWI(p->ord), AWI(p->created_at), AWI(p->created_by),
	                AWI(p->updated_at), AWI(p->updated_by), AWI(expected_version)),
	        &changes, &last, "lưu đề nghị khen thưởng");
	if (rc < 0)
		return -1;
	if (p->id && changes == 0)
		return -2;
	if (id)
		*id = p->id ? p->id : last;
	if (version)
		*version = p->id ? expected_version + 1 : 1;
	return 0;
}

static int
sq_award_get(store_t *st, int64_t id, int (*cb)(const store_award_t *, void *), void *ctx)
{
	aw_rows_t r = {.cb.award = cb, .ctx = ctx};
	if (aw_read(st, AW_COLS " WHERE p.id=?1", AW_ARGS(AWI(id)), aw_row, &r,
	            "đọc đề nghị khen thưởng") < 0)
		return -1;
	return r.n > 0;
}

static int
sq_awards_find(store_t *st, const store_award_query_t *f, int (*cb)(const store_award_t *, void *),
               void *ctx)
{
	/* only the filters that are set, so the indexes serve them (an "?1=0 OR" would not);
	 * the subtree as a range on award_proposals_path, not LIKE: codes hold '_' and '.' */
	const char *path = f->path ? f->path : "";
	size_t nhi = 0;
	char *hi = *path ? prefix_upper(path, &nhi) : NULL;
	if (hi)
		hi[nhi] = '\0';
	buf_t sql = BUF_INIT;
	buf_puts(&sql, AW_COLS " WHERE 1");
	if (f->unit_id)
		buf_puts(&sql, " AND p.unit_id=?1");
	if (*path && f->exact)
		buf_puts(&sql, " AND p.unit_path=?2");
	else if (*path)
		buf_puts(&sql,
		         nhi ? " AND p.unit_path>=?2 AND p.unit_path<?9" : " AND p.unit_path>=?2");
	if (f->at_unit_id)
		buf_puts(&sql, " AND p.at_unit_id=?3");
	if (f->status && *f->status)
		buf_puts(&sql, " AND p.status=?4");
	if (f->decision_id)
		buf_puts(&sql, " AND p.decision_id=?5");
	if (f->campaign_id) /* an issued award counts in its decision's campaign */
		buf_puts(&sql, f->issued_only ? " AND d.campaign_id=?6"
		                              : " AND coalesce(d.campaign_id,p.campaign_id)=?6");
	if (f->issued_only)
		buf_puts(&sql, " AND d.status='issued'");
	buf_puts(&sql, f->decision_id || f->issued_only ? " ORDER BY p.decision_id, p.ord, p.id"
	                                                : " ORDER BY p.id DESC");
	/* ?10 names the last parameter: every index below it exists, used or not */
	buf_puts(&sql, " LIMIT ?8 OFFSET 0*?10");
	aw_rows_t r = {.cb.award = cb, .ctx = ctx};
	int rc = aw_read(st, buf_cstr(&sql),
	                 AW_ARGS(AWI(f->unit_id), AWS(path), AWI(f->at_unit_id), AWS(f->status),
	                         AWI(f->decision_id), AWI(f->campaign_id), AWI(f->issued_only),
	                         AWI(f->limit ? f->limit : 1000), AWS(hi ? hi : ""), AWI(0)),
	                 aw_row, &r, "đọc đề nghị khen thưởng");
	buf_free(&sql);
	free(hi);
	return rc;
}

static int
sq_award_file_add(store_t *st, const store_award_file_t *f, const void *bytes, int64_t *id)
{
	return aw_write(st,
	                "INSERT INTO award_files(proposal_id,name,mime,size,bytes,created_at,"
	                "created_by) VALUES(?1,?2,?3,?4,?5,?6,nullif(?7,0))",
	                AW_ARGS(AWI(f->proposal_id), AWS(f->name), AWS(f->mime), AWI(f->size),
	                        AWB(bytes, (size_t)f->size), AWI(f->created_at),
	                        AWI(f->created_by)),
	                NULL, id, "lưu tệp minh chứng");
}

static int
aw_file_row(sqlite3_stmt *q, void *p)
{
	aw_rows_t *r = p;
	store_award_file_t f = {
	        .id = sqlite3_column_int64(q, 0),
	        .proposal_id = sqlite3_column_int64(q, 1),
	        .name = col_text(q, 2),
	        .mime = col_text(q, 3),
	        .size = sqlite3_column_int64(q, 4),
	        .created_at = sqlite3_column_int64(q, 5),
	        .created_by = sqlite3_column_int64(q, 6),
	};
	const void *b = sqlite3_column_blob(q, 7);
	size_t n = (size_t)sqlite3_column_bytes(q, 7);
	return r->cb.file(&f, b, b ? n : 0, r->ctx);
}

static int
sq_award_files(store_t *st, int64_t proposal_id, int64_t file_id, int with_bytes,
               int (*cb)(const store_award_file_t *, const void *, size_t, void *), void *ctx)
{
	aw_rows_t r = {.cb.file = cb, .ctx = ctx};
	return aw_read(st,
	               with_bytes ? "SELECT id,proposal_id,name,mime,size,created_at,"
	                            "coalesce(created_by,0),bytes FROM award_files WHERE "
	                            "proposal_id=?1 AND (?2=0 OR id=?2) ORDER BY id"
	                          : "SELECT id,proposal_id,name,mime,size,created_at,"
	                            "coalesce(created_by,0),NULL FROM award_files WHERE "
	                            "proposal_id=?1 AND (?2=0 OR id=?2) ORDER BY id",
	               AW_ARGS(AWI(proposal_id), AWI(file_id)), aw_file_row, &r,
	               "đọc tệp minh chứng");
}

static int
sq_award_event_add(store_t *st, const store_award_event_t *e)
{
	return aw_write(st,
	                "INSERT INTO award_events(proposal_id,at,user_id,unit_id,action,comment,"
	                "detail) VALUES(?1,?2,nullif(?3,0),?4,?5,?6,?7)",
	                AW_ARGS(AWI(e->proposal_id), AWI(e->at), AWI(e->user_id), AWI(e->unit_id),
	                        AWS(e->action), AWS(e->comment), AWS(e->detail)),
	                NULL, NULL, "ghi lịch sử đề nghị");
}

static int
aw_event_row(sqlite3_stmt *q, void *p)
{
	aw_rows_t *r = p;
	store_award_event_t e = {
	        .id = sqlite3_column_int64(q, 0),
	        .proposal_id = sqlite3_column_int64(q, 1),
	        .at = sqlite3_column_int64(q, 2),
	        .user_id = sqlite3_column_int64(q, 3),
	        .unit_id = sqlite3_column_int64(q, 4),
	        .action = col_text(q, 5),
	        .comment = col_text(q, 6),
	        .detail = col_text(q, 7),
	        .user_name = col_text(q, 8),
	};
	return r->cb.event(&e, r->ctx);
}

static int
sq_award_events(store_t *st, int64_t proposal_id, int (*cb)(const store_award_event_t *, void *),
                void *ctx)
{
	aw_rows_t r = {.cb.event = cb, .ctx = ctx};
	return aw_read(st,
	               "SELECT e.id,e.proposal_id,e.at,coalesce(e.user_id,0),e.unit_id,e.action,"
	               "e.comment,e.detail,coalesce(nullif(u.full_name,''),u.username,'')"
	               " FROM award_events e LEFT JOIN users u ON u.id=e.user_id"
	               " WHERE e.proposal_id=?1 ORDER BY e.id",
	               AW_ARGS(AWI(proposal_id)), aw_event_row, &r, "đọc lịch sử đề nghị");
}

static int
sq_award_decision_add(store_t *st, const store_award_decision_t *d, int64_t *id)
{
	return aw_write(st,
	                "INSERT INTO award_decisions(unit_id,unit_path,campaign_id,document_id,"
	                "fund_source,status,issued_on,is_public,created_at,created_by)"
	                " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,nullif(?10,0))",
	                AW_ARGS(AWI(d->unit_id), AWS(d->unit_path), AWI(d->campaign_id),
	                        AWI(d->document_id), AWS(d->fund_source), AWS(d->status),
	                        AWI(d->issued_on), AWI(d->is_public), AWI(d->created_at),
	                        AWI(d->created_by)),
	                NULL, id, "lưu quyết định khen thưởng");
}

static int
aw_dec_row(sqlite3_stmt *q, void *p)
{
	aw_rows_t *r = p;
	store_award_decision_t d = {
	        .id = sqlite3_column_int64(q, 0),
	        .unit_id = sqlite3_column_int64(q, 1),
	        .unit_path = col_text(q, 2),
	        .campaign_id = sqlite3_column_int64(q, 3),
	        .document_id = sqlite3_column_int64(q, 4),
	        .fund_source = col_text(q, 5),
	        .status = col_text(q, 6),
	        .issued_on = sqlite3_column_int(q, 7),
	        .is_public = sqlite3_column_int(q, 8),
	        .created_at = sqlite3_column_int64(q, 9),
	        .created_by = sqlite3_column_int64(q, 10),
	        .doc_number = sqlite3_column_int(q, 11),
	        .doc_date = sqlite3_column_int(q, 12),
	        .doc_subject = col_text(q, 13),
	        .count = sqlite3_column_int64(q, 14),
	        .total = sqlite3_column_int64(q, 15),
	};
	return r->cb.decision(&d, r->ctx);
}

static int
sq_award_decisions(store_t *st, int64_t unit_id, int64_t document_id,
                   int (*cb)(const store_award_decision_t *, void *), void *ctx)
{
	aw_rows_t r = {.cb.decision = cb, .ctx = ctx};
	return aw_read(st,
	               "SELECT d.id,d.unit_id,d.unit_path,d.campaign_id,d.document_id,"
	               "d.fund_source,d.status,d.issued_on,d.is_public,d.created_at,"
	               "coalesce(d.created_by,0),coalesce(doc.number,0),coalesce(doc.doc_date,0),"
	               "coalesce(doc.subject,''),"
	               "(SELECT count(*) FROM award_proposals p WHERE p.decision_id=d.id),"
	               "(SELECT coalesce(sum(amount),0) FROM award_proposals p"
	               " WHERE p.decision_id=d.id)"
	               " FROM award_decisions d LEFT JOIN documents doc ON doc.id=d.document_id"
	               " WHERE (?1=0 OR d.unit_id=?1) AND (?2=0 OR d.document_id=?2)"
	               " ORDER BY d.id DESC LIMIT 500",
	               AW_ARGS(AWI(unit_id), AWI(document_id)), aw_dec_row, &r,
	               "đọc quyết định khen thưởng");
}

static int
aw_take_id(sqlite3_stmt *q, void *p)
{
	int64_t *v = p;
	v[0] = sqlite3_column_int64(q, 0);
	v[1] = sqlite3_column_int64(q, 1);
	v[2] = sqlite3_column_int64(q, 2);
	return 1;
}

static int
sq_award_decision_issue(store_t *st, int64_t document_id, int32_t issued_on, int64_t at, int64_t by,
                        int64_t *campaign_id)
{
	const char *what = "ban hành quyết định khen thưởng";
	sqlite_store_t *s = wr(st);
	lock(s);
	int nested = write_begin(s, what);
	if (nested < 0) {
		unlock(s);
		return -1;
	}
	int64_t d[3] = {0, 0, 0}; /* id, campaign, decider */
	int rc = aw_run(s,
	                "SELECT id,campaign_id,unit_id FROM award_decisions WHERE document_id=?1"
	                " AND status='draft'",
	                AW_ARGS(AWI(document_id)), aw_take_id, d, NULL, what);
	if (rc == 0 && d[0]) {
		/* history first: it names the proposals still in_decision */
		rc = aw_run(
		        s,
		        "INSERT INTO award_events(proposal_id,at,user_id,unit_id,action,comment,"
		        "detail) SELECT id,?2,nullif(?3,0),?4,'decide','',''"
		        " FROM award_proposals WHERE decision_id=?1 AND status='in_decision'",
		        AW_ARGS(AWI(d[0]), AWI(at), AWI(by), AWI(d[2])), NULL, NULL, NULL, what);
		if (rc == 0)
			rc = aw_run(
			        s,
			        "UPDATE award_proposals SET status='decided',version=version+1,"
			        "updated_at=?2,updated_by=nullif(?3,0) WHERE decision_id=?1 AND "
			        "status='in_decision'",
			        AW_ARGS(AWI(d[0]), AWI(at), AWI(by)), NULL, NULL, NULL, what);
		if (rc == 0)
			rc = aw_run(s,
			            "UPDATE award_decisions SET status='issued',issued_on=?2 WHERE "
			            "id=?1",
			            AW_ARGS(AWI(d[0]), AWI(issued_on)), NULL, NULL, NULL, what);
	}
	if (write_end(s, nested, rc == 0, what) < 0)
		rc = -1;
	unlock(s);
	if (rc < 0)
		return -1;
	if (campaign_id)
		*campaign_id = d[1];
	return d[0] != 0;
}

/* ---- printing awards (docs/awards.md) ---- */

/* Runs sql (?1 = a, ?2 = b) on this thread's reader and hands each row to row(q, cb,
 * ctx); row's non-zero stops and is returned. one: stop after the first row, return 1.
 * 0 when done, -1 error. Prepared per call: these are page-sized reads. */
static int
award_rows(store_t *st, const char *sql, int64_t a, int64_t b, int one, const char *what,
           int (*row)(sqlite3_stmt *, void *, void *), void *cb, void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int rc, ret = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
		ret = read_failed(s, what);
		goto out;
	}
	sqlite3_bind_int64(q, 1, a);
	sqlite3_bind_int64(q, 2, b);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ret = row(q, cb, ctx);
		if (one) {
			ret = 1;
			break;
		}
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, what);
out:
	sqlite3_finalize(q);
	unlock(s);
	return ret;
}

static int
award_item_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_award_item_t it = {
	        .id = sqlite3_column_int64(q, 0),
	        .decision_id = sqlite3_column_int64(q, 1),
	        .unit_id = sqlite3_column_int64(q, 2),
	        .unit_name = col_text(q, 3),
	        .status = col_text(q, 4),
	        .category = col_text(q, 5),
	        .name = col_text(q, 6),
	        .place = col_text(q, 7),
	        .achievements = col_text(q, 8),
	        .form = col_text(q, 9),
	        .amount = sqlite3_column_int64(q, 10),
	        .ord = sqlite3_column_int(q, 11),
	};
	int (*f)(const store_award_item_t *, void *) = cb;
	return f(&it, ctx);
}

static int
sq_award_list(store_t *st, int64_t document_id, int (*cb)(const store_award_item_t *, void *),
              void *ctx)
{
	return award_rows(st,
	                  "SELECT p.id,p.decision_id,p.unit_id,coalesce(u.name,''),p.status,"
	                  "p.category,p.name,p.place,p.achievements,p.form,p.amount,p.ord"
	                  " FROM award_decisions d JOIN award_proposals p ON p.decision_id=d.id"
	                  " LEFT JOIN units u ON u.id=p.unit_id WHERE d.document_id=?1"
	                  " ORDER BY p.ord,p.id",
	                  document_id, 0, 0, "danh sách khen thưởng", award_item_row, (void *)cb,
	                  ctx);
}

static int
award_public_row(sqlite3_stmt *q, void *cb, void *ctx)
{
	store_award_public_t w = {
	        .id = sqlite3_column_int64(q, 0),
	        .unit_id = sqlite3_column_int64(q, 1),
	        .unit_name = col_text(q, 2),
	        .category = col_text(q, 3),
	        .name = col_text(q, 4),
	        .form = col_text(q, 5),
	        .decision_id = sqlite3_column_int64(q, 6),
	        .decider_id = sqlite3_column_int64(q, 7),
	        .document_id = sqlite3_column_int64(q, 8),
	        .issued_on = (int32_t)sqlite3_column_int64(q, 9),
	        .doc_public = sqlite3_column_int(q, 10),
	        .doc_number = sqlite3_column_int(q, 11),
	        .doc_json = col_text(q, 12),
	        .doc_date = (int32_t)sqlite3_column_int64(q, 13),
	};
	int (*f)(const store_award_public_t *, void *) = cb;
	return f(&w, ctx);
}

static int
sq_awards_public(store_t *st, int64_t unit_id, int limit,
                 int (*cb)(const store_award_public_t *, void *), void *ctx)
{
	/* The candidates through the unit-id indexes (migration 19): the awards of the unit's
	 * newest ?2 public decisions (each has one at least) and those its people received;
	 * the newest ?2 of them chosen on the keys alone, then their rows read. */
	return award_rows(st,
	                  "SELECT p.id,p.unit_id,coalesce(u.name,''),p.category,p.name,p.form,d.id,"
	                  "d.unit_id,d.document_id,d.issued_on,doc.is_public,doc.number,doc.json,"
	                  "doc.doc_date FROM (SELECT p.id AS pid,d.id AS did,d.issued_on AS io,"
	                  "p.ord AS o FROM award_proposals p"
	                  " JOIN award_decisions d ON d.id=p.decision_id"
	                  " JOIN documents doc ON doc.id=d.document_id"
	                  " WHERE p.id IN (SELECT id FROM award_proposals WHERE decision_id IN"
	                  " (SELECT id FROM award_decisions WHERE unit_id=?1 AND status='issued'"
	                  " AND is_public=1 ORDER BY issued_on DESC,id DESC LIMIT ?2)"
	                  " UNION SELECT id FROM award_proposals WHERE unit_id=?1"
	                  " AND status='decided')"
	                  " AND p.status='decided' AND d.status='issued' AND d.is_public=1"
	                  " AND doc.status='published' ORDER BY io DESC,did DESC,o,pid LIMIT ?2) x"
	                  " JOIN award_proposals p ON p.id=x.pid"
	                  " JOIN award_decisions d ON d.id=x.did"
	                  " JOIN documents doc ON doc.id=d.document_id"
	                  " LEFT JOIN units u ON u.id=p.unit_id"
	                  " ORDER BY x.io DESC,x.did DESC,x.o,x.pid",
	                  unit_id, limit > 0 ? limit : 50, 0, "khen thưởng công khai",
	                  award_public_row, (void *)cb, ctx);
}

/* ---- the query layer's driver (store_int.h) ---- */

static const db_driver_t sqlite_driver;

/* q's statement on s (lock held): the connection's own, prepared on first use, or when that
 * one is stepping already (a row callback running the same query) a fresh one; *own says
 * it is to be finalised. NULL logged. */
static sqlite3_stmt *
q_stmt(sqlite_store_t *s, const q_def_t *q, int dyn, int *own)
{
	sqlite3_stmt *stm = NULL;
	*own = 1;
	if (!dyn) {
		int slot = db_slot(q);
		if (slot >= s->nqs) {
			int n = slot + 64;
			s->qs = xrealloc(s->qs, (size_t)n * sizeof *s->qs);
			memset(s->qs + s->nqs, 0, (size_t)(n - s->nqs) * sizeof *s->qs);
			s->nqs = n;
		}
		if (s->qs[slot] == NULL &&
		    sqlite3_prepare_v3(s->db, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &s->qs[slot],
		                       NULL) != SQLITE_OK)
			goto failed;
		if (!sqlite3_stmt_busy(s->qs[slot])) {
			*own = 0;
			return s->qs[slot];
		}
	}
	if (sqlite3_prepare_v2(s->db, q->sql, -1, &stm, NULL) == SQLITE_OK)
		return stm;
failed:
	db_set_error("%s", sqlite3_errmsg(s->db));
	log_error("Lỗi chuẩn bị truy vấn (%s): %s", q->what, sqlite3_errmsg(s->db));
	return NULL;
}

static int
q_bind(sqlite3_stmt *stm, const qv_t *v, size_t n)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		int k = (int)i + 1;
		switch (v[i].t) {
		case QV_NULL: rc = sqlite3_bind_null(stm, k); break;
		case QV_I64: rc = sqlite3_bind_int64(stm, k, v[i].i); break;
		case QV_F64: rc = sqlite3_bind_double(stm, k, v[i].f); break;
		case QV_TEXT:
			rc = sqlite3_bind_text(stm, k, v[i].s ? v[i].s : "", -1, SQLITE_STATIC);
			break;
		case QV_BLOB:
			/* an empty blob, not NULL, when there are no bytes */
			rc = sqlite3_bind_blob64(stm, k, v[i].b ? v[i].b : "", v[i].n, SQLITE_STATIC);
			break;
		}
	}
	return rc;
}

static int
sqd_run(store_t *st, int write, const q_def_t *q, int dyn, const qv_t *v, size_t n,
        db_row_fn row, void *ctx, int64_t *changes)
{
	sqlite_store_t *s = write ? wr(st) : rd(st);
	lock(s);
	int own, ret = 0, rc;
	sqlite3_stmt *stm = q_stmt(s, q, dyn, &own);
	if (stm == NULL) {
		unlock(s);
		return DB_ERR;
	}
	s->quiet = q->quiet; /* (the hooks', while some calls bypass the query layer) */
	if ((rc = q_bind(stm, v, n)) != SQLITE_OK) {
		db_set_error("%s", sqlite3_errstr(rc));
		log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, sqlite3_errstr(rc));
		ret = DB_ERR;
		goto out;
	}
	db_row_t r = {&sqlite_driver, stm, 0};
	while ((rc = sqlite3_step(stm)) == SQLITE_ROW)
		if (row && (ret = row(&r, ctx)) != 0)
			break;
	if (ret == 0 && rc != SQLITE_DONE) {
		int ext = sqlite3_extended_errcode(s->db);
		db_set_error("%s", sqlite3_errmsg(s->db));
		if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
			ret = DB_UNIQUE;
		} else {
			log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, sqlite3_errmsg(s->db));
			ret = DB_ERR;
		}
	}
	if (ret == 0 && changes)
		*changes = sqlite3_changes(s->db);
out:
	s->quiet = 0;
	if (own) {
		sqlite3_finalize(stm);
	} else {
		sqlite3_reset(stm);
		sqlite3_clear_bindings(stm);
	}
	unlock(s);
	return ret;
}

static int64_t
sqd_i64(const db_row_t *r, int col)
{
	return sqlite3_column_int64(r->h, col);
}

static double
sqd_f64(const db_row_t *r, int col)
{
	return sqlite3_column_double(r->h, col);
}

static const char *
sqd_text(const db_row_t *r, int col)
{
	return col_text(r->h, col);
}

static const void *
sqd_blob(const db_row_t *r, int col, size_t *n)
{
	const void *b = sqlite3_column_blob(r->h, col); /* before its size (SQLite's rule) */
	*n = (size_t)sqlite3_column_bytes(r->h, col);
	return b;
}

static int
sqd_isnull(const db_row_t *r, int col)
{
	return sqlite3_column_type(r->h, col) == SQLITE_NULL;
}

static uint64_t
sqd_version(store_t *st, int which)
{
	sqlite_store_t *w = wr(st);
	switch (which) {
	case DB_V_IDENTITY: return atomic_load(&w->identity_version);
	case DB_V_REPORTS: return atomic_load(&w->reports_version);
	case DB_V_NOTICES: return atomic_load(&w->notices_version);
	default: return atomic_load(&w->budget_version);
	}
}

static const db_driver_t sqlite_driver = {
        .name = "sqlite",
        .dialect = DB_SQLITE,
        .run = sqd_run,
        .i64 = sqd_i64,
        .f64 = sqd_f64,
        .text = sqd_text,
        .blob = sqd_blob,
        .isnull = sqd_isnull,
        .close = sq_close,
        .schema_version = sq_schema_version,
        .tx_begin = tx_begin,
        .tx_commit = sq_tx_commit,
        .tx_rollback = sq_tx_rollback,
        .sync = sq_sync,
        .external_version = sq_external_version,
        .version = sqd_version,
};

static const store_ops_t sqlite_ops = {
        .name = "sqlite",
        .units_apply = sq_units_apply,
        .placements_each = sq_placements_each,
        .placements_of = sq_placements_of,
        .lineage_each = sq_lineage_each,
        .lineage_of = sq_lineage_of,
        .registry_imports = sq_registry_imports,
        .registry_date = sq_registry_date,
        .unit_code_last_day = sq_unit_code_last_day,
        .registry_apply = sq_registry_apply,
        .registry_upload_put = sq_registry_upload_put,
        .registry_upload_get = sq_registry_upload_get,
        .registry_upload_delete = sq_registry_upload_delete,
        .chase_get = sq_chase_get,
        .chase_set = sq_chase_set,
        .notice_add = sq_notice_add,
        .notices_for = sq_notices_for,
        .notices_unread = sq_notices_unread,
        .notice_get = sq_notice_get,
        .notice_mark_read = sq_notice_mark_read,
        .mail_add = sq_mail_add,
        .mails_due = sq_mails_due,
        .mail_next_due = sq_mail_next_due,
        .mail_attempt = sq_mail_attempt,
        .mail_deliveries = sq_mail_deliveries,
        .mails_of_notice = sq_mails_of_notice,
        .mails_recent = sq_mails_recent,
        .mail_counts = sq_mail_counts,
        .mail_retry = sq_mail_retry,
        .user_create = sq_user_create,
        .user_get = sq_user_get,
        .user_find = sq_user_find,
        .user_update = sq_user_update,
        .user_count = sq_user_count,
        .role_grant = sq_role_grant,
        .role_revoke = sq_role_revoke,
        .roles_of_user = sq_roles_of_user,
        .roles_at_unit = sq_roles_at_unit,
        .roles_each = sq_roles_each,
        .session_create = sq_session_create,
        .session_get = sq_session_get,
        .session_touch = sq_session_touch,
        .session_delete = sq_session_delete,
        .sessions_delete_user = sq_sessions_delete_user,
        .sessions_expire = sq_sessions_expire,
        .token_create = sq_token_create,
        .token_find = sq_token_find,
        .tokens_of_user = sq_tokens_of_user,
        .token_revoke = sq_token_revoke,
        .token_touch = sq_token_touch,
        .audit_append = sq_audit_append,
        .audit_list = sq_audit_list,
        .photo_add = sq_photo_add,
        .photos_of_report = sq_photos_of_report,
        .photo_get = sq_photo_get,
        .photo_delete = sq_photo_delete,
        .doc_save = sq_doc_save,
        .doc_publish = sq_doc_publish,
        .doc_set_public = sq_doc_set_public,
        .doc_get = sq_doc_get,
        .docs_of_issuer = sq_docs_of_issuer,
        .docs_derived = sq_docs_derived,
        .docs_to_unit = sq_docs_to_unit,
        .doc_recipients = sq_doc_recipients,
        .doc_mark_read = sq_doc_mark_read,
        .doc_signed_put = sq_doc_signed_put,
        .doc_signed_get = sq_doc_signed_get,
        .doc_import_put = sq_doc_import_put,
        .doc_import_get = sq_doc_import_get,
        .tasks_of_doc = sq_tasks_of_doc,
        .tasks_of_unit = sq_tasks_of_unit,
        .task_get = sq_task_get,
        .task_set_done = sq_task_set_done,
        .activity_save = sq_activity_save,
        .activity_get = sq_activity_get,
        .activity_by_client = sq_activity_by_client,
        .activities_find = sq_activities_find,
        .activity_photo_add = sq_activity_photo_add,
        .activity_photos = sq_activity_photos,
        .activity_photo_get = sq_activity_photo_get,
        .activity_photo_delete = sq_activity_photo_delete,
        .resource_save = sq_resource_save,
        .resource_get = sq_resource_get,
        .resources_find = sq_resources_find,
        .resource_file = sq_resource_file,
        /* class enrolment */
        .enrol_settings_get = sq_enrol_settings_get,
        .enrol_settings_put = sq_enrol_settings_put,
        .enrolments_of = sq_enrolments_of,
        .enrolment_by_code = sq_enrolment_by_code,
        .enrol_phone_since = sq_enrol_phone_since,
        .enrolment_add = sq_enrolment_add,
        .enrolment_update = sq_enrolment_update,
        .enrol_purge = sq_enrol_purge,
        /* reading culture */
        .shelf_add = sq_shelf_add,
        .shelf_close = sq_shelf_close,
        .shelves = sq_shelves,
        .decided_awards = sq_decided_awards,
        .book_move_add = sq_book_move_add,
        .book_move_receive = sq_book_move_receive,
        .book_moves = sq_book_moves,
        .reading_add = sq_reading_add,
        .readings = sq_readings,
        .reading_sums = sq_reading_sums,
        .contest_save = sq_contest_save,
        .contest_get = sq_contest_get,
        .contests_find = sq_contests_find,
        .contest_judges = sq_contest_judges,
        .contest_entry_add = sq_contest_entry_add,
        .contest_entries = sq_contest_entries,
        .contest_entry_get = sq_contest_entry_get,
        .contest_entry_set = sq_contest_entry_set,
        .contest_phone_since = sq_contest_phone_since,
        .contest_score_put = sq_contest_score_put,
        .contest_scores = sq_contest_scores,
        .contest_purge = sq_contest_purge,
        /* commendation */
        .award_save = sq_award_save,
        .award_get = sq_award_get,
        .awards_find = sq_awards_find,
        .award_file_add = sq_award_file_add,
        .award_files = sq_award_files,
        .award_event_add = sq_award_event_add,
        .award_events = sq_award_events,
        .award_decision_add = sq_award_decision_add,
        .award_decisions = sq_award_decisions,
        .award_decision_issue = sq_award_decision_issue,
        .budget_lines = sq_budget_lines,
        .budget_awards = sq_budget_awards,
        .budget_head = sq_budget_head,
        .budget_save = sq_budget_save,
        /* printing awards */
        .award_list = sq_award_list,
        .awards_public = sq_awards_public,
};

int
store_sqlite_open(const char *path, store_t **out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	*out = NULL;
	int rc = sqlite3_open_v2(
	        path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "Không mở được cơ sở dữ liệu %s: %s", path,
		         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return -1;
	}
	/* WAL: readers never block the writer. synchronous=FULL: a committed submission
	 * survives a power cut (the reporting loop promises that). */
	if (exec(db,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	         "PRAGMA busy_timeout=5000;",
	         err, errlen) < 0 ||
	    migrate(db, err, errlen) < 0) {
		sqlite3_close(db);
		return -1;
	}
	sq_db_t *d = xcalloc(1, sizeof *d);
	sqlite_store_t *s = &d->w;
	conn_init(s, db, 0);
	d->path = xstrdup(path);
	/* an in-memory or temporary database is private to its connection */
	const char *file = sqlite3_db_filename(db, "main");
	d->no_readers = file == NULL || *file == '\0' || strstr(path, "mode=memory") != NULL;
	pthread_mutex_init(&d->rmu, NULL);
	if (pthread_key_create(&d->key, NULL) != 0) {
		snprintf(err, errlen, "Không tạo được khóa luồng cho kho dữ liệu.");
		conn_close(s);
		free(d->path);
		free(d);
		return -1;
	}
	sqlite3_update_hook(db, on_update, s);
	sqlite3_commit_hook(db, on_commit, s);
	sqlite3_rollback_hook(db, on_tx_end, s);
	for (int i = 0; i < Q_COUNT; i++) {
		if (sqlite3_prepare_v3(db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
		                       NULL) != SQLITE_OK) {
			snprintf(err, errlen, "Lỗi chuẩn bị truy vấn: %s", sqlite3_errmsg(db));
			store_t *t = xcalloc(1, sizeof *t);
			t->ops = &sqlite_ops;
			t->drv = &sqlite_driver;
			t->backend = d;
			sq_close(t);
			return -1;
		}
	}
	store_t *st = xmalloc(sizeof *st);
	st->ops = &sqlite_ops;
	st->drv = &sqlite_driver;
	st->backend = d;
	st->fault_countdown = -1;
	*out = st;
	return 0;
}
