/* The ticketd command line: init, workspace create, key create|list|revoke, teammate
 * role|password, serve, backup, and seed (the benchmark's bulk loader). It owns the process-wide
 * objects (the store) and wires the layers together; see ../shared/DESIGN.md "Operating it". */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "blob/blob.h"
#include "blob/media.h"
#include "doc/doc.h"
#include "core/asset.h"
#include "core/auth.h"
#include "core/notify.h"
#include "core/outbox.h"
#include "core/webhook.h"
#include "core/people.h"
#include "core/session.h"
#include "core/seed.h"
#include "core/stream.h"
#include "core/ticket.h"
#include "net/net.h"
#include "server/http.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

typedef struct {
    const char *data, *listen, *workspace, *db, *public_url;
    const char *smtp, *mail_from, *sms_gateway;
    const char *metrics_listen;
    const char *from, *to;   /* copy */
    const char *admin_email; /* init */
    long long session_ttl, session_idle;
    long long threads, max_body, max_upload, tickets, teammates, clients;
    long long notify_attempts, notify_backoff_ms;
    long long webhook_backoff_ms, webhook_max_age_ms; /* for tests (docs/WEBHOOKS.md) */
    long long webhook_keep_ms;                        /* for tests (docs/WEBHOOKS.md) */
    bool webhook_allow_private;
    bool no_outbox_worker;  /* queue invitations and deliveries, send none (docs/WEBHOOKS.md) */
    long long idem_ttl_s;   /* --idempotency-ttl (undocumented, for tests); 0: 24 h */
    long long heartbeat_ms; /* the live stream's heartbeat interval; 0: its default */
    ratelimit_config rate;  /* --rate, --rate-ip, --login-failures */
    bool quiet;
    const char *args[4]; /* positional arguments after the command */
    int n_args;
} options;

static int usage(void)
{
    fputs("usage:\n"
          "  ticketd init [--data DIR] [--admin-email EMAIL]\n"
          "  ticketd workspace create NAME [--data DIR]\n"
          "  ticketd key create --workspace NAME|ID [--data DIR]\n"
          "  ticketd key list [--data DIR]\n"
          "  ticketd key revoke ID|PREFIX [--data DIR]\n"
          "  ticketd teammate role EMAIL admin|agent [--workspace NAME|ID] [--data DIR]\n"
          "  ticketd teammate password EMAIL [--workspace NAME|ID] [--data DIR]\n"
          "                (the new password: one line on standard input)\n"
          "  ticketd serve [--data DIR] [--listen HOST:PORT] [--threads N] [--quiet]\n"
          "                [--max-body BYTES] [--max-upload BYTES] [--public-url URL]\n"
          "                [--db URL] [--smtp URL] [--mail-from ADDR] [--sms-gateway URL]\n"
          "                [--notify-attempts N] [--notify-backoff-ms MS]\n"
          "                [--webhook-allow-private] [--no-outbox-worker]\n"
          "                [--rate N[/SECONDS]] [--rate-ip N[/SECONDS]]\n"
          "                [--login-failures N[/MINUTES]] [--heartbeat-ms MS]\n"
          "                [--session-ttl SECONDS] [--session-idle SECONDS]\n"
          "                [--metrics-listen HOST:PORT]\n"
          "  ticketd backup FILE [--data DIR]\n"
          "  ticketd migrate --db URL\n"
          "  ticketd copy --from DIR --to URL\n"
          "every command takes --db URL (or TICKETD_DB): a PostgreSQL store instead of\n"
          "DIR/ticketd.db; DIR still holds the files\n"
          "  ticketd seed --tickets N [--teammates N] [--clients N] [--data DIR]\n"
          "  ticketd routes   (every route: method, path, resource, operation)\n",
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

/* N[/PERIOD]: n requests per PERIOD units of unit_s seconds (default dflt units); 0 is off. */
static bool parse_rule(const char *flag, const char *v, long long unit_s, long long dflt,
                       ratelimit_rule *out)
{
    char n[32];
    const char *slash = v ? strchr(v, '/') : NULL;
    long long num, per = dflt;
    size_t len = v ? (slash ? (size_t)(slash - v) : strlen(v)) : 0;
    bool ok = v && len < sizeof n;
    if (ok) {
        memcpy(n, v, len);
        n[len] = '\0';
        ok = text_parse_int(n, &num) && num >= 0 && num <= RATELIMIT_MAX_N &&
             (!slash || (text_parse_int(slash + 1, &per) && per >= 1 &&
                         per <= RATELIMIT_MAX_PERIOD_S / unit_s));
    }
    if (!ok) {
        fprintf(stderr, "ticketd: %s needs N or N/%s: N from 0 (off) to %d, %s from 1 to %lld\n",
                flag, unit_s == 60 ? "MINUTES" : "SECONDS", RATELIMIT_MAX_N,
                unit_s == 60 ? "MINUTES" : "SECONDS", RATELIMIT_MAX_PERIOD_S / unit_s);
        return false;
    }
    *out = (ratelimit_rule){.n = num, .period_s = per * unit_s};
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
        else if (strcmp(a, "--metrics-listen") == 0)
            o->metrics_listen = v;
        else if (strcmp(a, "--workspace") == 0)
            o->workspace = v;
        else if (strcmp(a, "--db") == 0)
            o->db = v;
        else if (strcmp(a, "--from") == 0)
            o->from = v;
        else if (strcmp(a, "--to") == 0)
            o->to = v;
        else if (strcmp(a, "--admin-email") == 0)
            o->admin_email = v;
        else if (strcmp(a, "--session-ttl") == 0) {
            if (!parse_num(a, v, 1, LIMIT_SESSION_MAX_S, &o->session_ttl)) return false;
        } else if (strcmp(a, "--session-idle") == 0) {
            if (!parse_num(a, v, 1, LIMIT_SESSION_MAX_S, &o->session_idle)) return false;
        } else if (strcmp(a, "--threads") == 0) {
            if (!parse_num(a, v, 1, 256, &o->threads)) return false;
        } else if (strcmp(a, "--max-body") == 0) {
            if (!parse_num(a, v, 1, 1LL << 32, &o->max_body)) return false;
        } else if (strcmp(a, "--max-upload") == 0) {
            if (!parse_num(a, v, 1, 1LL << 40, &o->max_upload)) return false;
        } else if (strcmp(a, "--heartbeat-ms") == 0) {
            if (!parse_num(a, v, 10, 3600000, &o->heartbeat_ms)) return false;
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
        } else if (strcmp(a, "--webhook-backoff-ms") == 0) {
            if (!parse_num(a, v, 1, 3600000, &o->webhook_backoff_ms)) return false;
        } else if (strcmp(a, "--webhook-max-age-ms") == 0) {
            if (!parse_num(a, v, 1, 86400000, &o->webhook_max_age_ms)) return false;
        } else if (strcmp(a, "--webhook-keep-ms") == 0) {
            if (!parse_num(a, v, 1, 31536000000LL, &o->webhook_keep_ms)) return false;
        } else if (strcmp(a, "--webhook-allow-private") == 0) {
            o->webhook_allow_private = true;
            takes = false;
        } else if (strcmp(a, "--no-outbox-worker") == 0) {
            o->no_outbox_worker = true;
            takes = false;
        } else if (strcmp(a, "--idempotency-ttl") == 0) {
            if (!parse_num(a, v, 1, 86400, &o->idem_ttl_s)) return false;
        } else if (strcmp(a, "--rate") == 0) {
            if (!parse_rule(a, v, 1, 1, &o->rate.key)) return false;
        } else if (strcmp(a, "--rate-ip") == 0) {
            if (!parse_rule(a, v, 1, 1, &o->rate.address)) return false;
        } else if (strcmp(a, "--login-failures") == 0) {
            if (!parse_rule(a, v, 60, RATELIMIT_LOGIN_PERIOD_S / 60, &o->rate.login)) return false;
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

/* A password of PASSWORD_CHARS characters from an alphabet without look-alikes (about 113
 * bits), for the first administrator. */
#define PASSWORD_CHARS 20
static void random_password(char out[PASSWORD_CHARS + 1])
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const unsigned n = sizeof alphabet - 1; /* 56: bytes >= 224 are drawn again (no bias) */
    for (int i = 0; i < PASSWORD_CHARS;) {
        unsigned char b;
        crypto_random(&b, 1);
        if (b < 256 / n * n) out[i++] = alphabet[b % n];
    }
    out[PASSWORD_CHARS] = '\0';
}

/* The first administrator teammate of workspace w: email, a random password shown once on
 * standard error (standard output stays the key line scripts read). */
static status init_admin(store *st, const ws_row *w, const char *email, arena *a, diag *d)
{
    core_ctx cx;
    status s = core_ctx_init(&cx, st, a, d);
    if (s) return s;
    cx.ws = w->id;
    memcpy(cx.ws_uuid, w->uuid, sizeof cx.ws_uuid);
    char pw[PASSWORD_CHARS + 1];
    random_password(pw);
    user_in in = {.name = {true, "Administrator"},
                  .email = {true, email},
                  .role = {true, "admin"},
                  .password = {true, pw}};
    user_row u;
    if ((s = user_create(&cx, &in, &u))) return s;
    fprintf(stderr,
            "ticketd: first administrator: %s, password: %s (shown once; `ticketd teammate "
            "password %s` sets another)\n",
            email, pw, email);
    return ST_OK;
}

static int cmd_init(const options *o)
{
    diag d = {0};
    const char *admin = o->admin_email ? o->admin_email : "admin@localhost";
    /* Checked before anything is written. */
    if (check_email(&d, "--admin-email", admin, true)) return fail(&d);
    store *st = open_store(o, true);
    if (!st) return 1;
    arena *a = arena_new(4096);
    db *c = store_conn(st);
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
    if (workspace_create(c, "default", a, &w, &d) || key_create(c, w.id, key, &d) ||
        init_admin(st, &w, admin, a, &d)) {
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

/* One line of standard input (its end of line dropped) into out; false when it is longer than
 * LIMIT_PASSWORD_LINE bytes or there is none. */
static bool read_line(char out[LIMIT_PASSWORD_LINE + 2])
{
    if (!fgets(out, LIMIT_PASSWORD_LINE + 2, stdin)) return false;
    size_t n = strlen(out);
    bool whole = n && out[n - 1] == '\n';
    if (!whole && n > LIMIT_PASSWORD_LINE) return false;
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return true;
}

/* teammate role EMAIL admin|agent, teammate password EMAIL (the password on standard input):
 * the teammate named by email (or username, or id) in --workspace (default: the first). A
 * password change signs the teammate out of its sessions (core/session.h). */
static int cmd_teammate(const options *o)
{
    if (o->n_args < 2) return usage();
    bool role = strcmp(o->args[0], "role") == 0;
    if (role ? o->n_args != 3 : strcmp(o->args[0], "password") || o->n_args != 2) return usage();
    const char *who = o->args[1];
    char line[LIMIT_PASSWORD_LINE + 2];
    user_in in = {0};
    if (role) {
        in.role = (opt_str){true, o->args[2]};
    } else {
        if (isatty(STDIN_FILENO)) fprintf(stderr, "New password for %s: ", who);
        if (!read_line(line)) {
            fprintf(stderr,
                    "ticketd: password must be one line of at most %d bytes on standard "
                    "input\n",
                    LIMIT_PASSWORD_LINE);
            return 1;
        }
        if (!*line) {
            fprintf(stderr, "ticketd: password must not be empty\n");
            return 1;
        }
        in.password = (opt_str){true, line};
    }
    store *st = open_store(o, false);
    if (!st) return 1;
    arena *a = arena_new(4096);
    diag d = {0};
    core_ctx cx;
    ws_row w;
    user_row u, out;
    status s = core_ctx_init(&cx, st, a, &d);
    if (!s) s = workspace_find(cx.db, o->workspace, a, &w, &d);
    if (!s) {
        cx.ws = w.id;
        memcpy(cx.ws_uuid, w.uuid, sizeof cx.ws_uuid);
        s = store_user_find(cx.db, w.id, who, a, &u);
        if (s == ST_NOT_FOUND)
            diag_set(&d, s, "teammate", "%s is not in workspace %s", who, w.name);
        else if (s)
            diag_set(&d, s, "teammate", "cannot be read");
    }
    if (!s) s = user_update(&cx, u.uuid, &in, &out);
    int rc = s ? fail(&d) : 0;
    if (!rc && role) fprintf(stderr, "ticketd: %s is now %s\n", out.email, out.role);
    if (!rc && !role)
        fprintf(stderr, "ticketd: the password of %s is changed; its sessions are signed out\n",
                out.email);
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
    if ((s = asset_workers_start(0, d))) return s;
    size_t removed = 0;
    db *c = store_conn(st);
    if (c && !blob_sweep(*bs, 3600, blob_in_use, c, &removed) && removed)
        log_info("blobs: removed %zu files no row names", removed);
    return ST_OK;
}

/* Invitations, reminders and webhooks: their configuration, then the outbox worker. */
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
    if (s) return s;
    /* One outbox worker delivers both kinds: invitations and webhooks (core/outbox.h). */
    webhook_init(&(webhook_config){.allow_private = o->webhook_allow_private,
                                   .backoff_ms = o->webhook_backoff_ms,
                                   .max_age_ms = o->webhook_max_age_ms,
                                   .keep_ms = o->webhook_keep_ms});
    notify_register();
    webhook_register();
    /* A node that only queues: another node (PostgreSQL) or a later start sends what it queued,
     * and a benchmark measures what queueing alone costs a write. */
    if (o->no_outbox_worker) {
        log_info("outbox: no worker in this process (--no-outbox-worker): nothing is sent");
        return s;
    }
    if (outbox_start(st)) s = diag_set(d, ST_INTERNAL, "", "cannot start the outbox worker");
    return s;
}

/* One `serve` per SQLite store: its writer, checkpointer, live stream and webhook worker each
 * assume they are the only ones (docs/WEBHOOKS.md), and a second process's writer would meet
 * the first's locks as SQLITE_BUSY. An flock on a file beside the database (SQLite's own locks
 * are fcntl locks, which flock leaves alone) held until the process ends, kill -9 included.
 * Not with --db: PostgreSQL nodes share the data directory's files. The descriptor stays open
 * for the process's life; -1 when refused. */
static int serve_lock(const options *o)
{
    if (o->db) return INT_MAX;
    char path[4096];
    snprintf(path, sizeof path, "%s/ticketd.serve.lock", o->data);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "ticketd: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "ticketd: another `ticketd serve` is using %s (%s is locked)\n", o->data,
                path);
        close(fd);
        return -1;
    }
    return fd;
}

static int cmd_serve(const options *o)
{
    store *st = open_store(o, false);
    if (!st) return 1;
    if (serve_lock(o) < 0) {
        store_close(st);
        return 1;
    }
    if (store_start_maintenance(st) || store_start_writer(st)) {
        fprintf(stderr, "ticketd: cannot start the store's background threads\n");
        store_close(st);
        return 1;
    }
    diag d = {0};
    blob_store *bs = NULL;
    int rc = files_start(o, st, &bs, &d) ? fail(&d) : 0;
    if (!rc && notify_begin(o, st, &d)) rc = fail(&d);
    if (!rc && stream_start(st, (int)o->heartbeat_ms))
        rc = fail(&(diag){.msg = "cannot start the live stream"});
    if (!rc) {
        api_config ac = {.st = st,
                         .max_body = (size_t)o->max_body,
                         .max_upload = (uint64_t)o->max_upload,
                         .rate = o->rate,
                         .idem_ttl_ms = (int64_t)o->idem_ttl_s * 1000};
        api_init(&ac);
        session_init(&(session_config){
            .ttl_s = o->session_ttl, .idle_s = o->session_idle, .public_url = o->public_url});
        http_config hc = {
            .listen = o->listen,
            .threads = (unsigned)o->threads,
            .max_body = (size_t)o->max_body,
            .max_upload = (uint64_t)o->max_upload,
            .quiet = o->quiet,
            .metrics_listen = o->metrics_listen,
        };
        if (o->metrics_listen) api_metrics_init(st);
        rc = http_serve(&hc, &d) ? fail(&d) : 0;
    }
    asset_workers_stop(); /* after the last request, before the store and files go */
    ratelimit_release();
    stream_stop(); /* before the store closes: it reads events through it */
    outbox_stop(); /* before the store closes: it records outcomes through it */
    webhook_release();
    store_close(st);
    net_cleanup();
    blob_store_free(bs);
    doc_release(); /* after the last request: the font caches of PDF exports */
    return rc;
}

/* Applies the schema (what every command does first) and says which version it is at. */
/* The route table with what each route touches, for the access policy's tests and for the
 * curious: method, path, resource, operation. */
static int cmd_routes(void)
{
    api_init(&(api_config){0});
    for (size_t i = 0; i < api_route_count; i++) {
        const api_route *r = &api_routes[i];
        printf("%s %s %s %s\n", r->method, r->path, policy_resource_name(r->res),
               policy_op_name(r->op));
    }
    return 0;
}

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

/* The benchmark's fast path: core_seed (core/seed.h) into the workspace --workspace names. */
static int cmd_seed(const options *o)
{
    store *st = open_store(o, false);
    if (!st) return 1;
    arena *a = arena_new(1 << 16);
    diag d = {0};
    core_ctx cx;
    ws_row w;
    status s = core_ctx_init(&cx, st, a, &d);
    if (!s) s = workspace_find(cx.db, o->workspace, a, &w, &d);
    if (!s) {
        cx.ws = w.id;
        memcpy(cx.ws_uuid, w.uuid, sizeof cx.ws_uuid);
        seed_in in = {.tickets = o->tickets,
                      .teammates = o->teammates,
                      .clients = o->clients,
                      .per_txn = 10000};
        s = core_seed(&cx, &in);
    }
    int rc = 0;
    if (s) {
        if (!d.msg[0]) diag_set(&d, s, "seed", "failed: %s", status_name(s));
        rc = fail(&d);
    }
    arena_free(a);
    store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    xalloc_tune();
    if (argc < 2) return usage();
    options o = {.data = "./data",
                 .listen = "127.0.0.1:8080",
                 .max_body = LIMIT_BODY_DEFAULT,
                 .max_upload = LIMIT_UPLOAD_DEFAULT,
                 .rate.login = {RATELIMIT_LOGIN_N, RATELIMIT_LOGIN_PERIOD_S},
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
    if (strcmp(cmd, "teammate") == 0) return cmd_teammate(&o);
    if (strcmp(cmd, "serve") == 0) return cmd_serve(&o);
    if (strcmp(cmd, "backup") == 0) return cmd_backup(&o);
    if (strcmp(cmd, "migrate") == 0) return cmd_migrate(&o);
    if (strcmp(cmd, "copy") == 0) return cmd_copy(&o);
    if (strcmp(cmd, "seed") == 0) return cmd_seed(&o);
    if (strcmp(cmd, "routes") == 0) return cmd_routes();
    return usage();
}
