/*
 * turn.c - TURN REST credentials for coturn's use-auth-secret mode
 * (draft-uberti-behave-turn-rest): the username is "<expiry>:<user>", the
 * password base64(HMAC-SHA1(shared secret, username)). coturn recomputes
 * the HMAC and refuses an expired timestamp, so nothing is stored. The
 * HMAC is OpenSSL's (libsodium has no SHA-1); the secret is never logged.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "calls.h"
#include "cfg.h"
#include "db.h"

static json_t	*turn_urls(void);

int
turn_hmac(const char *secret, const char *username, char out[TURN_CRED_LEN])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	if (HMAC(EVP_sha1(), secret, (int)strlen(secret),
	    (const unsigned char *)username, strlen(username), md, &mdlen) ==
	    NULL || mdlen != 20)
		return APP_EINTERNAL;
	sodium_bin2base64(out, TURN_CRED_LEN, md, mdlen,
	    sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(md, sizeof(md));
	return 0;
}

/* PARLEY_TURN_URLS split on commas, blanks dropped. */
static json_t *
turn_urls(void)
{
	const char	*s = cfg_str(CFG_TURN_URLS), *end;
	json_t		*urls = json_array();
	size_t		 n;

	while (urls != NULL && *s != '\0') {
		if ((end = strchr(s, ',')) == NULL)
			end = s + strlen(s);
		while (s < end && *s == ' ')
			s++;
		for (n = (size_t)(end - s); n > 0 && s[n - 1] == ' '; n--)
			;
		if (n > 0)
			json_array_append_new(urls, json_stringn(s, n));
		s = *end == ',' ? end + 1 : end;
	}
	return urls;
}

json_t *
turn_credentials(struct req *r, struct err *e)
{
	const char	*vals[1] = { r->user_id };
	char		 cred[TURN_CRED_LEN];
	char		*user;
	PGresult	*res;
	long		 ttl = cfg_int(CFG_TURN_TTL);
	int		 relay;
	json_t		*j;

	if (cfg_str(CFG_TURN_SECRET)[0] == '\0')
		return err_set(e, APP_EUNAVAIL, "turn_unavailable",
		    "no TURN relay is configured"), NULL;
	if ((res = db_exec(r->db, "SELECT coalesce((SELECT relay_only FROM "
	    "call_settings WHERE user_id = $1), false)", 1, vals, e)) == NULL)
		return NULL;
	relay = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	user = arena_printf(r->arena, "%lld:%s",
	    (long long)time(NULL) + ttl, r->user_id);
	if (turn_hmac(cfg_str(CFG_TURN_SECRET), user, cred) != 0)
		return err_set(e, APP_EINTERNAL, "internal", "hmac failed"),
		    NULL;
	j = json_pack("{s:o,s:s,s:s,s:I,s:s}", "urls", turn_urls(),
	    "username", user, "credential", cred, "ttl", (json_int_t)ttl,
	    "ice_transport_policy", relay ? "relay" : "all");
	sodium_memzero(cred, sizeof(cred));
	if (j == NULL)
		err_set(e, APP_EINTERNAL, "internal", "no memory");
	return j;
}
