/* The numbered migrations compiled into the binary (generated from the .sql files of
 * src/store/schema and src/store/schema/pg by scripts/embed-sql.sh), applied in order at start and
 * recorded in schema_version. */
#ifndef TICKETD_STORE_SCHEMA_H
#define TICKETD_STORE_SCHEMA_H

struct schema_migration {
    int version;
    const char *name;
    const char *sql;
};

/* One list per engine: the .sql files of src/store/schema (SQLite) and of src/store/schema/pg
 * (PostgreSQL), numbered alike. */
extern const struct schema_migration schema_sqlite[], schema_pg[];
extern const int schema_sqlite_count, schema_pg_count;

#endif
