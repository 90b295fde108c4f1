"""The Snapshot: everything observed about a machine, facts only.

``None`` always means "unknown" (not probed, not in the pasted text, or the probe
failed — then a :class:`ProbeError` says why). Models are standard dataclasses so
the quick health path does not pay for importing pydantic; pydantic validates,
loads and describes them (see :mod:`cudacheck.serialize`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ._version import __version__
from .names import package_key
from .vocabulary import ProbeLevel, SnapshotOrigin

SNAPSHOT_SCHEMA_VERSION = 1

BUG = "bug"
"""The ``ProbeError.kind`` of a probe that raised: a bug in cudacheck (see :mod:`cudacheck.errors`)."""


@dataclass
class ProbeError:
    """A probe that could not do its job; itself a fact the rules interpret."""

    probe: str
    kind: str  # not_found | timeout | crashed | error | permission | unsupported | bug
    message: str
    code: Optional[int] = None
    seconds: Optional[float] = None


@dataclass
class PlatformFacts:
    """Operating system and interpreter."""

    system: Optional[str] = None
    kernel: Optional[str] = None
    machine: Optional[str] = None
    distro: Optional[str] = None
    libc: Optional[str] = None
    python_version: Optional[str] = None
    python_implementation: Optional[str] = None
    python_executable: Optional[str] = None
    virtualenv: Optional[str] = None
    conda_prefix: Optional[str] = None


@dataclass
class EnvironmentFacts:
    """The Python environment whose files were inspected, and why that one.

    cudacheck judges an environment's files (torch, packages, libraries, extensions),
    not its own process: by default its own interpreter's, an activated ``VIRTUAL_ENV``
    or ``CONDA_PREFIX`` that is not its own (a ``pipx``/``uv tool`` install), or the
    interpreter named with ``--python``. The interpreter itself reports these facts."""

    prefix: Optional[str] = None  # sys.prefix: the environment's root
    executable: Optional[str] = None  # the interpreter (a venv's bin/python, not what it links to)
    selected_by: str = "own"  # own | --python | VIRTUAL_ENV | CONDA_PREFIX | python= (API)
    kind: Optional[str] = None  # venv | conda | system
    manager: Optional[str] = None  # venv | virtualenv | uv | conda (who made it, when it says)
    python_version: Optional[str] = None
    implementation: Optional[str] = None  # cpython | pypy
    platform: Optional[str] = None  # sys.platform
    base_prefix: Optional[str] = None  # the Python a venv was made from
    sys_path: List[str] = field(default_factory=list)  # the import path a normal start would have
    site_packages: List[str] = field(default_factory=list)
    user_site: Optional[str] = None
    user_site_enabled: Optional[bool] = None  # whether the user site is on that path
    system_site_packages: Optional[bool] = None  # a venv made with --system-site-packages
    note: Optional[str] = None  # why another environment was not inspected, when one was asked for


@dataclass
class GpuFacts:
    """One GPU as NVML (or a pasted report) describes it."""

    index: Optional[int] = None
    name: Optional[str] = None
    uuid: Optional[str] = None
    pci_bus_id: Optional[str] = None
    pci_device_id: Optional[str] = None
    compute_capability: Optional[str] = None
    architecture: Optional[str] = None
    brand: Optional[str] = None
    memory_total_mib: Optional[int] = None
    memory_used_mib: Optional[int] = None
    persistence_mode: Optional[bool] = None
    mig_mode: Optional[bool] = None
    ecc_enabled: Optional[bool] = None
    ecc_uncorrected_volatile: Optional[int] = None
    ecc_uncorrected_aggregate: Optional[int] = None
    retired_pages_pending: Optional[bool] = None
    remapped_rows_pending: Optional[bool] = None
    remapped_rows_failed: Optional[bool] = None
    clock_event_reasons: Optional[int] = None
    clock_event_names: List[str] = field(default_factory=list)
    temperature_c: Optional[int] = None
    power_limit_w: Optional[float] = None
    pcie_gen_current: Optional[int] = None
    pcie_gen_max: Optional[int] = None
    pcie_width_current: Optional[int] = None
    pcie_width_max: Optional[int] = None
    lost: Optional[bool] = None
    unavailable_fields: Dict[str, str] = field(default_factory=dict)


@dataclass
class NvmlFacts:
    """The driver as NVML reports it."""

    status: Optional[str] = None  # ok | library_not_found | driver_not_loaded | version_mismatch | no_permission | timeout | crashed | unknown
    error_code: Optional[int] = None
    error_message: Optional[str] = None
    library_path: Optional[str] = None
    driver_version: Optional[str] = None
    nvml_version: Optional[str] = None
    cuda_driver_version: Optional[str] = None  # newest CUDA the driver supports, "12.4"
    gpu_count: Optional[int] = None
    gpus: List[GpuFacts] = field(default_factory=list)
    unavailable_fields: Dict[str, str] = field(default_factory=dict)  # driver-wide calls that failed, and why


@dataclass
class CudaDriverFacts:
    """libcuda.so.1 through the driver API (ctypes, no framework)."""

    library_path: Optional[str] = None
    is_compat_library: Optional[bool] = None
    init_code: Optional[int] = None
    init_error_name: Optional[str] = None
    init_error_string: Optional[str] = None
    driver_version: Optional[str] = None  # cuDriverGetVersion, "12.4"
    device_count: Optional[int] = None


@dataclass
class VisibleDevices:
    """A parsed CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES value."""

    raw: Optional[str] = None
    kind: Optional[str] = None  # unset | empty | all | none | void | indices | uuids | mixed
    indices: List[int] = field(default_factory=list)
    uuids: List[str] = field(default_factory=list)

    def hides_every_gpu(self) -> bool:
        """True when CUDA, reading this as CUDA_VISIBLE_DEVICES, sees no GPU: an empty, ``none`` or ``void``
        value, a negative index or a bare word first (CUDA stops reading the list at the first invalid entry; a batch
        system's placeholder such as ``NoDevFiles`` lists no GPU)."""
        if self.kind in ("empty", "none", "void"):
            return True
        if self.kind in (None, "unset", "all"):
            return False
        first = (self.raw or "").split(",")[0].strip()
        if first.startswith("-") and first[1:].isdigit():
            return True
        # a bare word only: "$LOCAL_RANK", "${SLURM_LOCALID}" or a quoted list are a script's text, not the value
        return first.isalpha()


@dataclass
class ShmFacts:
    """/dev/shm, used by DataLoader workers and NCCL."""

    path: str = "/dev/shm"
    exists: Optional[bool] = None
    size_bytes: Optional[int] = None
    free_bytes: Optional[int] = None
    writable: Optional[bool] = None  # a segment could be created (and was removed again)
    write_error: Optional[str] = None  # why creating it failed, e.g. "[Errno 13] Permission denied"


@dataclass
class ContainerFacts:
    """Devices, container, environment and resource limits."""

    in_container: Optional[bool] = None
    runtime: Optional[str] = None  # docker | podman | containerd | kubernetes | lxc | wsl | ...
    uid: Optional[int] = None
    dev_nodes: Optional[List[str]] = None
    env: Dict[str, str] = field(default_factory=dict)  # allow-listed variables only
    cuda_visible_devices: Optional[VisibleDevices] = None
    nvidia_visible_devices: Optional[VisibleDevices] = None
    shm: Optional[ShmFacts] = None
    cgroup_memory_limit_bytes: Optional[int] = None
    cgroup_cpu_limit: Optional[float] = None
    ipc_host: Optional[bool] = None
    gpus_flag: Optional[str] = None  # from a pasted `docker run --gpus ...`
    image: Optional[str] = None


@dataclass
class TorchInstall:
    """One installed torch distribution (more than one is itself a fact)."""

    version: Optional[str] = None
    location: Optional[str] = None
    origin: Optional[str] = None  # site-packages | user-site | path | local-folder


@dataclass
class TorchFacts:
    """The torch build, read from its files without importing it."""

    installed: Optional[bool] = None
    version: Optional[str] = None  # "2.4.1+cu121"
    cuda: Optional[str] = None  # torch.version.cuda, None for CPU builds
    hip: Optional[str] = None
    xpu: Optional[bool] = None
    debug: Optional[bool] = None
    git_version: Optional[str] = None
    location: Optional[str] = None
    nvidia_requirements: Dict[str, str] = field(default_factory=dict)  # nvidia-cudnn-cu12 -> "==9.1.0.70"
    installs: List[TorchInstall] = field(default_factory=list)
    shadowed_by: Optional[str] = None  # a local torch/ folder that imports first
    arch_list: Optional[List[str]] = None  # compile-time, e.g. ["sm_80", "sm_90", "compute_90"]
    arch_list_source: Optional[str] = None  # deep | binary | compat_data | pasted
    cudnn_version: Optional[str] = None  # build-time/bundled, when known


@dataclass
class PackageFacts:
    """One installed Python distribution relevant to GPU work."""

    name: str
    version: Optional[str] = None
    location: Optional[str] = None
    libraries: List[str] = field(default_factory=list)  # shared libraries the wheel installs


@dataclass
class LibraryFacts:
    """One CUDA library file found on this machine."""

    name: str  # cudart | cudnn | nccl | cublas | cublasLt | nvrtc | ...
    path: str
    origin: str  # ld_library_path | ldconfig | pip | conda | cuda_home | rpath | mapped | system_dirs
    version: Optional[str] = None
    version_source: Optional[str] = None  # call | filename | metadata
    origins: List[str] = field(default_factory=list)  # every way it was found; origin is the first
    packages: List[str] = field(default_factory=list)  # pip wheels whose RECORD lists this file (2+: they overwrote each other)
    load_error: Optional[str] = None  # dlopen or version call failed in the probe child


@dataclass
class LibrariesFacts:
    """CUDA user-space libraries: what exists where, and what a loader picks."""

    found: List[LibraryFacts] = field(default_factory=list)
    resolved: Dict[str, LibraryFacts] = field(default_factory=dict)
    nvcc_path: Optional[str] = None
    nvcc_version: Optional[str] = None
    cuda_home: Optional[str] = None
    system_cudnn_version: Optional[str] = None
    cuda_home_source: Optional[str] = None  # env | nvcc | default (as torch.utils.cpp_extension finds it)
    torch_needed: Optional[List[str]] = None  # CUDA library SONAMEs torch's ELF files link (DT_NEEDED); [] for CPU builds
    torch_rpath: Optional[List[str]] = None  # folders torch's RUNPATH/RPATH name, $ORIGIN expanded
    torch_rpath_kind: Optional[str] = None  # runpath (searched after LD_LIBRARY_PATH) | rpath (before it)


@dataclass
class KernelGroup:
    """Fatbin containers of one library that carry exactly the same targets.

    A container is roughly one translation unit: a GPU runs its kernels only if one
    of *its* targets fits, so coverage is judged per group, not on the union."""

    sass: List[str] = field(default_factory=list)  # ["sm_80", "sm_90a"]
    ptx: List[str] = field(default_factory=list)  # ["compute_90"]
    count: int = 1  # containers with this target set
    ptx_isa: Optional[str] = None  # newest PTX ISA version of its PTX entries, "9.0"


@dataclass
class KernelBinary:
    """One shared library with GPU code (torch's own or an extension's), read from its file."""

    path: str
    package: Optional[str] = None  # the distribution that installed it; "torch" for torch/lib
    package_version: Optional[str] = None
    containers: int = 0
    groups: List[KernelGroup] = field(default_factory=list)
    sass: List[str] = field(default_factory=list)  # union over containers
    ptx: List[str] = field(default_factory=list)
    ptx_isa: List[str] = field(default_factory=list)
    relocatable: List[str] = field(default_factory=list)  # __nv_relfatbin targets (not loaded by the runtime)
    cudart: Optional[str] = None  # shared | static
    cudart_soname: Optional[str] = None  # "libcudart.so.12", "libcudart.faf08d9a.so.13"
    cudart_major: Optional[int] = None
    cudart_resolves: Optional[bool] = None  # whether the loader finds that runtime (judged when torch uses another)
    torch_abi: Optional[str] = None  # cxx (C++ symbols) | stable (aoti_torch_* C ABI) | none
    cxx11_abi: Optional[bool] = None  # std::__cxx11 strings (True) or the old ABI (False)
    torch_symbols: Optional[int] = None  # undefined symbols of torch's interfaces
    missing_torch_symbols: Optional[List[str]] = None  # not exported by the installed torch (first few)
    missing_torch_symbols_count: Optional[int] = None
    requires_torch: Optional[str] = None  # Requires-Dist: torch specifier, "==2.13.0"
    local_version: Optional[str] = None  # wheel local version, "cu12torch2.4cxx11abiTRUE"
    needed: List[str] = field(default_factory=list)  # DT_NEEDED
    notes: List[str] = field(default_factory=list)


@dataclass
class KernelInventory:
    """GPU code of torch and of every installed CUDA extension (standard level)."""

    binaries: List[KernelBinary] = field(default_factory=list)
    torch_cudart_major: Optional[int] = None  # the CUDA runtime major torch's libraries link
    torch_cxx11_abi: Optional[bool] = None
    files_checked: int = 0  # shared libraries looked at (most carry no GPU code)
    files_cached: int = 0  # answered from the per-file cache


@dataclass
class SmokeResult:
    """One GPU's smoke test in the deep child."""

    index: int
    matmul_ok: Optional[bool] = None
    matmul_max_error: Optional[float] = None
    conv_ok: Optional[bool] = None
    bf16_supported: Optional[bool] = None
    error: Optional[str] = None
    name: Optional[str] = None  # torch.cuda.get_device_name
    compute_capability: Optional[str] = None  # torch.cuda.get_device_capability, "8.6"
    conv_max_error: Optional[float] = None


@dataclass
class DeepFacts:
    """What a child process that imported torch saw."""

    ran: bool = False
    import_error: Optional[str] = None
    torch_version: Optional[str] = None
    torch_file: Optional[str] = None
    cuda_available: Optional[bool] = None
    device_count: Optional[int] = None
    cuda_init_error: Optional[str] = None
    arch_flags: Optional[str] = None
    arch_list: Optional[List[str]] = None
    cudnn_version: Optional[int] = None
    nccl_version: Optional[str] = None
    mapped_libraries: List[str] = field(default_factory=list)
    smoke: List[SmokeResult] = field(default_factory=list)
    torch_cuda: Optional[str] = None  # torch.version.cuda of the torch that imported
    call_errors: Dict[str, str] = field(default_factory=dict)  # e.g. cudnn_version -> "cuDNN version incompatibility: ..."
    warnings: List[str] = field(default_factory=list)  # warnings and stderr lines torch printed in the child
    last_step: Optional[str] = None  # the step the child was in when it crashed or timed out


@dataclass
class Observation:
    """A recognised error signature in pasted text or a deep child's output."""

    signature: str  # e.g. "no_kernel_image", "driver_too_old_found_version"
    text: str  # the matching line, trimmed
    line: Optional[int] = None
    values: Dict[str, str] = field(default_factory=dict)


@dataclass
class Assumption:
    """Facts set from a what-if target instead of observed (``cudacheck doctor --target``).

    The rest of the Snapshot was probed for real; ``unknown`` lists the host-only facts
    that were set to unknown because the machine probed is not the target."""

    target: str
    description: str = ""
    replaced: List[str] = field(default_factory=list)  # fields set from the target: "nvml.driver_version", …
    unknown: List[str] = field(default_factory=list)  # host-only fields made unknown: "container.dev_nodes", …
    notes: List[str] = field(default_factory=list)  # how assumed values were derived


@dataclass
class Snapshot:
    """Everything observed about one environment; the seam between probes and rules."""

    schema_version: int = SNAPSHOT_SCHEMA_VERSION
    cudacheck_version: str = __version__
    source: SnapshotOrigin = "live"
    level: Optional[ProbeLevel] = None
    created: Optional[str] = None  # ISO 8601 UTC
    platform: PlatformFacts = field(default_factory=PlatformFacts)
    nvml: NvmlFacts = field(default_factory=NvmlFacts)
    cuda_driver: CudaDriverFacts = field(default_factory=CudaDriverFacts)
    container: ContainerFacts = field(default_factory=ContainerFacts)
    torch: TorchFacts = field(default_factory=TorchFacts)
    packages: Optional[List[PackageFacts]] = None
    libraries: Optional[LibrariesFacts] = None
    kernels: Optional[KernelInventory] = None
    deep: Optional[DeepFacts] = None
    observations: List[Observation] = field(default_factory=list)
    probe_errors: List[ProbeError] = field(default_factory=list)
    timings: Dict[str, float] = field(default_factory=dict)
    assumed: Optional[Assumption] = None  # set only for a what-if target: see Assumption
    environment: Optional[EnvironmentFacts] = None  # the Python environment inspected (live snapshots)

    def package(self, name: str) -> Optional[PackageFacts]:
        """The installed package of that (normalised) name, if the packages were probed."""
        wanted = package_key(name)
        for package in self.packages or ():
            if package_key(package.name) == wanted:
                return package
        return None

    def errors_of(self, probe: str) -> List[ProbeError]:
        """Probe errors recorded by one probe."""
        return [error for error in self.probe_errors if error.probe == probe]

