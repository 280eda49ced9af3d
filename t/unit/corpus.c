/*
 * corpus.c - the image corpus of the C unit tests (corpus.h).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "corpus.h"

static char	 dir[1024];

int
corpus_open(const char *name)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/tucai-%s.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", name);
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp %s\n", dir);
		return -1;
	}
	return 0;
}

int
corpus_make(const char *payload, const char *set)
{
	char		 script[PATH_MAX];
	const char	*src = getenv("srcdir");
	pid_t		 pid;
	int		 st;

	snprintf(script, sizeof(script), "%s/t/lib/mkimages.sh",
	    src != NULL ? src : ".");
	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", script, dir, payload, set, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int
corpus_idcards(const char *set)
{
	char		 script[PATH_MAX];
	const char	*src = getenv("srcdir");
	pid_t		 pid;
	int		 st;

	snprintf(script, sizeof(script), "%s/t/lib/mkidcards.py",
	    src != NULL ? src : ".");
	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execl("/usr/bin/python3", "python3", script, "corpus", dir, set,
		    (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

unsigned char *
corpus_read(const char *file, size_t *len)
{
	char		 p[PATH_MAX];
	FILE		*f;
	unsigned char	*b;
	long		 n;

	*len = 0;
	if (snprintf(p, sizeof(p), "%s/%s", dir, file) >= (int)sizeof(p))
		return NULL;
	if ((f = fopen(p, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 || (b = malloc(n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(b, 1, n, f) != (size_t)n) {
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	*len = n;
	return b;
}

void
corpus_close(void)
{
	DIR		*dp;
	struct dirent	*de;
	char		 p[PATH_MAX];

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) <
		    (int)sizeof(p))
			unlink(p);
	}
	closedir(dp);
	rmdir(dir);
}

double
corpus_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
