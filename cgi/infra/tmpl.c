/*
 * tmpl.c - parsed templates kept per process (issue 14: templates are
 * loaded once per worker, not per request).  See tmpl.h.
 */
#include <stdlib.h>
#include <string.h>

#include <ClearSilver.h>

#include "infra/tmpl.h"

#define KEPT	64	/* templates a process keeps; past that, parse each time */

struct kept {
	char	*name;
	CSPARSE	*cs;
};

static struct kept	 kept[KEPT];
static int		 nkept;

static NEOERR *
out_cb(void *ctx, char *s)
{

	return string_append((STRING *)ctx, s);
}

static NEOERR *
parse(HDF *hdf, const char *name, CSPARSE **csp)
{
	NEOERR	*err;

	*csp = NULL;
	if ((err = cs_init(csp, hdf)) == STATUS_OK &&
	    (err = cgi_register_strfuncs(*csp)) == STATUS_OK &&
	    (err = cs_parse_file(*csp, name)) == STATUS_OK)
		return STATUS_OK;
	cs_destroy(csp);
	return err;
}

NEOERR *
tmpl_render(HDF *hdf, HDF *global, const char *name, STRING *out)
{
	struct kept	*k = NULL;
	CSPARSE		*cs;
	NEOERR		*err;
	int		 i;

	for (i = 0; i < nkept; i++)
		if (strcmp(kept[i].name, name) == 0) {
			k = &kept[i];
			break;
		}
	if (k == NULL) {
		if ((err = parse(hdf, name, &cs)) != STATUS_OK)
			return err;
		if (nkept < KEPT && (kept[nkept].name = strdup(name)) != NULL) {
			k = &kept[nkept++];
			k->cs = cs;
		}
	} else
		cs = k->cs;
	/* The tree is walked with this request's data: variables, each,
	 * set and call all go through parse->hdf; a name it lacks is
	 * looked up in global (read-only). */
	cs->hdf = hdf;
	cs->global_hdf = global;
	err = cs_render(cs, out, out_cb);
	cs->hdf = NULL;
	cs->global_hdf = NULL;
	if (err != STATUS_OK || k == NULL) {
		/* A failed walk may leave locals behind: parse afresh. */
		cs_destroy(&cs);
		if (k != NULL) {
			free(k->name);
			*k = kept[--nkept];
		}
	}
	return err;
}

void
tmpl_forget(void)
{
	int	 i;

	for (i = 0; i < nkept; i++) {
		cs_destroy(&kept[i].cs);
		free(kept[i].name);
	}
	nkept = 0;
}
