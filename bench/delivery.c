/*
 * delivery.c - the delivery load generator (bench/delivery.sh runs it).
 *
 * Latency mode: creates `pairs` sender/recipient users directly in the
 * stack's Postgres (real sessions, as tests/integration/lib/fixture.c does),
 * one direct chat per pair, and keeps every recipient device connected
 * over WebSocket through nginx (wss, session cookie, auth_request). Sender
 * threads POST /api/messages/send open-loop at a fixed offered rate of
 * envelopes per second (`fanout` envelopes per message: the recipient's
 * devices); each ciphertext carries its send time, and the receiving
 * thread records send->receive latency when the envelope event arrives.
 * Prints one line: offered and achieved rates, p50/p95/p99/max latency,
 * losses and errors.
 *
 * Idle mode (--idle N): N device rows, N sockets opened straight to one ws
 * node (with the identity headers nginx would set), then the node's RSS
 * before and after, per connection.
 *
 * Bounded: at most --seconds of load, at most 20,000 sockets, loopback
 * URLs only. Everything it creates is deleted at the end.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <libwebsockets.h>
#include <sodium.h>

#define B_MAX_SOCKETS	20000
#define B_MAX_PAIRS	2000
#define B_MAX_FANOUT	5
#define B_NAME		"bench-delivery"

struct b_dev {
	char		 user[37];
	int		 id;
	char		 cookie[80];
	struct lws	*wsi;
	int		 open;
};

struct b_pair {
	struct b_dev	 s;			/* sender, one device */
	struct b_dev	 r[B_MAX_FANOUT];	/* recipient's devices */
	char		 chat[37];
};

static struct {
	const char	*url, *wshost, *db;
	int		 wsport, pairs, fanout, threads, idle;
	double		 rate, seconds;
	long		 wspid;
} opt = { NULL, "127.0.0.1", NULL, 0, 50, 2, 16, 0, 500, 10, 0 };

static const char	*b_secret = "";	/* $PARLEY_WS_SECRET, for -i */
static struct b_pair	*pairs;
static struct b_dev	*idle;
static struct lws_context *ctx;
static atomic_long	 next_msg, sent_ok, sent_err, opened, closed_n;
static long		 total_msgs;
static double		 t_start;
static double		*lat;			/* ms, per received envelope */
static atomic_long	 nlat;
static long		 lat_cap;
static double		*http_lat;
static atomic_long	 nhttp;
static volatile int	 stop_rx;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "delivery: %s\n", what);
	exit(1);
}

static PGresult *
q(PGconn *c, const char *sql, int n, const char *const *v)
{
	PGresult	*r = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "delivery: %s: %s", sql, PQerrorMessage(c));
		exit(1);
	}
	return r;
}

/* A user with ndev devices, each with a session; fills devs. */
static void
mkuser(PGconn *c, struct b_dev *devs, int ndev)
{
	unsigned char	 raw[32], hash[32];
	char		 phone[20], tok[48], dev[16];
	const char	*v[3];
	int		 lens[3] = { 0, 0, 32 }, fmts[3] = { 0, 0, 1 }, i;
	PGresult	*r;

	snprintf(phone, sizeof(phone), "+1666%010u",
	    randombytes_uniform(1000000000u));
	v[0] = phone;
	v[1] = B_NAME;
	r = q(c, "INSERT INTO users (phone, name) VALUES ($1, $2) "
	    "RETURNING id", 2, v);
	for (i = 0; i < ndev; i++) {
		snprintf(devs[i].user, 37, "%s", PQgetvalue(r, 0, 0));
		devs[i].id = i + 1;
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(tok, sizeof(tok), raw, sizeof(raw),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		crypto_generichash(hash, 32, (unsigned char *)tok, strlen(tok),
		    NULL, 0);
		snprintf(devs[i].cookie, sizeof(devs[i].cookie),
		    "parley_session=%s", tok);
		snprintf(dev, sizeof(dev), "%d", i + 1);
		v[0] = devs[i].user;
		v[1] = dev;
		v[2] = (const char *)hash;
		/* Keyed (random identity keys, as the test fixture): only
		 * devices with keys count as destinations of a send. */
		PQclear(q(c, "INSERT INTO devices (user_id, id, name, ik_sig, "
		    "ik_dh, ik_dh_sig) VALUES ($1, $2, 'bench', "
		    "decode(md5(random()::text) || md5(random()::text), 'hex'), "
		    "decode(md5(random()::text) || md5(random()::text), 'hex'), "
		    "decode(repeat(md5(random()::text), 4), 'hex'))", 2, v));
		PQclear(PQexecParams(c, "INSERT INTO sessions (user_id, "
		    "device_id, token_hash) VALUES ($1, $2, $3)", 3, NULL, v,
		    lens, fmts, 0));
	}
	PQclear(q(c, "UPDATE users SET next_device_id = $2::int + 1 "
	    "WHERE id = $1", 2, v));
	PQclear(r);
}

/* ---- WebSocket side: one lws context, serviced by one thread. ---- */

static void
on_envelope(const char *in, size_t len)
{
	json_t		*o = json_loadb(in, len, 0, NULL), *env;
	const char	*b;
	unsigned char	 buf[128];
	size_t		 n;
	double		 ts;
	long		 i;

	if (o == NULL)
		return;
	env = json_object_get(o, "envelope");
	b = json_string_value(json_object_get(env, "body"));
	if (b != NULL && strlen(b) < 160 && sodium_base642bin(buf,
	    sizeof(buf) - 1, b, strlen(b), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0) {
		buf[n] = '\0';
		if (sscanf((char *)buf, "t=%lf", &ts) == 1 &&
		    (i = atomic_fetch_add(&nlat, 1)) < lat_cap)
			lat[i] = (now_s() - ts) * 1000;
	}
	json_decref(o);
}

static int
ws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct b_dev	*d = lws_get_opaque_user_data(wsi);
	unsigned char	**p = in, *end;
	char		 v[16];

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (d == NULL)
			return 0;
		end = *p + len;
		if (opt.idle > 0) {
			snprintf(v, sizeof(v), "%d", d->id);
			/* As nginx would: identity plus the shared secret. */
			if (lws_add_http_header_by_name(wsi, (unsigned char *)
			    "x-parley-user:", (unsigned char *)d->user, 36, p,
			    end) || lws_add_http_header_by_name(wsi,
			    (unsigned char *)"x-parley-device:",
			    (unsigned char *)v, (int)strlen(v), p, end) ||
			    lws_add_http_header_by_name(wsi, (unsigned char *)
			    "x-parley-ws-secret:", (unsigned char *)b_secret,
			    (int)strlen(b_secret), p, end))
				return -1;
		} else if (lws_add_http_header_by_token(wsi,
		    WSI_TOKEN_HTTP_COOKIE, (unsigned char *)d->cookie,
		    (int)strlen(d->cookie), p, end))
			return -1;
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		d->open = 1;
		atomic_fetch_add(&opened, 1);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (len > 20 && memcmp(in, "{\"type\":\"envelope\"", 18) == 0)
			on_envelope(in, len);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (d != NULL) {
			d->open = 0;
			d->wsi = NULL;
		}
		atomic_fetch_add(&closed_n, 1);
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protos[] = {
	{ "bench", ws_cb, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
ws_connect(struct b_dev *d, int tls, const char *host, int port)
{
	struct lws_client_connect_info	i;

	memset(&i, 0, sizeof(i));
	i.context = ctx;
	i.address = host;
	i.port = port;
	i.path = "/ws";
	i.host = host;
	i.origin = host;
	i.ietf_version_or_minus_one = -1;
	i.local_protocol_name = protos[0].name;
	i.opaque_user_data = d;
	i.pwsi = &d->wsi;
	if (tls)
		i.ssl_connection = LCCSCF_USE_SSL | LCCSCF_ALLOW_SELFSIGNED |
		    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
	lws_client_connect_via_info(&i);
}

static void *
rx_thread(void *arg)
{
	(void)arg;
	while (!stop_rx)
		lws_service(ctx, 50);
	return NULL;
}

/* ---- Sending side: open loop, fixed schedule. ---- */

static size_t
sink(char *p, size_t s, size_t n, void *a)
{
	(void)p;
	(void)a;
	return s * n;
}

static void *
tx_thread(void *arg)
{
	CURL			*h = curl_easy_init();
	struct curl_slist	*hd = NULL;
	char			 url[512], body[4096], id[37], tsb[64];
	char			 b64[128], cookie[128];
	unsigned char		 u[16];
	struct b_pair		*p;
	long			 k, code;
	double			 due, t0;
	int			 i, n;

	(void)arg;
	snprintf(url, sizeof(url), "%s/api/messages/send", opt.url);
	hd = curl_slist_append(hd, "Content-Type: application/json");
	snprintf(body, sizeof(body), "Origin: %s", opt.url);
	hd = curl_slist_append(hd, body);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	while ((k = atomic_fetch_add(&next_msg, 1)) < total_msgs) {
		due = t_start + (double)k * opt.fanout / opt.rate;
		while ((t0 = now_s()) < due)
			usleep((useconds_t)((due - t0) * 1e6));
		p = &pairs[k % opt.pairs];
		randombytes_buf(u, 16);
		u[6] = (u[6] & 0x0f) | 0x40;
		u[8] = (u[8] & 0x3f) | 0x80;
		snprintf(id, sizeof(id), "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
		    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
		    u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		    u[12], u[13], u[14], u[15]);
		/* The scheduled time: latency includes any sender backlog. */
		snprintf(tsb, sizeof(tsb), "t=%.6f", due);
		sodium_bin2base64(b64, sizeof(b64), (unsigned char *)tsb,
		    strlen(tsb), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		n = snprintf(body, sizeof(body), "{\"chat_id\":\"%s\","
		    "\"id\":\"%s\",\"envelopes\":[", p->chat, id);
		for (i = 0; i < opt.fanout; i++)
			n += snprintf(body + n, sizeof(body) - (size_t)n,
			    "%s{\"to_user\":\"%s\",\"to_device\":%d,"
			    "\"type\":\"msg\",\"body\":\"%s\"}", i ? "," : "",
			    p->r[i].user, p->r[i].id, b64);
		snprintf(body + n, sizeof(body) - (size_t)n, "]}");
		snprintf(cookie, sizeof(cookie), "%s", p->s.cookie);
		curl_easy_setopt(h, CURLOPT_COOKIE, cookie);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		t0 = now_s();
		if (curl_easy_perform(h) == CURLE_OK &&
		    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) ==
		    CURLE_OK && code == 200) {
			atomic_fetch_add(&sent_ok, 1);
			if ((i = (int)atomic_fetch_add(&nhttp, 1)) < total_msgs)
				http_lat[i] = (now_s() - t0) * 1000;
		} else
			atomic_fetch_add(&sent_err, 1);
	}
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return NULL;
}

static int
cmp_d(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, long n, double p)
{
	if (n == 0)
		return 0;
	return v[(long)(p * (double)(n - 1))];
}

static long
rss_kib(long pid)
{
	char	path[64], line[256];
	long	kib = -1;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void
wait_sockets(long want, double limit)
{
	double	t0 = now_s();

	while (atomic_load(&opened) + atomic_load(&closed_n) < want &&
	    now_s() - t0 < limit)
		usleep(20000);
}

static int
run_idle(PGconn *c)
{
	char		 n[16];
	const char	*v[2];
	PGresult	*r;
	long		 before, after, i;
	double		 t0;

	snprintf(n, sizeof(n), "%d", opt.idle);
	v[0] = n;
	v[1] = B_NAME;
	r = q(c, "WITH u AS (INSERT INTO users (phone, name) "
	    "SELECT '+1667' || lpad(g::text, 10, '0'), $2 "
	    "FROM generate_series(1, $1::int) g RETURNING id) "
	    "INSERT INTO devices (user_id, id, name) SELECT id, 1, 'bench' "
	    "FROM u RETURNING user_id", 2, v);
	idle = calloc((size_t)opt.idle, sizeof(*idle));
	for (i = 0; i < opt.idle; i++) {
		snprintf(idle[i].user, 37, "%s", PQgetvalue(r, (int)i, 0));
		idle[i].id = 1;
	}
	PQclear(r);
	sleep(1);
	before = rss_kib(opt.wspid);
	/* In batches, serviced here: lws is not thread-safe. */
	for (i = 0; i < opt.idle; i++) {
		ws_connect(&idle[i], 0, opt.wshost, opt.wsport);
		if (i % 250 == 249 || i == opt.idle - 1) {
			t0 = now_s();
			while (atomic_load(&opened) + atomic_load(&closed_n) <
			    i + 1 && now_s() - t0 < 10)
				lws_service(ctx, 10);
		}
	}
	t0 = now_s();
	while (now_s() - t0 < 3)
		lws_service(ctx, 10);
	after = rss_kib(opt.wspid);
	printf("idle: sockets=%ld/%d ws_rss_before=%ld KiB ws_rss_after=%ld "
	    "KiB per_connection=%.2f KiB\n", atomic_load(&opened), opt.idle,
	    before, after, atomic_load(&opened) > 0 ?
	    (double)(after - before) / (double)atomic_load(&opened) : 0.0);
	return 0;
}

static void
mkchat(struct b_pair *p)
{
	CURL			*h = curl_easy_init();
	struct curl_slist	*hd = NULL;
	char			 url[512], body[128], hdr[600];
	struct {
		char	*b;
		size_t	 n;
	} out = { NULL, 0 };
	FILE			*f = open_memstream(&out.b, &out.n);
	json_t			*o;

	snprintf(url, sizeof(url), "%s/api/messages/chats", opt.url);
	snprintf(body, sizeof(body), "{\"peer\":\"%s\"}", p->r[0].user);
	hd = curl_slist_append(hd, "Content-Type: application/json");
	snprintf(hdr, sizeof(hdr), "Origin: %s", opt.url);
	hd = curl_slist_append(hd, hdr);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_COOKIE, p->s.cookie);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	if (curl_easy_perform(h) != CURLE_OK)
		die("POST /chats failed");
	fclose(f);
	if ((o = json_loads(out.b, 0, NULL)) == NULL ||
	    json_string_value(json_object_get(o, "chat_id")) == NULL)
		die("POST /chats: no chat_id");
	snprintf(p->chat, 37, "%s", json_string_value(json_object_get(o,
	    "chat_id")));
	json_decref(o);
	free(out.b);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
}

static int
run_latency(PGconn *c)
{
	pthread_t	 rx, *tx;
	char		 host[256];
	long		 i, n, lost, expect;
	int		 k, port;
	double		 took;

	if (sscanf(opt.url, "https://%255[^:]:%d", host, &port) != 2)
		die("--url must be https://host:port");
	pairs = calloc((size_t)opt.pairs, sizeof(*pairs));
	for (i = 0; i < opt.pairs; i++) {
		mkuser(c, &pairs[i].s, 1);
		mkuser(c, pairs[i].r, opt.fanout);
		mkchat(&pairs[i]);
	}
	/* Connect, then hand the context to its one servicing thread. */
	for (i = 0; i < opt.pairs; i++)
		for (k = 0; k < opt.fanout; k++)
			ws_connect(&pairs[i].r[k], 1, host, port);
	pthread_create(&rx, NULL, rx_thread, NULL);
	wait_sockets((long)opt.pairs * opt.fanout, 30);
	sleep(1);	/* hellos: channels subscribed */
	total_msgs = (long)(opt.rate * opt.seconds / opt.fanout);
	lat_cap = total_msgs * opt.fanout;
	lat = calloc((size_t)lat_cap, sizeof(double));
	http_lat = calloc((size_t)total_msgs, sizeof(double));
	tx = calloc((size_t)opt.threads, sizeof(*tx));
	t_start = now_s() + 0.2;
	for (k = 0; k < opt.threads; k++)
		pthread_create(&tx[k], NULL, tx_thread, NULL);
	for (k = 0; k < opt.threads; k++)
		pthread_join(tx[k], NULL);
	took = now_s() - t_start;
	sleep(2);	/* stragglers */
	stop_rx = 1;
	pthread_join(rx, NULL);
	n = atomic_load(&nlat) < lat_cap ? atomic_load(&nlat) : lat_cap;
	expect = atomic_load(&sent_ok) * opt.fanout;
	lost = expect - n;
	qsort(lat, (size_t)n, sizeof(double), cmp_d);
	i = atomic_load(&nhttp);
	qsort(http_lat, (size_t)i, sizeof(double), cmp_d);
	printf("offered=%.0f env/s achieved=%.0f env/s (%.0f sends/s, fanout "
	    "%d) sockets=%ld p50=%.2f p95=%.2f p99=%.2f max=%.2f ms "
	    "send_http_p50=%.2f p99=%.2f ms received=%ld not_pushed=%ld "
	    "send_errors=%ld\n", opt.rate, (double)expect / took,
	    (double)atomic_load(&sent_ok) / took, opt.fanout,
	    atomic_load(&opened), pct(lat, n, 0.50), pct(lat, n, 0.95),
	    pct(lat, n, 0.99), n > 0 ? lat[n - 1] : 0, pct(http_lat, i, 0.5),
	    pct(http_lat, i, 0.99), n, lost, atomic_load(&sent_err));
	return 0;
}

int
main(int argc, char **argv)
{
	struct lws_context_creation_info	info;
	PGconn					*c;
	int					 ch, rc;

	while ((ch = getopt(argc, argv, "u:d:w:p:r:s:n:f:t:i:P:")) != -1) {
		switch (ch) {
		case 'u': opt.url = optarg; break;
		case 'd': opt.db = optarg; break;
		case 'w': opt.wshost = optarg; break;
		case 'p': opt.wsport = atoi(optarg); break;
		case 'r': opt.rate = atof(optarg); break;
		case 's': opt.seconds = atof(optarg); break;
		case 'n': opt.pairs = atoi(optarg); break;
		case 'f': opt.fanout = atoi(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 'i': opt.idle = atoi(optarg); break;
		case 'P': opt.wspid = atol(optarg); break;
		default:
			die("usage: delivery -u URL -d CONNINFO [-r env/s] "
			    "[-s seconds] [-n pairs] [-f fanout] [-t threads] "
			    "| -i idle -w host -p port -P ws_pid");
		}
	}
	if (opt.db == NULL || (opt.idle == 0 && opt.url == NULL))
		die("-d and -u (or -i) are required");
	/* Idle sockets go straight to a node, which wants nginx's secret. */
	if (opt.idle > 0 && (b_secret = getenv("PARLEY_WS_SECRET")) == NULL)
		die("-i needs PARLEY_WS_SECRET (deploy/stack env)");
	if ((opt.url != NULL && strstr(opt.url, "://localhost:") == NULL &&
	    strstr(opt.url, "://127.0.0.1:") == NULL) ||
	    strcmp(opt.wshost, "127.0.0.1") != 0)
		die("loopback only");
	if (opt.idle > B_MAX_SOCKETS || opt.pairs > B_MAX_PAIRS ||
	    opt.fanout < 1 || opt.fanout > B_MAX_FANOUT || opt.seconds > 120 ||
	    opt.rate <= 0 || opt.threads < 1 || opt.threads > 256)
		die("out of bounds");
	if (sodium_init() < 0)
		die("sodium_init");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protos;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.fd_limit_per_thread = B_MAX_SOCKETS + 1024;
	if ((ctx = lws_create_context(&info)) == NULL)
		die("lws_create_context");
	if ((c = PQconnectdb(opt.db)) == NULL || PQstatus(c) != CONNECTION_OK)
		die("cannot connect to Postgres");
	{
		const char *v[1] = { B_NAME };

		PQclear(q(c, "DELETE FROM users WHERE name = $1", 1, v));
	}
	rc = opt.idle > 0 ? run_idle(c) : run_latency(c);
	lws_context_destroy(ctx);
	{
		const char *v[1] = { B_NAME };

		PQclear(q(c, "DELETE FROM users WHERE name = $1", 1, v));
	}
	PQfinish(c);
	return rc;
}
