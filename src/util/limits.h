/* Every cap of the server in one place, so its limits can be read at a glance. Runtime
 * overrides (serve --max-body, --max-upload) start from these defaults. */
#ifndef TICKETD_UTIL_LIMITS_H
#define TICKETD_UTIL_LIMITS_H

/* Responses and files */
#define LIMIT_API_HEADERS 8    /* headers a handler adds to one response */
#define LIMIT_IDEM_KEY    255  /* bytes of an Idempotency-Key header */
#define LIMIT_BLOB_HEAD   4096 /* leading bytes of a file kept for content sniffing */
/* Blobs kept for downloads (blob/blob.c blob_open), shared by every thread, the least recently
 * sent dropped first: a file up to LIMIT_BLOB_MEM_FILE is kept in memory (sent with its header
 * in one write), LIMIT_BLOB_MEM_BYTES of them in all; a larger one as an open descriptor. */
#define LIMIT_BLOB_OPEN_FILES 64
#define LIMIT_BLOB_MEM_FILE   (1024 * 1024)
#define LIMIT_BLOB_MEM_BYTES  (16 * 1024 * 1024)

/* The store */
#define LIMIT_WRITE_BATCH 256  /* group-commit jobs in one transaction */
#define LIMIT_QB_ARGS     16   /* arguments of one built WHERE clause (store/sql.h's qb) */
#define LIMIT_SEARCH_SCAN 2000 /* newest matches a search reads from the word index first */
#define LIMIT_FTS_EXPAND  16   /* terms a search's prefix word is spelled out as (sql.h) */
#define LIMIT_FTS_MEMO    16   /* words whose terms a connection remembers (sql_fts_terms) */
#define LIMIT_PG_PIPELINE 16   /* statements db_pg.c holds back to send with the next one */
#define LIMIT_COPY_BATCH  1000 /* rows `ticketd copy` inserts with one statement */
/* A common q read for a /ticketd/v1 page tries at most this many rows per row of the page in
 * one plan before the next (store/ticket_page.c rowid_page, tested_page). */
#define LIMIT_PAGE_MATCH_TESTS 4
/* SQLite's word index merged back into one b-tree by the checkpointer (store.c fts_round):
 * leaf pages a step writes (a string: it is spliced into the statement), the share of the
 * time the steps of a merge may take, and the rest after a merge, in multiples of the time
 * the merge took. */
#define LIMIT_FTS_MERGE_PAGES    "64"
#define LIMIT_FTS_MERGE_DUTY     4    /* a step of t, then at least (DUTY - 1) x t of rest */
#define LIMIT_FTS_MERGE_REST     50   /* after a merge of t in all, t x REST before the next */
#define LIMIT_FTS_MERGE_IDLE_MS  1000 /* a merge begins after this long without a commit */
#define LIMIT_FTS_MERGE_ROUND_MS 25   /* steps back to back, then the rest */
/* PostgreSQL: a q that matches at least 1 in SHARE of the newest PROBE tickets is walked with
 * a test of each row rather than counted in the word index (ticket_page.c pg_word_common). */
#define LIMIT_PAGE_WORD_PROBE 64
#define LIMIT_PAGE_WORD_SHARE 8

/* SQLite page caches, KiB per connection: each reading thread's, and the one writer's (its
 * inserts land on random leaves of the uuid indexes). No memory-mapped I/O: every mapped page
 * a reader touched stayed in the RSS (a 1M-ticket store is 3 GB); reads miss into the kernel's
 * page cache instead, which is shared and reclaimable. */
#define LIMIT_DB_CACHE_KB        8192
#define LIMIT_DB_WRITER_CACHE_KB 32768
#define LIMIT_DB_MMAP_BYTES      0
/* The writer's statement journal (a job's undo, store/db_sqlite.c sq_writer_tune) is held in
 * memory in one block of this size and spills to a temporary file past it: a create copies about
 * one page per table and index it writes (~50 pages, ~200 KiB) into it. The spill is written in
 * pieces of at most LIMIT_DB_JOURNAL_WRITE bytes (SQLite 3.40's unix VFS fails a write of 128 KiB
 * or more with SQLITE_FULL). */
#define LIMIT_DB_STMT_JOURNAL_BYTES (1 << 20)
#define LIMIT_DB_JOURNAL_WRITE      (64 * 1024)

/* glibc malloc (util/xalloc.c's xalloc_tune): arenas for all threads, and the size from which
 * a block is its own mapping, given back at free (a fixed threshold: glibc's default grows to
 * 32 MiB after the first large free, so upload buffers stayed in the heap). 4 MiB keeps a
 * request arena's 256 KiB-1 MiB blocks and an upload's decode buffers in the heap, reused by
 * the next request instead of mapped and unmapped each time (munmap's TLB shootdowns); the
 * heap's free top is given back above 8 MiB. */
#define LIMIT_MALLOC_ARENAS         2
#define LIMIT_MALLOC_MMAP_THRESHOLD (4 * 1024 * 1024)
#define LIMIT_MALLOC_TRIM_THRESHOLD (8 * 1024 * 1024)

/* Video-assistance calls, medias, exports */
#define LIMIT_CALL_TYPE_CHARS 64
#define LIMIT_CALL_MINUTES    (60 * 24 * 365) /* a call's duration or reminder: at most a year */
#define LIMIT_MEDIA_TAG_CHARS 64
#define LIMIT_EXPORT_ROWS     100000 /* medias or events in one export */

/* Notifications and their delivery (core/notify.c, net/) */
#define LIMIT_NOTIFY_TEMPLATE        (64 * 1024)   /* a template file, bytes */
#define LIMIT_NOTIFY_TEMPLATE_NAME   64            /* characters of a template's name */
#define LIMIT_MAIL_MESSAGE           (1024 * 1024) /* a built email, bytes */
#define LIMIT_MAIL_SUBJECT_RAW       900 /* longer subjects become encoded words (998-byte lines) */
#define LIMIT_SMS_JSON               (64 * 1024) /* the JSON posted to the SMS gateway */
#define LIMIT_SMS_ANSWER             (64 * 1024) /* the gateway's answer; more is an error */
#define LIMIT_NET_CONNECT_TIMEOUT_MS 10000       /* a dead server is given up on after this */
#define LIMIT_NET_TIMEOUT_MS         30000       /* a whole transfer, at most */

/* Webhooks (core/webhook.c, net/http.c; docs/WEBHOOKS.md) */
#define LIMIT_WEBHOOK_URL        2048 /* bytes of an endpoint's URL */
#define LIMIT_WEBHOOK_EVENTS     64   /* event types one endpoint names */
#define LIMIT_WEBHOOK_TIMEOUT_MS 5000 /* a delivery's whole transfer: later is a failure */
#define LIMIT_WEBHOOK_ANSWER     512  /* bytes of an answer kept in the delivery log */
#define LIMIT_WEBHOOK_BODY       (LIMIT_RESPONSE + 4096) /* a delivery's JSON body */

#define LIMIT_BODY_DEFAULT   (1024 * 1024)      /* JSON or form body, bytes */
#define LIMIT_UPLOAD_DEFAULT (50 * 1024 * 1024) /* multipart upload, bytes */
/* MHD's per-connection pool: request line + headers (~7 KiB), the query index, the response's
 * header and write buffer. Each live stream keeps one (about half of it touched): small, so
 * 5,000 idle streams fit in under 100 MB (bench/stream.sh). */
#define LIMIT_CONN_MEMORY      (8 * 1024)
#define LIMIT_CONN_TIMEOUT_S   30                 /* idle or slow connection is closed */
#define LIMIT_CONNECTIONS      8192               /* stream clients included */
#define LIMIT_SERVER_THREADS   64                 /* --threads: one daemon and socket each */
#define LIMIT_ARENA_BLOCK      (16 * 1024)        /* first block of a request arena */
#define LIMIT_RESPONSE         (64 * 1024 * 1024) /* a rendered response */
#define LIMIT_QUERY_PARAMS     32                 /* initial room; grows as needed */
#define LIMIT_QUERY_PARAMS_MAX 64                 /* more may not be indexed in the pool */
#define LIMIT_PATH_PARAMS      4
#define LIMIT_PATH             2048
#define LIMIT_PAGE_SIZE        100
/* /ticketd/v1's list: a filter with at most sqrt(limit x tickets) rows, and never more than
 * this, drives the page (store/ticket_page.c). */
#define LIMIT_PAGE_DRIVE_MAX 10000
#define LIMIT_PAGE_SPAN_MAX  100000 /* sort=updated, a common q: tickets tested */
#define LIMIT_PAGE_NUMBER    2147483647LL
#define LIMIT_REPLY_ASSETS   5
#define LIMIT_ALT_TEXT_CHARS 1000
#define LIMIT_FORM_FIELD     (16 * 1024)   /* a non-file field of an upload, bytes */
#define LIMIT_FORM_FIELDS    16            /* non-file fields of an upload */
#define LIMIT_FORM_OVERHEAD  (1024 * 1024) /* an upload body beyond its file: fields, framing */
#define LIMIT_POST_BUFFER    (64 * 1024)   /* libmicrohttpd's multipart parser buffer */
#define LIMIT_IMAGE_PIXELS   100000000ULL  /* 100 megapixels: larger images are refused */
/* An image is decoded whole for its thumbnails up to this many pixels (after JPEG
 * shrink-on-load; 12 MiB of RGB), else streamed through vips_resize. */
#define LIMIT_IMAGE_WHOLE_PIXELS (4ULL << 20)
#define LIMIT_ASSET_WORKERS      16    /* threads decoding uploads at once (one per core) */
#define LIMIT_FILE_URL_TTL_S     86400 /* a signed file URL lives at least this long */
#define LIMIT_ARRAY_ITEMS        100   /* subcategories, billing plans per category */
#define LIMIT_NAME_CHARS         255   /* titles, names */
#define LIMIT_EMAIL_CHARS        254
#define LIMIT_RECIPIENTS         50    /* a ticket's requestor emails and phones together */
#define LIMIT_TEXT_CHARS         65535 /* descriptions, replies, automated replies */
#define LIMIT_STMT_CACHE         256   /* prepared statements per connection */
#define LIMIT_BUSY_TIMEOUT_MS    10000
#define LIMIT_SHUTDOWN_WAIT_MS   10000
#define LIMIT_RATE_BUCKETS       16384 /* rate-limit buckets per kind (key, address, login) */
#define LIMIT_AUTH_CACHE         32    /* keys and tokens remembered per server thread */
#define LIMIT_ASSET_MEMO         32    /* asset rows remembered per server thread (core/asset.c) */
/* Agent sessions (core/session.h): lifetimes (serve --session-ttl, --session-idle), how often
 * a used session's last_seen_at is written, the Cookie header read, the login's length. */
#define LIMIT_SESSION_TTL_S   (7 * 86400) /* absolute, from sign-in (default) */
#define LIMIT_SESSION_IDLE_S  (12 * 3600) /* with no request (default) */
#define LIMIT_SESSION_MAX_S   (366 * 86400)
#define LIMIT_SESSION_TOUCH_S 60   /* last_seen_at moves at most this often */
#define LIMIT_COOKIE_HEADER   8192 /* bytes of a Cookie header searched for the session */
#define LIMIT_PASSWORD_LINE   1024 /* bytes of `ticketd teammate password`'s input line */

/* GET /metrics (util/metrics.h): the whole scrape's text */
#define LIMIT_METRICS_TEXT        (4 * 1024 * 1024)
#define LIMIT_METRICS_CONNECTIONS 16 /* scrapers connected at once */

/* The live stream (core/stream.c) */
#define LIMIT_STREAM_CLIENTS 6144         /* connected stream clients; more answer 503 */
#define LIMIT_STREAM_QUEUE   (256 * 1024) /* unread bytes of one client; more ends its stream */
#define LIMIT_STREAM_BATCH   256          /* events read at once for one group of clients */

#endif
