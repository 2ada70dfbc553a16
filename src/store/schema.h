/* The numbered migrations compiled into the binary (generated from the .sql files of
 * src/store/schema by scripts/embed-sql.sh), applied in order at start and recorded in
 * schema_version. */
#ifndef TICKETD_STORE_SCHEMA_H
#define TICKETD_STORE_SCHEMA_H

struct schema_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct schema_migration schema_migrations[];
extern const int schema_migration_count;

#endif
