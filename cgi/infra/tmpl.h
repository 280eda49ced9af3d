/*
 * tmpl.h - ClearSilver templates, parsed once per process and rendered
 * against each request's HDF.
 */
#ifndef TUCAI_TMPL_H
#define TUCAI_TMPL_H

#include <ClearSilver.h>

/*
 * Render template name (found through the HDF's hdf.loadpaths) against
 * hdf, with global (may be NULL) where hdf lacks a name (the words,
 * Lang.*), appending to out.  The first render of a name parses it (with
 * ClearSilver's string functions, the escaping of Config.VarEscapeMode)
 * and keeps the tree for the life of the process; later renders only
 * walk it, with their own HDF.  Our templates evaluate nothing at parse
 * time (no evar, includes by literal name), so the tree does not depend
 * on the HDF it was parsed with.  A tree whose render failed is dropped
 * and parsed again next time.  Returns STATUS_OK or the error (the
 * caller owns it).
 */
NEOERR	*tmpl_render(HDF *hdf, HDF *global, const char *name, STRING *out);

/* Drop every kept tree (the next render parses again). */
void	 tmpl_forget(void);

#endif
