/*
 * chart.h - data for the server-side SVG bar charts.  The geometry is
 * computed here; templates/admin/chart_bar.cs draws it (every text goes
 * through var:, so escaping stays on).
 */
#ifndef TUCAI_CHART_H
#define TUCAI_CHART_H

#include <ClearSilver.h>

#define CHART_WIDTH	300	/* pixels of the longest bar */
#define CHART_ROW	26	/* pixels per bar row */

/*
 * Build a chart under OUT from the rows under LIST (as db_hdf left them):
 * for each child, the text child LABEL, the integer VALUE and, when TOTAL
 * is not NULL, the integer TOTAL drawn as a light bar behind the value
 * (else every bar is scaled to the largest value).  Writes
 * OUT.bars.N.{label,value,total,pct,y,ty,w,tw} and OUT.height/OUT.width.
 * Returns the number of bars.
 */
int	 chart_bars(HDF *hdf, const char *out, const char *list,
	    const char *label, const char *value, const char *total);

/* One bar by hand (dashboard counts): appended to OUT.bars, scaled to max.
 * Call chart_done() after the last one. */
void	 chart_add(HDF *hdf, const char *out, const char *label,
	    long long value, long long max);
void	 chart_done(HDF *hdf, const char *out);

#endif
