/*
 * test_weixin.c - TAP tests for weixin.c's parts that need no server: the
 * openid's hash and the state against vectors computed independently
 * (Python's hmac), the state bound to one session and its lifetime, the
 * WeChat User-Agent, the token endpoint's JSON (openid, errcodes, 快照页
 * virtual users, junk), the authorise URL and the log form of a URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "infra/config.h"
#include "infra/httpc.h"
#include "tap.h"
#include "domain/weixin.h"

static const char conf_text[] =
    "Site {\n  Url = https://photo.example.edu.cn\n"
    "  FormKey = kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n}\n"
    "Weixin {\n  AppId = wx0123456789abcdef\n"
    "  Secret = 0123456789abcdef0123456789abcdef\n"
    "  IdKey = 000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f\n}\n";

static int
load_conf(const char *text)
{
	char	 path[] = "/tmp/test_weixin.XXXXXX";
	FILE	*fp;
	int	 fd, rc;

	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(text, fp);
	fclose(fp);
	setenv("TUCAI_CONF", path, 1);
	rc = conf_load();
	unlink(path);
	return rc;
}

static enum wx_outcome
parse(const char *json, char openid[WX_OPENID_MAX + 1], long long *err)
{

	return wx_parse_token(json, strlen(json), openid, err);
}

int
main(void)
{
	unsigned char	 key[32], skey[32], other[32];
	char		 hash[WX_HASH_HEX + 1], hash2[WX_HASH_HEX + 1];
	char		 st[WX_STATE_LEN + 1], bad[WX_STATE_LEN + 1];
	char		 openid[WX_OPENID_MAX + 1], url[1024], shown[128];
	const char	*fk = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";
	const time_t	 now = 1767225600;
	long long	 err;
	int		 i, next;

	if (sodium_init() < 0 || load_conf(conf_text) != 0) {
		printf("Bail out! set-up\n");
		return 1;
	}
	for (i = 0; i < 32; i++) {
		key[i] = (unsigned char)i;
		skey[i] = (unsigned char)i;
		other[i] = (unsigned char)(i + 1);
	}

	/* The openid's hash: HMAC-SHA256(IdKey, "openid\n" appid NUL
	 * openid), the vector from Python's hmac. */
	wx_hash_with(key, sizeof(key), "wx0123456789abcdef", "oABC_test-123",
	    hash);
	is_str(hash, "ca4314184e9f55fa6c39bf547aafbfdd64a9f09e2d5ebda6f999d"
	    "272d04bb9bc", "openid hash matches the independent vector");
	wx_openid_hash("oABC_test-123", hash2);
	is_str(hash2, hash, "wx_openid_hash reads Weixin.IdKey (hex) and AppId");
	wx_hash_with(key, sizeof(key), "wx0123456789abcdee", "oABC_test-123",
	    hash2);
	ok(strcmp(hash, hash2) != 0, "another 公众号: another hash");
	wx_hash_with(key, sizeof(key), "wx0123456789abcdef", "oABC_test-124",
	    hash2);
	ok(strcmp(hash, hash2) != 0, "another openid: another hash");
	ok(strlen(hash) == WX_HASH_HEX && strspn(hash, "0123456789abcdef") ==
	    WX_HASH_HEX, "the hash is 64 hex digits (no openid in it)");

	/* The state. */
	wx_state_with((const unsigned char *)fk, strlen(fk), skey, now, 2, st);
	is_str(st, "17672256002b37d5781187ee4a99464dd2e2163593b",
	    "state matches the independent vector");
	ok(strlen(st) == WX_STATE_LEN && strspn(st, "0123456789abcdef") ==
	    WX_STATE_LEN, "state is [0-9a-f]{43}: inside WeChat's a-zA-Z0-9, "
	    "128 bytes");
	wx_state_make(skey, now, 2, bad);
	is_str(bad, st, "wx_state_make uses Site.FormKey");
	next = -1;
	ok(wx_state_check(skey, st, now + 30, &next) == 0 && next == 2,
	    "the same session within the lifetime: accepted, next page 2");
	ok(wx_state_check(other, st, now + 30, &next) == -1,
	    "another session's state: refused (login CSRF)");
	ok(wx_state_check(skey, st, now + WX_STATE_TTL + 1, &next) == -2,
	    "after %d s: expired", WX_STATE_TTL);
	ok(wx_state_check(skey, st, now + WX_STATE_TTL, &next) == 0,
	    "at exactly %d s: still accepted", WX_STATE_TTL);
	ok(wx_state_check(skey, st, now - 120, &next) == -2,
	    "made in the future (2 min): refused");
	memcpy(bad, st, sizeof(bad));
	bad[10] = '5';
	ok(wx_state_check(skey, bad, now, &next) == -1,
	    "next page changed: MAC no longer matches");
	memcpy(bad, st, sizeof(bad));
	bad[3] = bad[3] == '1' ? '2' : '1';
	ok(wx_state_check(skey, bad, now, &next) == -1,
	    "time changed: refused");
	memcpy(bad, st, sizeof(bad));
	bad[42] = bad[42] == 'a' ? 'b' : 'a';
	ok(wx_state_check(skey, bad, now, &next) == -1, "MAC changed: refused");
	memcpy(bad, st, sizeof(bad));
	bad[20] = 'A';
	ok(wx_state_check(skey, bad, now, &next) == -1,
	    "upper-case hex: refused");
	ok(wx_state_check(skey, "", now, &next) == -1 &&
	    wx_state_check(skey, NULL, now, &next) == -1 &&
	    wx_state_check(skey, "1767225600", now, &next) == -1,
	    "empty, missing, short: refused");
	ok(wx_state_check_with((const unsigned char *)"other-key-other-key-other-key-xx",
	    32, skey, st, now, &next) == -1, "another site key: refused");

	/* WeChat's browser. */
	ok(wx_in_wechat("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
	    "MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"),
	    "iPhone WeChat");
	ok(wx_in_wechat("Mozilla/5.0 (Linux; Android 13; V2227A) XWEB/1160065 "
	    "MMWEBSDK/20231202 MMWEBID/1234 MicroMessenger/8.0.47.2560(0x28002F30) "
	    "WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64"),
	    "Android WeChat");
	ok(!wx_in_wechat("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 "
	    "Chrome/120.0 Mobile Safari/537.36"), "Chrome: not WeChat");
	ok(!wx_in_wechat("Mozilla/5.0 (Windows NT 10.0) MicroMessenger/7.0 "
	    "wxwork/4.1.0 MiniProgramEnv/Windows"), "WeChat Work: not this sign-in");
	ok(!wx_in_wechat(NULL) && !wx_in_wechat(""), "no User-Agent: not WeChat");

	/* The token endpoint's answers. */
	ok(parse("{\"access_token\":\"ACCESS\",\"expires_in\":7200,"
	    "\"refresh_token\":\"R\",\"openid\":\"oLVPpjqs9BhvzwPj5A-vTYAX3GLc\","
	    "\"scope\":\"snsapi_base\"}", openid, &err) == WX_OK &&
	    strcmp(openid, "oLVPpjqs9BhvzwPj5A-vTYAX3GLc") == 0 && err == 0,
	    "an answer with an openid: WX_OK and the openid");
	ok(parse("{\"errcode\":40029,\"errmsg\":\"invalid code, rid: 1\"}",
	    openid, &err) == WX_CODE && err == 40029 && openid[0] == '\0',
	    "40029 invalid code: WX_CODE");
	ok(parse("{\"errcode\":40163,\"errmsg\":\"code been used\"}", openid,
	    &err) == WX_CODE && err == 40163, "40163 code been used: WX_CODE");
	ok(parse("{\"errcode\":42003,\"errmsg\":\"code expired\"}", openid,
	    &err) == WX_CODE, "42003 expired: WX_CODE");
	ok(parse("{\"errcode\":40125,\"errmsg\":\"invalid appsecret\"}",
	    openid, &err) == WX_CONFIG && err == 40125, "40125: WX_CONFIG");
	ok(parse("{\"errcode\":40013,\"errmsg\":\"invalid appid\"}", openid,
	    &err) == WX_CONFIG, "40013: WX_CONFIG");
	ok(parse("{\"errcode\":-1,\"errmsg\":\"system error\"}", openid,
	    &err) == WX_NETWORK && err == -1, "-1 busy: WX_NETWORK");
	ok(parse("{\"errcode\":0,\"openid\":\"oX\",\"scope\":\"snsapi_base\"}",
	    openid, &err) == WX_OK, "errcode 0 with an openid: WX_OK");
	ok(parse("{\"openid\":\"oVirtual\",\"is_snapshotuser\":1}", openid,
	    &err) == WX_SNAPSHOT && openid[0] == '\0',
	    "快照页模式 (is_snapshotuser 1): WX_SNAPSHOT, no openid");
	ok(parse("{\"openid\":\"o<script>\"}", openid, &err) == WX_NETWORK,
	    "an openid with other characters: refused");
	ok(parse("{\"openid\":\"oAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", openid, &err) ==
	    WX_NETWORK, "an openid over %d characters: refused", WX_OPENID_MAX);
	ok(parse("{\"openid\":\"\"}", openid, &err) == WX_NETWORK &&
	    parse("{\"openid\":12}", openid, &err) == WX_NETWORK &&
	    parse("{\"scope\":\"snsapi_base\"}", openid, &err) == WX_NETWORK,
	    "empty, not a string, missing: refused");
	ok(parse("{\"openid\":\"oA\",\"openid\":\"oB\"}", openid, &err) ==
	    WX_NETWORK, "a key twice: refused");
	ok(parse("<html>502 Bad Gateway</html>", openid, &err) == WX_NETWORK &&
	    parse("[\"oA\"]", openid, &err) == WX_NETWORK &&
	    parse("", openid, &err) == WX_NETWORK &&
	    wx_parse_token(NULL, 0, openid, &err) == WX_NETWORK,
	    "HTML, an array, empty, NULL: WX_NETWORK");
	ok(parse("{\"errcode\":\"40029\"}", openid, &err) == WX_NETWORK,
	    "errcode not a number: refused");

	/* The authorise URL. */
	ok(wx_authorize_url(st, url, sizeof(url)) == 0, "authorise URL built");
	is_str(url, "https://open.weixin.qq.com/connect/oauth2/authorize"
	    "?appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2F"
	    "photo.example.edu.cn%2Fweixin%2Fcallback&response_type=code"
	    "&scope=snsapi_base&state=17672256002b37d5781187ee4a99464dd2e2163593b"
	    "#wechat_redirect", "WeChat's default URL, redirect_uri encoded, "
	    "#wechat_redirect last");
	ok(wx_authorize_url(st, url, 100) == -1, "too small a buffer: -1");

	/* Configuration checks. */
	ok(wx_enabled(), "AppId and Secret: enabled");
	ok(wx_check_config() == 0, "a complete configuration passes");
	hdf_remove_tree(conf_hdf(), "Weixin");
	hdf_set_value(conf_hdf(), "Site.Url", "http://127.0.0.1:8080");
	ok(!wx_enabled() && wx_check_config() == 0,
	    "no Weixin block: off, and the programs start");
	hdf_set_value(conf_hdf(), "Weixin.AppId", "wx1");
	hdf_set_value(conf_hdf(), "Weixin.Secret", "s1");
	ok(wx_check_config() == -1, "AppId without an IdKey: not starting");
	hdf_set_value(conf_hdf(), "Weixin.IdKey",
	    "000102030405060708090a0b0c0d0e0f");
	ok(wx_check_config() == 0, "with an IdKey of 32: starts (http is "
	    "fine off production)");
	hdf_set_value(conf_hdf(), "Site.Url", "https://x.example");
	hdf_set_value(conf_hdf(), "Site.Production", "1");
	ok(wx_check_config() == 0, "production with WeChat's own URLs: starts");
	hdf_set_value(conf_hdf(), "Weixin.TokenUrl",
	    "http://api.example/sns/oauth2/access_token");
	ok(wx_check_config() == -1, "production with an http TokenUrl: not "
	    "starting");
	hdf_remove_tree(conf_hdf(), "Weixin.TokenUrl");
	hdf_set_value(conf_hdf(), "Weixin.AuthorizeUrl",
	    "https://x.example/weixin-sandbox/connect/oauth2/authorize");
	ok(wx_check_config() == -1, "production with the sandbox: not starting");
	hdf_remove_tree(conf_hdf(), "Weixin.AuthorizeUrl");
	hdf_set_value(conf_hdf(), "Site.Url", "http://x.example");
	ok(wx_check_config() == -1, "production with an http Site.Url: not "
	    "starting");
	hdf_set_value(conf_hdf(), "Site.Url", "https://x.example");
	hdf_set_value(conf_hdf(), "Weixin.AppId", "wx1&x=1");
	ok(wx_check_config() == -1, "an AppId with other characters: not "
	    "starting");
	hdf_set_value(conf_hdf(), "Weixin.AppId", "");
	ok(!wx_enabled() && wx_check_config() == 0,
	    "an empty AppId (the Secret left): off, and the programs start");

	/* The log form of a URL keeps no query (the secret is there). */
	httpc_url_for_log("https://api.weixin.qq.com/sns/oauth2/access_token"
	    "?appid=wx1&secret=SECRET&code=C", shown, sizeof(shown));
	is_str(shown, "https://api.weixin.qq.com/sns/oauth2/access_token",
	    "logged URL: no query");
	httpc_url_for_log("http://h/p#frag?x", shown, sizeof(shown));
	is_str(shown, "http://h/p", "logged URL: no fragment");
	httpc_url_for_log("https://example.com/abcdefghij", shown, 12);
	is_str(shown, "https://exa", "logged URL cut to the buffer");

	return tap_done();
}
