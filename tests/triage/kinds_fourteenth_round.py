"""Kinds of evidence a fourteenth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # the writer saying the work runs on the CPU of a machine with an NVIDIA card: no build shown, a CPU-only torch
    # is the usual cause
    ("I have a NVIDIA GTX 1060 3Go and I installed it via the installer. When I run it, it's really slow and I "
     "checked and I saw that it was using CPU.", "cpu_only_torch", "CPU-only torch"),
    ("I followed the README. When I start training it prints \"Using device: cpu\". I have an RTX 4070.",
     "cpu_only_torch", "CPU-only torch"),
    ("the model is running on CPU only, my nvidia 3080 is idle", "cpu_only_torch", "CPU-only torch"),
    # an extension that stopped loading when torch changed: built against the torch it had before
    ("After I upgraded torch to 2.5 flash-attn doesn't import anymore; it was working before with 2.4.",
     "extension_mismatch", "when torch changed"),
    ("mamba_ssm fails to load since updating pytorch to 2.6", "extension_mismatch", "when torch changed"),
    # the machine freezing and going down, games failing too: the card
    ("Training crashes after 2-3 hours every time, and the whole machine freezes and reboots.", "gpu_health",
     "hardware"),
    ("CUDA error: unspecified launch failure after some minutes. Other games crash too on this card.", "gpu_health",
     "hardware"),
    # a fault on one card of several, told in other word orders
    ("RuntimeError: CUDA error: an illegal memory access was encountered\nThis happens randomly on GPU 2 only. The "
     "other 7 GPUs on this node run the same job fine.", "gpu_health", "hardware"),
    # nvidia-smi's ERR! retold beside CUDA's "unknown error": the card, not an unloaded driver
    ("The card shows \"ERR!\" in nvidia-smi for fan and power after a while, then training crashes with CUDA error: "
     "unknown error", "gpu_health", "hardware"),
    # a system libnccl preloaded ahead of torch's own NCCL, and NCCL failing
    ("export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libnccl.so.2\n"
     "[rank0]: RuntimeError: NCCL Error 3: internal error - please report this issue to the NCCL developers",
     "nccl_mismatch", "LD_PRELOAD"),
    # the open-file limit: torch's file_descriptor sharing strategy, or any open() failing with EMFILE
    ("RuntimeError: received 0 items of ancdata\nwhen using num_workers>0 on the cluster's GPU nodes", "config",
     "file descriptors"),
    ("  File \"/usr/lib/python3.10/site-packages/torch/multiprocessing/reductions.py\", line 359, in reduce_storage\n"
     "OSError: [Errno 24] Too many open files", "config", "Tensors shared between processes"),
    # Colab's own notice that the session was given no GPU (usage limits), in English and Portuguese
    ("Cannot connect to GPU backend\nYou cannot currently connect to a GPU due to usage limits in Colab.",
     "no_gpu_visible", "notebook"),
    ("Não foi possível atribuir um back-end\nNenhum back-end com GPU disponível. Gostaria de usar um ambiente de "
     "execução sem acelerador?", "no_gpu_visible", "notebook"),
    # ... also where the writer names the GPU they used to get
    ("I always got a T4 GPU, now: Cannot connect to GPU backend", "no_gpu_visible", "notebook"),
    # cuFFT of a CUDA that predates the GPU: torch's own sm_86 kernels run on an RTX 4090, cuFFT of CUDA 11.7 does not
    ("PyTorch version: 1.13.1+cu117\nGPU 0: NVIDIA GeForce RTX 4090\nRuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR",
     "arch_not_in_build", "cuFFT of CUDA 11.7 has no code"),
    ("I run on a 4090\nRuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR", "arch_not_in_build",
     "older than 11.8"),
    ("return _VF.stft(input, n_fft, hop_length, win_length, window,\nRuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR",
     "arch_not_in_build", "older than the GPU"),
    # torchtext is one of torch's companions, built for exactly one torch release like torchvision
    ("/home/u/envs/pdf/lib/python3.10/site-packages/torchtext/lib/libtorchtext.so: undefined symbol: "
     "_ZN5torch3jit17parseSchemaOrNameERKSs", "torchvision_mismatch", "torchtext"),
    # a failure on a GPU only the newest torch series support, and no torch build shown: an older bundled torch
    ("RVC1006Nvidia not working with 5090 rtx ?", "arch_not_in_build", "only from 2.7"),
    ("My RTX 5080 doesn't work with this app, it crashes at start", "arch_not_in_build", "only from 2.7"),
    # an extension's setup.py importing torch in pip's isolated build environment, which has no torch
    ("  × Getting requirements to build wheel did not run successfully.\n  │ exit code: 1\n"
     "      File \"/tmp/pip-build-env-abc/overlay/lib/python3.11/site-packages/setuptools/build_meta.py\", line 1\n"
     "      ModuleNotFoundError: No module named 'torch'", "config", "isolated environment"),
    ("When build the docker environment, it reports torch not found.\n"
     "2.936   Getting requirements to build editable: finished with status 'error'", "config", "isolated environment"),
    # DeepSpeed's op builder refusing a local toolkit that differs from torch's CUDA
    ("Installed CUDA version 11.0 does not match the version torch was compiled with 11.1, unable to compile cuda/cpp "
     "extensions without a matching cuda version.", "cuda_toolkit_mismatch_ext", "local CUDA 11.0 differs"),
    # a launch script's CUDA_VISIBLE_DEVICES naming a second GPU, and CUDA seeing none
    ("CUDA_VISIBLE_DEVICES=1 python search.py --cuda\nException: No GPU found, please run without --cuda",
     "no_gpu_visible", "CUDA_VISIBLE_DEVICES='1' names GPU 1"),
]

NOT_LEADS = [
    # torch missing where no build is shown: the Python that runs lacks it, not pip's build environment
    ("python train.py\nModuleNotFoundError: No module named 'torch'", "config"),
    # a failing GPU every torch series of years supports says nothing of the build
    ("my 4090 is not working with this app", "arch_not_in_build"),
    # a bare EMFILE is the limit, but only possibly tensors shared (nothing ties it to torch's sharing)
    ("OSError: [Errno 24] Too many open files: 'data/000123.png'", "shm_too_small"),
    # a choice of the CPU, or the CPU working where the GPU fails, is not the GPU unseen
    ("It works on CPU but on the GPU it crashes with an illegal memory access", "cpu_only_torch"),
    ("python train.py --device cpu", "cpu_only_torch"),
    ("When using CPU offload the model loads, my RTX 3060 has 12 GB", "cpu_only_torch"),
    # an extension named beside a torch change it is not said to fail with
    ("after upgrading torch to 2.5 I also installed flash-attn 2.7.0 and it works", "extension_mismatch"),
    # a game that crashes when the GPU is used by the writer's own code is no second program failing
    ("I play games on it all day without problems", "gpu_health"),
]

OBSERVED = [
    ("deepspeed.ops.op_builder.builder.MissingCUDAException: CUDA_HOME does not exist, unable to compile CUDA op(s)",
     Obs.CUDA_HOME_MISSING),
    ("使用官方镜像启动，在SGLang下加载模型时报没有nvcc编译器的错误", Obs.NVCC_MISSING),
    ("I pulled the -gpu image but it still seems to run on CPU.", Obs.GPU_NOT_SEEN),
    ("my laptop has no GPU, only an Intel UHD 620", Obs.NO_NVIDIA_GPU),
    ("no GPU here, the video is encoded as h264", Obs.NO_NVIDIA_GPU),
    # Lightning refusing a GPU accelerator, and its older wording
    ("MisconfigurationException: GPUAccelerator can not run on your system since the accelerator is not available. "
     "The following accelerator(s) is available and can be passed into `accelerator` argument of `Trainer`: ['cpu'].",
     Obs.CUDA_NOT_AVAILABLE),
    ("MisconfigurationException: You requested gpu: [0]\n But your machine only has: []", Obs.CUDA_NOT_AVAILABLE),
    # the driver's module said not to build for the running kernel
    ("In 6.15 kernel the nvidia module cannot be built and therefore the device cannot use the nvidia driver",
     Obs.KERNEL_MODULE_FAILED),
    # the GPU not used, in the languages reports come in
    ("学習を始めてもGPUが使われない", Obs.GPU_NOT_SEEN),
    ("GPU를 사용하지 않습니다", Obs.GPU_NOT_SEEN),
    ("el programa no usa la GPU, solo la CPU", Obs.GPU_NOT_SEEN),
    ("программа не использует GPU", Obs.GPU_NOT_SEEN),
    ("die GPU wird nicht genutzt", Obs.GPU_NOT_SEEN),
    ("le GPU n'est pas utilisé", Obs.GPU_NOT_SEEN),
    ("ran the tests with uv run python -m pytest, ran successfully, but didn't pick up GPU", Obs.GPU_NOT_SEEN),
    ("应用商店安装的ollama，并没有调用GPU来进行计算", Obs.GPU_NOT_SEEN),
    ("我把配置文件改成cuda，运行还是显示cpu", Obs.GPU_NOT_SEEN),
    ("[8d6bf97c3bf4:3039 :0:3095] Caught signal 7 (Bus error: nonexistent physical address)", Obs.BUS_ERROR),
    ("it still uses the CPU even though I installed the CUDA version", Obs.GPU_NOT_SEEN),
    ("INFO: Using device: cpu", Obs.GPU_NOT_SEEN),
    ("everything runs on the CPU", Obs.GPU_NOT_SEEN),
    ("xformers fails since updating pytorch to 2.6", Obs.EXTENSION_IMPORT_FAILED),
    ("the PC freezes and restarts when training starts", Obs.HARDWARE_SIGN_STATED),
    ("It also crashes in games sometimes", Obs.HARDWARE_SIGN_STATED),
]

NOT_OBSERVED = [
    ("we train on GPU 0 only, the other GPUs are for inference", Obs.HARDWARE_SIGN_STATED),
    ("nvcc编译器版本是12.4", Obs.NVCC_MISSING),
    # "no GPU" beside a named NVIDIA card, or "it's only running on CPU": the program not using it, not no GPU
    ("Windows. App does not work. No GPU, but NVIDIA RTX 5070 is already installed.", Obs.NO_NVIDIA_GPU),
    ("I've been running the pipeline for days, it's only running on CPU", Obs.NO_NVIDIA_GPU),
    ("I pulled the -gpu image but it still seems to run on CPU.", Obs.NO_NVIDIA_GPU),
    ("You requested gpu: [0]\n But your machine only has: [0, 1]", Obs.CUDA_NOT_AVAILABLE),
    ("the nvidia module can be built with dkms", Obs.KERNEL_MODULE_FAILED),
    ("GPUを使っています", Obs.GPU_NOT_SEEN),
    ("la GPU se usa al 100%", Obs.GPU_NOT_SEEN),
    ("我一直用cuda训练，还是不行", Obs.GPU_NOT_SEEN),
    ("Caught signal 11 (Segmentation fault: address not mapped to object at address 0x8)", Obs.BUS_ERROR),
    ("Colab: Runtime → Change runtime type → GPU, then connect to a GPU runtime", Obs.GPU_NOT_SEEN),
    ("when using CPU it is slow, as expected", Obs.GPU_NOT_SEEN),
    ("it uses CPU offload for the optimizer states", Obs.GPU_NOT_SEEN),
    ("it runs on the cpu but gpu works fine", Obs.GPU_NOT_SEEN),
    ("Using device: cuda:0", Obs.GPU_NOT_SEEN),
    # "running on the CPU" beside an NVIDIA card named is a complaint, not a machine without a GPU
    ("the model is running on CPU only, my nvidia 3080 is idle", Obs.NO_NVIDIA_GPU),
    ("after updating torch the warning from xformers is gone", Obs.EXTENSION_IMPORT_FAILED),
    ("gaming works fine", Obs.HARDWARE_SIGN_STATED),
]

SILENT = [
    # the torch build is shown (its own rules judge it), or nothing is said to fail
    ("RTX 5090, torch 2.8.0+cu128, it crashes at start", "CC827"),
    ("RTX 5090 works great with the new version", "CC827"),
    # cuFFT of a CUDA that knows the GPU, or a GPU every recent toolkit knows: its error has another cause
    ("torch 2.1.0+cu121 on a 4090\nRuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR", "CC805"),
    ("RTX 3090\nRuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR", "CC805"),
    ("torch 2.0.1+cu118\nRuntimeError: cuFFT error: CUFFT_INTERNAL_ERROR", "CC805"),
    # torch in the container uses the GPU: nvidia-smi missing there is the tool, not the GPU
    ("$ nvidia-smi\nbash: nvidia-smi: command not found\n$ python -c \"import torch; print(torch.cuda.is_available(), "
     "torch.cuda.get_device_name(0))\"\nTrue NVIDIA A100-SXM4-40GB\nWhy is nvidia-smi missing in the container?",
     "CC804"),
    # another library preloaded, or torch's wheel's own libnccl preloaded as a workaround: no NCCL conflict
    ("LD_PRELOAD=/usr/lib/libtcmalloc.so.4\n[rank0]: RuntimeError: NCCL Error 3: internal error", "CC810"),
    ("export LD_PRELOAD=/venv/lib/python3.10/site-packages/nvidia/nccl/lib/libnccl.so.2\n"
     "[rank0]: RuntimeError: NCCL Error 3: internal error", "CC810"),
    # a writer without any GPU running on the CPU by choice
    ("I run it on the CPU, I have no GPU", "CC827"),
]
