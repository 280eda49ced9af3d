/*
 * test_sign.c - TAP tests for infra/sign.c: the canonical body, HMAC-SHA256
 * against a vector computed independently (Python's hmac), tamper
 * detection, the 300 s timestamp window, and the urlencoded reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "infra/config.h"
#include "domain/pay.h"
#include "infra/httpc.h"
#include "infra/sign.h"
#include "tap.h"

/* Key bytes 00 01 .. 1f, as tools/serve writes Pay.Secret (hex). */
static const char conf_text[] =
    "Pay {\n  Provider = sandbox\n"
    "  Secret = 000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f\n}\n";

/* Write the test configuration and load it.  0 ok. */
static int
load_conf(void)
{
	char	 path[] = "/tmp/test_pay.XXXXXX";
	FILE	*fp;
	int	 fd, rc;

	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(conf_text, fp);
	fclose(fp);
	setenv("TUCAI_CONF", path, 1);
	rc = conf_load();
	unlink(path);
	return rc;
}

/* Sign body with timestamp now + delta; return sign_check's answer. */
static int
verify_at(long long delta, const char *body)
{
	char	 ts[24], sig[65];

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL) + delta);
	sign_make(ts, body, sig);
	return sign_check(ts, body, sig);
}

int
main(void)
{
	const struct sign_kv notify[] = {
		{ "type", "authorized" }, { "order_ref", "abc" },
		{ "reason", "" }, { "amount_fen", "4000" },
		{ "event_id", "e1" }, { "extra", NULL },
	};
	const struct sign_kv enc[] = {
		{ "desc", "北京 a+b/c~-._" }, { "a&b", "x=y" },
	};
	const char	*body = "amount_fen=4000&event_id=e1&order_ref=abc"
	    "&type=authorized";
	char		*c, sig[65], ts[24], bad[65], out[64];

	if (sodium_init() < 0 || load_conf() != 0) {
		printf("Bail out! no sodium or configuration\n");
		return 1;
	}

	/* canonical form */
	c = sign_canon(notify, sizeof(notify) / sizeof(notify[0]));
	is_str(c, body, "canonical: sorted by name, empty values left out");
	free(c);
	c = sign_canon(enc, 2);
	is_str(c, "a%26b=x%3Dy&desc=%E5%8C%97%E4%BA%AC%20a%2Bb%2Fc~-._",
	    "canonical: percent-encoded, unreserved kept, upper-case hex");
	free(c);
	c = sign_canon(NULL, 0);
	is_str(c, "", "canonical of nothing is empty");
	free(c);

	/* HMAC vector (python3 hmac.new(bytes(range(32)), ...)) */
	sign_make("1700000000", body, sig);
	is_str(sig, "60fab693b033105b7dcf0feb1d3323e4"
	    "b677ecdc0138f3337f5eed9d6c97e58d",
	    "signature matches an independent HMAC-SHA256");

	/* verification */
	ok(verify_at(0, body) == 0, "fresh signature verifies");
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	sign_make(ts, body, sig);
	ok(sign_check(ts, "amount_fen=4001&event_id=e1&order_ref=abc"
	    "&type=authorized", sig) != 0, "changed amount is detected");
	ok(sign_check(ts, body, "60fab693b033105b7dcf0feb1d3323e4"
	    "b677ecdc0138f3337f5eed9d6c97e58d") != 0, "another message's "
	    "signature is refused");
	memcpy(bad, sig, sizeof(bad));
	bad[10] = bad[10] == 'a' ? 'b' : 'a';
	ok(sign_check(ts, body, bad) != 0, "one changed hex digit is refused");
	bad[10] = '\0';
	ok(sign_check(ts, body, bad) != 0, "truncated signature is refused");
	ok(sign_check(ts, body, "") != 0, "empty signature is refused");
	ok(sign_check(ts, body, NULL) != 0, "missing signature is refused");
	ok(sign_check(NULL, body, sig) != 0, "missing timestamp is refused");
	snprintf(out, sizeof(out), "%lld", (long long)time(NULL) + 1);
	ok(sign_check(out, body, sig) != 0,
	    "signature for another timestamp is refused");

	/* timestamp window */
	ok(verify_at(-290, body) == 0, "290 s old: accepted");
	ok(verify_at(-301, body) != 0, "301 s old: refused (stale)");
	ok(verify_at(290, body) == 0, "290 s ahead: accepted (clock skew)");
	ok(verify_at(301, body) != 0, "301 s ahead: refused");
	ok(verify_at(-86400 * 365, body) != 0, "a year old: refused");
	sign_make("12a4", body, sig);
	ok(sign_check("12a4", body, sig) != 0, "malformed timestamp refused");
	sign_make("-5", body, sig);
	ok(sign_check("-5", body, sig) != 0, "negative timestamp refused");

	/* urlencoded answers */
	ok(sign_form_get("token=abc123&state=pending", "token", out,
	    sizeof(out)) == 0 && strcmp(out, "abc123") == 0, "form: first key");
	ok(sign_form_get("token=abc123&state=pending", "state", out,
	    sizeof(out)) == 0 && strcmp(out, "pending") == 0, "form: last key");
	ok(sign_form_get("xstate=a&state=b%41+c", "state", out,
	    sizeof(out)) == 0 && strcmp(out, "bA c") == 0,
	    "form: exact key, decoded");
	ok(sign_form_get("token=abc", "tok", out, sizeof(out)) != 0,
	    "form: prefix of a key is not the key");
	ok(sign_form_get("token=0123456789", "token", out, 4) != 0,
	    "form: too long for the buffer refused");
	ok(pay_provider() != NULL && strcmp(pay_provider()->name,
	    "sandbox") == 0, "provider table: sandbox");

	return tap_done();
}
