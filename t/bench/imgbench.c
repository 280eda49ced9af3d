/*
 * imgbench.c - time and peak memory of the image pipelines (not a test:
 * nothing is asserted).  Built on demand:
 *   make t/bench/imgbench && t/bench/imgbench [-i | -q | -g D] [-k KB] [-n N] [-o OUT] FILE
 * Default img_photo(); -i: img_reencode_idcard(); -q: qr_decode_image();
 * -g D: img_decode() to gray at 1/D.  -k: the photo's size limit
 * (default 40 KB, the task default); -n: runs (default 5); -o: the last
 * output is written to OUT.  Prints one line: the median and best wall
 * and CPU times, the peak resident memory a call added (VmHWM after it,
 * reset before each run, less VmRSS before it: the first run, which
 * also faults in the libraries, and the largest of the later runs),
 * VmRSS after the first and after the last run (growth over many
 * runs), the output size and the quality used.
 */
#include <sys/time.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "infra/image.h"
#include "infra/qr.h"

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
ms(clockid_t c)
{
	struct timespec	 t;

	clock_gettime(c, &t);
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
	double		 t[1000], u[1000], t0, u0;
	struct img	 im;
	char		*pl;
	long		 base, peak1 = 0, peak = 0, hwm, rss1 = 0;
	const char	*out = NULL;
	int		 c, mode = 'p', runs = 5, kb = 40, i, rc = 0, q = 0, bg = 0;
	unsigned	 denom = 1;

	while ((c = getopt(argc, argv, "g:ik:n:o:q")) != -1)
		switch (c) {
		case 'g': mode = 'g'; denom = atoi(optarg); break;
		case 'i': mode = 'i'; break;
		case 'q': mode = 'q'; break;
		case 'k': kb = atoi(optarg); break;
		case 'n': runs = atoi(optarg); break;
		case 'o': out = optarg; break;
		default: return 2;
		}
	if (optind != argc - 1 || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: imgbench [-i | -q | -g D] [-k KB] "
		    "[-n N] [-o OUT] FILE\n");
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
		t0 = ms(CLOCK_MONOTONIC);
		u0 = ms(CLOCK_PROCESS_CPUTIME_ID);
		switch (mode) {
		case 'i':
			rc = img_reencode_idcard(b, n, &j, &jl);
			break;
		case 'q':
			rc = qr_decode_image(b, n, &pl, &jl);
			free(pl);
			break;
		case 'g':
			rc = img_decode(b, n, 1, denom, &im);
			jl = (size_t)im.w * im.h;
			img_free(&im);
			break;
		default:
			rc = img_photo(b, n, (size_t)kb * 1024, &j, &jl, &q,
			    &bg);
		}
		t[i] = ms(CLOCK_MONOTONIC) - t0;
		u[i] = ms(CLOCK_PROCESS_CPUTIME_ID) - u0;
		hwm = status_kb("VmHWM") - base;
		if (i == 0)
			rss1 = status_kb("VmRSS");
		if (i == 0)
			peak1 = hwm;
		else if (hwm > peak)
			peak = hwm;
	}
	qsort(t, runs, sizeof(t[0]), cmp);
	qsort(u, runs, sizeof(u[0]), cmp);
	printf("%s %c: rc %d, wall median %.1f best %.1f ms, cpu median %.1f "
	    "best %.1f ms, peak +%ld KB first, +%ld KB later, rss %ld -> %ld KB, "
	    "%zu bytes, q%d, bg %d\n", argv[optind], mode, rc, t[runs / 2],
	    t[0], u[runs / 2], u[0], peak1, peak, rss1, status_kb("VmRSS"), jl,
	    q, bg);
	if (out != NULL && j != NULL && (f = fopen(out, "wb")) != NULL) {
		fwrite(j, 1, jl, f);
		fclose(f);
	}
	free(j);
	free(b);
	return rc != 0;
}
