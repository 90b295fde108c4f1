/*
 * fake_versioned.c - stand-ins for CUDA user-space libraries whose only job
 * in tests is to be found, loaded and asked for their version.
 *
 * Compile with exactly one of
 *   -DFAKE_KIND_CUDART  -> libcudart.so.12   cudaRuntimeGetVersion, ...
 *   -DFAKE_KIND_CUDNN   -> libcudnn.so.9/.8  cudnnGetVersion, ...
 *   -DFAKE_KIND_NCCL    -> libnccl.so.2      ncclGetVersion
 *   -DFAKE_KIND_CUBLAS  -> libcublas.so.12   cublasGetProperty, ...
 *   -DFAKE_KIND_NVRTC   -> libnvrtc.so.12    nvrtcVersion, ...
 * and optionally -DVERSION=<encoded int> (each library's own encoding, see
 * below) and, for cuDNN / cuBLAS, -DCUDART_VERSION=<int>.
 */
#include <stddef.h>
#include <stdlib.h>

#if defined(FAKE_KIND_CUDART)
/* ------------------------------------------------------------ libcudart
 * VERSION: CUDA encoding major*1000 + minor*10 (12040 = 12.4).
 * cudaDriverGetVersion / cudaGetDeviceCount consult libcuda.so.1 through
 * dlopen, like the real runtime does, so they see the fake libcuda (and its
 * FAKE_CUDA_* variables) when it is on LD_LIBRARY_PATH, and report "no
 * driver" (version 0, cudaErrorInsufficientDriver) when it is not.
 * FAKE_CUDART_ERROR=<code> forces cudaGetDeviceCount to return <code>.
 */
#include <dlfcn.h>
#include <string.h>

#ifndef VERSION
#define VERSION 12040
#endif

typedef int (*cu_int_fn)(int *);
typedef int (*cu_init_fn)(unsigned int);

static void *open_libcuda(void)
{
    static void *handle;
    if (!handle)
        handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    return handle;
}

int cudaRuntimeGetVersion(int *runtimeVersion)
{
    if (!runtimeVersion)
        return 1; /* cudaErrorInvalidValue */
    *runtimeVersion = VERSION;
    return 0;
}

/* Real behaviour: 0 and cudaSuccess when no driver is installed. */
int cudaDriverGetVersion(int *driverVersion)
{
    void *h;
    cu_int_fn fn;
    if (!driverVersion)
        return 1;
    *driverVersion = 0;
    h = open_libcuda();
    if (!h)
        return 0;
    fn = (cu_int_fn)dlsym(h, "cuDriverGetVersion");
    if (!fn)
        return 0;
    if (fn(driverVersion) != 0)
        *driverVersion = 0;
    return 0;
}

int cudaGetDeviceCount(int *count)
{
    const char *forced = getenv("FAKE_CUDART_ERROR");
    void *h;
    cu_init_fn init;
    cu_int_fn ver, cnt;
    int driver = 0, rc;
    if (!count)
        return 1;
    *count = 0;
    if (forced && *forced && atoi(forced) != 0)
        return atoi(forced);
    h = open_libcuda();
    if (!h)
        return 35; /* cudaErrorInsufficientDriver */
    init = (cu_init_fn)dlsym(h, "cuInit");
    ver = (cu_int_fn)dlsym(h, "cuDriverGetVersion");
    cnt = (cu_int_fn)dlsym(h, "cuDeviceGetCount");
    if (!init || !ver || !cnt)
        return 35;
    if (ver(&driver) != 0 || driver / 1000 < VERSION / 1000)
        return 35; /* minor-version compatibility: only the major must match */
    rc = init(0);
    if (rc != 0)
        return rc; /* these CUresult codes share numbers with cudaError_t */
    rc = cnt(count);
    if (rc != 0)
        return rc;
    return *count == 0 ? 100 : 0; /* cudaErrorNoDevice */
}

const char *cudaGetErrorName(int error)
{
    switch (error) {
    case 0: return "cudaSuccess";
    case 1: return "cudaErrorInvalidValue";
    case 3: return "cudaErrorInitializationError";
    case 34: return "cudaErrorStubLibrary";
    case 35: return "cudaErrorInsufficientDriver";
    case 36: return "cudaErrorCallRequiresNewerDriver";
    case 46: return "cudaErrorDevicesUnavailable";
    case 100: return "cudaErrorNoDevice";
    case 101: return "cudaErrorInvalidDevice";
    case 802: return "cudaErrorSystemNotReady";
    case 803: return "cudaErrorSystemDriverMismatch";
    case 804: return "cudaErrorCompatNotSupportedOnDevice";
    case 999: return "cudaErrorUnknown";
    default: return "cudaErrorUnknown";
    }
}

const char *cudaGetErrorString(int error)
{
    switch (error) {
    case 0: return "no error";
    case 1: return "invalid argument";
    case 3: return "initialization error";
    case 34: return "CUDA driver is a stub library";
    case 35: return "CUDA driver version is insufficient for CUDA runtime version";
    case 36: return "API call is not supported in the installed CUDA driver";
    case 46: return "CUDA-capable device(s) is/are busy or unavailable";
    case 100: return "no CUDA-capable device is detected";
    case 101: return "invalid device ordinal";
    case 802: return "system not yet initialized";
    case 803: return "system has unsupported display driver / cuda driver combination";
    case 804: return "forward compatibility was attempted on non supported HW";
    case 999: return "unknown error";
    default: return "unrecognized error code";
    }
}

#elif defined(FAKE_KIND_CUDNN)
/* -------------------------------------------------------------- libcudnn
 * VERSION: cuDNN 9 encodes major*10000 + minor*100 + patch (90100 = 9.1.0);
 * cuDNN 8 encodes major*1000 + minor*100 + patch (8907 = 8.9.7).
 */
#ifndef VERSION
#define VERSION 90100
#endif
#ifndef CUDART_VERSION
#define CUDART_VERSION 12040
#endif

size_t cudnnGetVersion(void) { return (size_t)VERSION; }
size_t cudnnGetCudartVersion(void) { return (size_t)CUDART_VERSION; }

/* libraryPropertyType: MAJOR_VERSION=0, MINOR_VERSION=1, PATCH_LEVEL=2 */
int cudnnGetProperty(int type, int *value)
{
    const int v = VERSION;
    const int v9 = v >= 90000;
    const int bad_param = v9 ? 2000 : 3; /* CUDNN_STATUS_BAD_PARAM */
    if (!value)
        return bad_param;
    switch (type) {
    case 0: *value = v9 ? v / 10000 : v / 1000; return 0;
    case 1: *value = v9 ? (v / 100) % 100 : (v / 100) % 10; return 0;
    case 2: *value = v % 100; return 0;
    default: return bad_param;
    }
}

#elif defined(FAKE_KIND_NCCL)
/* --------------------------------------------------------------- libnccl
 * VERSION: NCCL >= 2.9 encodes major*10000 + minor*100 + patch (21903 =
 * 2.19.3); older releases used major*1000 + minor*100 + patch.
 */
#ifndef VERSION
#define VERSION 21903
#endif

int ncclGetVersion(int *version)
{
    if (!version)
        return 4; /* ncclInvalidArgument */
    *version = VERSION;
    return 0; /* ncclSuccess */
}

const char *ncclGetErrorString(int result)
{
    switch (result) {
    case 0: return "no error";
    case 4: return "invalid argument";
    default: return "unknown result code";
    }
}

#elif defined(FAKE_KIND_CUBLAS)
/* ------------------------------------------------------------- libcublas
 * VERSION: CUBLAS_VERSION encoding major*10000 + minor*100 + patch
 * (120405 = 12.4.5).
 */
#ifndef VERSION
#define VERSION 120405
#endif
#ifndef CUDART_VERSION
#define CUDART_VERSION 12040
#endif

/* libraryPropertyType: MAJOR_VERSION=0, MINOR_VERSION=1, PATCH_LEVEL=2.
 * Callable without a handle. */
int cublasGetProperty(int type, int *value)
{
    if (!value)
        return 7; /* CUBLAS_STATUS_INVALID_VALUE */
    switch (type) {
    case 0: *value = VERSION / 10000; return 0;
    case 1: *value = (VERSION / 100) % 100; return 0;
    case 2: *value = VERSION % 100; return 0;
    default: return 7;
    }
}

/* The real one takes a cublasHandle_t; the fake ignores it (NULL is fine). */
int cublasGetVersion_v2(void *handle, int *version)
{
    (void)handle;
    if (!version)
        return 7;
    *version = VERSION;
    return 0;
}

size_t cublasGetCudartVersion(void) { return (size_t)CUDART_VERSION; }

#elif defined(FAKE_KIND_NVRTC)
/* -------------------------------------------------------------- libnvrtc
 * VERSION: CUDA encoding major*1000 + minor*10 (12040 = 12.4).
 */
#ifndef VERSION
#define VERSION 12040
#endif

int nvrtcVersion(int *major, int *minor)
{
    if (!major || !minor)
        return 3; /* NVRTC_ERROR_INVALID_INPUT */
    *major = VERSION / 1000;
    *minor = (VERSION % 1000) / 10;
    return 0; /* NVRTC_SUCCESS */
}

/* A plausible supported-arch list: sm_50 .. sm_90 for CUDA 12 (plus sm_100
 * and sm_120 from 12.8), sm_35 .. sm_86 for CUDA 11. */
static const int archs_12[] = {50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90};
static const int archs_128[] = {50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90, 100, 120};
static const int archs_11[] = {35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86};

static const int *arch_list(int *n)
{
    if (VERSION >= 12080) { *n = (int)(sizeof archs_128 / sizeof(int)); return archs_128; }
    if (VERSION >= 12000) { *n = (int)(sizeof archs_12 / sizeof(int)); return archs_12; }
    *n = (int)(sizeof archs_11 / sizeof(int));
    return archs_11;
}

int nvrtcGetNumSupportedArchs(int *numArchs)
{
    if (!numArchs)
        return 3;
    arch_list(numArchs);
    return 0;
}

int nvrtcGetSupportedArchs(int *supportedArchs)
{
    int n, i;
    const int *a;
    if (!supportedArchs)
        return 3;
    a = arch_list(&n);
    for (i = 0; i < n; i++)
        supportedArchs[i] = a[i];
    return 0;
}

#else
#error "define one of FAKE_KIND_CUDART, FAKE_KIND_CUDNN, FAKE_KIND_NCCL, FAKE_KIND_CUBLAS, FAKE_KIND_NVRTC"
#endif
