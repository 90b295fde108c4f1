/*
 * fake_cuda.c - a tiny stand-in for the CUDA driver library libcuda.so.1,
 * for tests only.  Driven by environment variables read at call time:
 *
 *   FAKE_CUDA_VERSION       int returned by cuDriverGetVersion (default 12040)
 *   FAKE_CUDA_INIT_ERROR    CUresult returned by cuInit (default 0)
 *   FAKE_CUDA_DEVICE_COUNT  device count (default: number of GPUs in
 *                           FAKE_NVML_GPUS, or 1 when that is unset)
 *   FAKE_CUDA_HANG=1        cuInit blocks forever
 *   FAKE_CUDA_SEGV=1        cuInit dereferences NULL
 *   FAKE_CUDA_LOG=path      append each called function's name to path
 *
 * Device names, compute capabilities and memory come from FAKE_NVML_GPUS
 * (same `name|major.minor|total_MiB|...` format as fake_nvml.c), so the NVML
 * and CUDA views of a scenario agree unless a test wants them not to.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_common.h"

typedef int CUresult;
typedef int CUdevice;

#define CUDA_SUCCESS 0
#define CUDA_ERROR_INVALID_VALUE 1
#define CUDA_ERROR_NOT_INITIALIZED 3
#define CUDA_ERROR_INVALID_DEVICE 101

#define DEFAULT_GPUS "NVIDIA A100-SXM4-80GB|8.0|81920"

static int g_initialized;

struct err_entry { int code; const char *name; const char *text; };
static const struct err_entry g_errors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"},
    {34, "CUDA_ERROR_STUB_LIBRARY", "CUDA driver is a stub library"},
    {46, "CUDA_ERROR_DEVICE_UNAVAILABLE", "CUDA-capable device(s) is/are busy or unavailable"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {102, "CUDA_ERROR_DEVICE_NOT_LICENSED", "device doesn't have valid Grid license"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain."},
    {304, "CUDA_ERROR_OPERATING_SYSTEM", "OS call failed or operation not supported on this OS"},
    {801, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported"},
    {802, "CUDA_ERROR_SYSTEM_NOT_READY", "system not yet initialized"},
    {803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "system has unsupported display driver / cuda driver combination"},
    {804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE", "forward compatibility was attempted on non supported HW"},
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

static void log_call(const char *fn)
{
    fake_log_call("FAKE_CUDA_LOG", fn);
}

/* Number of non-empty entries in FAKE_NVML_GPUS. */
static int spec_count(void)
{
    const char *env = getenv("FAKE_NVML_GPUS");
    const char *p;
    int n = 0, in_entry = 0;
    if (env == NULL)
        env = DEFAULT_GPUS;
    for (p = env; ; p++) {
        if (*p == ';' || *p == '\0') {
            if (in_entry) n++;
            in_entry = 0;
            if (*p == '\0') break;
        } else if (*p != ' ' && *p != '\t') {
            in_entry = 1;
        }
    }
    return n;
}

static int device_count(void)
{
    return (int)env_long("FAKE_CUDA_DEVICE_COUNT", spec_count());
}

/* Fill name / cc / total MiB of device `dev` from FAKE_NVML_GPUS. */
static void device_spec(int dev, char *name, size_t name_len, int *major,
                        int *minor, unsigned long long *total_mib)
{
    const char *env = getenv("FAKE_NVML_GPUS");
    char *copy, *save = NULL, *entry;
    int i = 0;
    snprintf(name, name_len, "Fake GPU");
    *major = 8; *minor = 0; *total_mib = 81920;
    if (env == NULL)
        env = DEFAULT_GPUS;
    copy = strdup(env);
    if (!copy)
        return;
    for (entry = strtok_r(copy, ";", &save); entry; entry = strtok_r(NULL, ";", &save)) {
        char *p = entry, *s2 = NULL, *tok;
        int field = 0;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '\0')
            continue;
        if (i++ != dev)
            continue;
        for (tok = strtok_r(p, "|", &s2); tok && field < 3; tok = strtok_r(NULL, "|", &s2), field++) {
            if (field == 0) snprintf(name, name_len, "%s", tok);
            else if (field == 1) sscanf(tok, "%d.%d", major, minor);
            else *total_mib = strtoull(tok, NULL, 0);
        }
        break;
    }
    free(copy);
}

#define NEED_INIT() if (!g_initialized) return CUDA_ERROR_NOT_INITIALIZED;
#define NEED_PTR(p) if ((p) == NULL) return CUDA_ERROR_INVALID_VALUE;
#define CHECK_DEV(d) if ((d) < 0 || (d) >= device_count()) return CUDA_ERROR_INVALID_DEVICE;

CUresult cuInit(unsigned int flags)
{
    long err;
    (void)flags;
    log_call("cuInit");
    if (env_long("FAKE_CUDA_HANG", 0)) {
        for (;;)
            sleep(1);
    }
    if (env_long("FAKE_CUDA_SEGV", 0)) {
        volatile int *volatile p = NULL;
        *p = 42;
        raise(SIGSEGV); /* not reached */
    }
    err = env_long("FAKE_CUDA_INIT_ERROR", 0);
    if (err != 0) {
        g_initialized = 0;
        return (CUresult)err;
    }
    g_initialized = 1;
    return CUDA_SUCCESS;
}

/* Like the real driver, this works without cuInit. */
CUresult cuDriverGetVersion(int *version)
{
    log_call("cuDriverGetVersion");
    NEED_PTR(version);
    *version = (int)env_long("FAKE_CUDA_VERSION", 12040);
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int *count)
{
    log_call("cuDeviceGetCount");
    NEED_INIT();
    NEED_PTR(count);
    *count = device_count();
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal)
{
    log_call("cuDeviceGet");
    NEED_INIT();
    NEED_PTR(device);
    CHECK_DEV(ordinal);
    *device = ordinal;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
{
    char buf[256];
    int major, minor;
    unsigned long long total;
    log_call("cuDeviceGetName");
    NEED_INIT();
    NEED_PTR(name);
    if (len <= 0)
        return CUDA_ERROR_INVALID_VALUE;
    CHECK_DEV(dev);
    device_spec(dev, buf, sizeof buf, &major, &minor, &total);
    snprintf(name, (size_t)len, "%s", buf); /* truncates like the real one */
    return CUDA_SUCCESS;
}

CUresult cuDeviceComputeCapability(int *major, int *minor, CUdevice dev)
{
    char buf[256];
    unsigned long long total;
    log_call("cuDeviceComputeCapability");
    NEED_INIT();
    NEED_PTR(major);
    NEED_PTR(minor);
    CHECK_DEV(dev);
    device_spec(dev, buf, sizeof buf, major, minor, &total);
    return CUDA_SUCCESS;
}

/* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75, _MINOR = 76,
 * CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16 */
CUresult cuDeviceGetAttribute(int *value, int attrib, CUdevice dev)
{
    char buf[256];
    int major, minor;
    unsigned long long total;
    log_call("cuDeviceGetAttribute");
    NEED_INIT();
    NEED_PTR(value);
    CHECK_DEV(dev);
    device_spec(dev, buf, sizeof buf, &major, &minor, &total);
    switch (attrib) {
    case 75: *value = major; return CUDA_SUCCESS;
    case 76: *value = minor; return CUDA_SUCCESS;
    case 16: *value = 108; return CUDA_SUCCESS;
    default: return CUDA_ERROR_INVALID_VALUE;
    }
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
{
    char buf[256];
    int major, minor;
    unsigned long long total;
    log_call("cuDeviceTotalMem_v2");
    NEED_INIT();
    NEED_PTR(bytes);
    CHECK_DEV(dev);
    device_spec(dev, buf, sizeof buf, &major, &minor, &total);
    *bytes = (size_t)(total * 1048576ULL);
    return CUDA_SUCCESS;
}

static const struct err_entry *find_error(CUresult code)
{
    size_t i;
    for (i = 0; i < sizeof g_errors / sizeof g_errors[0]; i++)
        if (g_errors[i].code == code)
            return &g_errors[i];
    return NULL;
}

/* Unknown codes: CUDA_ERROR_INVALID_VALUE and *pStr = NULL, as documented. */
CUresult cuGetErrorName(CUresult error, const char **pStr)
{
    const struct err_entry *e;
    log_call("cuGetErrorName");
    NEED_PTR(pStr);
    e = find_error(error);
    if (!e) {
        *pStr = NULL;
        return CUDA_ERROR_INVALID_VALUE;
    }
    *pStr = e->name;
    return CUDA_SUCCESS;
}

CUresult cuGetErrorString(CUresult error, const char **pStr)
{
    const struct err_entry *e;
    log_call("cuGetErrorString");
    NEED_PTR(pStr);
    e = find_error(error);
    if (!e) {
        *pStr = NULL;
        return CUDA_ERROR_INVALID_VALUE;
    }
    *pStr = e->text;
    return CUDA_SUCCESS;
}
