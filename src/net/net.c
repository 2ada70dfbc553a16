/* net/'s shared part: libcurl's process-wide set-up, the address check every sender applies,
 * and the easy-handle defaults of easy.h (timeouts, CURLOPT_NOSIGNAL so a timeout never
 * raises SIGALRM in a threaded server, the protocols a URL may use, cancellation). */
#include <string.h>

#include "net/easy.h"
#include "util/limits.h"

status net_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ST_OK : ST_INTERNAL;
}

void net_cleanup(void)
{
    curl_global_cleanup();
}

bool net_address_ok(const char *addr)
{
    if (!addr) return false;
    size_t n = strlen(addr);
    const char *at = strchr(addr, '@');
    if (n < 3 || n > 254 || !at || at == addr || !at[1] || strchr(at + 1, '@')) return false;
    for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("<>()[],;:\\\"", *p)) return false;
    return true;
}

/* Progress callback: a non-zero answer aborts the transfer (the stop of the server). */
static int progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                    curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    atomic_bool *cancel = arg;
    return cancel && atomic_load(cancel) ? 1 : 0;
}

status net_easy_init(net_easy *e, const net_config *cf, const char *url, const char *protocols,
                     diag *d)
{
    return net_easy_init_on(e, NULL, cf, url, protocols, d);
}

status net_easy_init_on(net_easy *e, CURL *h, const net_config *cf, const char *url,
                        const char *protocols, diag *d)
{
    memset(e, 0, sizeof *e);
    e->cancel = cf->cancel;
    if (!url) return diag_set(d, ST_INTERNAL, "", "no URL is configured");
    if (h) curl_easy_reset(h);
    e->borrowed = h != NULL;
    e->h = h ? h : curl_easy_init();
    if (!e->h) return diag_set(d, ST_INTERNAL, "", "libcurl cannot make a handle");
    long connect =
        cf->connect_timeout_ms > 0 ? cf->connect_timeout_ms : LIMIT_NET_CONNECT_TIMEOUT_MS;
    long total = cf->timeout_ms > 0 ? cf->timeout_ms : LIMIT_NET_TIMEOUT_MS;
    CURLcode rc = curl_easy_setopt(e->h, CURLOPT_URL, url);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_PROTOCOLS_STR, protocols);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_NOSIGNAL, 1L);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_CONNECTTIMEOUT_MS, connect);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_TIMEOUT_MS, total);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_ERRORBUFFER, e->err);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_XFERINFOFUNCTION, progress);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_XFERINFODATA, (void *)e->cancel);
    if (!rc) rc = curl_easy_setopt(e->h, CURLOPT_NOPROGRESS, 0L);
    if (rc) {
        net_easy_release(e);
        return diag_set(d, ST_INTERNAL, "", "libcurl: %s", curl_easy_strerror(rc));
    }
    return ST_OK;
}

status net_easy_perform(net_easy *e, const char *what, diag *d)
{
    e->err[0] = '\0';
    CURLcode rc = curl_easy_perform(e->h);
    if (rc == CURLE_OK) return ST_OK;
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return diag_set(d, ST_INTERNAL, "", "%s: stopped (the server is shutting down)", what);
    return diag_set(d, ST_INTERNAL, "", "%s: %s", what,
                    e->err[0] ? e->err : curl_easy_strerror(rc));
}

void net_easy_release(net_easy *e)
{
    if (e->h && !e->borrowed) curl_easy_cleanup(e->h);
    e->h = NULL;
}
