/* Fuzzes the date parsers (util/timeutil.c) the dialects run on client strings: from/to,
 * start_date, Zaia's dates. Checks that a parsed ISO date formats back to a string that parses
 * to the same instant (time_format_iso covers every year the parser accepts), that unix
 * seconds land on whole seconds, and that time_parse_any is one of the two. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[128];
    if (size >= sizeof s) return 0; /* the parsers read NUL-terminated strings; dates are short */
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t iso = 0, unix_ms = 0, any = 0;
    bool got_iso = time_parse_iso(s, &iso);
    bool got_unix = time_parse_unix(s, &unix_ms);
    bool got_any = time_parse_any(s, &any);
    if (got_any != (got_iso || got_unix)) abort();
    if (got_any && any != (got_unix ? unix_ms : iso)) abort();
    if (got_unix && (unix_ms % 1000 != 0 || time_unix_s(unix_ms) * 1000 != unix_ms)) abort();
    if (got_iso) {
        char out[TIME_ISO_LEN + 1];
        time_format_iso(iso, out);
        int64_t back = 0;
        if (!time_parse_iso(out, &back) || back != iso) {
            fprintf(stderr, "isodate: %s -> %lld -> %s -> %lld\n", s, (long long)iso, out,
                    (long long)back);
            abort();
        }
    }
    return 0;
}
