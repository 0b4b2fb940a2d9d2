/*
 * https_fetch.c - the MTA-STS policy fetch through libcurl.
 */
#include "https_fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sink {
	char *buf;
	size_t len, max;
	int over;
};

/* Keep at most MAX bytes; past it, stop the transfer (a named outcome). */
static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char *grown;

	if (s->len + n > s->max) {
		s->over = 1;
		return 0;
	}
	if ((grown = realloc(s->buf, s->len + n + 1)) == NULL)
		return 0;
	s->buf = grown;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

int
https_fetch(const char *host, const char *addr, int port, const char *path,
    const char *ca_file, int timeout, size_t max, struct https_result *res)
{
	struct sink sink = { NULL, 0, max, 0 };
	struct curl_slist *resolve = NULL;
	char url[512], pin[512], errbuf[CURL_ERROR_SIZE] = "";
	char *ct = NULL, *loc = NULL;
	CURL *c;
	CURLcode rc;

	memset(res, 0, sizeof(*res));
	res->outcome = HTTPS_FETCH;
	if ((c = curl_easy_init()) == NULL) {
		snprintf(res->err, sizeof(res->err), "curl_easy_init failed");
		return -1;
	}
	if (port == 443)
		snprintf(url, sizeof(url), "https://%s%s", host, path);
	else
		snprintf(url, sizeof(url), "https://%s:%d%s", host, port, path);
	snprintf(pin, sizeof(pin), "%s:%d:%s", host, port, addr);
	resolve = curl_slist_append(NULL, pin);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "tlsrpt-check");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		snprintf(res->content_type, sizeof(res->content_type), "%s", ct);
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
	    loc != NULL)
		snprintf(res->location, sizeof(res->location), "%s", loc);
	if (sink.over)
		snprintf(res->err, sizeof(res->err), "the policy is larger "
		    "than %zu bytes", max);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_ISSUER_ERROR) {
		res->outcome = HTTPS_WEBPKI;
		snprintf(res->err, sizeof(res->err), "%s", errbuf[0] ?
		    errbuf : curl_easy_strerror(rc));
	} else if (rc != CURLE_OK)
		snprintf(res->err, sizeof(res->err), "%s", errbuf[0] ?
		    errbuf : curl_easy_strerror(rc));
	else if (res->status != 200)
		snprintf(res->err, sizeof(res->err), "HTTP status %ld%s%.200s",
		    res->status, res->location[0] ? ", redirect to " : "",
		    res->location);
	else
		res->outcome = HTTPS_OK;
	res->body = sink.buf;
	res->len = sink.len;
	curl_slist_free_all(resolve);
	curl_easy_cleanup(c);
	return 0;
}

void
https_result_free(struct https_result *res)
{
	free(res->body);
	res->body = NULL;
}
