"""Kinds of evidence a ninth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # CUDA error 804 with nothing known of a container, an image or the CUDA wanted: what the error says
    ("[ERROR]: cudaErrorCompatNotSupportedOnDevice: forward compatibility was attempted on non supported HW\n"
     "OS: Kubuntu 22.04 (Linux)\nGPU: NVIDIA GeForce GTX 970", "forward_compat_unsupported", "cuda-compat"),
    # a kernel fault that follows one node of a cluster
    ("RuntimeError: CUDA error: an illegal memory access was encountered\nThe same job passes on every other node; "
     "only node gpu-17 fails.", "gpu_health", "probably failing"),
    ("RuntimeError: CUDA error: unspecified launch failure\nIt only happens on one of our 16 nodes.", "gpu_health",
     "probably failing"),
    # DataParallel's own words for a GPU index beyond the visible ones
    ("  File \"/usr/lib/python3.8/site-packages/torch/nn/parallel/data_parallel.py\", line 142, in __init__\n"
     "AssertionError: Invalid device id\nexport CUDA_VISIBLE_DEVICES=0,1 and I pass --gpus 2,3", "config",
     "CUDA_VISIBLE_DEVICES"),
    # pip refusing a torch wheel whose name carries its tags
    ("ERROR: torch-2.3.0+cu121-cp312-cp312-win_amd64.whl is not a supported wheel on this platform.", "config",
     "no torch wheel"),
    # a batch system's placeholder in CUDA_VISIBLE_DEVICES: no GPU was allocated to the job
    ("torch.cuda.device_count() returns 0\necho $CUDA_VISIBLE_DEVICES\nCUDA_VISIBLE_DEVICES=NoDevFiles",
     "no_gpu_visible", "hides them"),
    # the imported version said in a sentence, the package manager's in the same one
    ("torch.__version__ is 1.13.1 but `pip list` shows torch 2.1.0. Jupyter runs a different kernel.",
     "multiple_torch_installs", "2 torch installations"),
    # the same extension message where an NVIDIA GPU is there
    ("Warning: The installed version of bitsandbytes was compiled without GPU support. 8-bit optimizers, 8-bit "
     "multiplication, and GPU quantization are unavailable.\nGPU: RTX 3090, Ubuntu 22.04", "extension_mismatch",
     "bitsandbytes"),
    # a library without the kernels of an architecture the GPU has: its build, not the GPU
    ("Error running sage attention: SM89 kernel is not available. Make sure you GPUs with compute capability 8.9., "
     "using pytorch attention instead.\ni have a 4090 and keep getting this error", "extension_mismatch",
     "no sm_89 kernels although"),
    # the same for a GPU below that architecture: the feature is missing
    ("Error running sage attention: SM90 kernel is not available.\nGPU: RTX 3090", "capability_missing",
     "below what the library or model requires (≥ 9.0)"),
    # ONNX Runtime's CPU package next to a torch that sees the GPU
    ("Torch CUDA Available: True\nDevice name: NVIDIA GeForce RTX 4060 Ti\nONNX Runtime Providers: "
     "['AzureExecutionProvider', 'CPUExecutionProvider']\nCUDAExecutionProvider not available — ONNX will fall back "
     "to CPU.", "config", "ONNX Runtime has no CUDA provider"),
    # Triton's FP8 words for an Ampere GPU
    ("AssertionError: fp8e4nv data type is not supported on CUDA arch < 89", "capability_missing", "FP8"),
    # daemon.json registers the runtime, the daemon has not loaded it
    ("Error response from daemon: unknown or invalid runtime name: nvidia\nhere is my daemon file snippet :\n"
     "{\n  \"runtimes\": {\n    \"nvidia\": {\n      \"path\": \"nvidia-container-runtime\",\n      \"runtimeArgs\": []\n"
     "    }\n  }\n}\n$ docker info | grep -i runtime\n Runtimes: io.containerd.runc.v2 runc\n Default Runtime: runc",
     "config", "has not loaded the nvidia runtime"),
    # another package's install replaced the CUDA build with PyPI's Windows wheel
    ("Downloading torch-2.1.0-cp310-cp310-win_amd64.whl (192.3 MB)\nInstalling collected packages: torch\n"
     "  Attempting uninstall: torch\n    Found existing installation: torch 2.1.2+cu121\n    Uninstalling "
     "torch-2.1.2+cu121:\n      Successfully uninstalled torch-2.1.2+cu121", "cpu_only_torch",
     "replaced the CUDA build torch 2.1.2+cu121"),
    # vLLM told to use a tenth of the GPU
    ("llm = LLM(model=\"mistral-7b-awq\", quantization=\"AWQ\", gpu_memory_utilization=0.1)\nValueError: No "
     "available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
     "config", "only 10% of the GPU's memory"),
    # a REPL check that shows the CPU build: the build, not a second install
    (">>> torch.__version__\n'2.2.0+cpu'", "cpu_only_torch", "CPU-only build"),
]

# --- near misses: (text, the category the first finding must not have) --------------------------------------------
NOT_LEADS = [
    # 804 in a container whose image needs a newer CUDA major than the host driver: the old driver
    ("docker run --gpus all nvcr.io/nvidia/pytorch:24.05-py3\nDriver Version: 470.82.01    CUDA Version: 11.4\n"
     "Error 804: forward compatibility was attempted on non supported HW", "forward_compat_unsupported"),
    # no kernel fault: a job that finds no GPU on one node is not the hardware's
    ("RuntimeError: No CUDA GPUs are available\nthe job runs fine on every other node; only node gpu-17 fails",
     "gpu_health"),
    # a script's variable in CUDA_VISIBLE_DEVICES is not a value that hides the GPUs
    ("CUDA_VISIBLE_DEVICES=$LOCAL_RANK python train.py\nRuntimeError: CUDA error: out of memory", "no_gpu_visible"),
    # the same version imported and listed: one install
    ("torch.__version__ is 2.1.0 and pip list shows torch 2.1.0", "multiple_torch_installs"),
    # CUDA's invalid device *function* is a kernel missing, not an index
    ("RuntimeError: CUDA error: invalid device function", "config"),
    # an extension's GPU code not loading on a Mac: expected there
    ("Warning: The installed version of bitsandbytes was compiled without GPU support. 8-bit optimizers, 8-bit "
     "multiplication, and GPU quantization are unavailable.\nI run on a MacBook M2 and only want CPU inference",
     "extension_mismatch"),
    # torch in the container sees the GPU: an app's "falls back to CPU" is not the container's missing GPU
    ("Torch CUDA Available: True\nDevice name: NVIDIA GeForce RTX 3060\nthe app in docker falls back to CPU",
     "no_gpu_visible"),
    # the daemon lists the nvidia runtime: the unknown-runtime error is not the daemon's stale configuration
    ("docker: Error response from daemon: could not select device driver \"\" with capabilities: [[gpu]].\n"
     "\"default-runtime\": \"nvidia\"\n Runtimes: io.containerd.runc.v2 nvidia runc", "config"),
    # vLLM's cache message with the default share: the model does not fit, no setting is wrong
    ("llm = LLM(model=\"llama-70b\", gpu_memory_utilization=0.9)\nValueError: No available memory for the cache "
     "blocks. Try increasing `gpu_memory_utilization` when initializing the engine.", "config"),
    # the same check on a Mac: nothing to fix
    (">>> torch.__version__\n'2.2.0+cpu'\nI run it on a MacBook", "cpu_only_torch"),
    # a CUDA build replaced by another CUDA build
    ("Uninstalling torch-2.1.2+cu121:\n  Successfully uninstalled torch-2.1.2+cu121\nSuccessfully installed "
     "torch-2.3.1+cu121", "cpu_only_torch"),
]

# --- what is observed: (text, the observation) --------------------------------------------------------------------
OBSERVED = [
    ("AssertionError: Invalid device id", Obs.INVALID_DEVICE_ORDINAL),
    ("cudaErrorInvalidDevice: invalid device ordinal", Obs.INVALID_DEVICE_ORDINAL),
    ("It works on all the other nodes, only node dgx-03 crashes", Obs.HARDWARE_FAULT_STATED),
    ("torch.__version__ returns 2.0.1", Obs.TORCH_VERSION_IMPORTED),
    ("🔧 Torch CUDA Available: True", Obs.CUDA_AVAILABLE),
    ("Error running sage attention: SM89 kernel is not available.", Obs.ARCH_KERNEL_MISSING),
    ("I only run it on a laptop without a GPU", Obs.NO_NVIDIA_GPU),
]
NOT_OBSERVED = [
    ("cudaErrorInvalidDeviceFunction", Obs.INVALID_DEVICE_ORDINAL),
    ("I submit the job to every other node in turn", Obs.HARDWARE_FAULT_STATED),
    ("print(torch.__version__)", Obs.TORCH_VERSION_IMPORTED),
    # a package's build said to lack GPU support says nothing of the machine
    ("The installed version of bitsandbytes was compiled without GPU support.", Obs.NO_NVIDIA_GPU),
    ("[W] CUDAExecutionProvider not available", Obs.GPU_NOT_SEEN),
]
