/*
 * config.c - the instance configuration (an HDF file).
 */
#include <stdio.h>
#include <stdlib.h>

#include <ClearSilver.h>

#include "infra/config.h"

static HDF *conf;

int
conf_load(void)
{
	const char	*path;
	NEOERR		*err;
	STRING		 s;

	if (conf != NULL)
		return 0;
	if ((path = getenv("TUCAI_CONF")) == NULL || *path == '\0')
		path = SYSCONFDIR "/tucai.hdf";
	if ((err = hdf_init(&conf)) != STATUS_OK)
		goto fail;
	if ((err = hdf_read_file(conf, path)) != STATUS_OK)
		goto fail;
	return 0;
fail:
	string_init(&s);
	nerr_error_string(err, &s);
	fprintf(stderr, "tucai: cannot read configuration %s: %s\n",
	    path, s.buf ? s.buf : "?");
	string_clear(&s);
	nerr_ignore(&err);
	if (conf != NULL)
		hdf_destroy(&conf);
	return -1;
}

const char *
conf_str(const char *key, const char *def)
{

	return conf == NULL ? def : hdf_get_value(conf, key, def);
}

long long
conf_int(const char *key, long long def)
{
	const char	*v;
	char		*end;
	long long	 n;

	if ((v = conf_str(key, NULL)) == NULL || *v == '\0')
		return def;
	n = strtoll(v, &end, 10);
	return *end == '\0' ? n : def;
}

HDF *
conf_hdf(void)
{

	return conf;
}
