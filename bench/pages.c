/* bench/pages.c: the pages each statement of a sequence misses in a SQLite page cache, per
 * ticket, on one read-only connection (as a server thread reads), from
 * SQLITE_DBSTATUS_CACHE_MISS. Used for the retrieve at 1M (RESULTS.md, wt-retr section):
 *   cc -O2 -o /tmp/pages bench/pages.c -lsqlite3
 *   sqlite3 DB "SELECT uuid FROM tickets ORDER BY random() LIMIT 100000" > ids.txt
 *   /tmp/pages DB ids.txt 10000 5000 "PRAGMA mmap_size=0; PRAGMA cache_size=-8192;" \
 *       "SELECT id FROM tickets WHERE uuid = ?1" "SELECT ... WHERE t.uuid = ?1" ...
 * usage: pages DB IDS_FILE WARM N PRAGMAS SQL... (each SQL takes ?1 = a ticket uuid; all run
 * in one read transaction per uuid, in order; the first WARM uuids are not counted). Never
 * writes: the database is opened read-only. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int miss(sqlite3 *h, int op)
{
    int cur = 0, hi = 0;
    sqlite3_db_status(h, op, &cur, &hi, 1);
    return cur;
}
int main(int argc, char **argv)
{
    sqlite3 *h;
    if (argc < 7) {
        fprintf(stderr, "usage: pages DB IDS WARM N PRAGMAS SQL...\n");
        return 2;
    }
    if (sqlite3_open_v2(argv[1], &h, SQLITE_OPEN_READONLY, NULL)) return 1;
    int warm = (int)strtol(argv[3], NULL, 10), n = (int)strtol(argv[4], NULL, 10), ns = argc - 6;
    sqlite3_exec(h, argv[5], 0, 0, 0);
    sqlite3_stmt *st[32];
    long m[32] = {0}, hit[32] = {0}, rows[32] = {0};
    for (int i = 0; i < ns; i++)
        if (sqlite3_prepare_v2(h, argv[6 + i], -1, &st[i], 0)) {
            fprintf(stderr, "%s: %s\n", argv[6 + i], sqlite3_errmsg(h));
            return 1;
        }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    char id[64];
    int k = 0;
    while (k < warm + n && fgets(id, sizeof id, f)) {
        id[strcspn(id, "\n")] = 0;
        sqlite3_exec(h, "BEGIN", 0, 0, 0);
        for (int i = 0; i < ns; i++) {
            sqlite3_bind_text(st[i], 1, id, -1, SQLITE_STATIC);
            miss(h, SQLITE_DBSTATUS_CACHE_MISS);
            miss(h, SQLITE_DBSTATUS_CACHE_HIT);
            while (sqlite3_step(st[i]) == SQLITE_ROW)
                if (k >= warm) rows[i]++;
            sqlite3_reset(st[i]);
            int a = miss(h, SQLITE_DBSTATUS_CACHE_MISS), b = miss(h, SQLITE_DBSTATUS_CACHE_HIT);
            if (k >= warm) m[i] += a, hit[i] += b;
        }
        sqlite3_exec(h, "COMMIT", 0, 0, 0);
        k++;
    }
    n = k - warm;
    for (int i = 0; i < ns; i++)
        printf("%6.2f missed %6.2f hit %5.2f rows  %s\n", (double)m[i] / n, (double)hit[i] / n,
               (double)rows[i] / n, argv[6 + i]);
    return 0;
}
