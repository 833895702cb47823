/*
 * vcard_test.c - the .vcf parser and phone normalisation: versions 2.1,
 * 3.0 and 4.0, folding, groups, escapes, quoted-printable, per-card
 * errors, and the fatal cases that must import nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../../../services/contacts/contacts.h"

static struct arena *a;

static void
setup(void)
{
	a = arena_create(0);
}

static void
teardown(void)
{
	arena_destroy(a);
}

TestSuite(vcard, .init = setup, .fini = teardown);
TestSuite(phone);

static void
parse_ok(const char *s, struct vc_result *v)
{
	struct err	e;

	err_clear(&e);
	cr_assert_eq(vc_parse(s, strlen(s), a, v, &e), 0, "%s: %s", e.slug,
	    e.msg);
}

static void
parse_fails(const char *s, size_t len, enum app_err code, const char *slug)
{
	struct vc_result v;
	struct err	 e;

	err_clear(&e);
	cr_assert_eq(vc_parse(s, len, a, &v, &e), code, "%s", s);
	cr_expect_str_eq(e.slug, slug);
	cr_expect_eq(v.nentries, 0);
}

Test(vcard, versions_names_and_numbers)
{
	struct vc_result v;

	parse_ok("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\n"
	    "TEL;TYPE=CELL:+44 20 7946 0958\r\nEND:VCARD\r\n"
	    "begin:vcard\nversion:2.1\nN:Hopper;Grace;;;\n"
	    "item1.TEL;TYPE=HOME:+1 (415) 555-0123\nitem2.TEL:+1.415.555.0124\n"
	    "end:vcard\n"
	    "BEGIN:VCARD\nVERSION:4.0\nFN:Fol\n ded\nTEL;VALUE=uri:tel:+49-30-1234567\n"
	    "END:VCARD", &v);
	cr_assert_eq(v.ncards, 3);
	cr_assert_eq(v.nentries, 4);
	cr_expect_eq(v.nerrors, 0);
	cr_expect_str_eq(v.entries[0].phone, "+442079460958");
	cr_expect_str_eq(v.entries[0].name, "Ada Lovelace");
	cr_expect_str_eq(v.entries[1].phone, "+14155550123");
	cr_expect_str_eq(v.entries[1].name, "Grace Hopper");
	cr_expect_str_eq(v.entries[2].phone, "+14155550124");
	cr_expect_eq(v.entries[2].card, 2);
	cr_expect_str_eq(v.entries[3].name, "Folded");
	cr_expect_str_eq(v.entries[3].phone, "+49301234567");
}

Test(vcard, escapes_qp_and_fallback_names)
{
	struct vc_result v;

	parse_ok("BEGIN:VCARD\nFN:Smith\\, John\\; Jr\nTEL:+14155550100\n"
	    "END:VCARD\n"
	    "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
	    "Jos=C3=A9 =\nGarc=C3=ADa\nTEL:+14155550101\nEND:VCARD\n"
	    "BEGIN:VCARD\nTEL:+14155550102\nEND:VCARD\n", &v);
	cr_assert_eq(v.nentries, 3);
	cr_expect_str_eq(v.entries[0].name, "Smith, John; Jr");
	cr_expect_str_eq(v.entries[1].name, "Jos\xc3\xa9 Garc\xc3\xad" "a");
	cr_expect_str_eq(v.entries[2].name, "+14155550102",
	    "no name: the number");
}

Test(vcard, bad_cards_are_reported_and_skipped)
{
	struct vc_result v;

	parse_ok("BEGIN:VCARD\nFN:No phone\nEND:VCARD\n"
	    "BEGIN:VCARD\nFN:Local\nTEL:020 7946 0958\nEND:VCARD\n"
	    "BEGIN:VCARD\nFN:Mixed\nTEL:12\nTEL:+14155550103\nEND:VCARD\n"
	    "BEGIN:VCARD\nFN:Good\nTEL:+14155550104\nEND:VCARD\n", &v);
	cr_assert_eq(v.ncards, 4);
	cr_assert_eq(v.nentries, 2);
	cr_assert_eq(v.nerrors, 3);
	cr_expect_eq(v.errors[0].card, 1);
	cr_expect_str_eq(v.errors[0].reason, "no_phone");
	cr_expect_eq(v.errors[1].card, 2);
	cr_expect_eq(v.errors[1].line, 4);
	cr_expect_str_eq(v.errors[1].reason, "invalid_phone");
	cr_expect_str_eq(v.errors[2].reason, "some_phones_skipped");
}

Test(vcard, long_names_are_cut_on_a_character)
{
	struct vc_result v;
	char		 buf[512];
	char		 name[300] = "";
	int		 i;

	for (i = 0; i < 70; i++)
		strcat(name, "\xc3\xa9");
	snprintf(buf, sizeof(buf), "BEGIN:VCARD\nFN:%s\nTEL:+14155550105\n"
	    "END:VCARD\n", name);
	parse_ok(buf, &v);
	cr_assert_eq(v.nentries, 1);
	cr_expect_eq(strlen(v.entries[0].name), 2 * CT_NAME_MAX);
}

Test(vcard, fatal_errors_fill_nothing)
{
	char	*big;
	size_t	 n = CT_VCARD_MAX_BYTES + 1;

	parse_fails("", 0, APP_EINVAL, "invalid_vcard");
	parse_fails("hello", 5, APP_EINVAL, "invalid_vcard");
	parse_fails("END:VCARD\n", 10, APP_EINVAL, "invalid_vcard");
	parse_fails("BEGIN:VCARD\nTEL:+14155550106\nEND:VCARD\nBEGIN:VCARD\n",
	    50, APP_EINVAL, "invalid_vcard");
	parse_fails("BEGIN:VCARD\nBEGIN:VCARD\nEND:VCARD\n", 34, APP_EINVAL,
	    "invalid_vcard");
	parse_fails("BEGIN:VCARD\nFN:\xff\nEND:VCARD\n", 26, APP_EINVAL,
	    "invalid_vcard");
	parse_fails("BEGIN:VCARD\nFN:a\0b\nEND:VCARD\n", 27, APP_EINVAL,
	    "invalid_vcard");
	big = calloc(1, n);
	cr_assert_not_null(big);
	memset(big, 'x', n);
	parse_fails(big, n, APP_ETOOLARGE, "vcard_too_large");
	free(big);
}

Test(vcard, too_many_cards)
{
	const char	*card = "BEGIN:VCARD\nEND:VCARD\n";
	size_t		 clen = strlen(card), n = CT_VCARD_MAX_CARDS + 1, i;
	char		*buf = malloc(clen * n + 1);

	cr_assert_not_null(buf);
	for (i = 0; i < n; i++)
		memcpy(buf + i * clen, card, clen);
	buf[clen * n] = '\0';
	parse_fails(buf, clen * n, APP_EINVAL, "invalid_vcard");
	free(buf);
}

Test(phone, normalisation)
{
	char	out[CT_PHONE_MAX + 1];

	cr_expect(ct_phone_norm("+1 (415) 555-0123", out));
	cr_expect_str_eq(out, "+14155550123");
	cr_expect(ct_phone_norm("tel:+44.20.7946.0958", out));
	cr_expect_str_eq(out, "+442079460958");
	cr_expect(ct_phone_norm("+123456789012345", out));
	cr_expect_not(ct_phone_norm("+1234567890123456", out));
	cr_expect_not(ct_phone_norm("+1234567", out));
	cr_expect_not(ct_phone_norm("4155550123", out));
	cr_expect_not(ct_phone_norm("+0155550123", out));
	cr_expect_not(ct_phone_norm("+1415555012a", out));
	cr_expect_not(ct_phone_norm("++14155550123", out));
	cr_expect_not(ct_phone_norm("", out));
}
