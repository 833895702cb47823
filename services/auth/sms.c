/*
 * sms.c - the two SMS senders, chosen by PARLEY_SMS_SENDER.
 *
 *   log   appends "<ts> <phone> <code>" to the outbox file (mode 0600),
 *         where `deploy/admin otp <phone>` finds it. The code never goes
 *         to the service log, which only says a code was sent.
 *   http  POSTs {"to": phone, "text": "Your Parley code: 123456"} to
 *         PARLEY_SMS_URL with "Authorization: Bearer PARLEY_SMS_TOKEN",
 *         within PARLEY_SMS_TIMEOUT seconds; anything but 2xx fails.
 *
 * The caller holds the code's row in an open transaction and commits only
 * after sms_send() succeeded, so a failed send leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "auth_svc.h"
#include "cfg.h"
#include "log.h"

static int	sms_send_log(const char *, const char *, struct err *);
static int	sms_send_http(const char *, const char *, struct err *);
static size_t	sms_discard(char *, size_t, size_t, void *);

const char *
sms_outbox_path(char *buf, size_t size)
{
	if (cfg_str(CFG_SMS_OUTBOX)[0] != '\0')
		snprintf(buf, size, "%s", cfg_str(CFG_SMS_OUTBOX));
	else
		snprintf(buf, size, "%s/sms/outbox", cfg_str(CFG_VAR));
	return buf;
}

int
sms_configure(struct err *e)
{
	if (strcmp(cfg_str(CFG_SMS_SENDER), "http") == 0) {
		if (strncmp(cfg_str(CFG_SMS_URL), "http://", 7) != 0 &&
		    strncmp(cfg_str(CFG_SMS_URL), "https://", 8) != 0)
			return err_set(e, APP_EINVAL, "bad_config",
			    "%s must be an http(s) URL with PARLEY_SMS_SENDER=http",
			    cfg_name(CFG_SMS_URL));
		if (cfg_str(CFG_SMS_TOKEN)[0] == '\0')
			return err_set(e, APP_EINVAL, "bad_config",
			    "%s is required with PARLEY_SMS_SENDER=http",
			    cfg_name(CFG_SMS_TOKEN));
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, APP_EINTERNAL, "internal",
		    "libcurl cannot start");
	return 0;
}

static int
sms_send_log(const char *phone, const char *code, struct err *e)
{
	char		 path[1024], dir[1024], line[128], ts[32], *slash;
	struct tm	 tm;
	time_t		 now = time(NULL);
	int		 fd = -1, rc = 0, n;

	sms_outbox_path(path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			log_warn("event=outbox_mkdir_failed errno=%d", errno);
	}
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s %s %s\n", ts, phone, code);
	/* One write() with O_APPEND: lines of concurrent sends never mix. */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) < 0 || write(fd, line, (size_t)n) != n) {
		log_error("event=outbox_write_failed errno=%d", errno);
		rc = err_set(e, APP_EBADGATEWAY, "sms_failed",
		    "the code could not be sent, try again later");
	}
	sodium_memzero(line, sizeof(line));
	if (fd >= 0)
		close(fd);
	return rc;
}

static size_t
sms_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static int
sms_send_http(const char *phone, const char *code, struct err *e)
{
	CURL			*c = NULL;
	struct curl_slist	*hdrs = NULL;
	json_t			*body = NULL;
	char			*text = NULL, msg[64], auth[512];
	long			 status = 0;
	CURLcode		 cc = CURLE_FAILED_INIT;

	snprintf(msg, sizeof(msg), "Your Parley code: %s", code);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	    cfg_str(CFG_SMS_TOKEN));
	if ((body = json_pack("{s:s,s:s}", "to", phone, "text", msg)) == NULL ||
	    (text = json_dumps(body, JSON_COMPACT)) == NULL ||
	    (c = curl_easy_init()) == NULL)
		goto out;
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, auth);
	curl_easy_setopt(c, CURLOPT_URL, cfg_str(CFG_SMS_URL));
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg_int(CFG_SMS_TIMEOUT));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);	/* threads */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sms_discard);
	if ((cc = curl_easy_perform(c)) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
out:
	if (cc != CURLE_OK || status < 200 || status > 299)
		log_warn("event=sms_failed curl=%d status=%ld", (int)cc, status);
	if (text != NULL) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	sodium_memzero(msg, sizeof(msg));
	sodium_memzero(auth, sizeof(auth));
	json_decref(body);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK || status < 200 || status > 299)
		return err_set(e, APP_EBADGATEWAY, "sms_failed",
		    "the SMS gateway did not accept the code, try again later");
	return 0;
}

int
sms_send(const char *phone, const char *code, struct err *e)
{
	if (strcmp(cfg_str(CFG_SMS_SENDER), "http") == 0)
		return sms_send_http(phone, code, e);
	return sms_send_log(phone, code, e);
}
