/*
 * fake_nvml.c - a tiny stand-in for libnvidia-ml.so.1, for tests only.
 *
 * It implements the subset of the NVML C API that the official `pynvml`
 * bindings (package nvidia-ml-py) call for driver / device inspection.
 * Everything is driven by environment variables read at *call* time, so a
 * test can change the scenario between calls in one process (os.environ
 * writes go through putenv), although LD_LIBRARY_PATH itself must be set
 * before the process starts.  See README.md in this folder for the contract.
 *
 * Compile-time switches (leave a symbol out, as older drivers do):
 *   -DOMIT_CUDA_DRIVER_VERSION_V2   no nvmlSystemGetCudaDriverVersion_v2
 *   -DOMIT_REMAPPED_ROWS            no nvmlDeviceGetRemappedRows
 *   -DOMIT_CLOCK_EVENT_REASONS      no nvmlDeviceGetCurrentClocksEventReasons
 *                                   (ThrottleReasons is still exported)
 *   -DOMIT_MEMORY_INFO_V2           no nvmlDeviceGetMemoryInfo_v2
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fake_common.h"

typedef int nvmlReturn_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NO_PERMISSION 4
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_GPU_IS_LOST 15
#define NVML_ERROR_ARGUMENT_VERSION_MISMATCH 25
#define NVML_ERROR_UNKNOWN 999

#define MAX_GPUS 64
#define NAME_LEN 96

/* Field names usable in `unsupported=a,b,c` (see README.md). */
enum field {
    F_NAME, F_UUID, F_PCI, F_CC, F_MEMORY, F_PERSISTENCE, F_MIG, F_ECC,
    F_ECC_ERRORS, F_RETIRED_PAGES, F_REMAPPED_ROWS, F_THROTTLE, F_TEMP,
    F_POWER_LIMIT, F_PCIE, F_BRAND, F_ARCH, F_INDEX, F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "name", "uuid", "pci", "cc", "memory", "persistence", "mig", "ecc",
    "ecc_errors", "retired_pages", "remapped_rows", "throttle", "temp",
    "power_limit", "pcie", "brand", "arch", "index"
};

struct fake_gpu {
    char name[NAME_LEN];
    int cc_major, cc_minor;
    unsigned long long total_mib, used_mib, reserved_mib;
    int ecc, ecc_pending;
    unsigned long long ecc_corrected, ecc_uncorrected, ecc_aggregate;
    int retired_pending, remap_pending, remap_failed;
    unsigned int remap_corr, remap_unc;
    unsigned long long throttle;
    unsigned int temp;
    int persistence, mig, mig_pending;
    unsigned int power_limit;
    unsigned int pcie_cur_gen, pcie_max_gen, pcie_cur_width, pcie_max_width;
    int brand, arch;
    int lost; /* 1: device calls fail; 2: handle lookup fails too */
    unsigned char unsupported[F_COUNT];
};

/* Handles given to callers point into this array; it is never freed, so a
 * handle stays a valid pointer even if the environment changes. */
static struct fake_gpu g_gpus[MAX_GPUS];
static int g_gpu_count;
static int g_init_count;

#define DEFAULT_GPUS "NVIDIA A100-SXM4-80GB|8.0|81920"

/* ---------------------------------------------------------------- helpers */

static void log_call(const char *fn)
{
    fake_log_call("FAKE_NVML_LOG", fn);
}

static const char *env_str(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return (v != NULL) ? v : dflt;
}

static nvmlReturn_t copy_string(char *dst, unsigned int len, const char *src)
{
    if (dst == NULL)
        return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(src) + 1 > len)
        return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(dst, src);
    return NVML_SUCCESS;
}

static int default_arch(int major, int minor)
{
    /* nvmlDeviceArchitecture_t values */
    switch (major) {
    case 3: return 2;                       /* KEPLER */
    case 5: return 3;                       /* MAXWELL */
    case 6: return 4;                       /* PASCAL */
    case 7: return minor >= 5 ? 6 : 5;      /* TURING : VOLTA */
    case 8: return minor == 9 ? 8 : 7;      /* ADA : AMPERE */
    case 9: return 9;                       /* HOPPER */
    case 10: case 12: return 10;            /* BLACKWELL */
    default: return (int)0xffffffff;        /* UNKNOWN */
    }
}

static int default_brand(const char *name)
{
    if (strstr(name, "GeForce")) return 5;
    if (strstr(name, "TITAN")) return 6;
    if (strstr(name, "Quadro")) return 1;
    if (strstr(name, "Tesla")) return 2;
    return 14; /* NVML_BRAND_NVIDIA */
}

static void warn(const char *what, const char *detail)
{
    fprintf(stderr, "fake_nvml: %s: '%s'\n", what, detail);
}

static void set_unsupported(struct fake_gpu *g, const char *list)
{
    char buf[512];
    char *save = NULL, *tok;
    snprintf(buf, sizeof buf, "%s", list);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int i, found = 0;
        for (i = 0; i < F_COUNT; i++) {
            if (strcmp(tok, field_names[i]) == 0) {
                g->unsupported[i] = 1;
                found = 1;
            }
        }
        if (!found && strcmp(tok, "all") == 0) {
            memset(g->unsupported, 1, sizeof g->unsupported);
            found = 1;
        }
        if (!found)
            warn("unknown field in unsupported=", tok);
    }
}

static void apply_extra(struct fake_gpu *g, const char *kv)
{
    char key[64];
    const char *eq = strchr(kv, '=');
    const char *val;
    size_t klen;
    if (!eq) {
        warn("extra without '='", kv);
        return;
    }
    klen = (size_t)(eq - kv);
    if (klen >= sizeof key)
        klen = sizeof key - 1;
    memcpy(key, kv, klen);
    key[klen] = '\0';
    val = eq + 1;

#define ULL(v) strtoull((v), NULL, 0)
    if (!strcmp(key, "used")) g->used_mib = ULL(val);
    else if (!strcmp(key, "reserved")) g->reserved_mib = ULL(val);
    else if (!strcmp(key, "ecc")) { g->ecc = atoi(val); g->ecc_pending = g->ecc; }
    else if (!strcmp(key, "ecc_pending")) g->ecc_pending = atoi(val);
    else if (!strcmp(key, "ecc_corrected")) g->ecc_corrected = ULL(val);
    else if (!strcmp(key, "ecc_uncorrected")) g->ecc_uncorrected = ULL(val);
    else if (!strcmp(key, "ecc_aggregate")) g->ecc_aggregate = ULL(val);
    else if (!strcmp(key, "retired_pending")) g->retired_pending = atoi(val);
    else if (!strcmp(key, "remap_pending")) g->remap_pending = atoi(val);
    else if (!strcmp(key, "remap_failed")) g->remap_failed = atoi(val);
    else if (!strcmp(key, "remap_corr")) g->remap_corr = (unsigned)ULL(val);
    else if (!strcmp(key, "remap_unc")) g->remap_unc = (unsigned)ULL(val);
    else if (!strcmp(key, "throttle")) g->throttle = strtoull(val, NULL, 16);
    else if (!strcmp(key, "temp")) g->temp = (unsigned)ULL(val);
    else if (!strcmp(key, "persistence")) g->persistence = atoi(val);
    else if (!strcmp(key, "mig")) { g->mig = atoi(val); g->mig_pending = g->mig; }
    else if (!strcmp(key, "mig_pending")) g->mig_pending = atoi(val);
    else if (!strcmp(key, "power_limit")) g->power_limit = (unsigned)ULL(val);
    else if (!strcmp(key, "brand")) g->brand = atoi(val);
    else if (!strcmp(key, "arch")) g->arch = (int)strtol(val, NULL, 0);
    else if (!strcmp(key, "lost")) g->lost = atoi(val);
    else if (!strcmp(key, "unsupported")) set_unsupported(g, val);
    else if (!strcmp(key, "pcie")) {
        unsigned a = 0, b = 0, c = 0, d = 0;
        if (sscanf(val, "%u/%u/%u/%u", &a, &b, &c, &d) == 4) {
            g->pcie_cur_gen = a; g->pcie_max_gen = b;
            g->pcie_cur_width = c; g->pcie_max_width = d;
        } else {
            warn("bad pcie= (want cur_gen/max_gen/cur_width/max_width)", val);
        }
    }
    else warn("unknown extra", key);
#undef ULL
}

static void parse_gpu(struct fake_gpu *g, char *spec)
{
    char *save = NULL, *tok;
    int field = 0;
    int arch_set = 0, brand_set = 0;

    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "Fake GPU");
    g->cc_major = 8; g->cc_minor = 0;
    g->total_mib = 81920;
    g->ecc = g->ecc_pending = 1;
    g->temp = 40;
    g->persistence = 1;
    g->power_limit = 300000;
    g->pcie_cur_gen = 4; g->pcie_max_gen = 4;
    g->pcie_cur_width = 16; g->pcie_max_width = 16;
    g->brand = -1; g->arch = -2;

    for (tok = strtok_r(spec, "|", &save); tok; tok = strtok_r(NULL, "|", &save), field++) {
        if (field == 0) {
            snprintf(g->name, sizeof g->name, "%s", tok);
        } else if (field == 1) {
            if (sscanf(tok, "%d.%d", &g->cc_major, &g->cc_minor) != 2)
                warn("bad compute capability (want major.minor)", tok);
        } else if (field == 2) {
            g->total_mib = strtoull(tok, NULL, 0);
        } else {
            apply_extra(g, tok);
        }
    }
    brand_set = g->brand != -1;
    arch_set = g->arch != -2;
    if (!brand_set) g->brand = default_brand(g->name);
    if (!arch_set) g->arch = default_arch(g->cc_major, g->cc_minor);
}

/* Re-read FAKE_NVML_GPUS into g_gpus. Called at every entry point. */
static void load_gpus(void)
{
    const char *env = getenv("FAKE_NVML_GPUS");
    char *copy, *save = NULL, *tok;
    if (env == NULL)
        env = DEFAULT_GPUS;
    copy = strdup(env);
    g_gpu_count = 0;
    if (!copy)
        return;
    for (tok = strtok_r(copy, ";", &save); tok && g_gpu_count < MAX_GPUS;
         tok = strtok_r(NULL, ";", &save)) {
        char *p = tok;
        while (isspace((unsigned char)*p)) p++;
        if (*p == '\0')
            continue;
        parse_gpu(&g_gpus[g_gpu_count], p);
        g_gpu_count++;
    }
    free(copy);
}

static void maybe_hang_or_crash(void)
{
    if (env_long("FAKE_NVML_HANG", 0)) {
        for (;;)
            sleep(1);
    }
    if (env_long("FAKE_NVML_SEGV", 0)) {
        volatile int *volatile p = NULL;
        *p = 42;
        raise(SIGSEGV); /* not reached */
    }
}

/* Resolve a handle for a per-device call; handles the `lost` and
 * `unsupported` knobs.  On success *out is the GPU and 0 is returned. */
static nvmlReturn_t device_call(void *handle, int field, struct fake_gpu **out)
{
    struct fake_gpu *g = (struct fake_gpu *)handle;
    long idx;
    if (g_init_count <= 0)
        return NVML_ERROR_UNINITIALIZED;
    load_gpus();
    if (g == NULL)
        return NVML_ERROR_INVALID_ARGUMENT;
    idx = g - g_gpus;
    if (idx < 0 || idx >= g_gpu_count || (void *)&g_gpus[idx] != handle)
        return NVML_ERROR_INVALID_ARGUMENT;
    if (g->lost)
        return NVML_ERROR_GPU_IS_LOST;
    if (field >= 0 && g->unsupported[field])
        return NVML_ERROR_NOT_SUPPORTED;
    *out = g;
    return NVML_SUCCESS;
}

#define DEVICE_CALL(fn, handle, field)                      \
    struct fake_gpu *g = NULL;                              \
    nvmlReturn_t rc_;                                       \
    log_call(fn);                                           \
    rc_ = device_call((handle), (field), &g);               \
    if (rc_ != NVML_SUCCESS)                                \
        return rc_;

#define NEED_PTR(p) if ((p) == NULL) return NVML_ERROR_INVALID_ARGUMENT;

/* ------------------------------------------------------------------ init */

static nvmlReturn_t do_init(const char *fn)
{
    long err;
    log_call(fn);
    maybe_hang_or_crash();
    err = env_long("FAKE_NVML_INIT_ERROR", 0);
    if (err != 0)
        return (nvmlReturn_t)err;
    g_init_count++;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlInitWithFlags(unsigned int flags) { (void)flags; return do_init("nvmlInitWithFlags"); }
nvmlReturn_t nvmlInit_v2(void) { return do_init("nvmlInit_v2"); }
nvmlReturn_t nvmlInit(void) { return do_init("nvmlInit"); }

nvmlReturn_t nvmlShutdown(void)
{
    log_call("nvmlShutdown");
    if (g_init_count <= 0)
        return NVML_ERROR_UNINITIALIZED;
    g_init_count--;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result)
{
    switch (result) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 4: return "Insufficient Permissions";
    case 5: return "Already Initialized";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 8: return "Insufficient External Power";
    case 9: return "Driver Not Loaded";
    case 10: return "Timeout";
    case 11: return "Interrupt Request Issue";
    case 12: return "NVML Shared Library Not Found";
    case 13: return "Function Not Found";
    case 14: return "Corrupted infoROM";
    case 15: return "GPU is lost";
    case 16: return "GPU requires restart";
    case 17: return "The operating system has blocked the request.";
    case 18: return "RM has detected an NVML/RM version mismatch.";
    case 19: return "In use by another client";
    case 20: return "Insufficient Memory";
    case 21: return "No data";
    case 25: return "Argument version mismatch";
    case 26: return "Deprecated";
    case 27: return "Not Ready";
    case 28: return "GPU not found";
    case 29: return "Invalid state";
    case 999: return "Unknown Error";
    default: return "Unknown Error";
    }
}

/* ---------------------------------------------------------------- system */

#define NEED_INIT() if (g_init_count <= 0) return NVML_ERROR_UNINITIALIZED;

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
    log_call("nvmlSystemGetDriverVersion");
    NEED_INIT();
    return copy_string(version, length, env_str("FAKE_NVML_DRIVER", "550.54.14"));
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length)
{
    log_call("nvmlSystemGetNVMLVersion");
    NEED_INIT();
    return copy_string(version, length, env_str("FAKE_NVML_NVML_VERSION", "12.550.54.14"));
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *v)
{
    log_call("nvmlSystemGetCudaDriverVersion");
    NEED_INIT();
    NEED_PTR(v);
    *v = (int)env_long("FAKE_NVML_CUDA", 12040);
    return NVML_SUCCESS;
}

#ifndef OMIT_CUDA_DRIVER_VERSION_V2
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v)
{
    log_call("nvmlSystemGetCudaDriverVersion_v2");
    NEED_INIT();
    NEED_PTR(v);
    *v = (int)env_long("FAKE_NVML_CUDA", 12040);
    return NVML_SUCCESS;
}
#endif

/* ---------------------------------------------------------------- devices */

static nvmlReturn_t get_count(const char *fn, unsigned int *count)
{
    log_call(fn);
    NEED_INIT();
    NEED_PTR(count);
    load_gpus();
    *count = (unsigned int)g_gpu_count;
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *c) { return get_count("nvmlDeviceGetCount_v2", c); }
nvmlReturn_t nvmlDeviceGetCount(unsigned int *c) { return get_count("nvmlDeviceGetCount", c); }

static nvmlReturn_t get_handle(const char *fn, unsigned int index, void **device)
{
    log_call(fn);
    NEED_INIT();
    NEED_PTR(device);
    load_gpus();
    if (index >= (unsigned int)g_gpu_count)
        return NVML_ERROR_INVALID_ARGUMENT;
    if (g_gpus[index].lost >= 2)
        return NVML_ERROR_GPU_IS_LOST;
    *device = &g_gpus[index];
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **d) { return get_handle("nvmlDeviceGetHandleByIndex_v2", i, d); }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, void **d) { return get_handle("nvmlDeviceGetHandleByIndex", i, d); }

static void format_uuid(char *buf, size_t n, long idx)
{
    snprintf(buf, n, "GPU-00000000-0000-0000-0000-%012lx", idx);
}

static void format_bus_id(char *buf, size_t n, long idx, int legacy)
{
    if (legacy)
        snprintf(buf, n, "0000:%02lX:00.0", idx);
    else
        snprintf(buf, n, "00000000:%02lX:00.0", idx);
}

nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, void **device)
{
    int i;
    char buf[96];
    log_call("nvmlDeviceGetHandleByUUID");
    NEED_INIT();
    NEED_PTR(uuid);
    NEED_PTR(device);
    load_gpus();
    for (i = 0; i < g_gpu_count; i++) {
        format_uuid(buf, sizeof buf, i);
        if (strcmp(buf, uuid) == 0) {
            if (g_gpus[i].lost >= 2)
                return NVML_ERROR_GPU_IS_LOST;
            *device = &g_gpus[i];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetIndex(void *device, unsigned int *index)
{
    DEVICE_CALL("nvmlDeviceGetIndex", device, F_INDEX);
    NEED_PTR(index);
    *index = (unsigned int)(g - g_gpus);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(void *device, char *name, unsigned int length)
{
    DEVICE_CALL("nvmlDeviceGetName", device, F_NAME);
    return copy_string(name, length, g->name);
}

nvmlReturn_t nvmlDeviceGetUUID(void *device, char *uuid, unsigned int length)
{
    char buf[96];
    DEVICE_CALL("nvmlDeviceGetUUID", device, F_UUID);
    format_uuid(buf, sizeof buf, (long)(g - g_gpus));
    return copy_string(uuid, length, buf);
}

/* nvmlPciInfo_t as of NVML 9+: legacy 16-byte busId first, the 32-byte busId
 * last (it replaced four reserved uints).  pynvml's nvmlPciInfo_t matches. */
typedef struct {
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

static nvmlReturn_t fill_pci(const char *fn, void *device, nvmlPciInfo_t *pci)
{
    long idx;
    DEVICE_CALL(fn, device, F_PCI);
    NEED_PTR(pci);
    idx = (long)(g - g_gpus);
    memset(pci, 0, sizeof *pci);
    format_bus_id(pci->busIdLegacy, sizeof pci->busIdLegacy, idx, 1);
    format_bus_id(pci->busId, sizeof pci->busId, idx, 0);
    pci->domain = 0;
    pci->bus = (unsigned int)idx;
    pci->device = 0;
    pci->pciDeviceId = 0x20B010DEu;     /* device 0x20B0, vendor 0x10DE */
    pci->pciSubSystemId = 0x134F10DEu;
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetPciInfo_v3(void *d, nvmlPciInfo_t *p) { return fill_pci("nvmlDeviceGetPciInfo_v3", d, p); }
nvmlReturn_t nvmlDeviceGetPciInfo_v2(void *d, nvmlPciInfo_t *p) { return fill_pci("nvmlDeviceGetPciInfo_v2", d, p); }
nvmlReturn_t nvmlDeviceGetPciInfo(void *d, nvmlPciInfo_t *p) { return fill_pci("nvmlDeviceGetPciInfo", d, p); }

nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char *bus_id, void **device)
{
    int i;
    char buf[32], legacy[16];
    log_call("nvmlDeviceGetHandleByPciBusId_v2");
    NEED_INIT();
    NEED_PTR(bus_id);
    NEED_PTR(device);
    load_gpus();
    for (i = 0; i < g_gpu_count; i++) {
        format_bus_id(buf, sizeof buf, i, 0);
        format_bus_id(legacy, sizeof legacy, i, 1);
        if (strcasecmp(buf, bus_id) == 0 || strcasecmp(legacy, bus_id) == 0) {
            if (g_gpus[i].lost >= 2)
                return NVML_ERROR_GPU_IS_LOST;
            *device = &g_gpus[i];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(void *device, int *major, int *minor)
{
    DEVICE_CALL("nvmlDeviceGetCudaComputeCapability", device, F_CC);
    NEED_PTR(major);
    NEED_PTR(minor);
    *major = g->cc_major;
    *minor = g->cc_minor;
    return NVML_SUCCESS;
}

#define MIB 1048576ULL

typedef struct {
    unsigned long long total, free, used;
} nvmlMemory_t;

/* v2: version is NVML_STRUCT_VERSION(Memory, 2) = sizeof | (2 << 24) */
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;

#define NVML_MEMORY_V2_VERSION ((unsigned int)(sizeof(nvmlMemory_v2_t) | (2u << 24)))

nvmlReturn_t nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *mem)
{
    unsigned long long total, used;
    DEVICE_CALL("nvmlDeviceGetMemoryInfo", device, F_MEMORY);
    NEED_PTR(mem);
    total = g->total_mib * MIB;
    used = (g->used_mib + g->reserved_mib) * MIB; /* v1 counts reserved as used */
    if (used > total) used = total;
    mem->total = total;
    mem->used = used;
    mem->free = total - used;
    return NVML_SUCCESS;
}

#ifndef OMIT_MEMORY_INFO_V2
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(void *device, nvmlMemory_v2_t *mem)
{
    unsigned long long total, used, reserved;
    DEVICE_CALL("nvmlDeviceGetMemoryInfo_v2", device, F_MEMORY);
    NEED_PTR(mem);
    if (mem->version != NVML_MEMORY_V2_VERSION)
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    total = g->total_mib * MIB;
    reserved = g->reserved_mib * MIB;
    used = g->used_mib * MIB;
    if (reserved > total) reserved = total;
    if (used > total - reserved) used = total - reserved;
    mem->total = total;
    mem->reserved = reserved;
    mem->used = used;
    mem->free = total - reserved - used;
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetPersistenceMode(void *device, unsigned int *mode)
{
    DEVICE_CALL("nvmlDeviceGetPersistenceMode", device, F_PERSISTENCE);
    NEED_PTR(mode);
    *mode = g->persistence ? 1u : 0u;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigMode(void *device, unsigned int *current, unsigned int *pending)
{
    DEVICE_CALL("nvmlDeviceGetMigMode", device, F_MIG);
    NEED_PTR(current);
    NEED_PTR(pending);
    *current = g->mig ? 1u : 0u;
    *pending = g->mig_pending ? 1u : 0u;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEccMode(void *device, unsigned int *current, unsigned int *pending)
{
    DEVICE_CALL("nvmlDeviceGetEccMode", device, F_ECC);
    NEED_PTR(current);
    NEED_PTR(pending);
    *current = g->ecc ? 1u : 0u;
    *pending = g->ecc_pending ? 1u : 0u;
    return NVML_SUCCESS;
}

/* errorType: 0 corrected, 1 uncorrected; counterType: 0 volatile, 1 aggregate */
nvmlReturn_t nvmlDeviceGetTotalEccErrors(void *device, unsigned int errorType,
                                         unsigned int counterType,
                                         unsigned long long *count)
{
    DEVICE_CALL("nvmlDeviceGetTotalEccErrors", device, F_ECC_ERRORS);
    NEED_PTR(count);
    if (!g->ecc) /* real NVML: "Requires ECC Mode to be enabled" */
        return NVML_ERROR_NOT_SUPPORTED;
    if (errorType > 1 || counterType > 1)
        return NVML_ERROR_INVALID_ARGUMENT;
    if (errorType == 0)
        *count = g->ecc_corrected;
    else if (counterType == 0)
        *count = g->ecc_uncorrected;
    else
        *count = g->ecc_aggregate ? g->ecc_aggregate : g->ecc_uncorrected;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(void *device, unsigned int *pending)
{
    DEVICE_CALL("nvmlDeviceGetRetiredPagesPendingStatus", device, F_RETIRED_PAGES);
    NEED_PTR(pending);
    *pending = g->retired_pending ? 1u : 0u;
    return NVML_SUCCESS;
}

#ifndef OMIT_REMAPPED_ROWS
nvmlReturn_t nvmlDeviceGetRemappedRows(void *device, unsigned int *corrRows,
                                       unsigned int *uncRows, unsigned int *isPending,
                                       unsigned int *failureOccurred)
{
    DEVICE_CALL("nvmlDeviceGetRemappedRows", device, F_REMAPPED_ROWS);
    NEED_PTR(corrRows);
    NEED_PTR(uncRows);
    NEED_PTR(isPending);
    NEED_PTR(failureOccurred);
    *corrRows = g->remap_corr;
    *uncRows = g->remap_unc;
    *isPending = g->remap_pending ? 1u : 0u;
    *failureOccurred = g->remap_failed ? 1u : 0u;
    return NVML_SUCCESS;
}
#endif

static nvmlReturn_t clock_reasons(const char *fn, void *device, unsigned long long *reasons)
{
    DEVICE_CALL(fn, device, F_THROTTLE);
    NEED_PTR(reasons);
    *reasons = g->throttle;
    return NVML_SUCCESS;
}
#ifndef OMIT_CLOCK_EVENT_REASONS
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(void *d, unsigned long long *r) { return clock_reasons("nvmlDeviceGetCurrentClocksEventReasons", d, r); }
#endif
nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(void *d, unsigned long long *r) { return clock_reasons("nvmlDeviceGetCurrentClocksThrottleReasons", d, r); }

nvmlReturn_t nvmlDeviceGetTemperature(void *device, unsigned int sensor, unsigned int *temp)
{
    DEVICE_CALL("nvmlDeviceGetTemperature", device, F_TEMP);
    NEED_PTR(temp);
    if (sensor != 0) /* only NVML_TEMPERATURE_GPU */
        return NVML_ERROR_INVALID_ARGUMENT;
    *temp = g->temp;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(void *device, unsigned int *limit)
{
    DEVICE_CALL("nvmlDeviceGetPowerManagementLimit", device, F_POWER_LIMIT);
    NEED_PTR(limit);
    *limit = g->power_limit;
    return NVML_SUCCESS;
}

#define PCIE_GETTER(fn, member)                              \
    nvmlReturn_t fn(void *device, unsigned int *out)         \
    {                                                        \
        DEVICE_CALL(#fn, device, F_PCIE);                    \
        NEED_PTR(out);                                       \
        *out = g->member;                                    \
        return NVML_SUCCESS;                                 \
    }
PCIE_GETTER(nvmlDeviceGetCurrPcieLinkGeneration, pcie_cur_gen)
PCIE_GETTER(nvmlDeviceGetMaxPcieLinkGeneration, pcie_max_gen)
PCIE_GETTER(nvmlDeviceGetCurrPcieLinkWidth, pcie_cur_width)
PCIE_GETTER(nvmlDeviceGetMaxPcieLinkWidth, pcie_max_width)

nvmlReturn_t nvmlDeviceGetBrand(void *device, unsigned int *brand)
{
    DEVICE_CALL("nvmlDeviceGetBrand", device, F_BRAND);
    NEED_PTR(brand);
    *brand = (unsigned int)g->brand;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetArchitecture(void *device, unsigned int *arch)
{
    DEVICE_CALL("nvmlDeviceGetArchitecture", device, F_ARCH);
    NEED_PTR(arch);
    *arch = (unsigned int)g->arch;
    return NVML_SUCCESS;
}
