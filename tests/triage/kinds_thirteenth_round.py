"""Kinds of evidence a thirteenth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # the report says the GPU is not found while the image builds: docker build gives its steps no GPU
    ("Working with nvidia/cuda:11.8.0-devel-ubuntu20.04. I need the GPU at build time to compile a dependency. "
     "nvidia-smi works just fine in the container at runtime, but not during build time.", "no_gpu_visible",
     "image build"),
    ("RUN python3 -c \"import torch; print(torch.cuda.is_available())\"\nFalse\n"
     "PyTorch is not detecting CUDA during the `docker-compose up --build`", "no_gpu_visible", "image build"),
    # a GPU the report says is in exclusive mode, busy: the compute mode is the setting to change
    ("RuntimeError: CUDA error: all CUDA-capable devices are busy or unavailable\n"
     "Update - my gpu is in exclusive mode in nvidia-smi and I cannot change the setting.", "config",
     "Exclusive-Process"),
    # CUDA unavailable, a torch release named without its build, a driver older than the release's default build
    ("| NVIDIA-SMI 410.79       Driver Version: 410.79       CUDA Version: 10.0     |\n"
     "torch 1.5.0, torch.cuda.is_available() returns False", "driver_too_old", "default CUDA 10.2 build"),
    # an Xid retold, not in the driver's log format, next to what it left behind
    ("You're getting a XID 79. The training stops and nvidia-smi shows: No devices were found", "gpu_health",
     "Xid 79"),
    # a lower power limit that ends the failures
    ("Training stops with CUDA error: an illegal memory access was encountered after 2-3 hours. When I limit the "
     "power with sudo nvidia-smi -pl 250 it runs for days without any problem.", "gpu_health", "hardware"),
    ("Row remapping failed on GPU 3 according to nvidia-smi -q", "gpu_health", "Row remapping failed"),
    # ldd of torch's pip wheel resolving its CUDA libraries in a toolkit folder: LD_LIBRARY_PATH wins over RUNPATH
    ("$ ldd /home/me/venv/lib/python3.10/site-packages/torch/lib/libtorch_cuda.so | grep cu\n"
     "\tlibcudart.so.12 => /usr/local/cuda-12.1/lib64/libcudart.so.12 (0x00007f1)\n"
     "RuntimeError: CUDA error: CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate(handle)`",
     "lib_path_conflict", "another folder"),
    # a GeForce series named without a model: its products' compute capabilities (all GTX 10 cards are sm_61)
    ("GTX 10 series card, torch 2.8.0+cu128: no kernel image is available for execution on the device",
     "gpu_too_old_for_build", "too old"),
    # the same service absent on an SXM board: its NVSwitches stay unconfigured
    ("Unit nvidia-fabricmanager.service could not be found.\nGPU 0: NVIDIA A100-SXM4-80GB", "fabricmanager_missing",
     "Fabric Manager is not running"),
    # an extension's setup.py checking the local nvcc, torch's own CUDA new enough: the toolkit compiling it is old
    ("torch.__version__  = 2.5.0+cu124\nRuntimeError: FlashAttention-3 is only supported on CUDA 12.3 and above",
     "cuda_toolkit_mismatch_ext", "local CUDA toolkit (nvcc) is older"),
    # a library built for cuDNN 8 in an environment whose cuDNN (torch's wheel) is 9
    ("onnxruntime-gpu 1.18.0\nnvidia-cudnn-cu12 9.1.0.70\nFailed to load library libonnxruntime_providers_cuda.so "
     "with error: libcudnn.so.8: cannot open shared object file: No such file or directory", "cudnn_version_mismatch",
     "needs cuDNN 8"),
    # a shared tensor's open failing for the open-file limit (EMFILE), not for /dev/shm's size
    ("RuntimeError: unable to open shared memory object </torch_4233_1835_0> in read-write mode: Too many open "
     "files (24)", "config", "file descriptors"),
]

NOT_LEADS = [
    # the same major as the wheel: that cuDNN is there but not found
    ("nvidia-cudnn-cu12 9.1.0.70\nlibcudnn.so.9: cannot open shared object file: No such file or directory",
     "cudnn_version_mismatch"),
    # Fabric Manager absent where no NVSwitch needs it: desktop and PCIe GPUs
    ("Unit nvidia-fabricmanager.service could not be found.\nGPU 0: NVIDIA GeForce RTX 4090\n"
     "GPU 1: NVIDIA GeForce RTX 4090", "fabricmanager_missing"),
    ("Unit nvidia-fabricmanager.service could not be found.\nGPU 0: NVIDIA RTX A6000", "fabricmanager_missing"),
    # the same open failing for space: /dev/shm it is
    ("RuntimeError: unable to open shared memory object </torch_4233_1835_0> in read-write mode: No space left on "
     "device (28)", "config"),
    # an image built and tested on the CPU on purpose: nothing is missing
    ("We build the image in CI with docker build and run the unit tests at build time on the CPU; all pass.",
     "no_gpu_visible"),
    # an extension's own build, no image: "during build" says nothing of a container
    ("Building wheel for flash-attn (setup.py) ... error\nDuring the build the GPU is not used, is that expected?",
     "no_gpu_visible"),
    # the same driver with a release whose default build it runs: nothing to say of the driver
    ("| NVIDIA-SMI 440.33       Driver Version: 440.33       CUDA Version: 10.2     |\n"
     "torch 1.5.0, torch.cuda.is_available() returns False", "driver_too_old"),
    # on Windows PyPI's torch is the CPU build: the default CUDA build is not what pip installed
    ("Windows 10\n| NVIDIA-SMI 410.79       Driver Version: 410.79       CUDA Version: 10.0     |\n"
     "torch 1.5.0, torch.cuda.is_available() returns False", "driver_too_old"),
]

OBSERVED = [
    ("GPU not detected during the docker build process", Obs.BUILD_WITHOUT_GPU),
    ("$ docker compose up --build", Obs.IMAGE_BUILD),
    ("the compute mode is set to Exclusive_Process", Obs.EXCLUSIVE_PROCESS),
    ("my GPUs are in exclusive mode", Obs.EXCLUSIVE_PROCESS),
    ("XID error 79 on the second GPU", Obs.XID),
    # old torch's (THC) wordings of error 999 and of error 30, unknown error before CUDA 10.1
    ("RuntimeError: cuda runtime error (999) : unknown error at /pytorch/aten/src/THC/THCGeneral.cpp:47",
     Obs.CUDA_UNKNOWN_ERROR),
    ("THCudaCheck FAIL file=/pytorch/aten/src/THC/THCGeneral.cpp line=50 error=30 : unknown error",
     Obs.CUDA_UNKNOWN_ERROR),
    ("nvidia-smi -q shows Remapping Failure Occurred : Yes", Obs.SMI_Q_PENDING),
    ("Lowering the power limit to 300W fixed the crashes.", Obs.HARDWARE_SIGN_STATED),
    ("it is stable when I lower the GPU power to 80%", Obs.HARDWARE_SIGN_STATED),
    # a machine without a GPU said so in a cluster's words
    ("This is expected on this node, it's a CPU node.", Obs.NO_NVIDIA_GPU),
    ("torch 2.6 does not work with my 50xx card", Obs.GPU_NAME_AMBIGUOUS),
    ("我的40系显卡跑不起来", Obs.GPU_NAME_AMBIGUOUS),
]

NOT_OBSERVED = [
    # no container in sight: an extension's build time
    ("the CUDA arch list is chosen at build time, no GPU is needed", Obs.BUILD_WITHOUT_GPU),
    # the build time of an image, with the GPU found
    ("the docker image sees the GPU at build time with the default runtime set", Obs.BUILD_WITHOUT_GPU),
    ("the compute mode is Default", Obs.EXCLUSIVE_PROCESS),
    ("the job id is XID123", Obs.XID),
    ("the retry counter reached error=30 in the log of the web server", Obs.CUDA_UNKNOWN_ERROR),
    ("nvidia-smi -q shows Remapping Failure Occurred : No", Obs.SMI_Q_PENDING),
    ("I set the power limit to 450W as usual, the error persists", Obs.HARDWARE_SIGN_STATED),
    ("the power limit is 350 W", Obs.HARDWARE_SIGN_STATED),
    ("our cluster has a CPU node and a GPU node", Obs.NO_NVIDIA_GPU),
    # a workstation card's model number, and a series given as an example, are no series of the user's GPU
    ("I use a Quadro RTX 5000 series workstation", Obs.GPU_NAME_AMBIGUOUS),
    ("newer cards such as RTX 50 series need cu128", Obs.GPU_NAME_AMBIGUOUS),
    # the wheel's own libraries, and the driver's libcuda, are where they belong
    ("$ ldd /venv/lib/python3.10/site-packages/torch/lib/libtorch_cuda.so\n\tlibcudart.so.12 => "
     "/venv/lib/python3.10/site-packages/nvidia/cuda_runtime/lib/libcudart.so.12 (0x1)\n"
     "\tlibcuda.so.1 => /usr/lib/x86_64-linux-gnu/libcuda.so.1 (0x2)", Obs.LIBRARY_SHADOWING_STATED),
    # a torch built into the system (an NGC image) links the toolkit's libraries on purpose
    ("$ ldd /usr/local/lib/python3.10/dist-packages/torch/lib/libtorch_cuda.so\n"
     "\tlibcudart.so.12 => /usr/local/cuda/lib64/libcudart.so.12 (0x1)", Obs.LIBRARY_SHADOWING_STATED),
]

SILENT = [
    # an image build whose container run is in the paste: the run, not the build, is judged
    ("docker build -t app .\ndocker run --gpus all app python -c 'import torch; print(torch.cuda.is_available())'\n"
     "True", "CC804"),
]
