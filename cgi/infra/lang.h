/*
 * lang.h - the words: every sentence that a page, a message, an export,
 * an audit entry or the command line shows, kept in one HDF file,
 * lang/zh.hdf, and referenced by key.  The C code carries keys, never
 * the sentences.
 *
 * The file is read once per process, at start (web_main, the CLI), from
 * Paths.Lang (default PKGDATADIR/lang).  Templates see the same words as
 * Lang.* (<?cs var:Lang.Site.Title ?>): render.c hands the loaded tree
 * to ClearSilver as the global HDF under every request's own.
 *
 * Keys are written whole, as string literals, in the C code:
 * L("Lang.Student.TaskWrong").  t/unit/test_lang checks that every key the
 * C code and the templates name is in lang/zh.hdf, that every word there
 * is used, that a word's {placeholders} are exactly the values its
 * callers give, and that no Chinese string literal is left in cgi/.
 */
#ifndef TUCAI_LANG_H
#define TUCAI_LANG_H

#include <stddef.h>

#include <ClearSilver.h>

/* Reads zh.hdf from Paths.Lang (default PKGDATADIR/lang).  Returns 0, or
 * -1 (logged) when the file cannot be read. */
int		 lang_init(void);
/* Reads dir/zh.hdf (the tests: $srcdir/lang).  0, or -1 (logged). */
int		 lang_load(const char *dir);
/* The loaded tree (its child Lang holds the words), or NULL. */
HDF		*lang_hdf(void);

/*
 * The word of key ("Lang.Area.Name").  A key that is not there (a bug
 * the tests should have caught) is logged, and the key itself is
 * returned, so that the page shows which word is missing.  The text
 * lives as long as the process.
 */
const char	*L(const char *key);

/*
 * Words with values.  A word names its values in braces, "请填写{label}";
 * the caller gives each by name and type:
 *
 *	LF(buf, sizeof(buf), "Lang.Field.Required", LS("label", label));
 *	LF(buf, sizeof(buf), "Lang.Admin.SlotsAdded", LI("n", added), ...);
 *
 * The word must use exactly the names given (each at least once) and
 * nothing else; '{' always starts a name.  Returns 0, or -1 when the
 * word is missing, names a value that was not given, leaves one unused,
 * or does not fit in sz bytes: then buf holds the key (as much as fits)
 * and the refusal is logged.  A word never reaches printf.
 */
enum larg_type { LARG_STR, LARG_INT };

struct larg {
	const char	*name;
	enum larg_type	 type;
	const char	*s;	/* LARG_STR (NULL prints as "") */
	long long	 i;	/* LARG_INT, in decimal */
};

static inline struct larg
larg_str(const char *name, const char *s)
{
	struct larg a = { name, LARG_STR, s, 0 };

	return a;
}

static inline struct larg
larg_int(const char *name, long long i)
{
	struct larg a = { name, LARG_INT, NULL, i };

	return a;
}

#define LS(name, s)	larg_str((name), (s))
#define LI(name, i)	larg_int((name), (i))
/* The values of a word as (array, count) for the *v functions. */
#define LARGS(...)	(const struct larg[]){ __VA_ARGS__ },		\
	sizeof((const struct larg[]){ __VA_ARGS__ }) / sizeof(struct larg)
#define LF(buf, sz, key, ...)						\
	lang_fmtv((buf), (sz), (key), LARGS(__VA_ARGS__))

#define LARG_MAX	16	/* values of one word */

int		 lang_fmtv(char *buf, size_t sz, const char *key,
		    const struct larg *, size_t);

#endif
