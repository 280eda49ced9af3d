/*
 * lang.c - the words of lang/zh.hdf, by key (see lang.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <ClearSilver.h>

#include "infra/config.h"
#include "infra/lang.h"
#include "infra/log.h"

#define LANG_FILE	"zh.hdf"
/* Missing words logged per process: a bug floods no log. */
#define MISS_LOGGED	100

static HDF	*words;
static int	 misses;

int
lang_load(const char *dir)
{
	HDF		*h = NULL;
	NEOERR		*err;
	STRING		 s;
	char		 path[PATH_MAX];
	int		 n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, LANG_FILE);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_warn("lang: Paths.Lang too long");
		return -1;
	}
	if ((err = hdf_init(&h)) == STATUS_OK)
		err = hdf_read_file(h, path);
	if (err != STATUS_OK) {
		string_init(&s);
		nerr_error_string(err, &s);
		log_warn("lang: cannot read %s: %s", path, s.buf ? s.buf : "?");
		string_clear(&s);
		nerr_ignore(&err);
		hdf_destroy(&h);
		return -1;
	}
	if (hdf_get_obj(h, "Lang") == NULL) {
		log_warn("lang: %s has no Lang block", path);
		hdf_destroy(&h);
		return -1;
	}
	if (words != NULL)
		hdf_destroy(&words);
	words = h;
	return 0;
}

int
lang_init(void)
{

	return lang_load(conf_str("Paths.Lang", PKGDATADIR "/lang"));
}

HDF *
lang_hdf(void)
{

	return words;
}

static void
miss(const char *key, const char *why)
{

	if (misses++ < MISS_LOGGED)
		log_warn("lang: %s: %s", key, why);
}

const char *
L(const char *key)
{
	const char	*v;

	if (words != NULL && (v = hdf_get_value(words, key, NULL)) != NULL)
		return v;
	miss(key, words != NULL ? "no such word in " LANG_FILE :
	    "no words loaded");
	return key;
}

/* Append len bytes of s at *at; 0, or -1 when buf is full. */
static int
put(char *buf, size_t sz, size_t *at, const char *s, size_t len)
{

	if (len >= sz - *at)
		return -1;
	memcpy(buf + *at, s, len);
	*at += len;
	buf[*at] = '\0';
	return 0;
}

int
lang_fmtv(char *buf, size_t sz, const char *key, const struct larg *a,
    size_t n)
{
	const char	*t, *p, *e, *why;
	char		 num[24];
	unsigned char	 used[LARG_MAX];
	size_t		 at = 0, i, len;

	if (sz == 0)
		return -1;
	buf[0] = '\0';
	memset(used, 0, sizeof(used));
	why = "too many values";
	if (n > LARG_MAX)
		goto refuse;
	why = words != NULL ? "no such word in " LANG_FILE : "no words loaded";
	if (words == NULL || (t = hdf_get_value(words, key, NULL)) == NULL)
		goto refuse;
	for (p = t; *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '{')) == NULL) {
			why = "too long for its buffer";
			if (put(buf, sz, &at, p, strlen(p)) != 0)
				goto refuse;
			break;
		}
		why = "too long for its buffer";
		if (put(buf, sz, &at, p, (size_t)(e - p)) != 0)
			goto refuse;
		p = e + 1;
		why = "'{' without a name and '}'";
		if ((e = strchr(p, '}')) == NULL || e == p)
			goto refuse;
		len = (size_t)(e - p);
		for (i = 0; i < n; i++)
			if (strlen(a[i].name) == len &&
			    memcmp(a[i].name, p, len) == 0)
				break;
		why = "names a value the caller does not give";
		if (i == n)
			goto refuse;
		used[i] = 1;
		if (a[i].type == LARG_INT) {
			snprintf(num, sizeof(num), "%lld", a[i].i);
			p = num;
		} else
			p = a[i].s != NULL ? a[i].s : "";
		why = "too long for its buffer";
		if (put(buf, sz, &at, p, strlen(p)) != 0)
			goto refuse;
	}
	why = "leaves a value unused";
	for (i = 0; i < n; i++)
		if (!used[i])
			goto refuse;
	return 0;
refuse:
	miss(key, why);
	snprintf(buf, sz, "%s", key);
	return -1;
}
