"""The catalogue of messages that CUDA, the driver, NVML, the container toolkit, torch and
the libraries around it print, each naming the observation (:class:`~cudacheck.observations.Obs`)
it is.

A :class:`Message` holds literal keywords ("anchors", lower case) one of which every
matching line contains, and an anchored or literal-led regular expression that confirms
the match and extracts values. Triage scans pasted text with it (only lines holding an
anchor are matched, so the cost is linear in the input); the deep rules classify the
error text torch printed in a child with :func:`recognise`. One table, so a message means
the same wherever it is read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Pattern, Tuple

from .lazy_regex import lazy_compile
from .observations import Obs

_I = re.IGNORECASE


@dataclass(frozen=True)
class Message:
    """One recognisable message."""

    obs: Obs
    anchors: Tuple[str, ...]  # lower-case literals; a matching line contains one of them
    pattern: Pattern[str]
    join_next: int = 0  # also match across this many following lines (wrapped messages)
    exclude: Optional[Pattern[str]] = None
    needs: Tuple[str, ...] = ()
    """Lower-case literals one of which every match also contains, where the anchors alone are common words of
    long log lines (``nvcc``, ``sm_``, ``bf16``): the expression then runs only where one occurs."""

    def may_match(self, lowered: str) -> bool:
        """Whether a line (lower case) holding an anchor can match at all: it holds one of the ``needs``."""
        return not self.needs or any(need in lowered for need in self.needs)

    @property
    def name(self) -> str:
        return self.obs.value

    @property
    def category(self) -> str:
        return self.obs.category


def _message(obs: Obs, anchors: Tuple[str, ...], pattern: str, join_next: int = 0,
             exclude: Optional[str] = None, needs: Tuple[str, ...] = ()) -> Message:
    if any(word != word.lower() for word in anchors + needs):
        raise ValueError(f"{obs}: anchors and needs must be lower case")
    return Message(obs, anchors, lazy_compile(pattern, _I), join_next, lazy_compile(exclude, _I) if exclude else None,
                   needs)


_CUDA_CODE = r"(?:(?:cuda\w*\s*)?error(?:\s*code)?\s*[:=]?\s*\(?|returned\s+|code\s*=\s*)"
"""How a CUDA error number is introduced: "CUDA error 35", "error code: 999", "cuda runtime error (30)",
"cudaGetDeviceCount returned 100", "THCudaCheck FAIL … code=38"."""
_LEGACY_CODE = r"(?:cuda runtime error\s*\(|returned\s+|code\s*=\s*|\bline=\d+\s+error=)"
"""Numbers of the runtime API before CUDA 10.1 (30 unknown, 38 no device, 48 no kernel image) appear only with
the words of old torch (THC) and deviceQuery around them."""

_ENTRY_POINT = (r"(?:procedure entry point|Prozedureinsprungpunkt|point d'entrée de procédure|无法定位程序输入点|"
                r"プロシージャ\s*エントリ\s*ポイント)")
"""Windows' loader dialog for a missing export, in English, German, French, Chinese and Japanese."""

MESSAGES: Tuple[Message, ...] = (
    # --- driver too old -----------------------------------------------------------------
    _message(Obs.DRIVER_TOO_OLD, ("too old",),
             # (also typed from memory, small words dropped: "driver on system too old")
             r"driver on (?:your )?system (?:is )?too old(?:\s*\(found version (?P<found>\d{4,6})\))?", join_next=1),
    _message(Obs.DRIVER_FOUND_VERSION, ("found version",),
             r"\(?found version (?P<found>\d{4,6})\)"),
    _message(Obs.INSUFFICIENT_DRIVER, ("insufficient for cuda runtime", "insufficient cuda runtime",
                                       "insufficientdriver", "insufficient_driver", "driver version is insufficient",
              "insufficient driver", "error 35", "code 35", "error: 35", "error=35", "returned 35", "code=35",
              "error (35)"),
             r"cuda driver version (?:is )?insufficient(?:\s+(?:for )?cuda runtime(?: version)?)?\b|(?:cuda)?Error\s*_?Insufficient[ _]?Driver|"
             r"CUDA_ERROR_INSUFFICIENT_DRIVER|" + _CUDA_CODE + r"35\b(?!\.)", exclude=r"errno|\[Errno 35\]"),
    # a CUDA driver API function (cu + a capital: cuGreenCtxDestroy, cuTensorMapEncodeTiled) missing from libcuda;
    # the runtime's cuda*, and cublas/cudnn/cufft…, are libraries' symbols, read elsewhere
    _message(Obs.DRIVER_API_SYMBOL, ("undefined symbol",),
             r"undefined symbol:?\s*(?P<symbol>(?-i:cu[A-Z][A-Za-z0-9]*(?:_v\d+)?))\b"),
    _message(Obs.UNSUPPORTED_PTX, ("unsupported toolchain", "unsupportedptxversion", "unsupported_ptx_version",
                                   "error 222", "code 222"),
             r"provided PTX was compiled with an unsupported toolchain|cudaErrorUnsupportedPtxVersion|"
             r"CUDA_ERROR_UNSUPPORTED_PTX_VERSION|" + _CUDA_CODE + r"222\b"),
    _message(Obs.CUDA_NOT_SUPPORTED, ("operation not supported", "cudaerrornotsupported", "cuda_error_not_supported",
                                      "error 801", "code 801", "error: 801", "code=801", "error (801"),
             r"cudaErrorNotSupported|CUDA_ERROR_NOT_SUPPORTED|" + _CUDA_CODE + r"801\b|"
             # CUDA's words, as torch, ggml, NCCL ("Cuda failure 'operation not supported'") and others print them
             r"\bcuda(?:\s+(?:runtime|driver|rt|kernel))?\s+(?:error|failure)\s*:?\s*'?operation not supported"),
    _message(Obs.NGC_DRIVER_TOO_OLD, ("was built for nvidia driver release",),
             r"built for NVIDIA Driver Release (?P<needed>[\d.]+) or later,?\s*but\s*version (?P<found>[\d.]+) was detected",
             join_next=1),
    _message(Obs.FORWARD_COMPAT_804, ("forward compatibility was attempted", "forward compatibility attempted",
                                      "compat_not_supported", "compatnotsupported", "error 804",
              "code 804", "error: 804", "error=804"),
             r"forward compatibility (?:was )?attempted(?: on non supported HW)?|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|"
             r"cudaErrorCompatNotSupportedOnDevice|" + _CUDA_CODE + r"804\b"),
    _message(Obs.CONTAINER_REQUIREMENT, ("unsatisfied condition", "requirement error"),
             r"unsatisfied condition:\s*(?P<condition>[\w.<>=!,]+(?:\s*[<>=!]=?\s*[\w.]+)?)(?P<unknown>:\s*unknown\b)?|"
             r"nvidia-container-cli:\s*requirement error:\s*(?P<invalid>invalid expression)"),
    _message(Obs.COMPAT_LIBCUDA_PATH, ("compat/libcuda", "cuda-compat"),
             r"compat/libcuda\.so|cuda-compat"),
    _message(Obs.FORWARD_COMPAT_ENABLED, ("forward compatibility mode enabled",),
             r"CUDA Forward Compatibility mode ENABLED"),
    # --- driver not loaded / no driver -------------------------------------------------------
    _message(Obs.DRIVER_RELEASE_UNSUPPORTED_GPU, ("(pci id:",),
             r"NVIDIA GPU \S+ \(PCI ID: (?P<pci>[0-9a-fA-F:]+)\)[^\n]*?is not supported by the\s+(?:NVRM:\s*)?"
             r"NVIDIA\s+(?P<branch>[\d.]+x*) driver release",
             join_next=2),
    _message(Obs.SMI_CANNOT_COMMUNICATE, ("communicate with the nvidia driver", "nvidia-smi has failed",
                                          "communicate with the driver", "communicate with driver",
                                          "communicate with nvidia driver"),
             r"couldn'?t communicate with the (?:NVIDIA )?driver|NVIDIA-SMI has failed|"
             # retold: "nvidia-smi cannot communicate with drivers", "can't communicate with the nvidia driver"
             r"\bnvidia-smi\b[^\n]{0,20}?\b(?:can(?:'|no)?t|could(?: not|n'?t)|is\s+unable\s+to|fails\s+to)\s+communicate\s+"
             r"with\s+(?:the\s+)?(?:nvidia\s+)?drivers?\b"),
    _message(Obs.NVML_DRIVER_NOT_LOADED, ("driver not loaded", "driver_not_loaded"),
             r"(?:NVML|nvidia-container-cli|nvml error)[^\n]*driver not loaded|NVML_ERROR_DRIVER_NOT_LOADED"),
    _message(Obs.NO_NVIDIA_DRIVER, ("found no nvidia driver", "nvidia driver"),
             r"Found no NVIDIA driver(?: on (?:your )?system|\b)|"
             r"(?:can'?t|cannot|couldn'?t|could not|unable to)\s+(?:find|detect|locate)\s+(?:the\s+|an?\s+|any\s+)?"
             r"NVIDIA driver"),
    _message(Obs.KERNEL_MODULE_FAILED, ("modprobe", "key was rejected", "nvidia kernel module", "nouveau",
                                        "nvrm: the nvidia probe",
              "nvrm: no nvidia", "bad return status", "kernel module is not", "dkms", "incompatibility with kernel",
              "module build", "unable to load the", "driver is not loaded", "driver isn't loaded",
              "driver is not running", "driver isn't running", "module is not loaded", "module isn't loaded",
              "lsmod", "module cannot", "module can't", "module could not", "module couldn't", "module fails",
              "module failed"),
             r"modprobe: (?:FATAL|ERROR):[^\n]*nvidia|could not insert 'nvidia|Key was rejected by service|"
             r"NVIDIA kernel module[^\n]*(?:not loaded|missing|failed|not compiled|not built)|NVRM: The NVIDIA probe routine|"
             r"NVRM: No NVIDIA (?:GPU|devices?) found|kernel module[^\n]*nouveau[^\n]*(?:in use|loaded)|"
             r"nvidia[^\n]{0,40}(?:cannot|can'?t|could not|couldn'?t) be loaded[^\n]{0,40}nouveau|"
             r"nouveau (?:is )?(?:always |still )?(?:present|loaded|in use)|Bad return status for module build|"
             r"(?:nvidia )?kernel module is not (?:compiled|built|loaded)|dkms[^\n]{0,60}(?:error|failed)|"
             r"(?:install|build)[^\n]{0,60}nvidia[^\n]{0,40}incompatibility with kernel|"
             r"module build[^\n]{0,40}(?:failed|error)|"
             # the .run installer, nvidia-settings and the X server saying the same
             r"Unable to load the (?:kernel module|'nvidia(?:-\w+)?' kernel module)[^\n]{0,20}nvidia|"
             r"Unable to load the kernel module '?nvidia(?:-\w+)?\.ko|NVIDIA driver is not loaded|"
             # `lsmod | grep nvidia` said to print nothing
             r"lsmod\s*\|\s*grep\s+(?:-i\s+)?nvidia\b[^\n]{0,40}?(?:shows|returns|prints|gives|outputs|is|was)\s+"
             r"(?:nothing|empty|no\s+output)|"
             r"(?:Failed to load|Failed to initialize) the NVIDIA kernel module|"
             r"nvidia(?:\s+kernel)?\s+(?:driver|module)\s+(?:is\s+not|isn'?t)\s+(?:loaded|running)|"
             # the module said not to build for the running kernel: "In 6.15 kernel the nvidia module cannot be built"
             r"\bnvidia(?:[\s-]+(?:kernel|dkms|open))?\s+modules?\s+(?:cannot|can'?t|could\s+not|couldn'?t|fails?\s+to|"
             r"failed\s+to)\s+(?:be\s+)?(?:built|build|compiled?|loaded?)\b"),
    _message(Obs.RM_INIT_FAILED, ("rminitadapter failed",),
             r"RmInitAdapter failed!?\s*(?P<code>\([^)]*\))?"),
    _message(Obs.NOUVEAU_BOUND, ("kernel driver in use: nouveau",),
             r"Kernel driver in use:\s*nouveau"),
    _message(Obs.SMI_NOT_FOUND, ("nvidia-smi: command not found", "nvidia-smi: not found",
                                 "'nvidia-smi' is not recognized",
              "nvidia-smi : the term", "command not found: nvidia-smi"),
             r"nvidia-smi:? (?:command )?not found|command not found: nvidia-smi|'nvidia-smi' is not recognized|"
             r"nvidia-smi : The term"),
    _message(Obs.NVML_LIBRARY_MISSING, ("libnvidia-ml", "nvml shared library not found", "error_library_not_found",
                                        "could not load nvml library"),
             r"couldn'?t find libnvidia-ml\.so|libnvidia-ml\.so(?:\.1)?: cannot open shared object file|"
             r"NVML Shared Library Not Found|load library failed: libnvidia-ml|"
             # the Kubernetes device plugin's and GPU operator's words for the same
             r"(?:Failed to initiali[sz]e NVML|nvml\s*init(?:iali[sz]ation)?\s+failed|nvmlInit\w*\(?\)?\s*failed)"
             r"\W{0,3}\s*(?:with\s+)?ERROR_LIBRARY_NOT_FOUND|could not load NVML library"),
    _message(Obs.LIBCUDA_MISSING, ("libcuda.so",),
             r"libcuda\.so(?:\.1)?: cannot open shared object file|"
             r"(?:could not|cannot|can'?t|unable to|does not|doesn'?t) (?:load|open|find|see|locate)[^\n]*libcuda\.so|"
             r"libcuda\.so(?:\.1)? (?:not found|is not found)"),
    _message(Obs.CUDA_UNKNOWN_ERROR, ("cuda unknown error", "cudaerrorunknown", "cuda_error_unknown", "error 999",
                                      "code 999", "error: 999", "error (999", "error=999", "error=30",
              "cuda error: unknown error", "returned 999", "code=999", "returned 30", "code=30", "error (30)",
              "cuinit failed", "init gpu: unknown error"),
             r"CUDA unknown error|CUDA error: unknown error|cudaErrorUnknown|CUDA_ERROR_UNKNOWN|" + _CUDA_CODE + r"999\b|"
             + _LEGACY_CODE + r"30\b|cuInit failed(?::\s*unknown)?|"
             # a program's own words for CUDA's 999 at start ("Unable to init GPU: unknown error")
             r"\b(?:unable|failed)\s+to\s+init GPU:\s*unknown error"),
    _message(Obs.NVML_UNKNOWN_ERROR, ("failed to initialize nvml: unknown error",),
             r"Failed to initialize NVML: Unknown Error"),
    _message(Obs.SYSTEM_NOT_READY, ("system not yet initialized", "systemnotready", "system_not_ready",
                                    "error 802", "code 802", "error: 802",
              "802 error", "802 system error", "with 802"),
             r"system not yet initialized|cudaErrorSystemNotReady|CUDA_ERROR_SYSTEM_NOT_READY|" + _CUDA_CODE + r"802\b|"
             # the number said before the word: "fails with 802 system error", "an 802 error from cuInit"
             r"(?<![\w.])802\s+system\s+error\b|\b(?:an?|the|with|gives?|gave|got|returns?|returned|throws?|threw)\s+802\s+"
             r"error\b|(?:fails?|failed|failing|errors?(?: out)?)\s+with\s+802\b(?![.\d])"),
    _message(Obs.FABRICMANAGER_FAILED, ("fabricmanager", "fabric manager"),
             r"fabric ?manager[^\n]{0,120}?(?:don'?t match|does not match|mismatch|failed|not running|inactive|"
             r"could not be found|not found|not installed|missing|(?:is )?not compatible|incompatible|"
             r"main process exited|status=\d+/FAILURE)|nvidia-fabricmanager\.service[^\n]{0,300}?Active:\s*(?:failed|inactive)", join_next=2),
    # --- driver/library mismatch ------------------------------------------------------------
    _message(Obs.NVML_VERSION_MISMATCH, ("library version mismatch", "lib_rm_version_mismatch", "version mismatch"),
             r"driver\s*/\s*library version mismatch|NVML_ERROR_LIB_RM_VERSION_MISMATCH|"
             # said in a sentence: "nvidia-smi says version mismatch", "a driver version mismatch between the kernel
             # module (550.54.14) and libnvidia-ml (550.90.07)"
             r"(?:nvidia-smi|nvml)\b[^\n]{0,40}?\b(?:says|shows|reports|prints|gives|returns|fails\s+with)\s+(?:an?\s+)?"
             r"(?:driver\s*/?\s*library\s+)?version\s+mismatch|driver\s+version\s+mismatch\s+between\s+(?:the\s+)?"
             r"(?:kernel\s+module|driver|user[- ]space)"),
    _message(Obs.NVRM_API_MISMATCH, ("api mismatch", "does not match dso version"),
             r"API mismatch:[^\n]*client has the version (?P<client>[\d.]+)[^\n]*kernel module has the version "
             r"(?P<kernel>[\d.]+)|"
             # libcuda's own check, as TensorFlow's diagnostics print it: the user-space driver (the DSO) is not the
             # kernel module's version
             r"kernel version (?P<kernel_dso>\d[\d.]*?)\.*\s+does not match DSO version (?P<dso>\d[\d.]*?)\.*"
             r"(?:\s|$)", join_next=1),
    _message(Obs.CUDA_803, ("unsupported display driver", "system_driver_mismatch", "systemdrivermismatch",
                            "error 803", "code 803",
              "error: 803"),
             r"unsupported display driver\s*/\s*cuda driver combination|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|"
             r"cudaErrorSystemDriverMismatch|" + _CUDA_CODE + r"803\b"),
    # --- no GPU visible ------------------------------------------------------------------------
    _message(Obs.NO_CUDA_DEVICE, ("no cuda-capable device", "no cuda-capable is", "no cuda-capable detected",
                                  "errornodevice", "error_no_device",
                                  "error 100", "code 100", "error: 100",
              "returned 100", "code=100", "returned 38", "code=38", "error (38)"),
             r"no CUDA-capable (?:device )?(?:is )?detected|cudaErrorNoDevice|CUDA_ERROR_NO_DEVICE|" + _CUDA_CODE + r"100\b(?!%)|"
             + _LEGACY_CODE + r"38\b"),
    _message(Obs.NO_CUDA_GPUS, ("no cuda gpus are available", "no cuda gpus available", "no gpus found"),
             r"No CUDA GPUs (?:are )?available|ProcessGroupNCCL is only supported with GPUs, no GPUs found"),
    _message(Obs.DOCKER_NO_GPU_DRIVER, ("could not select device driver",),
             r"could not select device driver \"?[^\"]*\"? with capabilities:\s*\[\[gpu\]\]|"
             # retold without its quotes and brackets (not the CDI driver's refusal, read elsewhere)
             r"could not select device driver\s+(?!\"?cdi\b)(?:\"\"\s+)?with\s+capabilities:?\s*\[*\s*gpu\b"),
    _message(Obs.DOCKER_UNKNOWN_RUNTIME, ("unknown or invalid runtime name", "nvidia-container-runtime",
                                          "runtime specified"),
             r"unknown or invalid runtime name:\s*nvidia|unknown? runtime specified:?\s*nvidia|"
             # the runtime or its hook named in Docker's configuration but not installed
             r"nvidia-container-runtime(?:-hook)?[\\\"']*:?\s*(?:executable file not found|not found|No such file)"),
    _message(Obs.CUDA_TORCH_UNINSTALLED, ("uninstalling torch-", "successfully uninstalled torch-"),
             r"(?:Uninstalling|Successfully uninstalled)\s+torch-(?P<version>\d+\.\d+(?:\.\d+)?\+cu\d{2,3})\b"),
    _message(Obs.DAEMON_RUNTIME_CONFIGURED, ("nvidia-container-runtime", "default-runtime", "daemon.json"),
             r"\"path\"\s*:\s*\"[^\"\n]*nvidia-container-runtime\"|\"default-runtime\"\s*:\s*\"nvidia\"|"
             r"\b(?:configured|edited|changed|updated|modified|set\s+up|added\s+(?:\w+\s+){0,3}(?:to|in|into))\s+(?:the\s+|my\s+)?"
             r"(?:/etc/docker/)?daemon\.json|\b(?:configure|edit|change|update|modify)\s+(?:the\s+|my\s+)?"
             r"(?:/etc/docker/)?daemon\.json\s+file"),
    _message(Obs.DOCKER_INFO_RUNTIMES, ("runtimes:",),
             r"^\s*Runtimes:\s*(?P<runtimes>[\w.\- ]+?)\s*$"),
    # CUDA failing to start with 500 (CUDA_ERROR_NOT_FOUND): in WSL2 containers, Windows drivers from 555 on need
    # libnvdxgdmal.so.1 mounted, which nvidia-container-toolkit < 1.14.4 / Docker Desktop < 4.31 do not do
    # (NVIDIA/nvidia-container-toolkit#520). Only where CUDA starts: a kernel's "named symbol not found" is another fault.
    _message(Obs.CUDA_INIT_SYMBOL_MISSING, ("error 500", "init failure: 500", "cuda_error_not_found"),
             r"cudaGetDeviceCount\(\)[^\n]{0,200}?Error 500: named symbol not found|driver library init failure: 500\b|"
             r"(?:failed call to cuInit|cuInit|DriverError\()[^\n]{0,20}?CUDA_ERROR_NOT_FOUND",
             join_next=1),
    _message(Obs.CDI_UNRESOLVABLE, ("unresolvable cdi devices",),
             r"unresolvable CDI devices\s*(?P<device>\S+)"),
    _message(Obs.NGC_NO_DRIVER, ("nvidia driver was not detected",),
             r"The NVIDIA Driver was not detected"),
    _message(Obs.SMI_NO_DEVICES, ("no devices were found",),
             r"^\s*No devices were found|\bnvidia-smi\b[^\n]{0,20}?\b(?:says|said|shows|showed|prints|printed|reports|"
             r"returns|gives)\s*:?\s*[\"'`]?no devices were found"),
    # a C++ libtorch put on the loader path shadows the libraries of the Python torch (same file names)
    _message(Obs.LIBTORCH_ON_LOADER_PATH, ("libtorch",),
             r"LD_LIBRARY_PATH\s*[=:]\s*[^\n]*libtorch[/\\]lib|"
             r"\b(?:add|added|adding|put|putting|set|include|included|append|appended|prepend)\w*\s+[^\n]{0,80}?"
             r"libtorch[^\n]{0,60}?\b(?:to|in|into|on)\s+(?:the\s+|my\s+)?[$`'\"]?LD_LIBRARY_PATH",
             needs=("ld_library_path",)),
    _message(Obs.GOOGLE_CLOUD, ("gke", "gcp", "google cloud", "google kubernetes", "/usr/local/nvidia/lib"),
             r"\bGKE\b|\bGCP\b|Google (?:Kubernetes Engine|Cloud)|/usr/local/nvidia/lib(?:64)?\b"),
    _message(Obs.POD_NO_GPU, ("insufficient nvidia.com/gpu",),
             r"(?P<nodes>\d+/\d+) nodes are available:[^\n]{0,200}?Insufficient nvidia\.com/gpu|Insufficient nvidia\.com/gpu"),
    _message(Obs.CUDA_INIT_FAILED, ("cuda driver initialization failed", "cuda initialization failure"),
             # TensorRT's "CUDA initialization failure with error: 100"; its error 35 is the driver too old
             r"CUDA driver initialization failed|CUDA initialization failure(?!\s+with\s+error:?\s*35\b)"),
    _message(Obs.DEVICES_UNAVAILABLE, ("busy or unavailable", "devicesunavailable", "devices_unavailable"),
             r"CUDA-capable devices?(?:\(s\))? (?:is|are|is/are) busy or unavailable|cudaErrorDevicesUnavailable|"
             r"CUDA_ERROR_DEVICES_UNAVAILABLE"),
    _message(Obs.CUDA_NOT_AVAILABLE, ("is_available", "device_count", "cuda is not available", "cuda not available",
                                      "cuda unavailable",
                                      "cuda is unavailable", "not able to use gpu", "cuda available",
                                      "no supported gpu backend", "failed to infer device type", "unspecifiedplatform",
                                      # Lightning's banner; accelerate and transformers refusing fp16 on the CPU
                                      "gpu available: false", "requires a gpu (not 'cpu')", "can only be used on cuda",
                                      # Lightning's Trainer refusing a GPU accelerator, old and new wording
                                      "gpuaccelerator can not run", "cudaaccelerator can not run",
                                      "but your machine only has: []"),
             r"is_available(?:\(\))?\)?[`'\"]?\s*(?:(?:returns?|returned|is|was|gives|gave|->|=|==|:|#|prints?|printed|"
             r"shows?|says?|outputs?|still|always|keeps?|returning|"
             # the same said in other languages: 返回 / 输出 / 为 / 是, が / は, возвращает, devuelve, retorna, gibt
             r"返回了?|输出|显示|结果|一直|总是|为|是|的|が|は|常に|возвращает|вернул[аи]?|выдает|выдаёт|devuelve|"
             r"retorna|retourne|renvoie|gibt|liefert)\s*)*[`'\"]?\s*False|"
             r"device_count(?:\(\))?\)?[`'\"]?\s*(?:(?:returns?|returned|is|was|gives|->|=|==|:|#|prints?|shows?)\s*)+"
             r"[`'\"]?0\b|CUDA (?:is )?(?:not available|unavailable)|"
             r"CUDA available\s*[:=]?\s*False|Torch is not able to use GPU|No supported gpu backend found|"
             # vLLM finding no GPU platform at all
             r"Failed to infer device type|\bUnspecifiedPlatform\b|"
             r"assert\s+(?:torch\.)?cuda\.is_available\(\)[^\n]{0,40}?\s+AssertionError\b|"
             r"\bGPU available:\s*False\b|mixed precision requires a GPU \(not 'cpu'\)|"
             r"can only be used on CUDA(?:\s+or\s+\w+)?\s+devices|"
             r"\b(?:GPU|CUDA)Accelerator can not run on your system since the accelerator is not available|"
             r"\bBut your machine only has:\s*\[\]",  # old Lightning: "You requested gpus: [0]" on the line above
             join_next=1, exclude=r"^\s*(?:[-*]\s*)?Is CUDA available"),
    # --- drivers, containers and GPU visibility: more messages -------------------------------------
    # the toolkit's stub libcuda (lib64/stubs) found before the driver's: CUDA error 34
    _message(Obs.CUDA_STUB_LIBRARY, ("stub library", "stublibrary", "stub_library", "error 34", "code 34", "error: 34",
                                     "returned 34", "error=34", "code=34", "/stubs/libcuda"),
             r"CUDA driver is a stub library|cudaErrorStubLibrary|CUDA_ERROR_STUB_LIBRARY|" + _CUDA_CODE + r"34\b(?![.%])|"
             r"(?:=>|loaded from|from|:)\s*\S*/stubs/libcuda\.so",
             exclude=r"errno|\[Errno 34\]|result (?:too large|out of range)"),
    _message(Obs.DRIVER_OLDER_STATED, ("older than", "lower than", "less than", "support cuda", "driver >=",
                                       "driver version >=", "driver>=", "requires nvidia driver", "requires driver",
                                       "requires a driver", "require nvidia driver"),
             # other programs saying what torch says with "found version": "CUDA driver version (11.2) is older than
             # the CUDA runtime version (11.8)", XLA's "The NVIDIA driver's CUDA version is 11.4 which is older than
             # the ptxas CUDA version (12.3.107)", "Your NVIDIA driver does not support CUDA 12.1", "requires NVIDIA
             # driver >= 525.60.13, you have 470.82.01"
             r"CUDA driver(?:'s)?(?: API)? version\s*(?:is\s*)?\(?(?P<have>\d{1,2}\.\d)(?:\.\d+)?\)?\s*(?:,\s*)?(?:which\s+)?"
             r"(?:is\s+)?(?:older|lower|less)\s+than\s+(?:the\s+)?(?:CUDA\s+)?(?:runtime|toolkit|ptxas)[^\n(\d]{0,30}"
             r"\(?(?P<need>\d{1,2}\.\d)?|"
             r"NVIDIA driver'?s CUDA version is (?P<have2>\d{1,2}\.\d)\S* which is older than the (?:ptxas|PTX compiler|CUDA "
             r"runtime|runtime) CUDA version\s*\(?(?P<need2>\d{1,2}\.\d)?|"
             r"\b(?:NVIDIA|your|the|installed|current|this)\s+(?:NVIDIA\s+|GPU\s+)?driver\s+(?:version\s+)?(?:\S+\s+)?"
             r"(?:does\s+not|doesn'?t|cannot|can'?t)\s+support\s+CUDA\s*(?P<need3>\d{1,2}\.\d)\b|"
             r"requires?\s+(?:an?\s+)?(?:NVIDIA\s+)?driver\s*(?:version\s*)?(?:>=|≥|of at least|at least)\s*"
             r"(?P<needed_driver>\d{3}(?:\.\d+){0,2})[^\n]{0,40}?(?:you have|found|installed|current(?:ly)?|detected)"
             r"\s*:?\s*(?:version\s*)?(?P<have_driver>\d{3}(?:\.\d+){0,2})"),
    _message(Obs.NVML_ACCESS_DENIED, ("insufficient permissions", "no_permission", "gpu access blocked"),
             r"(?:Failed to initialize NVML|NVML)[^\n]{0,20}?:?\s*Insufficient Permissions|NVML_ERROR_NO_PERMISSION|"
             r"GPU access blocked by the operating system"),
    _message(Obs.CONTAINER_UNKNOWN_DEVICE, ("unknown device",),
             r"nvidia-container-cli:\s*device error:\s*(?P<device>[^\s:]+):?\s*unknown device"),
    # --- arch not in build / GPU too old ----------------------------------------------------------
    _message(Obs.NO_KERNEL_IMAGE, ("no kernel image",
                                   "nokernelimagefordevice", "no_binary_for_gpu", "error 209",
              "error: 209", "error:209",
              "code 209", "returned 209", "code=209", "error (48)", "code=48", "returned 48"),
             # (also retold as "no kernel image")
             r"no kernel image(?: (?:is )?available(?: for execution on the device)?)?|cudaErrorNoKernelImageForDevice|"
             r"CUDA_ERROR_NO_BINARY_FOR_GPU|" + _CUDA_CODE + r"209\b|" + _LEGACY_CODE + r"48\b"),
    _message(Obs.INVALID_DEVICE_FUNCTION, ("invalid device function", "invaliddevicefunction"),
             r"invalid device function|cudaErrorInvalidDeviceFunction"),
    _message(Obs.GPU_NOT_COMPATIBLE, ("is not compatible with the current pytorch",
                                      "not compatible with current pytorch",
                                      "not compatible with the current pytorch"),
             r"(?P<gpu>[A-Za-z][\w .()/-]{1,80}?)\s+(?:with\s+)?CUDA capability sm_(?P<sm>\d{2,3})[a-z]?\s+(?:is\s+)?not "
             r"compatible with (?:the )?current PyTorch installation|"
             # retold without the GPU's name: "sm_120 is not compatible with the current pytorch"
             r"(?<![\w.])sm_(?P<sm2>\d{2,3})[a-z]?\s+(?:is\s+)?not\s+compatible\s+with\s+(?:the\s+)?current\s+pytorch\b"),
    _message(Obs.BUILD_ARCH_LIST, ("supports cuda capabilities",),
             r"supports CUDA capabilities\s*(?P<archs>(?:(?:sm|compute)_\d{2,3}[a-z]?[\s,.]*)+)", join_next=1),
    # torch ≥ 2.8's warning when no code of the build runs on the GPU: "Found GPU0 … which is of compute capability
    # (CC) 6.1. The following list shows the CCs this version of PyTorch was built for …: - 7.5 which supports
    # hardware CC >=7.5,<8.0 …", then "… install a PyTorch release that supports one of these CUDA versions: 12.6"
    _message(Obs.BUILD_CC_UNSUPPORTED, ("ccs this version of pytorch was built for",
                                        "release that supports one of these cuda versions"),
             r"The following list shows the CCs this version of PyTorch was built for[^\n]*?:"
             r"(?P<ccs>(?:\s*-?\s*\d+\.\d+\s+which supports hardware CC[^-\n]*)*)|"
             r"install a PyTorch release that supports one of these CUDA versions:\s*(?P<cudas>\d+\.\d+(?:\s*,\s*\d+\.\d+)*)",
             join_next=14),
    _message(Obs.GPU_TOO_OLD_TORCH, ("no longer supports this gpu", "too old", "no longer support", "dropped support",
                                     "sm_", "kepler", "maxwell", "pascal", "volta"),
             r"PyTorch no longer supports this GPU because it is too old|"
             r"(?:GPU|card|graphics card|architecture|\b(?:GTX|RTX|Tesla|Quadro|Titan|GeForce)\s*[\w-]+)\s+"
             r"(?:\([^)]*\)\s+)?(?:is|was)\s+too\s+old\b|"
             r"no longer supports?\s+(?:the\s+)?(?:Kepler|Maxwell|Pascal|Volta|sm_?[3-7]\d|compute capability [3-7]\.\d)|"
             r"dropped support for\s+(?:the\s+)?(?:Kepler|Maxwell|Pascal|Volta|sm_?[3-7]\d)|"
             r"(?:does not|doesn'?t)\s+(?:contain|include|ship|support|have)\s+(?:the\s+)?(?:older\s+)?"
             r"(?:Kepler|Maxwell|Pascal|Volta|sm_?[3-6]\d)\b",
             exclude=r"driver on your system is too old|driver is too old",
             needs=("too old", "no longer support", "dropped support", "does not", "doesn't", "doesnt")),
    _message(Obs.FOUND_GPU_CAPABILITY, ("which is of cuda capability", "which is of compute capability"),
             r"Found GPU\s?(?P<index>\d+) (?P<gpu>.+?) which is of (?:cuda|compute) capability (?:\(CC\) )?"
             r"(?P<major>\d+)\.(?P<minor>\d+)"),
    _message(Obs.MIN_CAPABILITY, ("minimum cuda capability supported",),
             r"minimum cuda capability supported by this library is (?P<min>\d+\.\d+)"),
    _message(Obs.CAPABILITY_RANGE, ("minimum and maximum cuda capability",),
             r"Minimum and Maximum cuda capability supported by this version of PyTorch is\s*\(?(?P<min>\d+\.\d+)\)?"
             r"\s*-\s*\(?(?P<max>\d+\.\d+)\)?", join_next=1),
    _message(Obs.GPU_REQUIRES_NEWER_CUDA, ("which requires cuda_version",),
             r"Found GPU\s?(?P<index>\d+) (?P<gpu>.+?) which requires CUDA_VERSION >= (?P<needed>\d+)"),
    _message(Obs.NVRTC_ARCH, ("invalid value for --gpu-architecture",),
             r"nvrtc: error: invalid value for --gpu-architecture"),
    _message(Obs.PTXAS_UNKNOWN_ARCH, ("for option 'gpu-name'",),
             r"Value '(?P<arch>sm_\d{2,3}[a-z]?)' is not defined for option 'gpu-name'"),
    _message(Obs.COMPILER_PREDATES_GPU, ("is not a recognized processor for this target",),
             r"'(?P<sm>sm_\d{2,3}[af]?)' is not a recognized processor for this target"),
    _message(Obs.TRITON_GPU_TOO_OLD, ("triton gpu compiler", "triton only supports devices"),
             r"too old to be supported by the triton GPU compiler|Triton only supports devices of CUDA Capability "
             r">= (?P<min>\d+\.\d+)", join_next=1),
    _message(Obs.GPU_CAPABILITY_STATED, ("capability",),
             r"\byour\s+(?:[\w -]{0,40}?\s)?(?:gpu|device|card)(?:'s)?\s+(?:has\s+(?:a\s+)?|is\s+of\s+|is\s+)?"
             r"(?:(?:cuda|compute)\s+)?capability(?:\s+is|\s*:|\s+of)?\s*\(?(?P<major>\d+)(?:\.|,\s*)(?P<minor>\d)\)?|"
             r"\bCurrent capability:\s*(?P<packed>\d{2,3})\b|"
             # the writer's own: "my GPU's compute capability is 6.1", "our cards have compute capability 3.5" (not in a
             # sentence of what something requires)
             r"^(?![^\n]*(?:\brequir|\bneeds?\b|\bmust\b|at least|minimum|>=|or (?:higher|above|newer)))[^\n]*?"
             r"\b(?:my|our)\s+(?:[\w -]{0,40}?\s)?(?:gpus?|devices?|cards?)(?:'s)?\s+(?:has\s+(?:a\s+)?|have\s+(?:a\s+)?|"
             r"is\s+of\s+|is\s+)?(?:(?:cuda|compute)\s+)?capability(?:\s+is|\s*:|\s+of)?\s*\(?(?P<major2>\d+)(?:\.|,\s*)"
             r"(?P<minor2>\d)\)?"),
    _message(Obs.GPU_LEGACY_DRIVER, ("legacy",),
             # the kernel module and the .run installer: "The NVIDIA GeForce GTX 1050 GPU installed in this system is
             # supported through the NVIDIA 580.xx Legacy drivers ... The 595.71.05 NVIDIA driver will ignore this GPU"
             r"(?:The\s+)?(?:NVIDIA\s+)?(?P<gpu>[\w .()/+-]{2,60}?)\s+GPU\s+installed\s+in\s+this\s+system\s+is\s+(?:NVRM:\s*)?supported\s+"
             r"through\s+the\s+NVIDIA\s+(?P<branch>[\d.]+?)\.?xx\s+legacy|"
             r"supported\s+through\s+the\s+NVIDIA\s+(?P<branch2>[\d.]+?)\.?xx\s+legacy", join_next=1),
    _message(Obs.CUDNN_ARCH_MISMATCH, ("cudnn_status_arch_mismatch",),
             r"CUDNN_STATUS_ARCH_MISMATCH"),
    # --- torch build kind ----------------------------------------------------------------------
    _message(Obs.NOT_COMPILED_WITH_CUDA, ("not compiled with cuda", "not compiled cuda", "compiled without cuda",
                                          "cuda not compiled",
                                          "cuda is not compiled"),
             r"not compiled (?:with )?CUDA(?: enabled| support)?|(?:PyTorch|torch) (?:was )?compiled without CUDA|"
             r"CUDA (?:is )?not compiled"),
    # torch's own library missing a torch (c10/at/torch/caffe2) symbol: its files come from two builds (pytorch and
    # pytorch-nightly overlaid, a second install over the first); CUDA libraries' symbols are other messages
    _message(Obs.TORCH_OWN_SYMBOL, ("undefined symbol",),
             r"(?P<library>[^\s:'\"]*[/\\]torch[/\\](?:lib[/\\]lib(?:torch|c10|shm|caffe2)\w*\.so[.\d]*|_C[\w.-]*\.so)):\s*"
             r"undefined symbol:\s*(?P<symbol>_Z\w*?(?:3c10|2at|5torch|6caffe2)\w*)",
             needs=("/torch/", "\\torch\\")),
    _message(Obs.TORCH_C_IMPORT, ("cannot import name '_c'", "no module named 'torch._c'",
                                  "module 'torch' has no attribute",
                                  "module 'torch._c' has no attribute", "no module named _c", "name '_c' is not defined",
                                  "no module named 'torch._c", "from 'torch' (unknown location)"),
             # "(unknown location)": a folder named torch without __init__.py imports as an empty namespace package
             r"cannot import name '_C' from (?:partially initialized module )?'torch'|No module named 'torch\._C'|"
             r"cannot import name '\w+' from 'torch' \(unknown location\)|"
             r"No module named '?_C'?(?![\w.])|name '_C' is not defined|"
             r"module 'torch' has no attribute '(?P<attribute>cuda|__version__|version|nn|Tensor|_C)'|"
             r"module 'torch\._C' has no attribute '(?P<attribute2>\w+)'"),
    # --- cuDNN -----------------------------------------------------------------------------
    _message(Obs.WINDOWS_PAGING_FILE, ("paging file is too small", "winerror 1455"),
             r"paging file is too small|WinError 1455"),
    _message(Obs.CUDNN_CANNOT_LOAD, ("libcudnn", "cudnn_", "cudnn64", "cudnn.dll", "cudnn.so", "zlibwapi.dll"),
             r"(?P<lib>(?:lib)?cudnn[\w.-]*?(?:\.so(?:\.\d+)*|\.dll))\b[^\n]{0,80}?(?:cannot open shared object|"
             r"no such file|not found|is not in your library path|cannot be loaded|could not be found|"
             r"or one of its dependencies|見つかりません|찾을 수 없|\)\s*that \w+ depends on is not configured correctly)|"
             r"(?:could not load(?: dynamic)? library|could not locate|unable to load(?: any of)?|"
             r"failed to load|cannot load|cannot find|can'?t find|could not find|unable to find|找不到|缺少)"
             r"\s*[\s'\"{「`]*(?P<lib2>(?:lib)?cudnn[\w.-]*)|(?P<lib3>zlibwapi\.dll)",
             exclude=r"Successfully opened|paging file|WinError 1455|WinError 127\b"),
    _message(Obs.CUDNN_INCOMPATIBLE, ("cudnn version incompatibility", "cudnn version mismatch",
                                      "sublibrary_version_mismatch",
                                      "cudnn_status_version_mismatch"),
             r"cuDNN version (?:incompatibility|mismatch): PyTorch was compiled\s+against \(?(?P<built>\d[\d., ]*)\)? but "
             r"(?:linked against|found runtime version) \(?(?P<loaded>\d[\d., ]*)\)?|"
             r"CUDNN_STATUS_(?:SUBLIBRARY_)?VERSION_MISMATCH", join_next=1),
    _message(Obs.CUDNN_RUNTIME_OLDER, ("loaded runtime cudnn library", "outdated cudnn installation found",
                                       "cudnn version in your machine is"),
             # TensorFlow 1.x: "Loaded runtime CuDNN library: 7101 (compatibility version 7100) but source was compiled
             # with 7005 (compatibility version 7000)"; later: "… library: 8.1.0 but source was compiled with: 8.6.0"
             r"Loaded runtime CuDNN library:?\s*(?P<loaded>[\d.]+)(?:\s*\(compatibility version [\d.]+\))?\s*but source was "
             r"compiled with:?\s*(?P<built>[\d.]+)|"
             # JAX's check of its CUDA components: "Outdated cuDNN installation found. Version JAX was built against:
             # 8907 Minimum supported: 9100 Installed version: 8907" (cuDNN's integer versions: 8907 = 8.9.7)
             r"Outdated cuDNN installation found\.?\s*(?:Version \w+ was built against:\s*\d+\s*)?Minimum supported:\s*"
             r"(?P<minimum>\d+)\s*Installed version:\s*(?P<installed>\d+)|"
             # Paddle's check at start: "The installed Paddle is compiled with CUDNN 7.6, but CUDNN version in your
             # machine is 7.3, which may cause serious incompatible bug."
             r"compiled with CUDNN (?P<built2>\d+(?:\.\d+)+), but CUDNN version in your machine is "
             r"(?P<loaded2>\d+(?:\.\d+)+)", join_next=3),
    _message(Obs.CUDNN_SYMBOL, ("undefined symbol", "could not load symbol", "cannot load symbol"),
             r"(?:undefined symbol:?|Could not load symbol|Cannot load symbol)\s*(?P<symbol>cudnn\w+|_Z\w{0,4}?N5cudnn\w+)"),
    # --- NCCL and other CUDA libraries ------------------------------------------------------------
    _message(Obs.NCCL_SYMBOL, ("undefined symbol", "undefined reference to"),
             r"undefined (?:symbol:?|reference to)\s*[`'\"‘]?(?P<symbol>nccl\w+)"),
    _message(Obs.NCCL_VERSION_MISMATCH, ("mismatched nccl version", "nccl version", "nccl版本", "nccl 版本",
                                         "nccl的版本", "nccl versions"),
             r"Mismatched NCCL version detected\s*:?\s*rank (?P<rank>\d+) version (?P<version>\d+) rank (?P<rank2>\d+) "
             r"version (?P<version2>\d+)|NCCL version mismatch with remote peer|"
             # the report saying so: "different NCCL versions on the two nodes", "NCCL 版本不一致"
             r"\b(?:different|mismatched|inconsistent)\s+NCCL\s+versions?\s+(?:on|between|across|in)\s+(?:the\s+|our\s+|"
             r"two\s+|both\s+)*(?:nodes|machines|servers|hosts)|\bNCCL\s+versions?\s+(?:are\s+|is\s+)?(?:different|differ|"
             r"not\s+the\s+same|mismatch\w*)\s+(?:on|between|across)\s+(?:the\s+|our\s+|two\s+|both\s+)*"
             r"(?:nodes|machines|servers|hosts)|NCCL\s*的?\s*版本(?:号)?\s*(?:不一致|不同|不一样|不匹配)"),
    _message(Obs.NCCL_LIBRARY_MISSING, ("libnccl",),
             r"libnccl\.so[.\d]*: cannot open shared object file"),
    _message(Obs.CUDA_LIBRARY_SYMBOL, ("undefined symbol", "nvjitlink", "not defined in file",
                                       "' not found (required by",
                                       "winerror 127", "symbol not found"),
             r"undefined symbol:?\s*(?P<symbol>(?:cublasLt|cublas|cusparse|cufft|cusolver|curand|cudart|cupti|cuda[A-Z]|"
             r"__nvJitLink|nvJitLink|__cudaRegister)\w*)|__nvJitLink\w+, version libnvJitLink|"
             # XLA's words for a CUDA runtime without the function: "cudaGetErrorString symbol not found"
             r"\b(?P<symbol3>(?:cublasLt|cublas|cusparse|cufft|cusolver|curand|cuda[A-Z])\w*) symbol not found|"
             r"symbol (?P<symbol2>\w+),? version (?P<lib>lib(?:cublasLt|cublas|cusparse|cufft|cusolver|curand|cudart|"
             r"cupti|nvJitLink)[\w.]*) not defined in file|"
             r"version [`'](?P<lib2>lib(?:cublasLt|cublas|cusparse|cufft|cusolver|curand|cudart|cupti|nvJitLink|"
             r"cudnn\w*)[\w.]*)' not found \(required by|"
             # Windows' "procedure not found" (any language) for a CUDA DLL: another version of it is loaded
             r"\[WinError 127\][^\n]*?(?P<dll>(?:cublasLt|cublas|cudnn\w*|cudart|cufft|curand|cusolver|cusparse|nvrtc|"
             r"nvJitLink|cupti)\w*\.dll)"),
    _message(Obs.CUDA_LIBRARY_MISSING, ("libcudart", "libcublas", "libcufft", "libcurand", "libcusparse", "libcusolver",
                                        "libnvrtc", "libnvjitlink", "libnvtoolsext", "libcupti", "cudart64", "cublas64",
                                        "libcudss", "libcufile", "libnvshmem", "libcutensor", "cufft64", "curand64",
                                        "cusparse64", "cusolver64", "nvrtc64", "cublas", "cusparse", "cufft", "cusolver",
                                        "curand", "nvjitlink", "cupti", "nvrtc"),
             r"(?P<lib>lib(?:cudart|cublasLt|cublas|cufft|curand|cusparseLt|cusparse|cusolver|nvrtc|nvJitLink|nvToolsExt|"
             r"cupti|cudss|cufile|nvshmem|cutensor)[\w.-]*?\.so[.\d]*):?\s*cannot open shared object file|"
             r"(?:could not load(?: dynamic)? library|could not locate|cannot load|failed to open|unable to open|"
             r"cannot find|could not find|can'?t find)\s*[\s'\"「]*"
             r"(?P<lib2>(?:lib)?(?:cudart|cublasLt|cublas|cufft|curand|cusparse|cusolver|nvrtc)[\w.-]*)|"
             # frameworks that name the library, not its file (JAX, TensorFlow, CuPy)
             r"(?:unable|failed|cannot|can'?t|could not|couldn'?t)\s+(?:to\s+)?(?:load|find|open)\s+(?:the\s+)?"
             r"(?P<lib3>cuBLAS(?:Lt)?|cuSPARSE|cuFFT|cuSOLVER|cuRAND|nvJitLink|CUPTI|NVRTC)\b(?!\s*(?:handle|plan))|"
             r"\b(?P<lib4>cuBLAS(?:Lt)?|cuSPARSE|cuFFT|cuSOLVER|cuRAND|nvJitLink|CUPTI|NVRTC)\s+(?:library\s+)?"
             r"(?:(?:cannot|could not|can'?t|couldn'?t)\s+be|was\s+not|is\s+not)\s+(?:found|loaded)"),
    _message(Obs.UNDEFINED_REFERENCE_CUDA, ("undefined reference to",),
             r"undefined reference to [`'‘](?P<symbol>\w+)@(?P<lib>lib\w+\.so[.\d]*)'?",
),
    _message(Obs.WINDOWS_DLL_LOAD, ("or one of its dependencies", "dll load failed"),
             r"Error loading \"?(?P<path>[^\"]*?(?P<dll>[\w.-]+\.dll))\"? or one of its dependencies|"
             r"DLL load failed while importing (?P<module>\w+)",
             exclude=r"paging file|WinError 1455"),
    _message(Obs.GLIBCXX_MISSING, ("glibcxx_", "cxxabi_"),
             r"version [`'](?P<symbol>(?:GLIBCXX|CXXABI)_[\d.]+)' not found"),
    _message(Obs.NCCL_NOT_BUILT, ("doesn't have nccl built in", "does not have nccl built in", "nccl is not supported",
                                  "nccl not supported", "nccl isn't supported", "nccl is not available",
                                  "nccl not available", "不支持nccl", "不支持 nccl", "nccl不支持", "nccl 不支持"),
             r"Distributed package does(?:n't| not) have NCCL built in|"
             # the writer's words for the same, on Windows (torch's Windows builds have no NCCL), or in Chinese
             r"\bNCCL\s+(?:is\s+)?(?:not|isn'?t)\s+(?:supported|available)\s+(?:on|in|under|for)\s+Windows|"
             r"不支持\s*NCCL|NCCL\s*不支持"),
    # pip's words, and uv's ("there is no version of torch==2.4.0+cu124", "torch==… was not found in the package
    # registry")
    _message(Obs.NO_MATCHING_TORCH, ("no matching distribution found for torch",
                                         "satisfies the requirement torch", "is not a supported wheel on this",
                                         "there is no version of torch", "not found in the package registry"),
             r"No matching distribution found for torch(?P<spec>[=<>!~][^\s]*)?|Could not find a version that "
             r"satisfies the requirement torch(?P<spec2>[=<>!~][^\s]*)?|torch-[\w.+%-]+\.whl is not a supported wheel|"
             r"there is no version of torch(?P<spec3>[=<>!~][^\s,]*)|\btorch(?P<spec4>[=<>!~][^\s,]*) was not found in "
             r"the package registry"),
    _message(Obs.TORCH_NOT_INSTALLED, ("no module named 'torch'", 'no module named "torch"', "no module named torch",
                                       "torch not found", "torch is not found"),
             r"No module named ['\"]?torch['\"]?(?![\w.])|(?<![\w./-])torch (?:is )?not found\b"),
    # --- extension builds ------------------------------------------------------------------
    # pip building a package in an isolated environment (PEP 517): only the build requirements are there, not torch
    # (a setup.py frame in pip's temporary folder only as a traceback frame: a build log names pip-install-* on every
    # compile line)
    _message(Obs.ISOLATED_BUILD, ("getting requirements to build", "pip-build-env-", "_in_process.py", 'setup.py", line'),
             r"Getting requirements to build (?:wheel|editable)|pip-build-env-|pyproject_hooks[/\\]_in_process|"
             r"_in_process\.py|File \"[^\"\n]*pip-(?:req-build|install)-[^\"\n]*setup\.py\", line"),
    # torch.utils.cpp_extension's check, also quoted without its first words ("CUDA version (11.8) mismatches …")
    _message(Obs.DETECTED_CUDA_MISMATCH, ("detected cuda version", "mismatches the version that was used to compile",
                                          "mismatches the version used to compile",
                                          "does not match the version torch was compiled with"),
             # (also retold: "the detected CUDA version 12.1 mismatches the version used to compile PyTorch 11.8")
             r"(?:The detected )?CUDA version \(?(?P<nvcc>\d+\.\d+[\d.]*)\)? mismatches the version (?:that was )?used to "
             r"compile\s*(?:PyTorch\s*\(?(?P<torch>\d+\.\d+[\d.]*)\)?)?|"
             # DeepSpeed's op builder: "Installed CUDA version 11.0 does not match the version torch was compiled with
             # 11.1, unable to compile cuda/cpp extensions without a matching cuda version."
             r"Installed CUDA version (?P<installed>\d+\.\d+[\d.]*) does not match the version torch was compiled "
             r"with (?P<compiled>\d+\.\d+[\d.]*)",
             join_next=2),
    _message(Obs.EXT_CUDA_MISMATCH, ("does not match the version used to compile pytorch",),
             r"compiled with a version of Cuda that does not match the version used to compile Pytorch binaries\.?"
             r"(?:\s*Pytorch binaries were compiled with Cuda (?P<torch>\d+\.\d+))?", join_next=1),
    _message(Obs.NVCC_UNSUPPORTED_ARCH, ("unsupported gpu architecture",),
             # nvcc's own words, also quoted without its "nvcc fatal :" prefix
             r"(?:nvcc fatal\s*:\s*)?Unsupported gpu architecture ['\"`]?(?P<arch>compute_\d{2,3}[a-z]?)\b"),
    _message(Obs.CUDA_HOME_MISSING, ("cuda_home environment variable is not set", "cuda_home does not exist"),
             # DeepSpeed's op builder: "MissingCUDAException: CUDA_HOME does not exist, unable to compile CUDA op(s)"
             r"CUDA_HOME environment variable is not set|CUDA_HOME does not exist, unable to compile CUDA op"),
    # an extension's setup.py that checks the local nvcc (flash-attn, causal-conv1d, mamba): "FlashAttention-3 is
    # only supported on CUDA 12.3 and above" — the toolkit compiling it, not torch's CUDA, is too old
    _message(Obs.EXT_NEEDS_NEWER_NVCC, ("is only supported on cuda",),
             r"(?P<ext>[\w-]+) is only supported on CUDA (?P<need>\d+\.\d+) and above"),
    # CCCL's check that nvcc and the CUDA headers on the include path are one toolkit (a pip nvcc beside a system
    # CUDA's headers, CUDA_HOME pointing at another toolkit than PATH's nvcc)
    _message(Obs.TOOLKIT_HEADERS_MISMATCH, ("headers are incompatible",),
             r"CUDA compiler and (?:CUDA )?toolkit headers are incompatible"),
    _message(Obs.CUDA_HOME_LIST, ("/bin/nvcc",),
             # the path starts a word (or follows a quote): a search need not restart inside every long word
             r"['\"]?(?<![^'\"\s])(?P<path>[^'\"\s]*[^'\"\s/]:[^'\"\s]*/bin/nvcc)['\"]?[^\n]{0,20}(?:No such file|failed|"
             r"not found)|"
             r"(?:unable to execute|No such file or directory:?)\s*['\"](?P<path2>[^'\"]*:[^'\"]*/bin/nvcc)",
             needs=("no such file", "failed", "not found", "unable to execute")),
    _message(Obs.NVCC_MISSING, ("nvcc",),
             r"(?:/bin/)?nvcc['\"]?:? (?:command )?not found|No such file or directory:\s*'[^']*/bin/nvcc'|"
             r"/bin/nvcc['\"]?:\s*No such file or directory|'nvcc' is not recognized|"
             r"(?:没有|找不到|缺少|缺)\s*nvcc|nvcc\s*(?:编译器)?\s*(?:找不到|不存在)",  # said in Chinese: "报没有nvcc编译器的错误"
             exclude=r"[^\s'\"]:[^\s'\"]*/bin/nvcc",
             needs=("not found", "no such file", "not recognized", "没有", "找不到", "缺", "不存在")),
    _message(Obs.ARCH_LIST_INVALID, ("unknown cuda arch",),
             r"Unknown CUDA arch \((?P<arch>[^)]+)\) or GPU not supported"),
    _message(Obs.ALLOCATOR_CONFIG, ("cachingallocator option", "allocator backend parsed", "pytorch_cuda_alloc_conf",
                                    "pytorch_alloc_conf"),
             r"Unrecognized CachingAllocator option:\s*(?P<option>\w+)|Allocator backend parsed at runtime != allocator "
             r"backend parsed at load time|(?:PYTORCH_CUDA_ALLOC_CONF|PYTORCH_ALLOC_CONF)[^\n]{0,80}"
             r"(?:invalid|unrecogni[sz]ed|unknown|not supported|expects?)"),
    _message(Obs.LIBUV_MISSING, ("use_libuv", "without libuv"),
             r"use_libuv was requested but PyTorch was buil[dt] without libuv support|"
             r"PyTorch was buil[dt] without libuv"),
    _message(Obs.EXCLUSIVE_PROCESS, ("exclusive process", "exclusive_process", "e. process", "exclusive mode",
                                     "exclusive-mode", "compute mode", "compute-mode"),
             r"Exclusive[ _]Process|\bE\. Process\b|\bexclusive[ _-]mode\b|"
             # the report's words: "my gpu is in exclusive mode", "the compute mode is set to exclusive"
             r"\bcompute[ _-]mode\b\W+(?:\w+\W+){0,3}?exclusive\b"),
    _message(Obs.ENVIRONMENT_NOT_ACTIVATED, ("activate: no such file", "conda: command not found", "lmod has detected",
                                             "module(s) are unknown", "not been properly configured to use 'conda",
                                             "conda: not found"),
             r"activate: No such file or directory|conda: (?:command )?not found|Lmod has detected the following error|"
             r"module\(s\) are unknown|Your shell has not been properly configured to use 'conda activate'"),
    _message(Obs.UNSUPPORTED_HOST_COMPILER, ("unsupported gnu version", "unsupported microsoft visual studio"),
             r"unsupported (?:GNU|Microsoft Visual Studio) version"),
    _message(Obs.TORCH_LIBRARY_MISSING, ("libtorch_cuda_cu.so", "libtorch_cuda_cpp.so", "libc10_cuda.so",
                                         "libtorch_cuda.so", "libtorch_cpu.so",
              "libc10.so"),
             # the loader's own words where an executable (not a Python import) needs it: "./main: error while loading
             # shared libraries: libtorch_cuda.so: cannot open shared object file"
             r"(?P<loader>error while loading shared libraries:\s*)?"
             r"(?P<lib>lib(?:torch_cuda_cu|torch_cuda_cpp|c10_cuda|torch_cuda|torch_cpu|c10)\.so):\s*cannot open shared "
             r"object file"),
    _message(Obs.TORCHVISION_OP_MISSING, ("torchvision::",),
             r"(?:operator\s+)?torchvision::(?P<op>\w+)\s+(?:does\s*(?:not|n'?t)|did\s*(?:not|n'?t))\s+exist|"
             r"No such operator torchvision::(?P<op3>\w+)|"
             r"Could not run 'torchvision::(?P<op2>\w+)' with "
             r"arguments from the '(?P<backend>\w+)' backend"),
    _message(Obs.TORCHVISION_CUDA_MISMATCH, ("were compiled with different cuda", "has cuda version="),
             r"PyTorch and (?P<package>[\w.-]+) were compiled with different CUDA (?:major )?versions|"
             r"PyTorch has CUDA Version\s*=\s*(?P<torch>[\d.]+) and (?P<package2>[\w.-]+) has CUDA Version\s*=\s*"
             r"(?P<other>[\d.]+)", join_next=1),
    _message(Obs.TORCHVISION_EXTENSION, ("failed to load image python extension", "has no attribute 'extension'",
                                         "couldn't load custom c++ ops"),
             r"Failed to load image Python extension(?P<image>:\s*(?P<reason>[^\n]{0,160}))?|"
             r"partially initialized module 'torchvision' has no attribute "
             r"'extension'|Couldn't load custom C\+\+ ops"),
    # --- shared memory ---------------------------------------------------------------------
    _message(Obs.BUS_ERROR, ("bus error", "insufficient shared memory", "sigbus", "exitcode: -7", "exit code: -7",
                             "return code = -7", "return code -7"),
             r"killed by signal: Bus error|unexpected bus error encountered in worker|insufficient shared memory|"
             # a launcher's words for a worker killed by signal 7: torchrun's "failed (exitcode: -7)", DeepSpeed's
             # "exits with return code = -7", the signal handler's "Signal 7 (SIGBUS) received by PID"
             r"\bSignal 7 \(SIGBUS\)|\bSignals\.SIGBUS\b|\bexit\s*code\s*:\s*-7\b|\breturn code\s*=?\s*-7\b|"
             r"Fatal Python error: Bus error|"
             # UCX's signal handler (NCCL and MPI jobs): "[host:3039 :0:3095] Caught signal 7 (Bus error: nonexistent
             # physical address)"
             r"\bCaught signal 7 \(Bus error|"
             r"^\s*(?:\[\d+\]\s*\d+\s*)?Bus error(?: \(core dumped\))?|\bBus error \(core dumped\)|"
             r"(?:DataLoader|worker|shm|shared memory)[^\n]{0,80}\b(?:Bus error|SIGBUS)\b|"
             r"\b(?:Bus error|SIGBUS)\b[^\n]{0,40}?\b(?:DataLoader|data\s+loader|num_workers|workers)\b|"
             r"\b(?:Bus error|SIGBUS)\b[^\n]{0,80}(?:/dev/shm|shared memory|shm)"),
    _message(Obs.TORCH_SHM_WRITE, ("unable to write to file <", "unable to open shared memory object",
                                              "unable to allocate shared memory", "bytes from file <"),
             r"unable to (?:write to file|mmap \d+ bytes from file) </?torch_\w*>(?:\s*:\s*(?P<reason>[^(\n]+?)\s*"
             r"\((?P<errno>\d+)\))?|"
             r"unable to open shared memory object </?torch_\w*>(?:[^\n]*?\((?P<errno2>\d+)\))?|"
             r"unable to allocate shared memory"),
    _message(Obs.SHM_FAILURE, ("posix_fallocate", "shm_open", "/dev/shm", "shared memory segment", "ncclshmopen",
                               "no space left on device", "permission denied", "read-only file system"),
             r"posix_fallocate failed|shm_open[^\n]*failed|Error while creating shared memory segment|ncclShmOpen|"
             r"(?:No space left on device|Permission denied|Read-only file system)[^\n]{0,120}(?:/dev/shm|shared memory)|"
             r"(?:NCCL|nccl)[^\n]*(?:/dev/shm|shm)[^\n]*(?:fail|error|No space)|/dev/shm[^\n]*(?:No space left|"
             r"Permission denied)|\bfail\w*\s+to\s+(?:extend|create|open|map|allocate)\s+/dev/shm/"),
    # the open-file limit: torch's file_descriptor sharing passes one descriptor per shared tensor over a Unix socket
    # ("received 0 items of ancdata" when the receiver cannot take more), or any open() failing with EMFILE
    _message(Obs.DESCRIPTORS_EXHAUSTED, ("received 0 items of ancdata", "too many open files"),
             r"received 0 items of ancdata|\[Errno 24\] Too many open files|\bToo many open files\b(?!\s*\(24\))"),
    _message(Obs.SEMLOCK_PERMISSION, ("semlock",),
             # Errno 38 "Function not implemented": no /dev/shm at all (a sandbox or a runtime that mounts none)
             r"^\s*(?:[\w.]+\s*=\s*)*_?multiprocessing\.SemLock\([^\n]{0,300}?(?:PermissionError|Errno 13\]|"
             r"Errno 38\]|Function not implemented)", join_next=2),
    # NCCL's ncclSystemError: a system call failed (shared memory, sockets, memory registration)
    _message(Obs.NCCL_SYSTEM_ERROR, ("unhandled system error", "ncclsystemerror", "nccl_error_system_error"),
             r"unhandled system error|ncclSystemError|NCCL_ERROR_SYSTEM_ERROR"),
    # nvidia-container-cli setting up the device cgroup: rootless Docker may not write it, and libnvidia-container
    # before 1.8 knows only cgroup v1 ("cgroup subsystem devices not found")
    _message(Obs.CONTAINER_CGROUP_DEVICES, ("devices.allow", "devices.deny", "cgroup subsystem devices not found",
                                            "device cgroup mount path"),
             r"devices\.(?:allow|deny)[^\n]{0,40}?permission denied|cgroup subsystem devices not found|"
             r"failed to (?:get|find) device cgroup mount path"),
    # torch.distributed's store client that never reached the rendezvous: "The client socket has timed out after
    # 1800s while trying to connect to (10.0.0.5, 29500)", before 2.x "connect() timed out"
    _message(Obs.RENDEZVOUS_TIMEOUT, ("has timed out after", "connect() timed out"),
             r"client socket has timed out after \d+\s*m?s while trying to connect to \(?(?P<host>[\w.:-]+?),\s*"
             r"(?P<port>\d{2,5})\)?|RuntimeError: connect\(\) timed out"),
    # Lightning's banner when the Trainer runs on the CPU although CUDA works
    _message(Obs.IMAGE_PLATFORM_MISMATCH, ("does not match the detected host platform", "exec format error"),
             r"requested image's platform \((?P<image>[\w/.-]+)\) does not match the detected host platform "
             r"\((?P<host>[\w/.-]+)\)|\bexec format error\b"),
    _message(Obs.LIBCUDA_LINK_MISSING, ("cannot find -lcuda", "library -lcuda", "library not found for -lcuda"),
             r"(?:cannot find|unable to find library|library not found for)\s+-lcuda\b"),
    _message(Obs.LIGHTNING_GPU_UNUSED, ("gpu available: true",),
             r"GPU available:\s*True(?:\s*\(\w+\))?,\s*used:\s*False"),
    # NCCL's ncclRemoteError: a peer process exited or the network between the processes failed
    _message(Obs.NCCL_REMOTE_ERROR, ("remote process exited", "ncclremoteerror", "nccl_error_remote_error"),
             r"remote process exited or there was a network error|ncclRemoteError|NCCL_ERROR_REMOTE_ERROR"),
    _message(Obs.NO_SPACE_LEFT, ("no space left on device",),
             r"No space left on device"),
    # a program measuring /dev/shm and saying it is too small: Ray's "The object store is using /tmp instead of
    # /dev/shm because /dev/shm has only 5368709120 bytes available", "/dev/shm is too small", "not enough shm"
    _message(Obs.SHM_SIZE_WARNED, ("/dev/shm", "shared memory", "shm"),
             r"instead of /dev/shm because /dev/shm has only (?P<bytes>\d+) bytes|/dev/shm\)?\s+(?:size\s+)?(?:is|has|"
             r"of)\s+(?:only\s+\d|too\s+small|very\s+small|insufficient|not\s+(?:big|large)\s+enough)|"
             r"(?:insufficient|not\s+enough|too\s+(?:little|small))\s+(?:shared\s+memory|/dev/shm|shm)\b(?!\s*\(shm\))",
             needs=("only", "small", "insufficient", "enough", "too little")),
    # a DataLoader worker gone without a reason given: shared memory in a container, else anything
    _message(Obs.DATALOADER_EXITED, ("exited unexpectedly", "background workers are no longer alive"),
             # nnU-Net's batchgenerators: "One or more background workers are no longer alive"
             r"DataLoader worker \(pids?(?:\(s\))?\s[^)]*\) exited unexpectedly|"
             r"One or more background workers are no longer alive"),
    _message(Obs.WORKER_SEGFAULT, ("segmentation fault encountered in worker", "killed by signal: segmentation fault"),
             r"Unexpected segmentation fault encountered in worker|DataLoader worker \(pid[^)]*\) is killed by signal: "
             r"Segmentation fault"),
    # "/dev/shm is 64M", "the pod's /dev/shm is only 64Mi", "/dev/shm: 64MB": its size in the report's words
    _message(Obs.SHM_SIZE_STATED, ("/dev/shm",),
             r"/dev/shm\b[^\n]{0,40}?\b(?:is|was|=|:|of|has)\s+(?:only\s+|just\s+)?(?P<size>\d+(?:\.\d+)?\s?(?:[KMGT]i?B?))"
             r"(?![\w/])|"
             # `mount`'s line: "shm on /dev/shm type tmpfs (rw,nosuid,nodev,noexec,relatime,size=65536k)"
             r"(?:(?P<device>\bshm|\btmpfs|\bnone)\s+)?\bon\s+/dev/shm\s+type\s+tmpfs\s+\([^)\n]*?\bsize=(?P<size2>\d+[kKmMgG])\b",
             exclude=r"\bfree\b|\bavailable\b|\bused\b|--shm-size"),
    # "nvidia-smi works inside WSL": the driver is reachable where the program runs (not said of the host or Windows)
    _message(Obs.SMI_WORKS_STATED, ("nvidia-smi",),
             r"\bnvidia-smi\b[^\n]{0,30}?\b(?:works|is\s+working|worked|runs\s+fine|shows\s+(?:the|my)\s+(?:gpu|card))\b",
             exclude=r"\bbut\b|\bnot\b|n't\b|\bfail|\bonly\b|\b(?:on|in|from|under)\s+(?:the\s+)?(?:host|windows|powershell|cmd)\b"),
    # `df -h /dev/shm` (or `df -h`): the size of shared memory as mounted
    _message(Obs.DF_SHM, ("/dev/shm",),
             r"^\s*(?P<device>shm|tmpfs|none|overlay)\s+(?P<size>\d+(?:\.\d+)?[KMGT]i?)\s+\S+\s+\S+\s+(?P<use>\d+)%\s+/dev/shm\s*$"),
    # torch handing a tensor to another process through shared memory (a DataLoader worker's batch)
    # (also multiprocessing's semaphores, which live in /dev/shm: a SemLock created when DataLoader workers start)
    _message(Obs.TORCH_STORAGE_SHARING, ("_share_fd_cpu_", "_share_filename_cpu_", "reductions.py", "semlock",
                                         "synchronize.py"),
             r"_share_(?:fd|filename)_cpu_|torch[/\\]multiprocessing[/\\]reductions\.py|"
             r"multiprocessing[/\\]synchronize\.py|_multiprocessing\.SemLock\("),
    _message(Obs.DATALOADER_KILLED, ("is killed by signal: killed",),
             r"DataLoader worker \(pid[^)]*\) is killed by signal: Killed"),
    # --- GPU health --------------------------------------------------------------------------
    _message(Obs.XID, ("xid",),
             r"NVRM: Xid \((?P<pci>[^)]*)\):\s*(?P<xid>\d+)|(?-i:\b(?:Xid|XID))(?:\s+error)?(?:\s*\((?P<pci2>[^)]*)\))?"
             r"(?:\s*:\s*|\s+)(?P<xid2>\d+)\b"),  # the driver's line, or retold: "Xid 79", "XID error 79"
    _message(Obs.FALLEN_OFF_BUS, ("off the bus", "off the pci", "gpu is lost", "unable to determine the device handle"),
             r"(?:fall(?:s|en|ing)?|fell) off the (?:pci-?e? )?bus|GPU is lost|"
             r"Unable to determine the device handle for GPU\s*(?P<bus>\S+)"),
    _message(Obs.ECC_ERROR, ("ecc", "double-bit", "double bit", "nvlink", "pcie bus error", "aer: uncorrected"),
             r"uncorrectable ECC error encountered|cudaErrorECCUncorrectable|CUDA_ERROR_ECC_UNCORRECTABLE|"
             r"uncorrectable NVLink error|cudaErrorNvlinkUncorrectable|CUDA_ERROR_NVLINK_UNCORRECTABLE|"
             # the kernel's PCIe error reporting (AER) for the GPU's link
             r"PCIe Bus Error: severity=Uncorrected|AER: Uncorrected \(Fatal\) error|"
             r"uncorrectable[^\n]{0,40}\bECC\b|double[- ]bit (?:ECC )?errors?|\bDBE\b[^\n]{0,40}ECC"),
    _message(Obs.GPU_THROTTLED, ("slowdown", "gpu reset", "requires reset", "needs to be reset", "reset required",
                                 "nvidia-smi hang", "nvidia-smi freez", "nvidia-smi is stuck", "nvidia-smi takes forever",
                                 "nvidia-smi never returns", "nvidia-smi does not respond", "nvidia-smi doesn't respond",
                                 "nvidia-smi"),
             r"(?:HW|SW) (?:Thermal |Power Brake )?Slowdown\s*:\s*Active|GPU (?:requires|needs) (?:a )?reset|"
             r"(?:requires|needs to be|must be) reset|reset (?:is )?required|"
             r"nvidia-smi (?:hangs?|hanging|freezes|freezing|is stuck|takes forever|never returns|does(?: not|n'?t) "
             r"respond)|nvidia-smi\b[^\n]{0,120}?\b(?:timed out|times out|timeout)\b", join_next=1),
    _message(Obs.SMI_Q_PENDING, ("pending", "remapping failure occurred", "row remapping fail"),
             r"^\s*(?P<field>Pending Page (?:Blacklist|Retirement)|Pending|Remapping Failure Occurred)\s*:\s*Yes\b|"
             r"\b(?P<field2>Pending Page (?:Blacklist|Retirement)|Remapping Failure Occurred)\s*:\s*Yes\b|"
             r"\b(?P<field3>row remapping fail(?:ed|ure|s))\b"),  # nvidia-smi -q's fields quoted inline, or retold
    # --- capabilities ------------------------------------------------------------------------
    _message(Obs.BF16_UNSUPPORTED, ("bf16", "bfloat16", "cuda_r_16bf"),
             r"(?:bf16|bfloat16)[^\n]{0,80}(?:not supported|is only supported|requires|only available|"
             r"needs? (?:an? )?(?:Ampere|GPU|compute capability))|"
             r"(?:not supported|unsupported|(?:doesn'?t|does not|don'?t|do not|cannot|can'?t) support)[^\n]{0,40}"
             r"(?:bf16|bfloat16)|"
             # cuBLAS refusing a bfloat16 GEMM: "CUBLAS_STATUS_NOT_SUPPORTED when calling `cublasGemmStridedBatchedEx(
             # …, CUDA_R_16BF, …`" (GPUs before Ampere have no bf16 tensor cores)
             r"CUBLAS_STATUS_NOT_SUPPORTED[^\n]{0,300}CUDA_R_16BF",
             needs=("support", "require", "only available", "need")),
    _message(Obs.FLASH_ATTENTION_ARCH, ("flashattention", "flash attention", "flash_attn"),
             r"Flash[ _]?Attention(?:[ _-]?\d)?[^\n]{0,60}?(?:only supports? (?P<arch>Ampere|Turing|Hopper|sm_?\d+)|"
             r"requires (?P<gpu>A100|A800|H100|H800|Ampere|Hopper|sm_?[89]\d)|"
             r"(?:is )?not supported on (?P<old>Turing|Volta|Pascal|(?:this|your) GPU))[^\n]*"),
    _message(Obs.CAPABILITY_REQUIRED, ("compute capability", "capability >", "capability >=", "capability of at least",
                                       "your gpu has capability", "gpu does not support", "gpu doesn't support",
                                       "minimum capability:", "capability", "ampere or", "hopper or", "ada or",
                                       "turing or", "volta or", "blackwell or", "ampere gpus or", "hopper gpus or",
                                       "compute type, but the target device", "to be true, but got false"),
             # FlashAttention's bare check: "Expected is_sm90 || is_sm8x || is_sm75 to be true, but got false"
             r"Expected\s+(?P<sm_list>is_sm(?:\d+|8x)(?:\s*\|\|\s*is_sm(?:\d+|8x))*)\s+to\s+be\s+true,?\s+but\s+got\s+false|"
             r"(?:requires?|needs?|only supported on|only works on|at least|minimum)[^\n]{0,60}?(?:compute )?capability"
             r"\s*(?:of\s+)?(?:(?:>=|≥|>|at least)\s*)?\(?(?P<major>\d+)(?:\.|,\s*)(?P<minor>\d)\)?(?!\.\d)|"
             r"your GPU has capability \((?P<have_major>\d+),\s*(?P<have_minor>\d+)\)\s*\(too old\)|"
             r"compute capability\s*(?:<|below|lower than|less than)\s*(?P<below_major>\d+)\.(?P<below_minor>\d)\s*"
             r"(?:(?:is|are)\s+not\s+supported|detected)|"
             # the writer retelling the message: "the error says that my Cuda Capability is below 8.9"
             r"\b(?:my|the|this|our)\s+(?:gpu'?s?\s+|card'?s?\s+)?(?:cuda|compute)\s+capability\s+(?:is\s+)?(?:below|lower\s+than|"
             r"less\s+than|under|<)\s*(?P<below_major2>\d+)\.(?P<below_minor2>\d)(?!\.\d)|(?:your|this|the)\s+GPU\s+(?:does not|doesn'?t)\s+support\s+"
             r"(?P<feature>int8|fp8|bf16|bfloat16|tf32|flash|tensor cores|\w+ matmul)|"
             r"capability\s*(?:of\s+)?(?:>=|≥)?\s*(?P<or_major>\d+)\.(?P<or_minor>\d)\+?\s*(?:or\s+(?:higher|newer|above|"
             r"greater|later)|\+?\s*(?:is\s+)?(?:required|needed))|"
             r"Minimum capability:\s*(?P<packed>\d{2,3})\b|"
             # an architecture's name: "--tf32 requires Ampere or a newer GPU arch", "needs a Hopper or newer GPU"
             r"(?:requires?|needs?|only (?:supported|available) on)\s+(?:an?\s+)?(?P<arch_name>Volta|Turing|Ampere|Ada(?: Lovelace)?|"
             r"Hopper|Blackwell)\s+(?:or\s+(?:a\s+)?(?:newer|later|higher|above)|\(?sm_?\d+\)?\s+or\s+newer|GPUs?\s+or\s+newer)|"
             # CTranslate2 (faster-whisper): efficient float16 needs compute capability 7.0, bfloat16 8.0, int8 6.1
             r"Requested (?P<ct2_type>int8_float16|int8_bfloat16|float16|bfloat16|int8) compute type, but the target "
             r"device or backend do not support efficient",
             exclude=r"is_bf16_supported|minimum cuda capability supported by this library|cuda capability "
                     r"supported by this version of PyTorch"),
    _message(Obs.FP8_UNSUPPORTED, ("fp8", "_scaled_mm"),
             r"fp8[^\n]{0,60}(?:not supported|is only supported|requires)[^\n]{0,60}(?:compute capability|sm_?8\.?9|"
             r"ada|hopper|gpu|cuda arch)|_scaled_mm is only supported on CUDA devices with compute capability"),
    # --- application errors (the environment is usually fine) --------------------------------------
    # Whisper loads the model on the CPU when torch sees no GPU, and says so
    _message(Obs.GPU_NOT_SEEN, ("fp16 is not supported on cpu",), r"FP16 is not supported on CPU;?\s*using FP32 instead"),
    _message(Obs.VLLM_NO_CACHE_MEMORY, ("no available memory for the cache blocks",),
             r"No available memory for the cache blocks"),
    _message(Obs.VLLM_MEMORY_SHARE, ("gpu_memory_utilization", "gpu-memory-utilization"),
             r"gpu[_-]memory[_-]utilization\s*[=:]?\s*(?P<share>0?\.\d+)\b"),
    _message(Obs.CUDA_OOM, ("out of memory", "outofmemoryerror", "memoryallocation"),
             r"CUDA out of memory|OutOfMemoryError|cudaErrorMemoryAllocation|CUDA_ERROR_OUT_OF_MEMORY|"
             r"CUDA error: out of memory"),
    _message(Obs.OOM_CAPACITY, ("total capacity", "of which"),
             # Bounded number runs: unbounded ones backtrack cubically over long digit strings.
             r"Tried to allocate (?P<alloc>\d{1,12}(?:\.\d{1,12})? [KMGT]iB)[^\n]*?"
             r"(?:GPU (?P<index>\d{1,5})[;)]?[^\n]*?)?(?P<total>\d{1,12}(?:\.\d{1,12})? [KMGT]iB) total capacity|"
             r"GPU (?P<index2>\d{1,5}) has a total capacity of (?P<total2>\d{1,12}(?:\.\d{1,12})? [KMGT]iB)"),
    _message(Obs.DEVICE_SIDE_ASSERT, ("device-side assert",),
             r"device-side assert triggered"),
    _message(Obs.DEVICE_COUNT_DISAGREES, ("device < num_gpus",),
             r"device >= 0 && device < num_gpus INTERNAL ASSERT FAILED"),
    _message(Obs.ONNXRUNTIME_NO_CUDA, ("cudaexecutionprovider",),
             # onnxruntime's warning when the CUDA provider is asked for but its package has none, and apps' echo of it
             r"Specified provider 'CUDAExecutionProvider' is not in available provider names|"
             r"CUDAExecutionProvider\W{0,3}\s+(?:is\s+)?not\s+available"),
    _message(Obs.ARCH_KERNEL_MISSING, ("kernel is not available", "kernels are not available", "kernel is not compiled",
                                       "kernels are not compiled", "kernel not available", "kernel not compiled"),
             r"\bsm_?(?P<major>\d{1,2})(?P<minor>\d)a?\s+kernels?\s+(?:is\s+|are\s+)?not\s+(?:available|compiled|built)"),
    _message(Obs.INVALID_DEVICE_ORDINAL, ("invalid device ordinal", "invalid device id", "cudaerrorinvaliddevice"),
             r"invalid device ordinal|AssertionError: Invalid device id|cudaErrorInvalidDevice\b"),
    _message(Obs.ILLEGAL_MEMORY_ACCESS, ("illegal memory access", "illegaladdress", "illegal_address"),
             r"illegal memory access|cudaErrorIllegalAddress|CUDA_ERROR_ILLEGAL_ADDRESS"),
    _message(Obs.LAUNCH_FAILURE, ("unspecified launch failure", "misaligned address",
                                           "launch timed out", "illegal instruction"),
             r"unspecified launch failure|misaligned address|the launch timed out and was terminated|"
             r"an illegal instruction was encountered"),
    _message(Obs.DEVICE_MISMATCH, ("expected all tensors to be on the same device",),
             r"Expected all tensors to be on the same device"),
    _message(Obs.CUBLAS_STATUS, ("cublas_status_",),
             r"CUBLAS_STATUS_(?P<status>[A-Z_]+)"),
    _message(Obs.CUFFT_INTERNAL_ERROR, ("cufft_internal_error",), r"\bCUFFT_INTERNAL_ERROR\b"),
    _message(Obs.CUDNN_NO_ENGINE, ("unable to find an engine",),
             r"GET was unable to find an engine to execute this computation"),
    _message(Obs.CUDNN_STATUS, ("cudnn_status_",),
             r"CUDNN_STATUS_(?P<status>(?!ARCH_MISMATCH|VERSION_MISMATCH|SUBLIBRARY_VERSION_MISMATCH)[A-Z_]+)"),
    _message(Obs.NCCL_ERROR, ("ncclinternalerror", "nccl error", "ncclunhandledcudaerror",
                                       "ncclsystemerror", "ncclinvalidusage"),
             r"NCCL error[^\n]*|ncclInternalError|ncclUnhandledCudaError|ncclSystemError|ncclInvalidUsage"),
    # --- context ----------------------------------------------------------------------------
    _message(Obs.NUMPY_ABI, ("_array_api not found", "compiled using numpy 1.x cannot be run in"),
             r"_ARRAY_API not found|compiled using NumPy 1\.x cannot be run in\s*NumPy 2"),
    _message(Obs.GRAPHICS_DEVICE_NAME, ("nvidia graphics device",),
             r"NVIDIA Graphics Device"),
    _message(Obs.NGC_SHM_DEFAULT, ("shmem allocation limit is set to the default",),
             r"SHMEM allocation limit is set to the default of (?P<size>\d+\s*[KMG]B)"),
    _message(Obs.NO_CUDA_RUNTIME, ("no cuda runtime is found",),
             r"No CUDA runtime is found, using CUDA_HOME=?'?(?P<cuda_home>[^'\s]*)"),
    # a build of compiled code: where no GPU is seen while compiling (docker build, CI) nothing needs one
    # a job across machines: NCCL's failures there are most often the network between them
    _message(Obs.MULTI_NODE_JOB, ("nnodes", "num_nodes", "num-nodes", "hostfile", "multi-node", "multinode",
                                  "multi node", "nodes", "machines", "servers", "多机", "多节点", "多台", "两台"),
             r"--?nnodes[ =]+(?!1\b)\d+|\bnnodes\s*[=:]\s*(?!1\b)\d+|--?num[_-]nodes[ =]+(?!1\b)\d+|"
             r"\bnum_nodes\s*[=:]\s*(?!1\b)\d+|\bhostfile\b|\bmulti[- ]?node\b|"
             r"\b(?:two|three|four|2|3|4|8|16|multiple|several)\s+(?:\w+\s+)?(?:nodes|machines|servers)\b|"
             r"多机|多节点|多台(?:机器|服务器)|两台(?:机器|服务器)"),
    _message(Obs.EXTENSION_BUILDING, ("building wheel for", "building wheels for", "running setup.py",
                                      "running build_ext", "bdist_wheel", "ninja -v", "/bin/nvcc ", "\\bin\\nvcc",
                                      "nvcc.exe", "building extension"),
             r"Building wheels? for [\w.-]+|Running setup\.py (?:install|develop|bdist_wheel)|running build_ext|"
             r"bdist_wheel|ninja -v|[/\\]bin[/\\]nvcc(?:\.exe)?\s+-|nvcc\.exe\s+-|Building extension module"),
    _message(Obs.TORCH_IMPORT_FRAME, ("torch/__init__.py", "torch\\__init__.py", "from torch._c import"),
             r"(?P<path>\S*torch[/\\]__init__\.py)|from torch\._C import"),
    _message(Obs.CUDA_INIT_WARNING, ("cuda initialization:",),
             r"CUDA initialization:\s*(?P<message>.+)"),
    # --- a GPU said to be dropped by the builds, in the report's words ----------------------------------
    _message(Obs.GPU_DROPPED_STATED, ("support", "supported"),
             r"\b(?:dropped|removed|ended|stopped|discontinued)\s+(?:the\s+)?support(?:ing)?\s+(?:for\s+)?(?:my|this|the|our|"
             r"older|old)\s+(?:\w+\s+){0,2}?(?:GPUs?|cards?|graphics\s+cards?|Tesla\s+[KM]\d+\w*|(?:GeForce\s+)?GTX?\s*\d{3,4}"
             r"\w*|Quadro\s+[KM]?\d+\w*|K\d{2}m?|Kepler|Maxwell|Pascal|Volta)\b|"
             r"\b(?:Kepler|Maxwell|Pascal|Volta)(?:\s+(?:GPUs?|cards?|architecture|generation))?\s+(?:is|are)\s+(?:no\s+longer|not)\s+"
             r"supported\b|"
             r"\bcompute\s+capability\s+(?:of\s+)?[1-6]\.\d\b[^\n]{0,60}?\b(?:no\s+longer|(?:does\s+not|doesn'?t|do\s+not|don'?t)"
             r"\s+(?:\w+\s+)?)\s*supports?\b|"
             # the writer's own card said to be unsupported: "maybe I have an unsupported GPU", "my old card is no longer
             # supported", "torch that did not support the old CUDA version of this specific card"
             r"\b(?:an?|my|this)\s+(?:old(?:er)?\s+)?unsupported\s+(?:GPU|card|graphics\s+card)\b|"
             r"\b(?:my|this)\s+(?:old(?:er)?\s+)?(?:GPU|card|graphics\s+card)\s+(?:is|was)\s+(?:no\s+longer|not)\s+supported\b|"
             r"\b(?:did|does|do)(?:n'?t|\s+not)\s+support\s+(?:[\w ]{0,30}?\s)?(?:my|this)\s+(?:\w+\s+){0,2}?(?:GPU|card)\b",
             exclude=r"\b(?:dropped|removed)\s+support\s+for\s+(?:the\s+)?(?:CPU|Python|Windows|macOS)\b"),

    # --- library paths, GPU health, NCCL and configuration: more families -------------------------------
    # Windows' loader dialog: a DLL of another version was found first (also in German, French, Chinese, Japanese)
    _message(Obs.WINDOWS_ENTRY_POINT, ("entry point", "einsprungpunkt", "point d'entrée", "程序输入点", "エントリ ポイント",
                                       "エントリポイント"),
             _ENTRY_POINT + r"\s*\"?(?P<symbol>[\w@?$]+)\"?[^\n]{0,120}?"
             r"(?P<dll>(?:cublasLt|cublas|cudnn\w*|cudart|cufft|curand|cusolver|cusparse|nvrtc|nvJitLink|cupti|nvcuda|"
             r"nccl|c10_cuda|torch_cuda)\w*\.dll)|" +
             _ENTRY_POINT + r"\s*\"?(?P<symbol2>(?:cuda|cublas|cudnn|cufft|cusparse|cusolver|curand|"
             r"nvrtc|nccl)\w+)"),
    # JAX's start-up check of the CUDA libraries it finds: an older one was loaded (another folder first)
    _message(Obs.LIBRARY_OLDER_THAN_BUILD, ("was built against version",),
             r"Found (?P<lib>cuDNN|cuBLAS|cuSPARSE|cuFFT|cuSOLVER|CUPTI|NCCL|CUDA runtime|CUDA driver|CUDA|NVRTC|nvJitLink)"
             r" version (?P<found>\d+)\s*,?\s*but (?:JAX|jaxlib|XLA|TensorFlow|it) was built against version "
             r"(?P<built>\d+)", join_next=1),
    # `ldd` on a CUDA program or library: a CUDA runtime library the loader does not find
    _message(Obs.LDD_NOT_FOUND, ("=> not found",),
             r"^\s*(?P<lib>lib(?:cudart|cublasLt|cublas|cufft|curand|cusparse|cusolver|nvrtc|nvJitLink|nvToolsExt|cupti|"
             r"nccl|cudss|cufile|cusparseLt)[\w.-]*\.so[.\d]*)\s*=>\s*not found"),
    # Windows: a CUDA provider DLL (onnxruntime, TensorRT) whose dependent CUDA/cuDNN DLLs are not found or of
    # another version (126 module not found, 127 procedure not found)
    _message(Obs.PROVIDER_DLL_FAILED, ("loadlibrary failed with error",),
             r"LoadLibrary failed with error (?P<code>12[67])\b[^\n]{0,80}?(?P<dll>[\w.-]*(?:cuda|cudnn|cublas|tensorrt)"
             r"[\w.-]*\.dll)"),
    # the display watchdog (Windows TDR, X's kernel time limit) stops a long kernel
    _message(Obs.WATCHDOG_TIMEOUT, ("launch timed out", "launchtimeout", "launch_timeout", "tdr", "nvlddmkm",
                                    "stopped responding"),
             r"the launch timed out and was terminated|cudaErrorLaunchTimeout|CUDA_ERROR_LAUNCH_TIMEOUT|\bTdrDelay\b|"
             r"\bTDR\b[^\n]{0,40}?\b(?:timeout|delay|reset|recover\w*)|nvlddmkm[^\n]{0,80}?(?:stopped responding|"
             r"recovered)|Display driver[^\n]{0,40}?stopped responding and has (?:successfully )?recovered"),
    # settings a job needs that are missing or wrong: MIG without instances, NCCL's network interface, the
    # rendezvous variables of torch.distributed
    _message(Obs.JOB_SETTING_MISSING, ("no mig devices found", "no mig-enabled devices", "no socket interface found",
                                       "no usable listening interface", "expected, but not set",
                                       "socket creation failed", "nor af_inet6",
                                       "server socket has failed to bind", "address already in use"),
             r"No MIG(?:-enabled)? devices found|Bootstrap\s*:\s*no socket interface found|no socket interface found|"
             r"No usable listening interface found|"
             # the interface NCCL picked cannot open a socket (IPv6 in a container without it)
             r"Socket creation failed\s*:\s*Address family not supported|"
             # no interface matched NCCL_SOCKET_IFNAME: NCCL connects to an address it never filled in
             r"ncclSocket\w*:\s*connecting to address\s[^\n]{0,60}?is neither AF_INET\(2\) nor AF_INET6\(10\)|"
             r"environment variable (?P<variable>MASTER_ADDR|MASTER_PORT|RANK|"
             r"WORLD_SIZE|LOCAL_RANK) expected, but not set|"
             r"server socket has failed to bind to [^\n]{0,60}?(?P<port>\d{2,5})\s*\(errno: 98 - Address already in use|"
             # torch.distributed's store before 2.x: the bare error, raised by init_process_group
             r"(?:^|[\s:：])(?:RuntimeError|torch\.distributed\.DistNetworkError|DistNetworkError):\s*Address already in use\s*$"),
    # building an extension without the tools or the CUDA toolkit's headers and libraries where the build looks
    _message(Obs.BUILD_TOOL_MISSING, ("visual c++ 14.0 or greater is required", "ninja is required",
                                      ": no such file or directory", "cannot find -l", "cannot find compiler 'cl.exe'",
                                      "error checking compiler version for cl", "'cl' is not recognized",
                                      "command 'cl.exe' failed"),
             r"Microsoft Visual C\+\+ 14\.0 or greater is required|Ninja is required to load C\+\+ extensions|"
             r"fatal error:\s*(?P<header>cuda_runtime(?:_api)?\.h|cublas_v2\.h|cuda\.h|cusparse\.h|curand\.h|cufft\.h|"
             r"nvrtc\.h|cuda_fp16\.h|cuda_bf16\.h):\s*No such file or directory|"
             r"cannot find -l(?P<lib>cudart|cublas|cublasLt|curand|cusparse|cufft|nvrtc|nvToolsExt)\b|"
             r"Cannot find compiler 'cl\.exe' in PATH|Error checking compiler version for cl|"
             r"'cl' is not recognized as an internal or external command|command 'cl\.exe' failed"),
    # docker's --gpus value written without the inner quotes: "device=0,1" is read as a count and IDs
    _message(Obs.DOCKER_GPUS_SYNTAX, ("cannot set both count and deviceids",),
             r"cannot set both Count and DeviceIDs on device request"),
    # nvidia-smi's banner without a CUDA version: the utility libraries are there, libcuda is not (a container
    # given only the `utility` driver capability)
    _message(Obs.SMI_CUDA_NA, ("cuda version",),
             r"CUDA Version\s*:\s*N/A\b|\bcuda version\s+(?:was|is|shows?|showed|says|said)\s+(?:as\s+)?n/a\b"),
    # torch's ROCm build, asked for a GPU: on an NVIDIA machine it is the wrong build
    _message(Obs.NO_HIP_GPUS, ("no hip gpus",), r"No HIP GPUs are available"),
    # the writer's own comparison: with worker processes it fails or hangs, without them it runs (what moves
    # through /dev/shm is the workers' batches)
    _message(Obs.WORKERS_ZERO_WORKS, ("num_workers",),
             r"\bnum_workers\s*(?:=|==|to|of|set\s+to)?\s*0\b(?!\.\d)[^\n]{0,50}?\b(?:it\s+)?(?:works?|worked|runs?\s+"
             r"(?:fine|ok|normally|well)|is\s+fine|fixe[sd]|solve[sd]|no\s+(?:problem|issue|error))\b|"
             r"\b(?:works?|worked|runs?\s+fine|fixe[sd]\s+it|solve[sd]\s+it)\b[^\n]{0,40}?\bnum_workers\s*(?:=|==|to|of)?\s*"
             r"0\b(?!\.\d)"),
    # docker-compose before 1.28 validates a compose file without GPU device reservations
    _message(Obs.COMPOSE_TOO_OLD, ("additional properties are not allowed",),
             r"Additional properties are not allowed \('devices' was unexpected\)"),
    # the docker client (not the daemon) predates 19.03, where --gpus came in
    _message(Obs.DOCKER_GPUS_FLAG_UNKNOWN, ("unknown flag: --gpus",), r"unknown flag: --gpus\b"),
    # a CDI device (--device nvidia.com/gpu=all) asked of a Docker daemon whose CDI feature is off
    _message(Obs.DOCKER_CDI_DISABLED, ("could not select device driver",),
             r"could not select device driver \"cdi\""),
    # two OpenMP runtimes in one process (conda's intel-openmp next to torch's own copy)
    _message(Obs.OPENMP_DUPLICATE, ("already initialized",),
             r"OMP: Error #15: Initializing (?P<lib>lib\w+\.(?:dll|so|dylib)), but found (?:lib\w+\.(?:dll|so|dylib)) "
             r"already initialized", join_next=1),
    # pip unpacking torch's deep include tree on Windows without long paths
    _message(Obs.WINDOWS_LONG_PATH, ("long path support", "long paths"),
             r"Windows Long Path support (?:is not|isn'?t) enabled|does not have Windows Long Path support enabled"),
    # NCCL older than the one the program was built with: it does not know the config struct torch passes
    _message(Obs.NCCL_CONFIG_REJECTED, ("invalid config blocking attribute", "invalid config cga",
                                        "invalid config min cta", "invalid config max cta", "invalid config split"),
             r"Invalid config (?P<field>blocking attribute|cgaClusterSize attribute|min CTAs|max CTAs|split share|"
             r"[\w ]{1,30}?) value -?\d+"),
    # vLLM / CuPy loading libnccl themselves
    _message(Obs.NCCL_LOAD_FAILED, ("failed to load nccl library", "nccl library might not exist"),
             r"Failed to load NCCL library from (?P<lib>\S+)|the nccl library might not exist, be corrupted"),
    # GPU faults the driver, its firmware or a stress tool reports besides Xid numbers
    _message(Obs.GPU_FAULT_REPORTED, ("rpc from gsp", "gsp rpc", "gsp timeout", "faulty", "dcgmi diag", "ecc errors",
                                      "memory errors", "gpu crash dump", "| fail", ": fail"),
             r"Timeout waiting for RPC from GSP|GSP RPC timeout|GSP\s+(?:firmware\s+)?(?:timeout|crashed|error)|"
             r"^\s*GPU\s*\d+\s*:\s*FAULTY\b|\bFAULTY\b[^\n]{0,40}\bGPU\b|"
             r"(?:\|\s*|^\s*)(?:Memory|Diagnostic|PCIe|NVLink|Targeted (?:Stress|Power)|SM Stress|Memory Bandwidth)\s*"
             r"[|:]\s*Fail\b|"  # dcgmi diag's table row (read as "Memory: Fail - GPU 3" where it has two cells)
             r"(?:detected|found|reports?|reported)\s+\d+\s+(?:uncorrect\w+\s+)?(?:ECC|memory)\s+errors|"
             r"A GPU crash dump has been created"),
    # lspci reading all-ones from the GPU's config space ("rev ff"): the device no longer answers on the bus
    _message(Obs.LSPCI_REV_FF, ("(rev ff)",),
             r"(?:VGA compatible controller|3D controller|Display controller)?[^\n]{0,20}?NVIDIA Corporation[^\n]{0,120}?"
             r"\(rev ff\)"),
    # NCCL refuses two ranks on one GPU: the program (or CUDA_VISIBLE_DEVICES per rank) maps ranks to devices wrongly
    _message(Obs.DUPLICATE_GPU, ("duplicate gpu detected",),
             r"Duplicate GPU detected\s*:?\s*rank (?P<rank>\d+) and rank (?P<rank2>\d+) both on CUDA device "
             r"(?P<device>\w+)", join_next=1),
)


BY_OBS: Dict[Obs, Message] = {m.obs: m for m in MESSAGES}


def recognise(text: Optional[str]) -> List[Tuple[Obs, Dict[str, str]]]:
    """Every message found in a short error text (a deep child's), in catalogue order, with its values."""
    if not text:
        return []
    lowered = text.lower()
    found: List[Tuple[Obs, Dict[str, str]]] = []
    for message in MESSAGES:
        if not any(anchor in lowered for anchor in message.anchors) or not message.may_match(lowered):
            continue
        match = message.pattern.search(text)
        if match is None or (message.exclude is not None and message.exclude.search(text)):
            continue
        found.append((message.obs, {k: v.strip() for k, v in match.groupdict().items() if v}))
    return found


@lru_cache(maxsize=1)
def diagnosis_messages() -> Tuple[Message, ...]:
    """The messages that point to a diagnosis category (not the program's own errors or context)."""
    from .vocabulary import CATEGORIES

    return tuple(m for m in MESSAGES if m.category in CATEGORIES)
