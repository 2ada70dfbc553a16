/* What net/'s files share and nothing outside net/ sees: a curl easy handle set up the same
 * way for every transfer (timeouts, no signals, the allowed protocols, cancellation, an error
 * buffer) and the mapping of a finished transfer to a status and a message. */
#ifndef TICKETD_NET_EASY_H
#define TICKETD_NET_EASY_H

#include <curl/curl.h>

#include "net/net.h"

typedef struct {
    CURL *h;
    char err[CURL_ERROR_SIZE];
    atomic_bool *cancel; /* borrowed from the config */
    bool borrowed;       /* h is a net_client's: reset, not cleaned up, at release */
} net_easy;

/* A handle for url limited to protocols (curl's list, e.g. "smtp,smtps"); ST_INTERNAL (with
 * d) when curl cannot make one. Release with net_easy_release. */
status net_easy_init(net_easy *e, const net_config *cf, const char *url, const char *protocols,
                     diag *d) WUR;
/* The same on a handle kept across transfers (h: reset first, so only its connection cache
 * carries over); net_easy_release leaves it to its owner. */
status net_easy_init_on(net_easy *e, CURL *h, const net_config *cf, const char *url,
                        const char *protocols, diag *d) WUR;
/* Runs the transfer; a curl failure becomes ST_INTERNAL with curl's words in d. */
status net_easy_perform(net_easy *e, const char *what, diag *d) WUR;
void net_easy_release(net_easy *e);

#endif
