/*
 * vcard.c - a tolerant parser of address-book exports (.vcf, vCard 2.1,
 * 3.0 and 4.0) for contact import. It reads only what import needs: the
 * card boundaries, FN, N and TEL, with line folding, property groups
 * ("item1.TEL"), backslash escapes and 2.1's quoted-printable. A card it
 * cannot use is reported and skipped; only a file that is not a vCard
 * file at all fails as a whole. Pure: no I/O, everything in the arena.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "contacts.h"

struct vc_card {
	int		 line;		/* where BEGIN:VCARD is */
	char		*fn;
	char		*n;
	const char	*tels[16];
	size_t		 ntels;
	int		 toomany;
};

static int	 vc_utf8_ok(const unsigned char *, size_t);
static char	*vc_unfold(const char *, size_t, struct arena *, int **,
		    size_t *);
static void	 vc_unescape(char *);
static void	 vc_qp_decode(char *);
static void	 vc_error(struct vc_result *, struct arena *, int, int,
		    const char *);
static void	 vc_grow(struct vc_result *, struct arena *);
static void	 vc_card_end(struct vc_result *, struct arena *,
		    struct vc_card *);
static char	*vc_name_clean(char *);

static int
vc_utf8_ok(const unsigned char *s, size_t len)
{
	size_t	i = 0, k, n;
	unsigned int cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0 && s[i] >= 0xc2)
			n = 1, cp = s[i] & 0x1f;
		else if ((s[i] & 0xf0) == 0xe0)
			n = 2, cp = s[i] & 0x0f;
		else if ((s[i] & 0xf8) == 0xf0 && s[i] <= 0xf4)
			n = 3, cp = s[i] & 0x07;
		else
			return 0;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += n + 1;
	}
	return 1;
}

/*
 * Logical lines: CRLF or LF ends a line, a line starting with a space or
 * a tab continues the previous one, and a quoted-printable line ending
 * in "=" continues on the next. The lines are NUL-separated in the
 * returned buffer; (*starts)[i] is the physical line number of line i.
 */
static char *
vc_unfold(const char *buf, size_t len, struct arena *a, int **starts,
    size_t *nlines)
{
	char	*out, *lstart;
	size_t	 i = 0, o = 0, cap = 64, n = 0;
	int	 phys = 1, *st;

	out = arena_alloc(a, len + 2);
	st = arena_alloc(a, cap * sizeof(*st));
	lstart = out;
	st[n++] = 1;
	while (i < len) {
		if (buf[i] == '\r') {
			i++;
			continue;
		}
		if (buf[i] != '\n') {
			out[o++] = buf[i++];
			continue;
		}
		i++;
		phys++;
		if (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
			i++;
			continue;
		}
		/* 2.1 quoted-printable soft line break. */
		out[o] = '\0';
		if (o > 0 && out[o - 1] == '=' && memchr(lstart, ':',
		    (size_t)(out + o - lstart)) != NULL &&
		    strcasestr(lstart, "QUOTED-PRINTABLE") != NULL) {
			o--;
			continue;
		}
		out[o++] = '\0';
		lstart = out + o;
		if (n == cap) {
			int	*nst = arena_alloc(a, 2 * cap * sizeof(*st));

			memcpy(nst, st, cap * sizeof(*st));
			st = nst;
			cap *= 2;
		}
		st[n++] = phys;
		out[o] = '\0';
	}
	out[o] = '\0';
	*starts = st;
	*nlines = n;
	return out;
}

static void
vc_unescape(char *s)
{
	char	*w = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*w++ = (*s == 'n' || *s == 'N') ? ' ' : *s;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

static int
vc_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
vc_qp_decode(char *s)
{
	char	*w = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '=' && (hi = vc_hex(s[1])) >= 0 &&
		    (lo = vc_hex(s[2])) >= 0) {
			*w++ = (char)(hi << 4 | lo);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

static void
vc_error(struct vc_result *res, struct arena *a, int card, int line,
    const char *reason)
{
	res->nerrors_total++;
	if (res->nerrors >= CT_VCARD_MAX_ERRORS)
		return;
	if (res->errors == NULL)
		res->errors = arena_calloc(a, CT_VCARD_MAX_ERRORS,
		    sizeof(*res->errors));
	res->errors[res->nerrors].card = card;
	res->errors[res->nerrors].line = line;
	res->errors[res->nerrors].reason = reason;
	res->nerrors++;
}

/*
 * Trims blanks, turns control characters into spaces and cuts the name
 * to CT_NAME_MAX characters (on a character boundary). NULL if empty or
 * not UTF-8 (a quoted-printable value can decode to anything).
 */
static char *
vc_name_clean(char *s)
{
	unsigned char	*p;
	size_t		 chars = 0, len;

	if (s == NULL || !vc_utf8_ok((unsigned char *)s, strlen(s)))
		return NULL;
	for (p = (unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
	while (*s == ' ')
		s++;
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
	for (p = (unsigned char *)s; *p != '\0'; p++) {
		if ((*p & 0xc0) != 0x80 && chars++ == CT_NAME_MAX) {
			*p = '\0';
			break;
		}
	}
	return *s != '\0' ? s : NULL;
}

/* N is "Family;Given;Additional;Prefix;Suffix": "Given Family". */
static char *
vc_n_name(char *n, struct arena *a)
{
	char	*fam = n, *giv = NULL, *p;

	for (p = n; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == ';') {
			*p = '\0';
			if (giv == NULL)
				giv = p + 1;
			else
				break;
		}
	}
	vc_unescape(fam);
	if (giv != NULL)
		vc_unescape(giv);
	if (giv != NULL && *giv != '\0' && *fam != '\0')
		return arena_printf(a, "%s %s", giv, fam);
	return (giv != NULL && *giv != '\0') ? giv : fam;
}

static void
vc_grow(struct vc_result *res, struct arena *a)
{
	struct vc_entry	*n;
	size_t		 cap = res->cap == 0 ? 64 : res->cap * 2;

	n = arena_calloc(a, cap, sizeof(*n));
	if (res->nentries > 0)
		memcpy(n, res->entries, res->nentries * sizeof(*n));
	res->entries = n;
	res->cap = cap;
}

static void
vc_card_end(struct vc_result *res, struct arena *a, struct vc_card *c)
{
	char	 phone[CT_PHONE_MAX + 1];
	char	*name;
	size_t	 i, good = 0;
	int	 bad = 0;
	int	 cardno = (int)res->ncards;

	name = vc_name_clean(c->fn);
	if (name == NULL && c->n != NULL)
		name = vc_name_clean(vc_n_name(c->n, a));
	if (c->ntels == 0) {
		vc_error(res, a, cardno, c->line, "no_phone");
		return;
	}
	for (i = 0; i < c->ntels; i++) {
		if (!ct_phone_norm(c->tels[i], phone)) {
			bad = 1;
			continue;
		}
		if (res->nentries == res->cap)
			vc_grow(res, a);
		res->entries[res->nentries].card = cardno;
		memcpy(res->entries[res->nentries].phone, phone, sizeof(phone));
		res->entries[res->nentries].name = name != NULL ? name :
		    arena_strdup(a, phone);
		res->nentries++;
		good++;
	}
	if (good == 0)
		vc_error(res, a, cardno, c->line, "invalid_phone");
	else if (bad || c->toomany)
		vc_error(res, a, cardno, c->line, "some_phones_skipped");
}

/* One property line inside a card. */
static void
vc_prop(struct vc_card *c, char *line)
{
	char	*colon, *name, *dot, *semi;
	int	 qp;

	if ((colon = strchr(line, ':')) == NULL)
		return;
	*colon = '\0';
	name = line;
	if ((dot = strchr(name, '.')) != NULL &&
	    (semi = strchr(name, ';'), semi == NULL || dot < semi))
		name = dot + 1;
	qp = strcasestr(name, "QUOTED-PRINTABLE") != NULL;
	if ((semi = strchr(name, ';')) != NULL)
		*semi = '\0';
	line = colon + 1;
	if (qp)
		vc_qp_decode(line);
	if (strcasecmp(name, "FN") == 0) {
		vc_unescape(line);
		c->fn = line;
	} else if (strcasecmp(name, "N") == 0)
		c->n = line;
	else if (strcasecmp(name, "TEL") == 0) {
		if (c->ntels < sizeof(c->tels) / sizeof(c->tels[0]))
			c->tels[c->ntels++] = line;
		else
			c->toomany = 1;
	}
}

int
vc_parse(const char *buf, size_t len, struct arena *a, struct vc_result *out,
    struct err *e)
{
	struct vc_card	 card;
	char		*text, *line, *next;
	int		*starts;
	size_t		 nlines, i;
	int		 open = 0;

	memset(out, 0, sizeof(*out));
	if (len > CT_VCARD_MAX_BYTES)
		return err_set(e, APP_ETOOLARGE, "vcard_too_large",
		    "a vCard file may have at most %d bytes", CT_VCARD_MAX_BYTES);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		buf += 3, len -= 3;
	if (!vc_utf8_ok((const unsigned char *)buf, len) ||
	    memchr(buf, '\0', len) != NULL)
		return err_set(e, APP_EINVAL, "invalid_vcard",
		    "the file is not UTF-8 text");
	text = vc_unfold(buf, len, a, &starts, &nlines);
	for (i = 0, next = text; i < nlines; i++) {
		/* vc_prop() cuts the line up: find the next one first. */
		line = next;
		next = line + strlen(line) + 1;
		if (strcasecmp(line, "BEGIN:VCARD") == 0) {
			if (open)
				goto unclosed;
			if (++out->ncards > CT_VCARD_MAX_CARDS)
				return err_set(e, APP_EINVAL, "invalid_vcard",
				    "at most %d cards per file",
				    CT_VCARD_MAX_CARDS);
			memset(&card, 0, sizeof(card));
			card.line = starts[i];
			open = 1;
		} else if (strcasecmp(line, "END:VCARD") == 0) {
			if (!open)
				return err_set(e, APP_EINVAL, "invalid_vcard",
				    "END:VCARD without BEGIN on line %d",
				    starts[i]);
			vc_card_end(out, a, &card);
			open = 0;
		} else if (open)
			vc_prop(&card, line);
	}
	if (open)
		goto unclosed;
	if (out->ncards == 0)
		return err_set(e, APP_EINVAL, "invalid_vcard",
		    "no BEGIN:VCARD in the file");
	return 0;
unclosed:
	memset(out, 0, sizeof(*out));
	return err_set(e, APP_EINVAL, "invalid_vcard",
	    "the card starting on line %d is never closed", card.line);
}
