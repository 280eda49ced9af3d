/*
 * wxsandbox.c - the sandbox WeChat authorisation server, part of the
 * sandbox program bank.fcgi (development and tests only: every page
 * answers 404 when Site.Production = 1).  It stands in for the two
 * endpoints of WeChat's 网页授权 that tucai uses:
 *
 *   GET  /weixin-sandbox/connect/oauth2/authorize
 *        ?appid=&redirect_uri=&response_type=code&scope=&state=
 *        a WeUI page “授权登录”: the tester picks or types a WeChat user
 *        and approves (or refuses); the browser goes back to redirect_uri
 *        with code and state (refused: state only), as WeChat does
 *   POST /weixin-sandbox/connect/oauth2/authorize   that decision
 *   GET  /weixin-sandbox/sns/oauth2/access_token
 *        ?appid=&secret=&code=&grant_type=authorization_code
 *        JSON: {"access_token", "expires_in", "refresh_token", "openid",
 *        "scope"} or {"errcode", "errmsg"} with WeChat's codes; a code is
 *        used once and lives 5 minutes
 *
 * The AppId and secret it accepts are the site's own (Weixin.AppId,
 * Weixin.Secret); redirect_uri must lie on Site.Url, as WeChat checks it
 * against the 公众号's 网页授权域名.  An openid is "o" and 27 characters
 * of HMAC(Weixin.Secret, AppId, user name): the same name gives the same
 * openid on every phone, another 公众号 another one, as at WeChat.
 *
 * Like WeChat's snsapi_base, the authorisation is silent: the browser
 * goes straight back with a code for "this phone's WeChat user", kept in
 * the sandbox's cookie tucai_wxsb (Path=/weixin-sandbox): on a phone
 * without one, a new user is made (so every new browser is another WeChat
 * user, as every phone is).  A phone set to ask (GET /weixin-sandbox/phone,
 * 每次授权时显示授权页面), and snsapi_userinfo, get the page instead, where
 * the tester picks or types the user, refuses, or makes the exchange fail.
 *
 * The forms carry no session (the bank's cookie lives under /bank): their
 * parameters are signed with Site.FormKey when the page is shown and
 * checked when it is posted (10 minutes), so a post can only approve what
 * the page showed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "bank.h"
#include "infra/clock.h"
#include "infra/config.h"
#include "infra/db.h"
#include "infra/lang.h"
#include "infra/log.h"
#include "infra/util.h"
#include "http/web.h"

enum stmt {
	STMT_CODE_NEW,
	STMT_CODE_USE,
	STMT_CODE_GET,
	STMT_CODE_WHY,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_CODE_NEW */
	"INSERT INTO wx_sandbox_code (code, appid, openid, scope, fault, "
	"snapshot) VALUES (?, ?, ?, ?, ?, ?)",
	/* STMT_CODE_USE: once, within 5 minutes, for its AppId */
	"UPDATE wx_sandbox_code SET used_at = UTC_TIMESTAMP() WHERE code = ? "
	"AND appid = ? AND used_at IS NULL "
	"AND created_at > UTC_TIMESTAMP() - INTERVAL 5 MINUTE",
	/* STMT_CODE_GET */
	"SELECT openid, scope, fault, snapshot FROM wx_sandbox_code "
	"WHERE code = ?",
	/* STMT_CODE_WHY: why a code was not usable: used, expired */
	"SELECT used_at IS NOT NULL, "
	"created_at <= UTC_TIMESTAMP() - INTERVAL 5 MINUTE "
	"FROM wx_sandbox_code WHERE code = ? AND appid = ?",
};
_Static_assert(sizeof(stmts) / sizeof(stmts[0]) == STMT__MAX, "stmts");

static struct db_set set = DB_SET("wxsandbox", stmts);

#define FORM_TTL	600	/* seconds the decision form stays valid */
#define REDIRECT_MAX	300	/* characters of redirect_uri */

#define PHONE_COOKIE	"tucai_wxsb"

/* The sandbox users the page offers (any other name may be typed). */
static const char *const users[] = { "Lang.Weixin.User.A",
    "Lang.Weixin.User.B", "Lang.Weixin.User.C" };

/* Never on a production site. */
static int
refused(struct req *r)
{

	if (conf_int("Site.Production", 0) != 1)
		return 0;
	log_warn("weixin sandbox asked for with Site.Production = 1: refused");
	return 1;
}

/* The sandbox user's openid for the configured AppId into out. */
static void
openid_of(const char *user, char out[29])
{
	crypto_auth_hmacsha256_state	 st;
	const char			*k = conf_str("Weixin.Secret", "");
	const char			*appid = conf_str("Weixin.AppId", "");
	unsigned char			 mac[32];
	char				 b64[48];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)k, strlen(k));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)appid,
	    strlen(appid) + 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)user,
	    strlen(user));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out[0] = 'o';
	memcpy(out + 1, b64, 27);
	out[28] = '\0';
	sodium_memzero(&st, sizeof(st));
}

/* The form token: hex HMAC(Site.FormKey, "wxsb" ts appid redirect scope
 * state), so that a post can only decide what the page showed. */
static void
form_sig(const char *ts, const char *appid, const char *uri,
    const char *scope, const char *state, char out[65])
{
	crypto_auth_hmacsha256_state	 st;
	const char			*k = conf_str("Site.FormKey", "");
	const char			*part[] = { "wxsb", ts, appid, uri,
					    scope, state };
	unsigned char			 mac[32];
	size_t				 i;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)k, strlen(k));
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++)
		crypto_auth_hmacsha256_update(&st,
		    (const unsigned char *)part[i], strlen(part[i]) + 1);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

/*
 * This phone's sandbox WeChat user (cookie "a" or "s", then the openid):
 * 1 with openid ("" when none chosen yet) and *ask, 0 when the phone has
 * none.
 */
static int
phone_get(struct req *r, char openid[29], int *ask)
{
	const char	*v = hdf_get_value(r->hdf, "Cookie." PHONE_COOKIE, NULL);
	size_t		 n;

	openid[0] = '\0';
	*ask = 0;
	if (v == NULL || (v[0] != 'a' && v[0] != 's'))
		return 0;
	n = strlen(v + 1);
	if (n != 0 && (n != 28 || strspn(v + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-") != 28))
		return 0;
	memcpy(openid, v + 1, n + 1);
	*ask = v[0] == 'a';
	return 1;
}

static void
phone_set(struct req *r, int ask, const char *openid)
{

	snprintf(r->setcookie, sizeof(r->setcookie), PHONE_COOKIE
	    "=%c%s; Path=/weixin-sandbox; HttpOnly; SameSite=Lax; "
	    "Max-Age=2592000", ask ? 'a' : 's', openid);
}

/* WeChat's error page for a malformed authorisation request ("Oops!
 * Something went wrong:("): errcode and what it means. */
static int
authz_error(struct req *r, int errcode, const char *msg)
{

	web_setf(r, "Wx.Errcode", "%d", errcode);
	web_set(r, "Wx.Errmsg", msg);
	log_info("weixin sandbox: authorize refused (%d)", errcode);
	return web_page(r, "weixin/authorize.cs");
}

/* redirect_uri on this site (Site.Url, as the 网页授权域名), short enough
 * for a Location with a code and a state. */
static int
redirect_ok(const char *uri)
{
	const char	*site = conf_str("Site.Url", "");
	size_t		 n = strlen(site);

	while (n > 0 && site[n - 1] == '/')
		n--;
	return uri != NULL && n > 0 && strlen(uri) <= REDIRECT_MAX &&
	    strncmp(uri, site, n) == 0 && uri[n] == '/';
}

/* The request's appid, redirect_uri, scope and state as WeChat checks
 * them.  0, or the page's status with the error shown. */
static int
authz_check(struct req *r)
{
	const char	*appid = web_str(r, "appid"), *rt;
	const char	*scope = web_str(r, "scope"), *state;

	if (r->status != 0)
		return authz_error(r, 10003, L("Lang.Weixin.Err.Params"));
	if (!*conf_str("Weixin.AppId", ""))
		return authz_error(r, 10016, L("Lang.Weixin.Err.NoAppId"));
	if (appid == NULL || strcmp(appid, conf_str("Weixin.AppId", "")) != 0)
		return authz_error(r, 10016, L("Lang.Weixin.Err.AppId"));
	if (!redirect_ok(web_str(r, "redirect_uri")))
		return authz_error(r, 10003, L("Lang.Weixin.Err.Redirect"));
	if ((rt = web_str(r, "response_type")) == NULL ||
	    strcmp(rt, "code") != 0)
		return authz_error(r, 10004, L("Lang.Weixin.Err.ResponseType"));
	if (scope == NULL || (strcmp(scope, "snsapi_base") != 0 &&
	    strcmp(scope, "snsapi_userinfo") != 0))
		return authz_error(r, 10005, L("Lang.Weixin.Err.Scope"));
	state = web_str(r, "state");
	if (state != NULL && (strlen(state) > 128 ||
	    strspn(state, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789") != strlen(state)))
		return authz_error(r, 10003, L("Lang.Weixin.Err.State"));
	return 0;
}

/* The sandbox users into Wx.Users.N.name and .openid. */
static void
users_hdf(struct req *r)
{
	char	 key[32], openid[29];
	size_t	 i;

	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		snprintf(key, sizeof(key), "Wx.Users.%zu.name", i);
		web_set(r, key, L(users[i]));
		openid_of(L(users[i]), openid);
		snprintf(key, sizeof(key), "Wx.Users.%zu.openid", i);
		web_set(r, key, openid);
	}
}

/* The browser back to redirect_uri with query (code=...&state=... or
 * state=...). */
static int
back(struct req *r, const char *query)
{
	const char	*uri = web_str(r, "redirect_uri");

	return web_redirect(r, "%s%c%s", uri, strchr(uri, '?') ? '&' : '?',
	    query);
}

/* A code for openid, and the browser back with it. */
static int
issue(struct req *r, const char *openid, const char *fault, int snapshot,
    const char *state)
{
	char	 code[33], q[256];
	int	 rc;

	util_token_hex(code, 16);
	if ((rc = db_exec(&set, STMT_CODE_NEW, "sssssi", code,
	    web_str(r, "appid"), openid, web_str(r, "scope"), fault,
	    (long long)snapshot)) < 0)
		return web_dberr(rc);
	log_info("weixin sandbox: code issued%s%s",
	    strcmp(fault, "none") ? ", fault " : "",
	    strcmp(fault, "none") ? fault : "");
	snprintf(q, sizeof(q), "code=%s&state=%s", code, state);
	return back(r, q);
}

/* GET/POST /weixin-sandbox/connect/oauth2/authorize */
static int
page_authorize(struct req *r)
{
	const char	*state, *user, *dec, *fault;
	char		 ts[24], sig[65], openid[29], rnd[9], name[32], q[256];
	long long	 t;
	int		 rc, ask;

	if (refused(r))
		return 404;
	web_set(r, "Page.Title", L("Lang.Weixin.Title.Authorize"));
	if ((rc = authz_check(r)) != 0)
		return rc;
	state = web_str(r, "state") ? web_str(r, "state") : "";
	if (r->method == M_GET && strcmp(web_str(r, "scope"),
	    "snsapi_base") == 0 && (phone_get(r, openid, &ask) == 0 ||
	    !ask)) {
		/* Silent, as WeChat's snsapi_base: this phone's user, or a
		 * new one for a phone seen for the first time. */
		if (openid[0] == '\0') {
			util_token_hex(rnd, 4);
			LF(name, sizeof(name), "Lang.Weixin.User.New", LS("id", rnd));
			openid_of(name, openid);
			phone_set(r, 0, openid);
		}
		return issue(r, openid, "none", 0, state);
	}
	if (r->method == M_GET) {
		snprintf(ts, sizeof(ts), "%lld", (long long)clock_now());
		form_sig(ts, web_str(r, "appid"), web_str(r, "redirect_uri"),
		    web_str(r, "scope"), state, sig);
		web_set(r, "Wx.Ts", ts);
		web_set(r, "Wx.Sig", sig);
		users_hdf(r);
		return web_page(r, "weixin/authorize.cs");
	}

	/* The decision, on what the page showed. */
	t = web_int(r, "ts");
	form_sig(web_str(r, "ts") ? web_str(r, "ts") : "", web_str(r, "appid"),
	    web_str(r, "redirect_uri"), web_str(r, "scope"), state, sig);
	if (web_str(r, "sig") == NULL || strlen(web_str(r, "sig")) != 64 ||
	    sodium_memcmp(sig, web_str(r, "sig"), 64) != 0 ||
	    t < (long long)clock_now() - FORM_TTL ||
	    t > (long long)clock_now() + 60)
		return authz_error(r, 10003, L("Lang.Weixin.Err.FormExpired"));
	dec = web_str(r, "decision");
	if (dec != NULL && strcmp(dec, "deny") == 0) {
		log_info("weixin sandbox: the user refused");
		snprintf(q, sizeof(q), "state=%s", state);
		return back(r, q);
	}
	if (dec == NULL || strcmp(dec, "allow") != 0)
		return 400;
	if ((user = web_str(r, "other")) == NULL)
		user = web_str(r, "user");
	if (user == NULL) {
		web_fail(r, 422, L("Lang.Weixin.Err.NoUser"));
		web_set(r, "Wx.Ts", web_str(r, "ts"));
		web_set(r, "Wx.Sig", web_str(r, "sig"));
		users_hdf(r);
		return web_page(r, "weixin/authorize.cs");
	}
	fault = web_str(r, "fault");
	if (fault == NULL)
		fault = "none";
	if (strcmp(fault, "none") != 0 && strcmp(fault, "busy") != 0 &&
	    strcmp(fault, "down") != 0)
		return 400;
	openid_of(user, openid);
	/* This phone's user from now on; asked again unless untick'd. */
	phone_set(r, web_has(r, "ask"), openid);
	return issue(r, openid, fault, web_has(r, "snapshot"), state);
}

/*
 * GET/POST /weixin-sandbox/phone : this phone's sandbox WeChat user and
 * whether every authorisation shows the page (ask).  A tester's switch,
 * kept in the cookie; nothing at tucai changes.
 */
static int
page_phone(struct req *r)
{
	const char	*user;
	char		 ts[24], sig[65], openid[29];
	long long	 t;
	int		 ask;

	if (refused(r))
		return 404;
	web_set(r, "Page.Title", L("Lang.Weixin.Title.Phone"));
	if (r->method == M_POST) {
		t = web_int(r, "ts");
		form_sig(web_str(r, "ts") ? web_str(r, "ts") : "", "phone", "",
		    "", "", sig);
		if (r->status != 0 || web_str(r, "sig") == NULL ||
		    strlen(web_str(r, "sig")) != 64 ||
		    sodium_memcmp(sig, web_str(r, "sig"), 64) != 0 ||
		    t < (long long)clock_now() - FORM_TTL ||
		    t > (long long)clock_now() + 60)
			return authz_error(r, 10003, L("Lang.Weixin.Err.PhoneExpired"));
		(void)phone_get(r, openid, &ask);
		if ((user = web_str(r, "other")) == NULL)
			user = web_str(r, "user");
		if (user != NULL)
			openid_of(user, openid);
		phone_set(r, web_has(r, "ask"), openid);
		return web_redirect(r, "/weixin-sandbox/phone");
	}
	if (phone_get(r, openid, &ask) == 1) {
		web_set(r, "Wx.Phone.openid", openid);
		web_set(r, "Wx.Phone.ask", ask ? "1" : "0");
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)clock_now());
	form_sig(ts, "phone", "", "", "", sig);
	web_set(r, "Wx.Ts", ts);
	web_set(r, "Wx.Sig", sig);
	users_hdf(r);
	return web_page(r, "weixin/phone.cs");
}

/* Answer with a JSON object (WeChat answers errors with 200 too). */
static int
json_reply(struct req *r, json_t *o)
{
	char	*s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(o);
	if (s == NULL)
		return 500;
	r->body = (unsigned char *)s;
	r->bodylen = strlen(s);
	r->ctype = "application/json; charset=utf-8";
	return 200;
}

static int
wx_err(struct req *r, int code, const char *msg)
{

	return json_reply(r, json_pack("{s:i, s:s}", "errcode", code,
	    "errmsg", msg));
}

/* GET /weixin-sandbox/sns/oauth2/access_token */
static int
api_token(struct req *r)
{
	const char	*appid = web_str(r, "appid"), *secret;
	const char	*code = web_str(r, "code"), *gt;
	char		 openid[65], scope[33], fault[8], tok[65], ref[65];
	long long	 snap = 0, used = 0, old = 0;
	json_t		*o;
	int		 rc;

	if (refused(r))
		return 404;
	secret = web_str(r, "secret");
	if (r->status != 0)
		return wx_err(r, 40029, "invalid code");
	if (!*conf_str("Weixin.AppId", "") || appid == NULL ||
	    strcmp(appid, conf_str("Weixin.AppId", "")) != 0)
		return wx_err(r, 40013, "invalid appid");
	if (secret == NULL || strlen(secret) !=
	    strlen(conf_str("Weixin.Secret", "")) ||
	    sodium_memcmp(secret, conf_str("Weixin.Secret", ""),
	    strlen(secret)) != 0)
		return wx_err(r, 40125, "invalid appsecret");
	if ((gt = web_str(r, "grant_type")) == NULL ||
	    strcmp(gt, "authorization_code") != 0)
		return wx_err(r, 40002, "invalid grant_type");
	if (code == NULL)
		return wx_err(r, 41008, "missing code");
	if ((rc = db_exec(&set, STMT_CODE_USE, "ss", code, appid)) < 0)
		return web_dberr(rc);
	if (rc == 0) {
		if ((rc = db_one(&set, STMT_CODE_WHY, "ss", "ii", code, appid,
		    &used, &old)) < 0)
			return web_dberr(rc);
		if (rc == 1 && used)
			return wx_err(r, 40163, "code been used");
		if (rc == 1 && old)
			return wx_err(r, 42003, "code expired");
		return wx_err(r, 40029, "invalid code");
	}
	if ((rc = db_one(&set, STMT_CODE_GET, "s", "sssi", code, openid,
	    sizeof(openid), scope, sizeof(scope), fault, sizeof(fault),
	    &snap)) < 0)
		return web_dberr(rc);
	if (rc == 0)
		return wx_err(r, 40029, "invalid code");
	if (strcmp(fault, "down") == 0) {
		log_info("weixin sandbox: token endpoint down (fault)");
		return 502;
	}
	if (strcmp(fault, "busy") == 0)
		return wx_err(r, -1, "system error");
	util_token_hex(tok, 32);
	util_token_hex(ref, 32);
	if ((o = json_pack("{s:s, s:i, s:s, s:s, s:s}", "access_token", tok,
	    "expires_in", 7200, "refresh_token", ref, "openid", openid,
	    "scope", scope)) == NULL)
		return 500;
	if (snap)
		json_object_set_new(o, "is_snapshotuser", json_integer(1));
	log_info("weixin sandbox: code exchanged");
	return json_reply(r, o);
}

static const struct field authorize_fields[] = {
	{ "appid", FT_CODE, 32, 0, "appid" },
	{ "redirect_uri", FT_TEXT, REDIRECT_MAX, 0, "redirect_uri" },
	{ "response_type", FT_CODE, 16, 0, "response_type" },
	{ "scope", FT_CODE, 32, 0, "scope" },
	{ "state", FT_TEXT, 128, 0, "state" },
	/* the decision (POST) */
	{ "ts", FT_INT, 12, 0, NULL },
	{ "sig", FT_CODE, 64, 0, NULL },
	{ "user", FT_TEXT, 32, 0, "Lang.Weixin.Field.User" },
	{ "other", FT_TEXT, 32, 0, "Lang.Weixin.Field.Other" },
	{ "decision", FT_CODE, 8, 0, NULL },
	{ "fault", FT_CODE, 8, 0, NULL },
	{ "snapshot", FT_BOOL, 2, 0, NULL },
	{ "ask", FT_BOOL, 2, 0, NULL },
};

static const struct field phone_fields[] = {
	{ "ts", FT_INT, 12, 0, NULL },
	{ "sig", FT_CODE, 64, 0, NULL },
	{ "user", FT_TEXT, 32, 0, "Lang.Weixin.Field.User" },
	{ "other", FT_TEXT, 32, 0, "Lang.Weixin.Field.Other" },
	{ "ask", FT_BOOL, 2, 0, NULL },
};

static const struct field token_fields[] = {
	{ "appid", FT_CODE, 32, 0, NULL },
	{ "secret", FT_CODE, 64, 0, NULL },
	{ "code", FT_CODE, 64, 0, NULL },
	{ "grant_type", FT_CODE, 32, 0, NULL },
};

const struct page wxsb_pages[] = {
	{ "/weixin-sandbox/connect/oauth2/authorize", M_GET | M_POST,
	    FIELDS(authorize_fields), PG_NOCSRF, 0, page_authorize },
	{ "/weixin-sandbox/phone", M_GET | M_POST, FIELDS(phone_fields),
	    PG_NOCSRF, 0, page_phone },
	{ "/weixin-sandbox/sns/oauth2/access_token", M_GET,
	    FIELDS(token_fields), PG_RAW, 0, api_token },
};
const size_t wxsb_npages = sizeof(wxsb_pages) / sizeof(wxsb_pages[0]);
