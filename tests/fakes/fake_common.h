/*
 * fake_common.h - helpers shared by the fake driver libraries (fake_nvml.c,
 * fake_cuda.c), for tests only.  Included into each source; everything is static.
 */
#ifndef FAKE_COMMON_H
#define FAKE_COMMON_H

#include <stdio.h>
#include <stdlib.h>

/* Append `fn` to the file named by the environment variable `log_env`, if set. */
static void fake_log_call(const char *log_env, const char *fn)
{
    const char *path = getenv(log_env);
    if (path && *path) {
        FILE *f = fopen(path, "a");
        if (f) {
            fprintf(f, "%s\n", fn);
            fclose(f);
        }
    }
}

/* The environment variable `name` as a number (decimal, 0x hex or 0 octal), else `dflt`. */
static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    return strtol(v, NULL, 0);
}

#endif
