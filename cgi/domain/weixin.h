/*
 * weixin.h - WeChat sign-in (网页授权, scope snsapi_base), optional.
 *
 * With Weixin.AppId and Weixin.Secret configured, a student inside
 * WeChat's browser (MicroMessenger in the User-Agent) is sent to
 * Weixin.AuthorizeUrl with a state bound to the session; WeChat sends the
 * browser back to Site.Url + "/weixin/callback" with code and state; the
 * code is exchanged server to server (Weixin.TokenUrl, HTTPS in
 * production) for the openid.  The openid is never stored: only its hash,
 * HMAC-SHA256 under Weixin.IdKey.  README "WeChat sign-in".
 *
 * The secret and the code never reach a log line; the token URL is logged
 * without its query.
 */
#ifndef TUCAI_WEIXIN_H
#define TUCAI_WEIXIN_H

#include <stddef.h>
#include <time.h>

/* The hash of an openid as the session and the booking keep it, hex. */
#define WX_HASH_HEX	64
/* A state: 10 digits of time, 1 digit of the page to go on to, 32 hex of
 * the HMAC: 43 characters of [0-9a-f], within WeChat's a-zA-Z0-9, 128 B. */
#define WX_STATE_LEN	43
/* State lifetime: the code itself lives 5 minutes at WeChat. */
#define WX_STATE_TTL	600
/* An openid as WeChat writes one (28 characters today). */
#define WX_OPENID_MAX	64

/* Sign-in configured: AppId and Secret set.  Nothing of this module acts
 * otherwise. */
int	 wx_enabled(void);
/* At start: with AppId set, the Secret and an IdKey of at least 32
 * characters; in production (Site.Production = 1) HTTPS URLs and not the
 * sandbox.  0, or -1 (logged): the program must not start. */
int	 wx_check_config(void);
/* Is this User-Agent WeChat's browser?  MicroMessenger, and not WeChat
 * Work (wxwork), whose sign-in is another API. */
int	 wx_in_wechat(const char *ua);

/* The openid's hash (hex, NUL-terminated) under key (klen bytes) and
 * appid.  The caller's key: wx_openid_hash() reads Weixin.IdKey. */
void	 wx_hash_with(const unsigned char *key, size_t klen, const char *appid,
	    const char *openid, char out[WX_HASH_HEX + 1]);
void	 wx_openid_hash(const char *openid, char out[WX_HASH_HEX + 1]);

/*
 * The state of a sign-in: bound to the session key skey (32 bytes, the
 * sha256 of the cookie) under key, at time now, for the page next (0..9).
 * wx_state_check() returns 0 with *next when state was made for skey
 * within WX_STATE_TTL seconds before now, -1 when it is malformed or not
 * this session's, -2 when it is too old.  Constant-time comparison.
 * wx_state_make()/_check() read Site.FormKey for the key.
 */
void	 wx_state_with(const unsigned char *key, size_t klen,
	    const unsigned char skey[32], time_t now, int next,
	    char out[WX_STATE_LEN + 1]);
int	 wx_state_check_with(const unsigned char *key, size_t klen,
	    const unsigned char skey[32], const char *state, time_t now,
	    int *next);
void	 wx_state_make(const unsigned char skey[32], time_t now, int next,
	    char out[WX_STATE_LEN + 1]);
int	 wx_state_check(const unsigned char skey[32], const char *state,
	    time_t now, int *next);

/* The browser's URL at the authorisation server for state.  0, or -1
 * when it does not fit outsz. */
int	 wx_authorize_url(const char *state, char *out, size_t outsz);

/* Outcomes of the exchange (never negative). */
enum wx_outcome {
	WX_OK = 0,
	WX_CODE,	/* code invalid, used or expired (40029, 40163, 42003) */
	WX_SNAPSHOT,	/* 快照页模式: a virtual openid, not the user's */
	WX_CONFIG,	/* AppId or Secret refused (40013, 40125): logged */
	WX_NETWORK	/* no answer, not JSON, busy (-1), anything else */
};

/*
 * Read the access_token endpoint's JSON answer: 
 *   {"access_token":..., "openid":"...", "scope":..., [is_snapshotuser:1]}
 *   {"errcode":40029, "errmsg":"invalid code"}
 * Fills openid (at most WX_OPENID_MAX characters of [A-Za-z0-9_-]) on
 * WX_OK, *errcode with WeChat's code (0 when none).
 */
enum wx_outcome wx_parse_token(const char *json, size_t len,
	    char openid[WX_OPENID_MAX + 1], long long *errcode);
/* Exchange code for the openid at Weixin.TokenUrl (HTTPS, short
 * timeouts, outside any transaction). */
enum wx_outcome wx_exchange(const char *code, char openid[WX_OPENID_MAX + 1]);

/*
 * The openid's bookings (booking.wx_openid).  wx_booking_of(): the
 * latest booking of hash, with its task, student and whether it is active
 * (held, booked, checked in, collected): 1 found, 0 none, or a db.h code.
 * wx_bind(): give booking_id this hash unless it has one: rows changed
 * (0 or 1) or a db.h code.  wx_bound(): 1 when booking_id has this hash,
 * 0 when not, or a db.h code.
 */
int	 wx_booking_of(const char *hash, long long *task_id,
	    long long *student_id, int *active);
int	 wx_bind(long long booking_id, const char *hash);
int	 wx_bound(long long booking_id, const char *hash);

#endif
