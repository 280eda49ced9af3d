/*
 * test_golden.c - templates rendered from fixture HDF files and compared
 * with .gold files (t/golden/NAME.hdf -> NAME.gold).  The fixtures carry
 * hostile strings; besides the byte-for-byte comparison, no rendering may
 * contain them unescaped.  TUCAI_GOLDEN_UPDATE=1 rewrites the .gold files
 * (review the diff before committing).  The words of lang/zh.hdf are there
 * as Lang.*, as in the programs.  Each fixture renders the same again
 * through tmpl_render(), the programs' way: a tree parsed once (here for
 * other data first) and walked with the fixture's HDF, twice.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ClearSilver.h>

#include "infra/lang.h"
#include "infra/tmpl.h"
#include "tap.h"

static const char *const hostile[] = {
	"<script>alert(",
	"<img src=x onerror",
	"\"><svg",
	"' onmouseover='",
};

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
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	rewind(fp);
	if ((buf = malloc(sz + 1)) == NULL || fread(buf, 1, sz, fp) != (size_t)sz) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	buf[sz] = '\0';
	*len = (size_t)sz;
	fclose(fp);
	return buf;
}

/* Render the fixture; returns 0 and the output, or -1. */
static int
render(const char *srcdir, const char *fixture, STRING *out)
{
	HDF	*hdf = NULL;
	CSPARSE	*cs = NULL;
	NEOERR	*err;
	char	 path[1024];
	const char *tmpl;

	string_init(out);
	snprintf(path, sizeof(path), "%s/templates", srcdir);
	if ((err = hdf_init(&hdf)) != STATUS_OK ||
	    (err = hdf_read_file(hdf, fixture)) != STATUS_OK)
		goto fail;
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	hdf_set_value(hdf, "hdf.loadpaths.0", path);
	tmpl = hdf_get_value(hdf, "Golden.Template", "");
	if ((err = cs_init(&cs, hdf)) != STATUS_OK)
		goto fail;
	cs->global_hdf = lang_hdf();	/* Lang.*, as render.c does */
	if ((err = cs_parse_file(cs, tmpl)) != STATUS_OK ||
	    (err = cs_render(cs, out, cb)) != STATUS_OK)
		goto fail;
	cs_destroy(&cs);
	hdf_destroy(&hdf);
	return 0;
fail:
	nerr_log_error(err);
	nerr_ignore(&err);
	cs_destroy(&cs);
	hdf_destroy(&hdf);
	return -1;
}

/* An HDF with the programs' settings and the fixture's data, or none. */
static HDF *
fixture_hdf(const char *srcdir, const char *fixture)
{
	HDF	*hdf = NULL;
	NEOERR	*err;
	char	 path[1024];

	snprintf(path, sizeof(path), "%s/templates", srcdir);
	if ((err = hdf_init(&hdf)) != STATUS_OK ||
	    (fixture != NULL && (err = hdf_read_file(hdf, fixture)) != STATUS_OK)) {
		nerr_log_error(err);
		nerr_ignore(&err);
		hdf_destroy(&hdf);
		return NULL;
	}
	if ((err = hdf_set_value(hdf, "Config.VarEscapeMode", "html")) != STATUS_OK ||
	    (err = hdf_set_value(hdf, "hdf.loadpaths.0", path)) != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		hdf_destroy(&hdf);
		return NULL;
	}
	return hdf;
}

/* The fixture through a kept tree: parsed while rendering a data-less
 * HDF, then walked with the fixture's twice; 0 when both walks give
 * the same as out. */
static int
render_kept(const char *srcdir, const char *fixture, const STRING *out)
{
	HDF	*blank, *hdf;
	STRING	 s;
	NEOERR	*err;
	int	 i, rc = -1;
	const char *tmpl;

	blank = fixture_hdf(srcdir, NULL);
	hdf = fixture_hdf(srcdir, fixture);
	if (blank == NULL || hdf == NULL)
		goto done;
	tmpl = hdf_get_value(hdf, "Golden.Template", "");
	tmpl_forget();
	string_init(&s);
	err = tmpl_render(blank, lang_hdf(), tmpl, &s);
	string_clear(&s);
	if (err != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		goto done;
	}
	for (i = 0; i < 2; i++) {
		string_init(&s);
		if ((err = tmpl_render(hdf, lang_hdf(), tmpl, &s)) != STATUS_OK) {
			nerr_log_error(err);
			nerr_ignore(&err);
			goto done;
		}
		if (s.len != out->len || memcmp(s.buf, out->buf, s.len) != 0) {
			string_clear(&s);
			goto done;
		}
		string_clear(&s);
	}
	rc = 0;
done:
	tmpl_forget();
	hdf_destroy(&blank);
	hdf_destroy(&hdf);
	return rc;
}

int
main(void)
{
	const char	*srcdir = getenv("srcdir");
	struct dirent	**list;
	char		 dir[1024], fix[1400], gold[1400], *want;
	size_t		 wlen, k;
	int		 n, i, update, bad;
	STRING		 out;
	FILE		*fp;

	if (srcdir == NULL)
		srcdir = ".";
	update = getenv("TUCAI_GOLDEN_UPDATE") != NULL;
	snprintf(dir, sizeof(dir), "%s/lang", srcdir);
	ok(lang_load(dir) == 0, "the words (lang/zh.hdf) load");
	snprintf(dir, sizeof(dir), "%s/t/golden", srcdir);
	if ((n = scandir(dir, &list, NULL, alphasort)) < 0) {
		ok(0, "read %s", dir);
		return tap_done();
	}
	for (i = 0; i < n; i++) {
		size_t l = strlen(list[i]->d_name);
		if (l < 5 || strcmp(list[i]->d_name + l - 4, ".hdf") != 0) {
			free(list[i]);
			continue;
		}
		snprintf(fix, sizeof(fix), "%s/%s", dir, list[i]->d_name);
		snprintf(gold, sizeof(gold), "%s/%.*s.gold", dir, (int)(l - 4),
		    list[i]->d_name);
		if (render(srcdir, fix, &out) != 0) {
			ok(0, "%s renders", list[i]->d_name);
			free(list[i]);
			continue;
		}
		for (bad = 0, k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++)
			if (out.buf != NULL && strstr(out.buf, hostile[k]) != NULL)
				bad = 1;
		ok(!bad, "%s: hostile strings escaped", list[i]->d_name);
		if (update && (fp = fopen(gold, "wb")) != NULL) {
			fwrite(out.buf, 1, out.len, fp);
			fclose(fp);
		}
		want = slurp(gold, &wlen);
		ok(want != NULL && wlen == (size_t)out.len &&
		    memcmp(want, out.buf, wlen) == 0, "%s matches %s",
		    list[i]->d_name, strrchr(gold, '/') + 1);
		free(want);
		ok(render_kept(srcdir, fix, &out) == 0, "%s: the same from a kept "
		    "tree, walked twice", list[i]->d_name);
		string_clear(&out);
		free(list[i]);
	}
	free(list);
	return tap_done();
}
