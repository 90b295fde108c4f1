"""Kinds of evidence a tenth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# torchvision.io's warning as it is printed at import, with no error named, and with a torch library missing
_IMAGE_WARNING = ("/usr/local/lib/python3.10/dist-packages/torchvision/io/image.py:13: UserWarning: Failed to load "
                  "image Python extension: ''If you don't plan on using image functionality from `torchvision.io`, "
                  "you can ignore this warning. Otherwise, there might be something wrong with your environment. Did "
                  "you have `libjpeg` or `libpng` installed before building `torchvision` from source?\n  warn(\n")
_IMAGE_NO_LIBRARY = ("/usr/lib/python3.10/site-packages/torchvision/io/image.py:13: UserWarning: Failed to load image "
                     "Python extension: libc10_cuda.so: cannot open shared object file: No such file or directory\n")

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # a CDI device asked of a Docker daemon whose CDI feature is off
    ("sudo docker run --rm --device nvidia.com/gpu=all ubuntu nvidia-smi -L\ndocker: Error response from daemon: "
     "could not select device driver \"cdi\" with capabilities: [].", "config", "does not have CDI enabled"),
    # a CUDA library that fails to load on a cluster node, and the program then runs on the CPU: the library's fault
    ("On our HPC cluster I get this error and then everything falls back to cpu:\nRuntimeError: jaxlib/cuda/"
     "versions_helpers.cc:81: operation cusparseGetProperty(MAJOR_VERSION, &major) failed: The cuSPARSE library was "
     "not found.", "lib_path_conflict", "cannot be loaded"),
    # JAX's check of its cuDNN, with cuDNN's integer versions
    ("CUDA backend failed to initialize: Unable to use CUDA because of the following issues with CUDA components:\n"
     "Outdated cuDNN installation found.\nVersion JAX was built against: 8907\nMinimum supported: 9100\n"
     "Installed version: 8907", "cudnn_version_mismatch", "cuDNN 8.9.7 is loaded, but the framework needs cuDNN ≥ 9.1.0"),
    # the library set on the search path is not the one used, said in English and in Chinese
    ("I point LD_LIBRARY_PATH at my cudnn 8.9 folder but torch still loads the system cudnn", "lib_path_conflict",
     "instead of the bundled"),
    ("当使用LD_LIBRARY_PATH指定cuda和cudnn版本时，cudnn不起作用，仍然使用的默认cudnn", "lib_path_conflict",
     "instead of the bundled"),
    # a GeForce GT model named without "GeForce", in a report of CUDA not seen
    ("Как запустить на более старых картах? Для примера на gt 740\npytorch не видит cuda, "
     "torch.cuda.is_available() False", "gpu_too_old_for_build", "GT 740"),
    # torchvision.io's warning printed before the real failure does not take the lead from it
    (_IMAGE_WARNING + "RuntimeError: DataLoader worker (pid 4321) is killed by signal: Bus error. It is possible that "
     "dataloader's workers are out of shared memory.", "shm_too_small", "Shared memory"),
    (_IMAGE_NO_LIBRARY + "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA "
     "GPU and installed a driver", "driver_not_loaded", ""),
    (_IMAGE_WARNING + "RuntimeError: operator torchvision::nms does not exist", "torchvision_mismatch",
     "torchvision was not built for the installed torch"),
    # alone, a torch library missing from the warning still says torchvision does not fit torch
    (_IMAGE_NO_LIBRARY, "torchvision_mismatch", "may not be built for the installed torch"),
    # the imported version said in Chinese and in Russian
    ("pip list 显示 torch 2.1.0+cu121，但是 python -c \"import torch; print(torch.__version__)\" 输出 1.13.1",
     "multiple_torch_installs", "imports torch 1.13.1"),
    ("torch.__version__ возвращает 1.13.1, а pip list показывает torch 2.1.0", "multiple_torch_installs",
     "imports torch 1.13.1"),
    # the machine going down under load, said in Japanese and Chinese
    ("学習中にPCが落ちます。電源ユニットは650Wで、RTX 3090を使っています。エラーは出ません。", "gpu_health", ""),
    ("训练的时候电脑自动重启，用的是 RTX 3090", "gpu_health", ""),
    # outside a build, cpp_extension's notice is a process that saw no GPU
    ("No CUDA runtime is found, using CUDA_HOME='/usr/local/cuda'\nTraceback (most recent call last):\n"
     "  File \"run.py\", line 3, in <module>\n    model.cuda()", "cpu_only_torch", "CUDA is unavailable"),
    # a kernel error with an optional accelerator said to be absent: not that accelerator's kernels
    ("xFormers not available\nGPU: NVIDIA GeForce GTX 680\ntorch 2.3.1+cu121\nRuntimeError: CUDA error: no kernel "
     "image is available for execution on the device", "gpu_too_old_for_build", ""),
]

# --- what a near miss must not lead with: (text, category) -------------------------------------------------------
NOT_LEADS = [
    # the classic message of a host without the toolkit is not a CDI setting
    ("docker: Error response from daemon: could not select device driver \"\" with capabilities: [[gpu]].",
     "config"),
    # a cluster job that falls back to the CPU with no library failing: the job got no GPU
    ("On our HPC cluster the job runs but everything falls back to cpu\n$ srun python train.py\n"
     "torch.cuda.is_available() False", "lib_path_conflict"),
    # "still" said of something other than a library on the path
    ("I still use the default cudnn settings (benchmark=False) and it still crashes with CUDA error: an illegal "
     "memory access was encountered", "lib_path_conflict"),
    # a restart that helped once is no hardware sign
    ("我重启了电脑之后就好了", "gpu_health"),
    ("生成中にエラーが出ました: CUDA out of memory", "gpu_health"),
    # the warning that names no error is no lead at all
    (_IMAGE_WARNING, "torchvision_mismatch"),
    # while a wheel is compiled (docker build, CI) no GPU is needed: the build's own error leads
    ("  Building wheel for flash-attn (setup.py) ... error\nNo CUDA runtime is found, using CUDA_HOME='/usr/local/"
     "cuda'\nninja: build stopped: subcommand failed.", "no_gpu_visible"),
    # an optional accelerator said to be absent is no failure of it
    ("xFormers not available\nA matching Triton is not available, some optimizations will not be enabled.",
     "extension_mismatch"),
    # torch.distributed's notice on Windows and macOS names platforms, not a Mac: a CUDA build that sees no GPU errs
    ("NOTE: Redirects are currently not supported in Windows or MacOs.\ntorch 2.1.0+cu121\ntorch.cuda.is_available()"
     " False\nAssertionError: Torch not compiled with CUDA enabled", "config"),
]

# --- what is observed, and what only looks like it ----------------------------------------------------------------
OBSERVED = [
    ("could not select device driver \"cdi\" with capabilities: []", Obs.DOCKER_CDI_DISABLED),
    ("The cuSPARSE library was not found.", Obs.CUDA_LIBRARY_MISSING),
    ("cuFFT library is not loaded", Obs.CUDA_LIBRARY_MISSING),
    ("Outdated cuDNN installation found.\nMinimum supported: 9100\nInstalled version: 8907", Obs.CUDNN_RUNTIME_OLDER),
    ("Building wheels for collected packages: flash-attn", Obs.EXTENSION_BUILDING),
    ("I use MacOS on my laptop", Obs.NO_NVIDIA_GPU),
]

NOT_OBSERVED = [
    # a CDI device name in a docker command is not a Kubernetes pod
    ("sudo docker run --rm --device nvidia.com/gpu=all ubuntu nvidia-smi -L", Obs.KUBERNETES_POD),
    ("cuSPARSE handle was not found in the cache, creating one", Obs.CUDA_LIBRARY_MISSING),
    # a JAX line about another component is not cuDNN's
    ("Outdated CUDA installation found.\nMinimum supported: 12010\nInstalled version: 12000", Obs.CUDNN_RUNTIME_OLDER),
    ("loss gt 100 after step 12", Obs.GPU_NAME_AMBIGUOUS),
    ("NOTE: Redirects are currently not supported in Windows or MacOs.", Obs.NO_NVIDIA_GPU),
]

# --- judged on what the paste shows: (text, code that must not fire) ---------------------------------------------
SILENT = [
    # a driver line without a GPU list says nothing of how many GPUs there are
    ("CUDA_VISIBLE_DEVICES=0 python train.py\nnvidia-smi --version\nNVIDIA-SMI version  : 550.54.14\n"
     "DRIVER version      : 550.54.14\nCUDA Version        : 12.4", "CC105"),
    # diffusers' notice that an optional accelerator is not installed is no failure of it
    ("Xformers is not installed correctly. If you want to use memory_efficient_attention to accelerate training use "
     "the following command to install Xformers\npip install xformers.", "CC827"),
]
