/* ISO 8601 and unix-seconds parsing and formatting over int64 milliseconds; see timeutil.h.
 * Calendar arithmetic is Howard Hinnant's days-from-civil, so nothing depends on TZ or locale. */
#include "util/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* The instants four year digits can write: 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z
 * (days_from_civil(0, 1, 1) and (10000, 1, 1) days from the epoch). */
#define ISO_MIN_MS (-719528LL * 86400000)
#define ISO_MAX_MS (2932897LL * 86400000 - 1)

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

bool time_parse_iso(const char *s, int64_t *ms_out)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return false;
    int64_t offset_min = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return false;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &sec)) return false;
            if (*p == '.' || *p == ',') {
                p++;
                int n = 0, scale = 100;
                while (isdigit((unsigned char)*p)) {
                    if (n < 3) ms += (*p - '0') * scale, scale /= 10;
                    p++, n++;
                }
                if (n == 0 || n > 9) return false;
            }
        }
        if (h > 23 || mi > 59 || sec > 59) return false;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om;
            if (!digits(&p, 2, &oh)) return false;
            if (*p == ':') p++;
            if (!digits(&p, 2, &om) || oh > 23 || om > 59) return false;
            offset_min = sign * (oh * 60 + om);
        }
    }
    if (*p) return false;
    int64_t days = days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    /* An offset can carry year 0000 or 9999 past what the wire format renders back. */
    if (secs * 1000 + ms < ISO_MIN_MS || secs * 1000 + ms > ISO_MAX_MS) return false;
    *ms_out = secs * 1000 + ms;
    return true;
}

bool time_parse_unix(const char *s, int64_t *ms_out)
{
    const char *p = s;
    bool neg = *p == '-';
    if (neg) p++;
    size_t n = strlen(p);
    if (n == 0 || n > 12) return false;
    int64_t v = 0;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p)) return false;
        v = v * 10 + (*p - '0');
    }
    *ms_out = (neg ? -v : v) * 1000;
    return true;
}

bool time_parse_any(const char *s, int64_t *ms_out)
{
    return time_parse_unix(s, ms_out) || time_parse_iso(s, ms_out);
}

int64_t time_unix_s(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

/* v's last n decimal digits into p[0..n), zero-padded (v >= 0). */
static void put_digits(char *p, int n, int v)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
}

void time_format_iso(int64_t ms, char out[TIME_ISO_LEN + 1])
{
    /* The wire format has four year digits: an instant outside them is written as the nearest
     * one inside (clamping the year alone would keep a wrong month and day). */
    if (ms < ISO_MIN_MS) ms = ISO_MIN_MS;
    if (ms > ISO_MAX_MS) ms = ISO_MAX_MS;
    int64_t secs = time_unix_s(ms);
    int msec = (int)(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* Written digit by digit: a page of 50 tickets formats 100 of these, and snprintf was
     * most of their cost. The clamp above keeps y within four digits. */
    memcpy(out, "0000-00-00T00:00:00.000Z", TIME_ISO_LEN + 1);
    put_digits(out, 4, (int)y);
    put_digits(out + 5, 2, m);
    put_digits(out + 8, 2, d);
    put_digits(out + 11, 2, (int)(rem / 3600));
    put_digits(out + 14, 2, (int)(rem / 60 % 60));
    put_digits(out + 17, 2, (int)(rem % 60));
    put_digits(out + 20, 3, msec);
}
