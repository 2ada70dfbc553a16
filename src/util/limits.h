/* Every cap of the server in one place, so its limits can be read at a glance. Runtime
 * overrides (serve --max-body, --max-upload) start from these defaults. */
#ifndef TICKETD_UTIL_LIMITS_H
#define TICKETD_UTIL_LIMITS_H

#define LIMIT_BODY_DEFAULT   (1024 * 1024)      /* JSON or form body, bytes */
#define LIMIT_UPLOAD_DEFAULT (50 * 1024 * 1024) /* multipart upload, bytes */
#define LIMIT_CONN_MEMORY                                                                          \
    (32 * 1024)                   /* MHD per-connection pool: request line +                       \
                                     headers; MHD zeroes it per request */
#define LIMIT_CONN_TIMEOUT_S   30 /* idle or slow connection is closed */
#define LIMIT_CONNECTIONS      4096
#define LIMIT_ARENA_BLOCK      (16 * 1024)        /* first block of a request arena */
#define LIMIT_RESPONSE         (64 * 1024 * 1024) /* a rendered response */
#define LIMIT_QUERY_PARAMS     32                 /* initial room; grows as needed */
#define LIMIT_QUERY_PARAMS_MAX 300                /* more cannot be indexed in the pool */
#define LIMIT_PATH_PARAMS      4
#define LIMIT_PATH             2048
#define LIMIT_PAGE_SIZE        100
#define LIMIT_PAGE_NUMBER      2147483647LL
#define LIMIT_REPLY_ASSETS     5
#define LIMIT_ALT_TEXT_CHARS   1000
#define LIMIT_FORM_FIELD       (16 * 1024)   /* a non-file field of an upload, bytes */
#define LIMIT_FORM_FIELDS      16            /* non-file fields of an upload */
#define LIMIT_FORM_OVERHEAD    (1024 * 1024) /* an upload body beyond its file: fields, framing */
#define LIMIT_POST_BUFFER      (64 * 1024)   /* libmicrohttpd's multipart parser buffer */
#define LIMIT_IMAGE_PIXELS     100000000ULL  /* 100 megapixels: larger images are refused */
#define LIMIT_FILE_URL_TTL_S   86400         /* a signed file URL lives at least this long */
#define LIMIT_ARRAY_ITEMS      100           /* subcategories, billing plans per category */
#define LIMIT_NAME_CHARS       255           /* titles, names */
#define LIMIT_EMAIL_CHARS      254
#define LIMIT_RECIPIENTS       50    /* a ticket's requestor emails and phones together */
#define LIMIT_TEXT_CHARS       65535 /* descriptions, replies, automated replies */
#define LIMIT_STMT_CACHE       256   /* prepared statements per connection */
#define LIMIT_BUSY_TIMEOUT_MS  10000
#define LIMIT_SHUTDOWN_WAIT_MS 10000

#endif
