/*
 * chart.c - geometry of the SVG bar charts (see chart.h).
 */
#include <stdio.h>

#include "infra/chart.h"

/* Set a value; one that cannot be set (memory) is logged: the chart is
 * drawn without it. */
static void
set(HDF *hdf, const char *k, const char *v)
{
	NEOERR	*err;

	if ((err = hdf_set_value(hdf, k, v)) != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
	}
}

/* Set OUT.bars.N.key = v. */
static void
seti(HDF *hdf, const char *out, int n, const char *key, long long v)
{
	char	 k[256], val[32];

	snprintf(k, sizeof(k), "%s.bars.%d.%s", out, n, key);
	snprintf(val, sizeof(val), "%lld", v);
	set(hdf, k, val);
}

static int
count(HDF *hdf, const char *out)
{
	char	 k[256];
	HDF	*c;
	int	 n = 0;

	snprintf(k, sizeof(k), "%s.bars", out);
	for (c = hdf_get_child(hdf, k); c != NULL; c = hdf_obj_next(c))
		n++;
	return n;
}

/* One bar: value (and total behind it) against scale max. */
static void
bar(HDF *hdf, const char *out, int n, const char *label, long long value,
    long long total, long long max)
{
	char	 k[256];

	snprintf(k, sizeof(k), "%s.bars.%d.label", out, n);
	set(hdf, k, label ? label : "");
	if (max < 1)
		max = 1;
	seti(hdf, out, n, "value", value);
	seti(hdf, out, n, "y", (long long)n * CHART_ROW);
	seti(hdf, out, n, "ty", (long long)n * CHART_ROW + 17);
	seti(hdf, out, n, "w", value * CHART_WIDTH / max);
	if (total >= 0) {
		seti(hdf, out, n, "total", total);
		seti(hdf, out, n, "tw", total * CHART_WIDTH / max);
		seti(hdf, out, n, "pct", total > 0 ? value * 100 / total : 0);
	}
}

void
chart_done(HDF *hdf, const char *out)
{
	char	 k[256], v[32];

	snprintf(k, sizeof(k), "%s.height", out);
	snprintf(v, sizeof(v), "%d", count(hdf, out) * CHART_ROW + 4);
	set(hdf, k, v);
	snprintf(k, sizeof(k), "%s.width", out);
	snprintf(v, sizeof(v), "%d", CHART_WIDTH);
	set(hdf, k, v);
}

void
chart_add(HDF *hdf, const char *out, const char *label, long long value,
    long long max)
{

	bar(hdf, out, count(hdf, out), label, value, -1, max);
}

int
chart_bars(HDF *hdf, const char *out, const char *list, const char *label,
    const char *value, const char *total)
{
	HDF		*c, *first = hdf_get_child(hdf, list);
	long long	 max = 1, v;
	int		 n = 0;

	for (c = first; c != NULL; c = hdf_obj_next(c)) {
		v = hdf_get_int_value(c, total ? total : value, 0);
		if (v > max)
			max = v;
	}
	for (c = first; c != NULL; c = hdf_obj_next(c), n++)
		bar(hdf, out, n, hdf_get_value(c, label, ""),
		    hdf_get_int_value(c, value, 0),
		    total ? hdf_get_int_value(c, total, 0) : -1, max);
	chart_done(hdf, out);
	return n;
}
