/*
 * config.h - the instance configuration, an HDF file (see tucai.hdf(5)).
 * The path comes from $TUCAI_CONF, else SYSCONFDIR/tucai.hdf.
 */
#ifndef TUCAI_CONFIG_H
#define TUCAI_CONFIG_H

#include <ClearSilver.h>

/* Returns 0 on success, -1 (with a message on stderr) otherwise. */
int		 conf_load(void);
const char	*conf_str(const char *key, const char *def);
long long	 conf_int(const char *key, long long def);
HDF		*conf_hdf(void);

#endif
