"""Kinds of evidence that a sixth batch of real reports, scored before anyone read them, showed triage missing, and
the same statements written in the other languages people report in: `is_available()` returning False said in
Chinese, Japanese, Russian or Spanish; a machine with no NVIDIA GPU said the same ways (then "no NVIDIA driver" is
the expected state, not a broken driver); cuDNN's sub-libraries loaded from two installations; an issue template's
bold labels; a torch release named without its variant and a GPU below all its builds; REPL sessions before and
after a reinstall; an unpinned torch with the CUDA index only as an extra index on Windows; CTranslate2 refusing
float16 on a GPU that has it; variables set under misspelt names; an extension's own kernel error on an old GPU; a
C++ libtorch on LD_LIBRARY_PATH. Each kind fires on its wording and stays silent on a near miss (tables read by
test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # is_available() returning False, said in other languages, inside a container
    ("在docker容器里 torch.cuda.is_available() 一直返回False，宿主机上 nvidia-smi 正常", "no_gpu_visible", ""),
    ("torch.cuda.is_available() devuelve False dentro del contenedor", "no_gpu_visible", ""),
    # the same "no driver" where the report names an NVIDIA GPU: the driver is what is broken
    ("RuntimeError: Found no NVIDIA driver on your system.\nMy laptop has an NVIDIA GeForce RTX 3060",
     "driver_not_loaded", "No working NVIDIA driver"),
    # cuDNN 9's engines found in another folder than its core: one cuDNN in two places, a loader-path problem
    ("E0312 10:11:12 Could not create cudnn handle: CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH\n"
     "System cuDNN: 9.22.0, bundled cuDNN: 9.21.0", "lib_path_conflict", "two installations"),
    ("RuntimeError: cuDNN error: CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH", "lib_path_conflict", "sub-libraries"),
    # torch's own check of the cuDNN it was built with stays a version mismatch
    ("RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (8, 9, 2) but found runtime version "
     "(8, 5, 0). PyTorch already comes bundled with cuDNN.", "cudnn_version_mismatch", "8.5.0"),
    # a torch release named without its CUDA variant, and a GPU below every CUDA build of that release
    ("**NVIDIA GPU**: GT 730\n**PyTorch Version (if applicable)**: 1.12.1", "gpu_too_old_for_build",
     "older than every CUDA build of torch 1.12"),
    ("GPU: GTX 780\nPyTorch Version: 1.12.1\nCUDA Version: 11.3", "gpu_too_old_for_build",
     "GeForce GTX 780 (compute capability 3.5)"),
    # before/after REPL sessions: the later one is the torch as it is now, not a second install
    ("before\n>>> import torch\n>>> print(torch.__version__)\n2.2.0+cu121\n>>> torch.cuda.is_available()\nTrue\n\n"
     "after install requirements.txt\n>>> print(torch.__version__)\n2.3.0+cpu\n>>> torch.cuda.is_available()\n"
     "False\nAssertionError: Torch not compiled with CUDA enabled", "cpu_only_torch", "2.3.0+cpu"),
    # an unpinned torch with the CUDA index only as an extra index, on Windows: PyPI's CPU wheel can win
    ("Windows 10, Python 3.10\npip install torch torchvision torchaudio --extra-index-url "
     "https://download.pytorch.org/whl/cu116\nbut I cannot get CUDA support running", "cpu_only_torch",
     "--extra-index-url"),
    # CTranslate2 refusing float16 while the GPU has it: the program fell back to the CPU
    ("Requested float16 compute type, but the target device or backend do not support efficient float16 "
     "computation.\nMy GPU is a GeForce RTX 4050", "cpu_only_torch", "runs on the CPU"),
    # a variable set under a misspelt name: nothing reads it
    ("CUDA_VISIBLE=0 python tools/train.py configs/example_config.py\nit still trains on all GPUs", "config",
     "CUDA_VISIBLE_DEVICES is meant"),
    ("export CUDA_VISIBLE_DEVICE=1", "config", "CUDA_VISIBLE_DEVICE is not a variable"),
    ("$env:CUDA_VISABLE_DEVICES=\"1\"", "config", "CUDA_VISIBLE_DEVICES is meant"),
    ("os.environ[\"CUDA_VISIBLE_DEVICE\"] = \"0\"", "config", "CUDA_VISIBLE_DEVICES"),
    ("export LD_LIBARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH", "config", "LD_LIBRARY_PATH is meant"),
    # an extension's kernel error on an old GPU, with the torch build unknown: the extension's kernels are missing
    ("Error no kernel image is available for execution on the device at line 167 in file "
     "D:\\ai\\tool\\bitsandbytes\\csrc\\ops.cu\nGPU: GTX 1080 Ti", "extension_mismatch", "bitsandbytes"),
    # a C++ libtorch on the loader path answers for the Python torch's libraries
    ("export LD_LIBRARY_PATH=/opt/libtorch/lib:$LD_LIBRARY_PATH\n>>> import torch_scatter\nOSError: "
     "/usr/lib/python3.8/site-packages/torch_scatter/_version_cuda.so: undefined symbol: "
     "_ZN5torch3jit17parseSchemaOrNameERKSs", "lib_path_conflict", "standalone libtorch"),
]

NOT_LEADS = [
    # the same undefined symbol without another libtorch on the path: the extension was built for another torch
    (">>> import torch_scatter\nOSError: /usr/lib/python3.8/site-packages/torch_scatter/_version_cuda.so: "
     "undefined symbol: _ZN5torch3jit17parseSchemaOrNameERKSs", "lib_path_conflict"),
    # real variables, however close to another one
    ("CUDA_VISIBLE_DEVICES=0 python x.py", "config"),
    ("export PYTORCH_ALLOC_CONF=expandable_segments:True", "config"),
    ("export CUDA_PATH=/usr/local/cuda\nexport CUDA_HOME=/usr/local/cuda", "config"),
    ("HIP_VISIBLE_DEVICES=0 python x.py", "config"),
    ("echo $CUDA_VISIBLE", "config"),
    # the same refusal on a GPU without float16 tensor cores: the GPU lacks it (CC822)
    ("Requested float16 compute type, but the target device or backend do not support efficient float16 "
     "computation.\nGPU: GTX 1080 Ti", "cpu_only_torch"),
    # the same with --index-url, with the build pinned, or on Linux (PyPI's Linux wheel is a CUDA build)
    ("Windows 10\npip install torch --index-url https://download.pytorch.org/whl/cu116", "cpu_only_torch"),
    ("Windows 10\npip install torch==1.13.1+cu116 --extra-index-url https://download.pytorch.org/whl/cu116",
     "cpu_only_torch"),
    ("Ubuntu 22.04\npip install torch --extra-index-url https://download.pytorch.org/whl/cu116", "cpu_only_torch"),
    # a release with a build that still has kernels for the GPU, and a machine with another GPU the build runs on
    ("NVIDIA GPU: GT 730\nPyTorch Version: 1.1.0", "gpu_too_old_for_build"),
    ("NVIDIA GPU: GTX 1070\nPyTorch Version: 1.12.1", "gpu_too_old_for_build"),
    ("NVIDIA GPUs: GTX 780 and RTX 3090\nPyTorch Version: 1.12.1", "gpu_too_old_for_build"),
    ("before\n>>> import torch\n>>> print(torch.__version__)\n2.2.0+cu121\n\nafter install requirements.txt\n"
     ">>> print(torch.__version__)\n2.3.0+cpu\nAssertionError: Torch not compiled with CUDA enabled",
     "multiple_torch_installs"),
    ("RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (8, 9, 2) but found runtime version "
     "(8, 5, 0).", "lib_path_conflict"),
    # a machine without an NVIDIA GPU: no driver is expected, not a driver to repair
    ("RuntimeError: Found no NVIDIA driver on your system.\nMy computer has no NVIDIA GPU, I only want to run on the "
     "CPU", "driver_not_loaded"),
    ("RuntimeError: Found no NVIDIA driver on your system.\n我的电脑没有英伟达显卡，只想用CPU跑", "driver_not_loaded"),
    ("AssertionError: Torch not compiled with CUDA enabled\n私のPCにはNVIDIAのGPUがありません。CPUで動かしたいです。",
     "cpu_only_torch"),
    ("AssertionError: Torch not compiled with CUDA enabled\nУ меня нет видеокарты NVIDIA, запускаю на CPU",
     "cpu_only_torch"),
]

# --- what each wording is observed as: (text, observation) --------------------------------------------------------
OBSERVED = [
    ("torch.cuda.is_available()がFalseになります", Obs.CUDA_NOT_AVAILABLE),
    ("torch.cuda.is_available() возвращает False", Obs.CUDA_NOT_AVAILABLE),
    ("我的电脑没有英伟达显卡", Obs.NO_NVIDIA_GPU),
    ("No tengo una GPU NVIDIA, solo CPU", Obs.NO_NVIDIA_GPU),
    ("Não tenho placa de vídeo dedicada", Obs.NO_NVIDIA_GPU),
    ("I have an NVIDIA GeForce RTX 3060 in this laptop", Obs.NVIDIA_GPU_STATED),
]

NOT_OBSERVED = [
    ("torch.cuda.is_available() 返回 True", Obs.CUDA_NOT_AVAILABLE),
    ("torch.cuda.is_available()がTrueです", Obs.CUDA_NOT_AVAILABLE),
    ("My computer has no NVIDIA GPU, I only want to run on the CPU", Obs.NVIDIA_GPU_STATED),
    ("我的显卡是 RTX 3060，没有问题", Obs.NO_NVIDIA_GPU),
    ("У меня видеокарта RTX 3060, драйвер 546.", Obs.NO_NVIDIA_GPU),
]
