"""Kinds of evidence a fifteenth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # PyPI's torch for Windows is a CPU build: a plain `pip install torch` there is not a driver too old for a CUDA
    # build it never installed
    ("Windows 11, RTX 3060. I did pip install torch torchvision and torch.cuda.is_available() returns False. "
     "nvidia-smi shows driver 560.94 CUDA Version: 12.6", "cpu_only_torch", "CPU-only build on Windows"),
    # GPU selection that does not take: the writer's lesson, a shell variable not exported, a launcher that sets its
    # own, in Chinese and English
    ("os.environ['CUDA_VISIBLE_DEVICES'] = '2,3' 必须在 import torch 之前设置，否则设置无效", "config",
     "CUDA_VISIBLE_DEVICES is set where CUDA does not read it"),
    ("在train.sh中加入CUDA_VISIBLE_DEVICES=2，但是还是第0张卡", "config", "CUDA_VISIBLE_DEVICES"),
    ("export CUDA_VISIBLE_DEVICES=4,5\ndeepspeed --num_gpus 2 train.py\n但是程序总是默认前两张卡运行", "config",
     "CUDA_VISIBLE_DEVICES"),
    ("I put CUDA_VISIBLE_DEVICES=3 at the top of my notebook.\nThe model still runs on GPU 0 according to nvidia-smi.",
     "config", "CUDA_VISIBLE_DEVICES"),
    # conda's plan replacing a CUDA build of pytorch with a CPU one (a later install of another package)
    ("$ conda install -c conda-forge scikit-image\nThe following packages will be SUPERSEDED by a higher-priority "
     "channel:\n  pytorch            pytorch::pytorch-2.0.1-py3.10_cuda11.8~ --> pkgs/main::pytorch-2.0.1-"
     "cpu_py310hab5cca8_0", "cpu_only_torch", "CPU-only build"),
    # the whole machine going down under load, in the writer's words
    ("When generating images the whole pc crashes and the pc resets after a few minutes.", "gpu_health", "hardware"),
    ("My computer restarts by itself when I start training.", "gpu_health", "hardware"),
    # a GPU PyPI's default torch build dropped (GTX 10-series from torch 2.8's cu128 default), said to stop working,
    # no torch shown; also a bare model number of a user the writer speaks for
    ("A user has reported that their 1070 no longer works with the app after the update.", "gpu_too_old_for_build",
     "default builds have no kernels for it from 2.8 on"),
    ("My GTX 1080 Ti does not work with the new version", "gpu_too_old_for_build", "sm_61"),
    # a laptop card's model number with its "m"
    ("my 1070m no longer works with the app after the update", "gpu_too_old_for_build", "sm_61"),
    # a package using its compiled module's name after its import failed quietly
    ("Cannot import C:\\ComfyUI\\custom_nodes\\ComfyUI-ExLlama-Nodes module for custom nodes: name 'exllamav2_ext' is "
     "not defined\npytorch version: 2.2.2+cu121", "extension_mismatch", "exllamav2"),
    # a line listing torch's companions with a compiled extension points at the extension
    ("torch 2.7.1+cu128\nxformers 0.0.32.dev1073\nI reinstalled torch, torchaudio, torchvision, and xformers, but it "
     "is still not working.", "extension_mismatch", "compiled extension"),
    # building from source, the errors said to show a CUDA version mismatch: the local toolkit
    ("When building from source I ran into errors building submodules. The errors indicated a CUDA version mismatch.",
     "cuda_toolkit_mismatch_ext", "building a CUDA extension"),
    # the container toolkit naming a failed brand alternative: the image's cuda>= (its first term) failed before it
    ("stderr: exec command: [/usr/bin/nvidia-container-cli --load-kmods configure --device=all --compute --utility "
     "--require=cuda>=10.0 brand=tesla,driver>=384,driver<385 --pid=5346 /var/lib/docker/overlay2/x/merged]"
     "\\nnvidia-container-cli: requirement error: unsatisfied condition: brand = tesla\\n", "driver_too_old",
     "CUDA 10.0"),
    # the host driver's own CUDA (510: 11.6), not what the image's compat libcuda reports to nvidia-smi (11.7)
    ("nvidia-container-cli: requirement error: unsatisfied condition: cuda>=11.7, please update your driver to a newer "
     "version, or use an earlier cuda container: unknown\n| NVIDIA-SMI 510.47.03    Driver Version: 510.47.03    CUDA "
     "Version: 11.7     |", "driver_too_old", "cuda>=11.7"),
    # a program's start-up line naming the CPU, and an app named as the one running on the CPU
    ("Device: cpu\nTotal VRAM 0 MB\nComfyUI is running on CPU even though I have an nvidia gpu", "cpu_only_torch",
     "CPU-only torch"),
    ("Ollama is still using the CPU although I have an RTX 4070", "cpu_only_torch", "CPU-only torch"),
    # a CPU build shown by `pip show`, with the GPU named
    ("pip show torch\nName: torch\nVersion: 2.5.1+cpu\nI have an RTX 3070 but it is not used", "cpu_only_torch",
     "CPU-only build"),
    # the program's own device setting not taking
    ("I changed DEVICE: cuda:3 in the yaml config, but it still runs on GPU0 according to nvidia-smi", "config",
     "not on the one its settings choose"),
    # a launcher that sets the variable itself
    ("CUDA_VISIBLE_DEVICES gets reset by the launcher when training on a single node, so my gpu_ids are ignored",
     "config", "CUDA_VISIBLE_DEVICES"),
    # an executable linked against libtorch, started by the loader without libtorch's lib folder: not an extension
    # built for another torch
    ("./build/infer: error while loading shared libraries: libtorch_cuda.so: cannot open shared object file: No such "
     "file or directory", "config", "libtorch's lib folder is not on the loader's path"),
    # libcuda of a newer branch than the host's module, in a container of an nvidia/cuda image: its cuda-compat
    ("docker run --gpus all nvidia/cuda:12.2.0-runtime-ubuntu22.04\nkernel version 470.223.02 does not match DSO "
     "version 535.86.10 -- cannot find working devices in this configuration", "forward_compat_unsupported",
     "image's libcuda"),
    # ... and on a host: the user-space driver updated, the old module still loaded
    ("kernel version 535.104.05 does not match DSO version 535.129.03 -- cannot find working devices in this "
     "configuration", "driver_library_mismatch", "535.129.03"),
    # CUDA's headers refusing an nvcc of another toolkit
    ("#error \"CUDA compiler and toolkit headers are incompatible, please check your include paths\"",
     "cuda_toolkit_mismatch_ext", "different toolkits"),
    # NCCL connecting to an address it never filled in: no interface matched NCCL_SOCKET_IFNAME
    ("NCCL INFO NCCL_SOCKET_IFNAME set by environment to ib9\nncclSocketInit: connecting to address  with family "
     "51200 is neither AF_INET(2) nor AF_INET6(10)", "config", "network interface"),
    # a program's own words for CUDA's 999 at start
    ("time=2024-03-01T10:00:00 level=INFO msg=\"Unable to init GPU: unknown error\"", "driver_not_loaded",
     "unknown error"),
    # the device plugin's NVML not found in a pod: the node's runtime gave the container no driver
    ("I deployed the nvidia device plugin DaemonSet on k8s 1.30\nFailed to initialize NVML: ERROR_LIBRARY_NOT_FOUND",
     "no_gpu_visible", "pod"),
]

# --- what a near miss must not lead with: (text, category) ----------------------------------------------------------
NOT_LEADS = [
    # a Windows driver of a branch after CUDA 13.x's (NVIDIA prints no Windows minimum for 13.x) is not "too old"
    ("Windows 11\nGPU: RTX 3090, 驱动: 596.99\ntorch.cuda.is_available() False", "driver_too_old"),
    # the same plain install on Windows: PyPI gave it a CPU build, so no driver is too old for it
    ("Windows 10\npip install torch\ntorch.cuda.is_available() False\nnvidia-smi: Driver Version: 560.94 CUDA "
     "Version: 12.6", "driver_too_old"),
    # a GPU every default build still runs says nothing of the build; a number of dollars is no card
    ("my 3090 no longer works with this app", "gpu_too_old_for_build"),
    ("their 1080 dollars budget no longer works for a new card", "gpu_too_old_for_build"),
    # a companion alone on the failure line (an extension merely listed elsewhere) stays the companion; a CUDA version
    # mismatch with no build is not the
    # toolkit
    ("xformers 0.0.28.post3\nI reinstalled torchvision, but it is still not working", "extension_mismatch"),
    ("nvidia-smi and torch show a CUDA version mismatch, is that a problem?", "cuda_toolkit_mismatch_ext"),
    # a brand the toolkit does not know: the toolkit's own limit, not the driver
    ("image nvidia/cuda:11.6.0-base-ubuntu18.04\nnvidia-container-cli: requirement error: unsatisfied condition: "
     "brand = quadrortx: unknown", "driver_too_old"),
    # NVML's library not found on a host (no container or pod in the paste): the driver, not a runtime without GPUs
    ("$ nvidia-smi\nFailed to initialize NVML: ERROR_LIBRARY_NOT_FOUND", "no_gpu_visible"),
    # the first GPU chosen, and the job staying on it: what was asked
    ("CUDA_VISIBLE_DEVICES=0 python train.py\nit always uses GPU 0 which is what I want", "config"),
    # a library torch imports in Python, not an executable: CC814's extension judgement stands
    ("ImportError: libtorch_cuda.so: cannot open shared object file: No such file or directory", "config"),
    # the same DSO message on a host (no container): a reboot, not forward compatibility
    ("kernel version 535.104.05 does not match DSO version 535.129.03 -- cannot find working devices in this "
     "configuration", "forward_compat_unsupported"),
]

# --- what each wording is read as: (text, observation) ---------------------------------------------------------------
OBSERVED = [
    ("I installed the pytorch CPU version by mistake; onnxruntime works", Obs.CPU_BUILD_STATED),
    ("exec command: [/usr/bin/nvidia-container-cli --load-kmods configure --require=cuda>=11.8 brand=tesla,driver>=470"
     ",driver<471 --pid=1 /x]", Obs.IMAGE_CUDA),
    ("when device is set to cpu in colab the import fails", Obs.NO_NVIDIA_GPU),
    ("Hi, I set DEVICE: cuda: 5 in the yaml, but it still runs on GPU0. Why?", Obs.GPU_CHOICE_IGNORED),
    ("目前尝试了在run.sh中加入CUDA_VISIBLE_DEVICES=1，但是还是第0张卡", Obs.VISIBLE_DEVICES_IGNORED),
    ("Failed to initialize NVML: ERROR_LIBRARY_NOT_FOUND", Obs.NVML_LIBRARY_MISSING),
    ("kernel version 470... does not match DSO version 515... -- cannot find working devices in this configuration",
     Obs.NVRM_API_MISMATCH),
]
NOT_OBSERVED = [
    # another framework's CPU build named just before the words
    ("This is expected: the TensorFlow CPU wheel. torch uses the GPU fine.", Obs.CPU_BUILD_STATED),
    # the CPU as intended, or its own figures, is no complaint
    ("the server is running on cpu as intended", Obs.GPU_NOT_SEEN),
    ("llama.cpp is using CPU threads: 8", Obs.GPU_NOT_SEEN),
    # a Python name of the program's own, and the CPU tried as a test that works while the GPU fails
    ("NameError: name 'my_context' is not defined", Obs.EXTENSION_IMPORT_FAILED),
    ("I set the device to cpu and it works, with cuda it crashes with an illegal memory access", Obs.NO_NVIDIA_GPU),
    # a CPU build replaced by a CUDA one is the way out, not the problem
    ("  pytorch            pkgs/main::pytorch-1.12.1-cpu_py310h9dbd814_1 --> pytorch::pytorch-1.13.1-py3.10_cuda11.7_"
     "cudnn8.5.0_0", Obs.CPU_BUILD_STATED),
    # the whole system brought down by host memory, not the card
    ("The whole system crashes with OOM in python when the dataset loads", Obs.HARDWARE_SIGN_STATED),
    # NCCL's address family named for an interface that works
    ("NCCL INFO NET/Socket : Using [0]eth0:10.0.0.2<0> (family AF_INET)", Obs.JOB_SETTING_MISSING),
    ("Unable to init GPU: out of memory", Obs.CUDA_UNKNOWN_ERROR),
    # a GPU index in passing, no GPU chosen
    ("The loss still uses cuda:0 tensors, but I want them on CPU", Obs.VISIBLE_DEVICES_IGNORED),
    # the first GPU chosen, or none: staying on GPU 0 is what was asked
    ("python train.py --gpu_ids 0\nit still runs on GPU 0", Obs.GPU_CHOICE_IGNORED),
    ("my model still runs on GPU 0 and is slow", Obs.GPU_CHOICE_IGNORED),
    ("The loss still uses gpu 0.5 of memory, device=2", Obs.GPU_CHOICE_IGNORED),
    ("Failed to initialize NVML: Unknown Error", Obs.NVML_LIBRARY_MISSING),
]

# --- a rule that must stay silent: (text, code) ----------------------------------------------------------------------
SILENT = [
    # the writer chose the CPU (a Colab runtime without accelerator): no GPU is no finding
    ("when device is set to cpu in colab and hardware accelerator is none\nNo CUDA runtime is found, using "
     "CUDA_HOME='/usr/local/cuda'\nIndexError: list index out of range", "CC804"),
]
