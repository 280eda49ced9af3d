/*
 * imgbench.c - time and peak memory of the photo and ID-card pipelines
 * (not a test: nothing is asserted).  Built on demand:
 *   make t/bench/imgbench && t/bench/imgbench [-i] [-k KB] [-n N] [-o OUT] FILE
 * -i: img_reencode_idcard() instead of img_photo(); -k: the photo's size
 * limit (default 40 KB, the task default); -n: runs (default 5); -o: the
 * last output is written to OUT.  Prints one line: the median and best
 * wall time, the peak resident memory the call added (VmHWM after it,
 * reset before each run, less VmRSS before it), the output size and the
 * quality used.
 */
#include <sys/time.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "infra/image.h"

static long
status_kb(const char *key)
{
	FILE	*f;
	char	 l[256];
	long	 v = -1;
	size_t	 n = strlen(key);

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(l, sizeof(l), f) != NULL)
		if (strncmp(l, key, n) == 0 && l[n] == ':') {
			v = atol(l + n + 1);
			break;
		}
	fclose(f);
	return v;
}

/* Resets VmHWM to the current RSS (Linux 4.0 and later). */
static void
hwm_reset(void)
{
	int	 fd;

	if ((fd = open("/proc/self/clear_refs", O_WRONLY)) == -1)
		return;
	if (write(fd, "5", 1) != 1)
		perror("clear_refs");
	close(fd);
}

static double
ms(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	FILE		*f;
	unsigned char	*b, *j = NULL;
	size_t		 n, jl = 0, cap = 1 << 20;
	double		 t[100], t0;
	long		 base, peak = 0, hwm;
	const char	*out = NULL;
	int		 c, idcard = 0, runs = 5, kb = 40, i, rc = 0, q = 0, bg = 0;

	while ((c = getopt(argc, argv, "ik:n:o:")) != -1)
		switch (c) {
		case 'i': idcard = 1; break;
		case 'k': kb = atoi(optarg); break;
		case 'n': runs = atoi(optarg); break;
		case 'o': out = optarg; break;
		default: return 2;
		}
	if (optind != argc - 1 || runs < 1 || runs > 100) {
		fprintf(stderr, "usage: imgbench [-i] [-k KB] [-n N] [-o OUT] FILE\n");
		return 2;
	}
	if ((f = fopen(argv[optind], "rb")) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	b = malloc(cap);
	for (n = 0; b != NULL && (c = fread(b + n, 1, cap - n, f)) > 0; ) {
		n += c;
		if (n == cap)
			b = realloc(b, cap *= 2);
	}
	fclose(f);
	if (b == NULL || img_init() != 0)
		return 1;
	for (i = 0; i < runs; i++) {
		free(j);
		j = NULL;
		base = status_kb("VmRSS");
		hwm_reset();
		t0 = ms();
		if (idcard)
			rc = img_reencode_idcard(b, n, &j, &jl);
		else
			rc = img_photo(b, n, (size_t)kb * 1024, &j, &jl, &q,
			    &bg);
		t[i] = ms() - t0;
		hwm = status_kb("VmHWM") - base;
		if (hwm > peak)
			peak = hwm;
	}
	qsort(t, runs, sizeof(t[0]), cmp);
	printf("%s %s: rc %d, median %.1f ms, best %.1f ms, peak +%ld KB, "
	    "%zu bytes, q%d, bg %d\n", argv[optind], idcard ? "idcard" :
	    "photo", rc, t[runs / 2], t[0], peak, jl, q, bg);
	if (out != NULL && j != NULL && (f = fopen(out, "wb")) != NULL) {
		fwrite(j, 1, jl, f);
		fclose(f);
	}
	free(j);
	free(b);
	return rc != 0;
}
