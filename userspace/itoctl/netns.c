// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces by name: entering one ("itoctl -n"), and naming the
 * current one, or giving its inode when it has no name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

#define SELF_NETNS	"/proc/self/ns/net"

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Names are bind mounts of namespaces: stat() sees the namespace itself. */
static bool names_self(const char *named_dir, const char *name,
		       const struct stat *self)
{
	char path[PATH_MAX];
	struct stat st;

	if (name[0] == '.')
		return false;
	if (snprintf(path, sizeof(path), "%s/%s", named_dir, name) >=
	    (int)sizeof(path))
		return false;
	return !stat(path, &st) && same_file(&st, self);
}

static bool find_name(char label[NETNS_LABEL_LEN], const char *named_dir,
		      const struct stat *self)
{
	struct dirent **names;
	bool found = false;
	int i, n;

	n = scandir(named_dir, &names, NULL, alphasort);
	if (n < 0)
		return false;	/* no named namespace at all */
	for (i = 0; i < n; i++) {
		if (!found && names_self(named_dir, names[i]->d_name, self)) {
			snprintf(label, NETNS_LABEL_LEN, "%s",
				 names[i]->d_name);
			found = true;
		}
		free(names[i]);
	}
	free(names);
	return found;
}

int netns_label(char label[NETNS_LABEL_LEN], const char *named_dir)
{
	struct stat self;

	if (stat(SELF_NETNS, &self))
		return -errno;
	if (!find_name(label, named_dir, &self))
		snprintf(label, NETNS_LABEL_LEN, "net:[%llu]",
			 (unsigned long long)self.st_ino);
	return 0;
}

bool netns_name_valid(const char *name)
{
	/* A file name under the named directory, and nothing else. */
	return name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int netns_enter(const char *name, const char *named_dir, int *step)
{
	char path[PATH_MAX];
	int fd, err = 0;

	*step = NETNS_OPEN;
	if (snprintf(path, sizeof(path), "%s/%s", named_dir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*step = NETNS_ENTER;
	if (setns(fd, CLONE_NEWNET) < 0)
		err = -errno;
	close(fd);
	return err;
}
