/* The ticketd command line: init, workspace create, key create|list|revoke, serve, backup, and
 * seed (the benchmark's bulk loader). It owns the process-wide objects (the store) and wires
 * the layers together; see ../shared/DESIGN.md "Operating it". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "blob/blob.h"
#include "blob/media.h"
#include "doc/doc.h"
#include "core/asset.h"
#include "core/auth.h"
#include "core/notify.h"
#include "core/ticket.h"
#include "net/net.h"
#include "server/http.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

typedef struct {
    const char *data, *listen, *workspace, *db, *public_url;
    const char *smtp, *mail_from, *sms_gateway;
    const char *from, *to; /* copy */
    long long threads, max_body, max_upload, tickets, teammates, clients;
    long long notify_attempts, notify_backoff_ms;
    bool quiet;
    const char *args[4]; /* positional arguments after the command */
    int n_args;
} options;

static int usage(void)
{
    fputs("usage:\n"
          "  ticketd init [--data DIR]\n"
          "  ticketd workspace create NAME [--data DIR]\n"
          "  ticketd key create --workspace NAME|ID [--data DIR]\n"
          "  ticketd key list [--data DIR]\n"
          "  ticketd key revoke ID|PREFIX [--data DIR]\n"
          "  ticketd serve [--data DIR] [--listen HOST:PORT] [--threads N] [--quiet]\n"
          "                [--max-body BYTES] [--max-upload BYTES] [--public-url URL]\n"
          "                [--db URL] [--smtp URL] [--mail-from ADDR] [--sms-gateway URL]\n"
          "                [--notify-attempts N] [--notify-backoff-ms MS]\n"
          "  ticketd backup FILE [--data DIR]\n"
          "  ticketd migrate --db URL\n"
          "  ticketd copy --from DIR --to URL\n"
          "every command takes --db URL (or TICKETD_DB): a PostgreSQL store instead of\n"
          "DIR/ticketd.db; DIR still holds the files\n"
          "  ticketd seed --tickets N [--teammates N] [--clients N] [--data DIR]\n",
          stderr);
    return 2;
}

static bool parse_num(const char *flag, const char *v, long long lo, long long hi, long long *out)
{
    if (!v || !text_parse_int(v, out) || *out < lo || *out > hi) {
        fprintf(stderr, "ticketd: %s needs a number from %lld to %lld\n", flag, lo, hi);
        return false;
    }
    return true;
}

static bool parse_options(int argc, char **argv, int first, options *o)
{
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(a, "--data") == 0)
            o->data = v;
        else if (strcmp(a, "--listen") == 0)
            o->listen = v;
        else if (strcmp(a, "--workspace") == 0)
            o->workspace = v;
        else if (strcmp(a, "--db") == 0)
            o->db = v;
        else if (strcmp(a, "--from") == 0)
            o->from = v;
        else if (strcmp(a, "--to") == 0)
            o->to = v;
        else if (strcmp(a, "--threads") == 0) {
            if (!parse_num(a, v, 1, 256, &o->threads)) return false;
        } else if (strcmp(a, "--max-body") == 0) {
            if (!parse_num(a, v, 1, 1LL << 32, &o->max_body)) return false;
        } else if (strcmp(a, "--max-upload") == 0) {
            if (!parse_num(a, v, 1, 1LL << 40, &o->max_upload)) return false;
        } else if (strcmp(a, "--public-url") == 0) {
            o->public_url = v;
        } else if (strcmp(a, "--smtp") == 0) {
            o->smtp = v;
        } else if (strcmp(a, "--mail-from") == 0) {
            o->mail_from = v;
        } else if (strcmp(a, "--sms-gateway") == 0) {
            o->sms_gateway = v;
        } else if (strcmp(a, "--notify-attempts") == 0) {
            if (!parse_num(a, v, 1, 100, &o->notify_attempts)) return false;
        } else if (strcmp(a, "--notify-backoff-ms") == 0) {
            if (!parse_num(a, v, 1, 86400000, &o->notify_backoff_ms)) return false;
        } else if (strcmp(a, "--tickets") == 0) {
            if (!parse_num(a, v, 0, 100000000, &o->tickets)) return false;
        } else if (strcmp(a, "--teammates") == 0) {
            if (!parse_num(a, v, 1, 1000000, &o->teammates)) return false;
        } else if (strcmp(a, "--clients") == 0) {
            if (!parse_num(a, v, 1, 10000000, &o->clients)) return false;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
            takes = false;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "ticketd: unknown option %s\n", a);
            return false;
        } else {
            if (o->n_args == 4) return false;
            o->args[o->n_args++] = a;
            takes = false;
        }
        if (takes) {
            if (!v) {
                fprintf(stderr, "ticketd: %s needs a value\n", a);
                return false;
            }
            i++;
        }
    }
    return true;
}

/* Opens (and migrates) the store: the PostgreSQL database of --db, or the SQLite file of the
 * data directory (which also holds the files either way), creating the directory if asked. */
static store *open_store(const options *o, bool create_dir)
{
    if (create_dir && mkdir(o->data, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "ticketd: cannot create %s: %s\n", o->data, strerror(errno));
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/ticketd.db", o->data);
    struct stat sb;
    if (o->db) {
        snprintf(path, sizeof path, "%s", o->db);
    } else if (!create_dir && stat(path, &sb) != 0) {
        fprintf(stderr, "ticketd: no store at %s: run `ticketd init --data %s` first\n", path,
                o->data);
        return NULL;
    }
    store *st = NULL;
    diag d = {0};
    if (store_open(path, &st, &d)) {
        fprintf(stderr, "ticketd: %s\n", d.msg);
        return NULL;
    }
    return st;
}

static int fail(const diag *d)
{
    if (d->field[0])
        fprintf(stderr, "ticketd: %s %s\n", d->field, d->msg);
    else
        fprintf(stderr, "ticketd: %s\n", d->msg);
    return 1;
}

static int cmd_init(const options *o)
{
    store *st = open_store(o, true);
    if (!st) return 1;
    arena *a = arena_new(4096);
    db *c = store_conn(st);
    diag d = {0};
    ws_row w;
    char key[KEY_STR_LEN + 1];
    int rc = 1;
    if (store_ws_find(c, NULL, a, &w) == ST_OK) {
        fprintf(stderr,
                "ticketd: %s is already initialised (workspace %s); use `ticketd key "
                "create` for another key\n",
                o->data, w.name);
        goto out;
    }
    if (workspace_create(c, "default", a, &w, &d) || key_create(c, w.id, key, &d)) {
        fail(&d);
        goto out;
    }
    printf("%s\n", key);
    rc = 0;
out:
    arena_free(a);
    store_close(st);
    return rc;
}

static int cmd_workspace(const options *o)
{
    if (o->n_args != 2 || strcmp(o->args[0], "create") != 0) return usage();
    store *st = open_store(o, false);
    if (!st) return 1;
    arena *a = arena_new(4096);
    diag d = {0};
    ws_row w;
    int rc = workspace_create(store_conn(st), o->args[1], a, &w, &d) ? fail(&d) : 0;
    if (!rc) printf("%s\n", w.uuid);
    arena_free(a);
    store_close(st);
    return rc;
}

static int cmd_key(const options *o)
{
    if (o->n_args < 1) return usage();
    const char *sub = o->args[0];
    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "revoke")) return usage();
    if (strcmp(sub, "revoke") == 0 && o->n_args != 2) return usage();
    store *st = open_store(o, false);
    if (!st) return 1;
    arena *a = arena_new(4096);
    db *c = store_conn(st);
    diag d = {0};
    int rc = 0;
    if (strcmp(sub, "create") == 0) {
        ws_row w;
        char key[KEY_STR_LEN + 1];
        if (!o->workspace) {
            fprintf(stderr, "ticketd: key create needs --workspace NAME|ID\n");
            rc = 2;
        } else if (workspace_find(c, o->workspace, a, &w, &d) || key_create(c, w.id, key, &d)) {
            rc = fail(&d);
        } else {
            printf("%s\n", key);
        }
    } else if (strcmp(sub, "list") == 0) {
        key_row *rows;
        size_t n;
        if (key_list(c, a, &rows, &n)) rc = 1;
        for (size_t i = 0; !rc && i < n; i++) {
            char ts[TIME_ISO_LEN + 1];
            time_format_iso(rows[i].created_at, ts);
            printf("%s %s %s %s %s\n", rows[i].prefix, rows[i].ws_name, ts,
                   rows[i].revoked_at == NULL_INT ? "active" : "revoked", rows[i].uuid);
        }
    } else {
        rc = key_revoke(c, o->args[1], &d) ? fail(&d) : 0;
    }
    arena_free(a);
    store_close(st);
    return rc;
}

static bool blob_in_use(const char *hash, void *ctx)
{
    bool used = true; /* when in doubt, keep it */
    if (store_blob_referenced(ctx, hash, &used)) return true;
    return used;
}

/* The base of every link the server hands out (file URLs, join links): --public-url without
 * its trailing slashes, else http://<listen>. Kept for the life of the process. */
static const char *public_base(const options *o)
{
    static char base[300];
    if (o->public_url) {
        size_t n = strlen(o->public_url);
        while (n && o->public_url[n - 1] == '/')
            n--;
        snprintf(base, sizeof base, "%.*s", (int)n, o->public_url);
    } else {
        snprintf(base, sizeof base, "http://%s", o->listen);
    }
    return base;
}

/* The file store under the data directory, libvips, the asset rules, and a sweep of what an
 * earlier run left half-done (temp files, blobs no row names) that is older than an hour, so
 * an upload in flight on another node sharing the directory is never touched. */
static status files_start(const options *o, store *st, blob_store **bs, diag *d)
{
    status s = blob_store_open(o->data, bs, d);
    if (s) return s;
    if (!blob_media_init("ticketd")) return diag_set(d, ST_INTERNAL, "", "libvips cannot start");
    asset_config ac = {.blobs = *bs,
                       .public_url = public_base(o),
                       .max_upload = (uint64_t)o->max_upload,
                       .max_pixels = LIMIT_IMAGE_PIXELS,
                       .url_ttl_s = LIMIT_FILE_URL_TTL_S};
    if ((s = asset_init(&ac, st, d))) return s;
    size_t removed = 0;
    db *c = store_conn(st);
    if (c && !blob_sweep(*bs, 3600, blob_in_use, c, &removed) && removed)
        log_info("blobs: removed %zu files no row names", removed);
    return ST_OK;
}

/* Invitations and reminders: the configuration, then the delivery worker (notify.h). */
static status notify_begin(const options *o, store *st, diag *d)
{
    if (net_init()) return diag_set(d, ST_INTERNAL, "", "libcurl cannot start");
    notify_config nc = {.data_dir = o->data,
                        .public_url = public_base(o),
                        .smtp_url = o->smtp,
                        .mail_from = o->mail_from,
                        .sms_gateway = o->sms_gateway,
                        .attempts = o->notify_attempts,
                        .backoff_ms = o->notify_backoff_ms};
    status s = notify_init(&nc, d);
    if (!s && notify_start(st)) s = diag_set(d, ST_INTERNAL, "", "cannot start the notify worker");
    return s;
}

static int cmd_serve(const options *o)
{
    store *st = open_store(o, false);
    if (!st) return 1;
    if (store_start_maintenance(st) || store_start_writer(st)) {
        fprintf(stderr, "ticketd: cannot start the store's background threads\n");
        store_close(st);
        return 1;
    }
    diag d = {0};
    blob_store *bs = NULL;
    int rc = files_start(o, st, &bs, &d) ? fail(&d) : 0;
    if (!rc && notify_begin(o, st, &d)) rc = fail(&d);
    if (!rc) {
        api_config ac = {
            .st = st, .max_body = (size_t)o->max_body, .max_upload = (uint64_t)o->max_upload};
        api_init(&ac);
        http_config hc = {
            .listen = o->listen,
            .threads = (unsigned)o->threads,
            .max_body = (size_t)o->max_body,
            .max_upload = (uint64_t)o->max_upload,
            .quiet = o->quiet,
        };
        rc = http_serve(&hc, &d) ? fail(&d) : 0;
    }
    notify_stop(); /* before the store closes: it records outcomes through it */
    store_close(st);
    net_cleanup();
    blob_store_free(bs);
    doc_release(); /* after the last request: the font caches of PDF exports */
    return rc;
}

/* Applies the schema (what every command does first) and says which version it is at. */
static int cmd_migrate(const options *o)
{
    if (!o->db) {
        fprintf(stderr, "ticketd: migrate needs --db URL (an SQLite store migrates on open)\n");
        return 2;
    }
    store *st = open_store(o, false);
    if (!st) return 1;
    db *c = store_conn(st);
    printf("%d\n", c ? store_schema_version(c) : -1);
    store_close(st);
    return c ? 0 : 1;
}

/* The rows of DIR's SQLite store into the (migrated, empty) PostgreSQL store at URL, counts
 * compared; files stay in DIR, which the PostgreSQL nodes then serve with --data DIR. */
static int cmd_copy(const options *o)
{
    if (!o->from || !o->to) {
        fprintf(stderr, "ticketd: copy needs --from DIR (an SQLite store) and --to URL\n");
        return 2;
    }
    options src = *o, dst = *o;
    src.data = o->from;
    src.db = NULL;
    dst.db = o->to;
    store *a = open_store(&src, false);
    store *b = a ? open_store(&dst, false) : NULL;
    db *ca = a ? store_conn(a) : NULL, *cb = b ? store_conn(b) : NULL;
    diag d = {0};
    int rc = 1;
    if (ca && cb) rc = store_copy(ca, cb, stdout, &d) ? fail(&d) : 0;
    store_close(b);
    store_close(a);
    return rc;
}

static int cmd_backup(const options *o)
{
    if (o->n_args != 1) return usage();
    store *st = open_store(o, false);
    if (!st) return 1;
    diag d = {0};
    int rc = store_backup(store_conn(st), o->args[0], &d) ? fail(&d) : 0;
    store_close(st);
    return rc;
}

/* The benchmark's fast path: bulk rows through the store, 10,000 per transaction, each ticket
 * with its chat, its client reply (also the chat's message) and its ticket.created event,
 * spread one second apart up to now. States cycle through new, open, inprogress and closed;
 * every ticket carries one of 20 tags; each message holds a word shared by 1 in 1000 tickets
 * ("kiwi" + 3 digits) for the search benchmark. */
static int cmd_seed(const options *o)
{
    store *st = open_store(o, false);
    if (!st) return 1;
    db *c = store_conn(st);
    arena *a = arena_new(1 << 16), *batch = arena_new(1 << 16);
    diag d = {0};
    ws_row w;
    int rc = 1;
    int64_t now = time_now_ms(), nt = o->teammates, nc = o->clients, n = o->tickets;
    int64_t *users = ARENA_ARRAY(a, int64_t, (size_t)nt),
            *contacts = ARENA_ARRAY(a, int64_t, (size_t)nc);
    int64_t cats[4], tags[20];
    channel_row channel;
    responder_row responder;
    status s = workspace_find(c, o->workspace, a, &w, &d);
    if (!s) s = store_begin(c);
    if (!s) s = store_channel_builtin(c, w.id, "tamio", now, a, &channel);
    if (!s) s = store_responder_builtin(c, w.id, now, a, &responder);
    for (int i = 0; !s && i < 20; i++) {
        tag_row g = {.name = arena_printf(a, "tag-%d", i),
                     .description = "",
                     .color = arena_printf(a, "%d", i % 10),
                     .created_at = now,
                     .updated_at = now};
        uuid_v4(g.uuid);
        s = store_tag_insert(c, w.id, &g);
        tags[i] = g.id;
    }
    for (int64_t i = 0; !s && i < nt; i++) {
        user_row u = {
            .name = "Teammate",
            .email = arena_printf(a, "seed-%lld-%lld@example.com", (long long)now, (long long)i),
            .role = "agent",
            .created_at = now,
            .updated_at = now,
            .last_login = NULL_INT};
        uuid_v4(u.uuid);
        s = store_user_insert(c, w.id, &u);
        users[i] = u.id;
    }
    for (int64_t i = 0; !s && i < nc; i++) {
        contact_row r = {.name = "Client",
                         .email = "client@example.com",
                         .plan_id = NULL_INT,
                         .user_id = NULL_INT,
                         .created_at = now,
                         .updated_at = now};
        uuid_v4(r.uuid);
        s = store_contact_insert(c, w.id, &r);
        contacts[i] = r.id;
    }
    static const char *titles[] = {"Billing", "Technical", "Account", "Other"};
    for (int i = 0; !s && i < 4; i++) {
        category_row k = {.title = (char *)titles[i],
                          .language = "en",
                          .user_id = NULL_INT,
                          .created_at = now,
                          .updated_at = now};
        uuid_v4(k.uuid);
        s = store_category_insert(c, w.id, &k);
        cats[i] = k.id;
    }
    for (int64_t i = 0; !s && i < n; i++) {
        int64_t at = now - (n - i) * 1000;
        static const ticket_state cycle[] = {TS_NEW, TS_OPEN, TS_INPROGRESS, TS_OPEN, TS_CLOSED};
        ticket_state ts = cycle[i % 5];
        chat_row chat = {.channel_id = channel.id,
                         .contact_id = contacts[(i * 7919) % nc],
                         .owner_entity = "external-users",
                         .responder_id = responder.id,
                         .version_id = responder.version_id,
                         .created_at = at,
                         .updated_at = at};
        uuid_v4(chat.uuid);
        if ((s = store_chat_insert(c, w.id, &chat))) break;
        ticket_row t = {.chat_id = chat.id,
                        .team_id = NULL_INT,
                        .circumstance = "handover",
                        .ongoing_at = ts == TS_INPROGRESS ? at : NULL_INT,
                        .completed_at = state_is_open(ts) ? NULL_INT : at,
                        .title = arena_printf(batch, "Seeded ticket %lld about %s", (long long)i,
                                              titles[i % 4]),
                        .description = "Seeded by ticketd seed for the benchmark.",
                        .state = (char *)state_name(ts),
                        .is_open = state_is_open(ts),
                        .category_id = cats[i % 4],
                        .user_id = users[i % nt],
                        .contact_id = contacts[(i * 7919) % nc],
                        .language = "en",
                        .created_at = at,
                        .updated_at = at};
        uuid_v4(t.uuid);
        /* The message first: the ticket's search document then reads it in one go. */
        message_row m = {
            .text = arena_printf(batch, "%s kiwi%03lld", t.description, (long long)(i % 1000)),
            .from_owner = true,
            .created_at = at};
        uuid_v4(m.uuid);
        s = store_message_insert(c, w.id, chat.id, &m);
        if (!s) s = store_ticket_insert(c, w.id, &t);
        reply_row r = {.text = t.description,
                       .is_client = true,
                       .user_id = NULL_INT,
                       .contact_id = t.contact_id,
                       .created_at = at};
        uuid_v4(r.uuid);
        if (!s) s = store_reply_insert(c, w.id, t.id, &r);
        ticket_tag_row link;
        if (!s) s = store_ticket_tag_add(c, t.id, tags[i % 20], at, &link);
        event_row e = {.ticket_id = t.id,
                       .type = "ticket.created",
                       .actor_type = "system",
                       .data = "{\"seed\":{\"before\":null,\"after\":true}}",
                       .created_at = at};
        uuid_v4(e.uuid);
        if (!s) s = store_event_insert(c, w.id, &e);
        if (!s && i % 10000 == 9999) {
            s = store_commit(c);
            if (!s) s = store_begin(c);
            arena_free(batch); /* this batch's titles are written */
            batch = arena_new(1 << 16);
        }
    }
    if (!s) s = store_commit(c);
    if (s) {
        store_rollback(c);
        if (!d.msg[0]) diag_set(&d, s, "seed", "failed: %s", status_name(s));
        fail(&d);
    } else {
        rc = 0;
    }
    arena_free(batch);
    arena_free(a);
    store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    options o = {.data = "./data",
                 .listen = "127.0.0.1:8080",
                 .max_body = LIMIT_BODY_DEFAULT,
                 .max_upload = LIMIT_UPLOAD_DEFAULT,
                 .teammates = 200,
                 .clients = 1000};
    const char *env_db = getenv("TICKETD_DB");
    if (env_db && *env_db) o.db = env_db;
    const char *env_url = getenv("TICKETD_PUBLIC_URL");
    if (env_url && *env_url) o.public_url = env_url;
    const char *env_smtp = getenv("TICKETD_SMTP");
    if (env_smtp && *env_smtp) o.smtp = env_smtp;
    const char *env_sms = getenv("TICKETD_SMS_GATEWAY");
    if (env_sms && *env_sms) o.sms_gateway = env_sms;
    if (!parse_options(argc, argv, 2, &o)) return usage();
    const char *cmd = argv[1];
    if (strcmp(cmd, "init") == 0) return cmd_init(&o);
    if (strcmp(cmd, "workspace") == 0) return cmd_workspace(&o);
    if (strcmp(cmd, "key") == 0) return cmd_key(&o);
    if (strcmp(cmd, "serve") == 0) return cmd_serve(&o);
    if (strcmp(cmd, "backup") == 0) return cmd_backup(&o);
    if (strcmp(cmd, "migrate") == 0) return cmd_migrate(&o);
    if (strcmp(cmd, "copy") == 0) return cmd_copy(&o);
    if (strcmp(cmd, "seed") == 0) return cmd_seed(&o);
    return usage();
}
