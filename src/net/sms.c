/* Text messages: one HTTP POST of {"to":"+33…","body":"…"} (application/json) to the
 * configured SMS gateway per message; any 2xx answer means the gateway took it. The answer's
 * body is read and dropped (up to a cap). */
#include <stdlib.h>
#include <string.h>

#include "net/easy.h"
#include "util/jsonw.h"
#include "util/limits.h"

/* Drops the gateway's answer; more than LIMIT_SMS_ANSWER bytes ends the transfer (an error). */
static size_t drop(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    size_t *seen = arg;
    *seen += size * n;
    return *seen > LIMIT_SMS_ANSWER ? 0 : size * n;
}

status net_sms_send(const net_config *cf, const char *to, const char *body, diag *d)
{
    jw w;
    jw_init(&w, LIMIT_SMS_JSON);
    jw_obj(&w);
    jw_kstr(&w, "to", to);
    jw_kstr(&w, "body", body);
    jw_end_obj(&w);
    char *json = NULL;
    size_t len = 0, seen = 0;
    net_easy e = {0};
    struct curl_slist *hdrs = NULL;
    status st = jw_finish(&w, &json, &len);
    if (st) {
        st = diag_set(d, ST_INVALID, "body", "the text message is too large");
        goto out;
    }
    if ((st = net_easy_init(&e, cf, cf->sms_url, "http,https", d))) goto out;
    hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    CURLcode rc = hdrs ? CURLE_OK : CURLE_OUT_OF_MEMORY;
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, hdrs);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_POSTFIELDS, json);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, drop);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &seen);
    if (rc) {
        st = diag_set(d, ST_INTERNAL, "", "libcurl: %s", curl_easy_strerror(rc));
        goto out;
    }
    if ((st = net_easy_perform(&e, "sms gateway", d))) goto out;
    long code = 0;
    curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299)
        st = diag_set(d, ST_INTERNAL, "", "sms gateway answered HTTP %ld", code);
out:
    curl_slist_free_all(hdrs);
    net_easy_release(&e);
    free(json);
    return st;
}
