/*
 * test_golden.c - every template rendered from fixture HDF files and
 * compared with .gold files (t/golden/NAME.hdf -> NAME.gold), the way the
 * programs render (http/render.c: Config.VarEscapeMode html, the CGI
 * kit's string functions, templates/ as the load path).
 *
 * The fixtures carry hostile strings in every user-controlled value.
 * Besides the byte-for-byte comparison, for each rendering:
 *   - no hostile string may appear unescaped, and no URL attribute may
 *     start with a javascript: URL;
 *   - no GET form may carry the CSRF token (it would land in URLs);
 *   - at least one hostile string must appear escaped (the fixture's
 *     data reaches the page), unless the fixture says Golden.Plain = 1
 *     (a page without user data).
 * Then every template under templates/ must have been loaded by some
 * fixture (rendered itself, or included by one that is).
 *
 * A fixture names its template in Golden.Template; Golden.Include names
 * other HDF files of t/golden read first (shared data, "_*.hdf", which
 * are not fixtures themselves).  TUCAI_GOLDEN_UPDATE=1 rewrites the .gold
 * files (review the diff before committing).
 *
 * The words of lang/zh.hdf are there as Lang.*, as in the programs.  Each
 * fixture renders the same again through tmpl_render(), the programs' way:
 * a tree parsed once (here for data-less HDF first) and walked with the
 * fixture's HDF, twice.
 */
#define _GNU_SOURCE	/* nftw FTW_PHYS */
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ClearSilver.h>

#include "infra/lang.h"
#include "infra/tmpl.h"
#include "tap.h"

/*
 * The hostile strings of the fixtures: the raw form must never be in the
 * output; the escaped form shows that the value reached the page.
 */
static const struct {
	const char	*raw;
	const char	*escaped;
} hostile[] = {
	{ "<script>alert(", "&lt;script&gt;alert(" },
	{ "\"><img src=x onerror", "&quot;&gt;&lt;img src=x onerror" },
	{ "' onmouseover='", "&#39; onmouseover=&#39;" },
	{ "Tom&Jerry", "Tom&amp;Jerry" },
	{ "</textarea><b>", "&lt;/textarea&gt;&lt;b&gt;" },
};

/* URL attributes must never start with a javascript: URL. */
static const char *const urlattr[] = {
	"href=", "src=", "action=", "formaction=", "poster=", "data=",
};

#define MAXTEMPLATES	256

static struct {
	char	 name[256];
	int	 loaded;
} tmpl[MAXTEMPLATES];
static int	 ntmpl;
static char	 tmpldir[PATH_MAX];

static int
by_name(const void *a, const void *b)
{

	return strcmp((const char *)a, (const char *)b);
}

static NEOERR *
cb(void *ctx, char *s)
{

	return string_append((STRING *)ctx, s);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 sz;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0) {
		fclose(fp);
		return NULL;
	}
	rewind(fp);
	if ((buf = malloc((size_t)sz + 1)) == NULL ||
	    fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	buf[sz] = '\0';
	*len = (size_t)sz;
	fclose(fp);
	return buf;
}

/* nftw: every .cs file under templates/, by its name relative to it. */
static int
add_template(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	size_t	 l = strlen(path), d = strlen(tmpldir);

	if (type != FTW_F || l < 4 || strcmp(path + l - 3, ".cs") != 0)
		return 0;
	if (ntmpl == MAXTEMPLATES || l <= d + 1)
		return 1;
	snprintf(tmpl[ntmpl].name, sizeof(tmpl[ntmpl].name), "%s",
	    path + d + 1);
	ntmpl++;
	return 0;
}

/* The fileload of the renderer: as ClearSilver's own (the load path),
 * and every template loaded is counted as covered. */
static NEOERR *
load(void *ctx, HDF *hdf, const char *filename, char **contents)
{
	char	 full[PATH_MAX];
	NEOERR	*err;
	int	 i;

	for (i = 0; i < ntmpl; i++)
		if (strcmp(tmpl[i].name, filename) == 0)
			tmpl[i].loaded = 1;
	if ((err = hdf_search_path(hdf, filename, full)) != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(ne_load_file(full, contents));
}

/* Render the fixture; returns 0 and the output, or -1.  *plain is set
 * from Golden.Plain. */
/* The fixture through a kept tree (infra/tmpl.c): parsed while walking a
 * data-less HDF, then walked with the fixture's twice.  0 when both walks
 * give out. */
static int
render_kept(HDF *hdf, const char *t, const STRING *out)
{
	HDF	*blank = NULL;
	STRING	 s;
	NEOERR	*err;
	int	 i, rc = -1;

	tmpl_forget();
	if ((err = hdf_init(&blank)) != STATUS_OK ||
	    (err = hdf_copy(blank, "hdf", hdf_get_obj(hdf, "hdf"))) !=
	    STATUS_OK ||
	    (err = hdf_set_value(blank, "Config.VarEscapeMode", "html")) !=
	    STATUS_OK)
		goto done;
	string_init(&s);
	err = tmpl_render(blank, lang_hdf(), t, &s);
	string_clear(&s);
	if (err != STATUS_OK)
		goto done;
	for (i = 0; i < 2; i++) {
		string_init(&s);
		if ((err = tmpl_render(hdf, lang_hdf(), t, &s)) != STATUS_OK)
			goto done;
		if (s.len != out->len || (s.len > 0 &&
		    memcmp(s.buf, out->buf, (size_t)s.len) != 0)) {
			string_clear(&s);
			goto done;
		}
		string_clear(&s);
	}
	rc = 0;
done:
	if (err != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
	}
	tmpl_forget();
	hdf_destroy(&blank);
	return rc;
}

static int
render(const char *srcdir, const char *dir, const char *fixture, STRING *out,
    int *plain, int *kept)
{
	HDF	*hdf = NULL, *inc;
	CSPARSE	*cs = NULL;
	NEOERR	*err;
	char	 path[PATH_MAX];
	const char *t;

	string_init(out);
	if ((err = hdf_init(&hdf)) != STATUS_OK)
		goto fail;
	/* As the programs set it up (http/fcgi.c, handle()). */
	snprintf(path, sizeof(path), "%s/templates", srcdir);
	if ((err = hdf_set_value(hdf, "hdf.loadpaths.0", path)) != STATUS_OK ||
	    (err = hdf_set_value(hdf, "hdf.loadpaths.1", dir)) != STATUS_OK ||
	    (err = hdf_set_value(hdf, "Config.VarEscapeMode", "html")) !=
	    STATUS_OK ||
	    (err = hdf_set_value(hdf, "Config.TimeFooter", "0")) != STATUS_OK)
		goto fail;
	/* Shared data first, so that the fixture's own values win. */
	if ((err = hdf_read_file(hdf, fixture)) != STATUS_OK)
		goto fail;
	if ((inc = hdf_get_child(hdf, "Golden.Include")) != NULL) {
		for (; inc != NULL; inc = hdf_obj_next(inc)) {
				if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			    hdf_obj_value(inc)) >= sizeof(path)) {
				err = nerr_raise(NERR_ASSERT, "path too long");
				goto fail;
			}
			if ((err = hdf_read_file(hdf, path)) != STATUS_OK)
				goto fail;
		}
		if ((err = hdf_read_file(hdf, fixture)) != STATUS_OK)
			goto fail;
	}
	*plain = hdf_get_int_value(hdf, "Golden.Plain", 0);
	t = hdf_get_value(hdf, "Golden.Template", "");
	if ((err = cs_init(&cs, hdf)) != STATUS_OK)
		goto fail;
	cs->global_hdf = lang_hdf();	/* Lang.*, as render.c does */
	cs_register_fileload(cs, NULL, load);
	if ((err = cgi_register_strfuncs(cs)) != STATUS_OK ||
	    (err = cs_parse_file(cs, t)) != STATUS_OK ||
	    (err = cs_render(cs, out, cb)) != STATUS_OK)
		goto fail;
	cs_destroy(&cs);
	*kept = render_kept(hdf, t, out) == 0;
	hdf_destroy(&hdf);
	return 0;
fail:
	nerr_log_error(err);
	nerr_ignore(&err);
	cs_destroy(&cs);
	hdf_destroy(&hdf);
	string_clear(out);
	return -1;
}

/* The hostile checks of one rendering. */
static void
check_escaped(const char *name, const char *s, int plain)
{
	const char	*p;
	size_t		 k, l;
	int		 raw = 0, seen = 0;

	for (k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++) {
		if (strstr(s, hostile[k].raw) != NULL) {
			printf("# %s: unescaped %s\n", name, hostile[k].raw);
			raw = 1;
		}
		if (strstr(s, hostile[k].escaped) != NULL)
			seen = 1;
	}
	for (p = s; (p = strcasestr(p, "javascript:")) != NULL; p++) {
		const char *q = p;

		if (q > s && (q[-1] == '"' || q[-1] == '\''))
			q--;
		for (k = 0; k < sizeof(urlattr) / sizeof(urlattr[0]); k++) {
			l = strlen(urlattr[k]);
			if ((size_t)(q - s) >= l &&
			    strncasecmp(q - l, urlattr[k], l) == 0) {
				printf("# %s: %.*s with a javascript: URL\n",
				    name, (int)l - 1, urlattr[k]);
				raw = 1;
			}
		}
	}
	ok(!raw, "%s: hostile strings escaped", name);
	if (plain)
		ok(!seen, "%s: a page without user data (Golden.Plain)", name);
	else
		ok(seen, "%s: the fixture's hostile data reaches the page", name);
}

/* A GET form would put the session's CSRF token into the URL (logs,
 * Referer): no GET form carries one. */
static void
check_forms(const char *name, const char *s)
{
	const char	*p, *end;
	int		 bad = 0;

	for (p = s; (p = strcasestr(p, "<form")) != NULL; p = end) {
		const char *tag = strchr(p, '>');

		if ((end = strcasestr(p + 5, "</form>")) == NULL)
			end = p + strlen(p);
		if (tag == NULL || tag > end)
			continue;
		if (memmem(p, (size_t)(tag - p), "method=\"get\"", 12) == NULL)
			continue;
		if (memmem(p, (size_t)(end - p), "name=\"csrf\"", 11) != NULL) {
			printf("# %s: a GET form with the CSRF token\n", name);
			bad = 1;
		}
	}
	ok(!bad, "%s: no CSRF token in a GET form", name);
}

int
main(void)
{
	const char	*srcdir = getenv("srcdir");
	struct dirent	**list;
	char		 dir[PATH_MAX], fix[PATH_MAX], gold[PATH_MAX], *want;
	size_t		 wlen, l;
	int		 n, i, update, plain, kept;
	STRING		 out;
	FILE		*fp;

	if (srcdir == NULL)
		srcdir = ".";
	update = getenv("TUCAI_GOLDEN_UPDATE") != NULL;
	snprintf(dir, sizeof(dir), "%s/lang", srcdir);
	ok(lang_load(dir) == 0, "the words (lang/zh.hdf) load");
	snprintf(tmpldir, sizeof(tmpldir), "%s/templates", srcdir);
	if (nftw(tmpldir, add_template, 16, FTW_PHYS) != 0 || ntmpl == 0) {
		ok(0, "list the templates in %s", tmpldir);
		return tap_done();
	}
	qsort(tmpl, (size_t)ntmpl, sizeof(tmpl[0]), by_name);
	snprintf(dir, sizeof(dir), "%s/t/golden", srcdir);
	if ((n = scandir(dir, &list, NULL, alphasort)) < 0) {
		ok(0, "read %s", dir);
		return tap_done();
	}
	for (i = 0; i < n; i++) {
		const char *d = list[i]->d_name;

		l = strlen(d);
		if (l < 5 || d[0] == '_' || strcmp(d + l - 4, ".hdf") != 0) {
			free(list[i]);
			continue;
		}
		plain = 0;
		if ((size_t)snprintf(fix, sizeof(fix), "%s/%s", dir, d) >=
		    sizeof(fix) || (size_t)snprintf(gold, sizeof(gold),
		    "%s/%.*s.gold", dir, (int)(l - 4), d) >= sizeof(gold) ||
		    render(srcdir, dir, fix, &out, &plain, &kept) != 0) {
			ok(0, "%s renders", d);
			free(list[i]);
			continue;
		}
		check_escaped(d, out.buf != NULL ? out.buf : "", plain);
		check_forms(d, out.buf != NULL ? out.buf : "");
		ok(kept, "%s: the same from a kept tree, walked twice", d);
		if (update && (fp = fopen(gold, "wb")) != NULL) {
			if (out.len > 0)
				fwrite(out.buf, 1, (size_t)out.len, fp);
			fclose(fp);
		}
		want = slurp(gold, &wlen);
		ok(want != NULL && wlen == (size_t)out.len &&
		    (wlen == 0 || memcmp(want, out.buf, wlen) == 0),
		    "%s matches %s", d, strrchr(gold, '/') + 1);
		free(want);
		string_clear(&out);
		free(list[i]);
	}
	free(list);
	for (i = 0; i < ntmpl; i++)
		ok(tmpl[i].loaded, "templates/%s has a golden test", tmpl[i].name);
	return tap_done();
}
