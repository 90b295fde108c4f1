"""Kinds of evidence that a batch of real reports, scored before anyone read them, showed triage missing: how
people word a GPU numbering mix-up, a multi-GPU hang on GeForce RTX 40-series cards, an upgrade that does not
take, a torch built twice into one folder, a library's compute-type or architecture requirement, a program that
fell back to the CPU, shared memory in a container whose start is not shown, an 803 with cuda-compat, cuDNN
asking for the unversioned libcuda.so. Each kind fires on its wording and stays silent on a near miss (tables read by test_kinds.py). Texts
written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # CUDA's GPU numbering against nvidia-smi's, in the report's words
    ("However the ids selection using --gpus option seems unconsistent with the ID nvidia-smi gave me.", "config",
     "numbers the GPUs differently"),
    ("the GPU indices are not consistent with nvidia-smi on this box", "config", "numbers the GPUs differently"),
    ("I selected GPU 2 and 3 for training, but the utilisation in nvidia-smi says it runs on GPU 0 and 1.", "config",
     "numbers the GPUs differently"),
    # a multi-GPU job that hangs on GeForce RTX 40-series cards (no peer-to-peer)
    ("I'm trying to train with multiple 4090 gpus, but it always gets stuck and no report is shown.", "config",
     "peer-to-peer"),
    ("My environment is RTX 4090 * 5, python=3.10\nit got stuck at this line:\n"
     "model = nn.parallel.DistributedDataParallel(model, device_ids=[local_rank])", "config", "peer-to-peer"),
    ("torchrun --nproc_per_node 2 train.py hangs forever on our two RTX 4080 SUPER cards", "config", "peer-to-peer"),
    # "invalid device ordinal" under a CUDA_VISIBLE_DEVICES list; torch's device-count assertion
    ("CUDA_VISIBLE_DEVICES=2,3 CONFIG_FILE=train_configs/llama3_8b.toml ./run_llama_train.sh\n"
     "    torch.cuda.set_device(device)\n  RuntimeError: CUDA error: invalid device ordinal", "config",
     "CUDA_VISIBLE_DEVICES=2,3"),
    ("torch.cuda.DeferredCudaCallError: CUDA call failed lazily at initialization with error: device >= 0 && "
     "device < num_gpus INTERNAL ASSERT FAILED at \"../aten/src/ATen/cuda/CUDAContext.cpp\":50, please report a bug "
     "to PyTorch.", "config", "more GPUs than CUDA"),
    # an upgrade the running program does not see; torch's own libraries from two builds
    ("and i have try to upgrade the pytorch in miniconda,it show me the version is 2.4.1,but reload the comfyui,"
     "still got the version 2.3.1", "multiple_torch_installs", "not the one the program runs"),
    ("I installed torch 2.5.1 with pip, but torch.__version__ still shows 2.1.0", "multiple_torch_installs",
     "not the one the program runs"),
    ("ImportError: /home/u/anaconda3/envs/mb/lib/python3.7/site-packages/torch/lib/libtorch.so.1: undefined "
     "symbol: _ZTIN2at10TensorImplE", "multiple_torch_installs", "two different builds"),
    # other undefined symbols keep their causes: a CUDA library's in torch's library, a torch symbol in an extension
    ("ImportError: /x/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommRegister", "nccl_mismatch",
     "NCCL"),
    ("ImportError: /x/site-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: "
     "_ZN3c104cuda9SetDeviceEi", "extension_mismatch", "flash-attn"),
    # requirements worded by a library: CTranslate2's compute types, an architecture's name
    ("Requested float16 compute type, but the target device or backend do not support efficient float16 "
     "computation.\nMy gpu nvidia gtx 1070.", "capability_missing", "7.0"),
    ("ValueError: --tf32 requires Ampere or a newer GPU arch, cuda>=11 and torch>=1.7\n"
     "CudaDeviceProperties(name='Tesla V100-DGXS-32GB', major=7, minor=0, total_memory=32508MB)", "capability_missing",
     "8.0"),
    # a program that fell back to the CPU; a torch said to be built without CUDA
    ("UserWarning: FP16 is not supported on CPU; using FP32 instead\n"
     "So I have a 3060 and a core i9-12900kf and when im using decipher im getting the error", "cpu_only_torch", "CUDA"),
    ("after adding this node to ComfyUI, it broke my installation by forcing a non-CUDA version of Torch to be "
     "installed.", "cpu_only_torch", "CPU-only"),
    # shared memory in a container whose start is not shown
    ("VllM ： NCCLerror: unhandled system error (run withNCCL DEBUG=INFo for details)\nyes ，i use the docker.",
     "shm_too_small", "/dev/shm"),
    # an 803 with cuda-compat, and without; cuDNN wanting the unversioned libcuda.so, and libcuda.so.1 missing
    ("When I installed both cuda-toolkit-12.5 and cuda-compat-12.9, and configured the environment variables, "
     "running ./llama-server gave an error:\nggml_cuda_init: failed to initialize CUDA: system has unsupported "
     "display driver / cuda driver combination", "forward_compat_unsupported", "cuda-compat"),
    ("ggml_cuda_init: failed to initialize CUDA: system has unsupported display driver / cuda driver combination",
     "driver_library_mismatch", "kernel module"),
    ("Could not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file: No such "
     "file or directory\nAborted", "cudnn_missing", "cuDNN"),
    ("ImportError: libcuda.so.1: cannot open shared object file: No such file or directory", "driver_not_loaded",
     "libcuda.so.1"),
    # TensorFlow 1.x's cuDNN wording with compatibility versions
    ("E tensorflow/stream_executor/cuda/cuda_dnn.cc:378] Loaded runtime CuDNN library: 7101 (compatibility version "
     "7100) but source was compiled with 7005 (compatibility version 7000).", "cudnn_version_mismatch",
     "the framework"),
    # a GPU unseen in a container still is one
    ("I cannot see the GPU in the container", "no_gpu_visible", "no access to the GPUs"),
    # the hardware in other words: one GPU of several failing, throughput falling the longer it works
    ("for some reason one of the GPUs on cn110 is not working as it should. Could someone please drain this node?",
     "gpu_health", "hardware"),
    ("Tensorflow getting slower and slower", "gpu_health", "hardware"),
    ("drastic periodic change in epoch times during training, even though nothing else runs on the machine",
     "gpu_health", "hardware"),
]

# --- near misses: (text, the category that must not lead) ----------------------------------------------------------
NOT_LEADS = [
    ("My RTX 4090 gets stuck when generating images in ComfyUI", "config"),           # one GPU
    ("Training with DDP on 4x A100 hangs at the first all_reduce", "config"),          # no GeForce RTX 40-series
    ("DDP on two RTX 4090s works now, it no longer hangs", "config"),                 # negated
    ("I upgraded pytorch to 2.4.1 and it works, but training is still slow at 2.3 it/s", "multiple_torch_installs"),
    ("I updated torch but it is still at 2.3 it/s", "multiple_torch_installs"),
    ("Requested float16 compute type, but the target device or backend do not support efficient float16 "
     "computation.\nGPU 0: NVIDIA GeForce RTX 3090", "capability_missing"),
    ("ValueError: --tf32 requires Ampere or a newer GPU arch, cuda>=11 and torch>=1.7\nGPU 0: NVIDIA A100-SXM4-80GB",
     "capability_missing"),
    ("UserWarning: FP16 is not supported on CPU; using FP32 instead\nI run it on my MacBook Air M2", "cpu_only_torch"),
    ("torch.distributed.DistBackendError: NCCL error: unhandled system error\nrunning on bare metal ubuntu 22.04",
     "shm_too_small"),
    ('Cannot see gpu process using "nvidia-smi" in container,but I can see it on host', "no_gpu_visible"),
]

# --- what each wording is observed as, and near misses that are not ---------------------------------------------
OBSERVED = [
    ("However the ids selection using --gpus option seems unconsistent with the ID nvidia-smi gave me.",
     Obs.DEVICE_ORDER_DIFFERS),
    ("torchrun --nproc_per_node 2 train.py hangs forever on our two RTX 4080 SUPER cards", Obs.MULTI_GPU_HANG_STATED),
    # the hang is read even when two GPU listings already showed the numberings differ
    ("|   0  NVIDIA GeForce RTX 3090        Off |   00000000:01:00.0 Off |                  N/A |\n"
     "|   1  NVIDIA GeForce RTX 4090        Off |   00000000:02:00.0 Off |                  N/A |\n"
     "  Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes\n"
     "  Device 1: NVIDIA GeForce RTX 3090, compute capability 8.6, VMM: yes\n"
     "torchrun --nproc_per_node 2 train.py hangs forever", Obs.MULTI_GPU_HANG_STATED),
    ("RuntimeError: device >= 0 && device < num_gpus INTERNAL ASSERT FAILED", Obs.DEVICE_COUNT_DISAGREES),
    ("ImportError: /x/site-packages/torch/lib/libtorch.so.1: undefined symbol: _ZTIN2at10TensorImplE",
     Obs.TORCH_OWN_SYMBOL),
    ("UserWarning: FP16 is not supported on CPU; using FP32 instead", Obs.GPU_NOT_SEEN),
    ("it broke my installation by forcing a non-CUDA version of Torch to be installed.", Obs.CPU_BUILD_STATED),
    ("Tensorflow getting slower and slower", Obs.HARDWARE_SIGN_STATED),
]
NOT_OBSERVED = [
    ("I selected GPU 1 but nvidia-smi shows it on GPU 1 at 100% utilisation", Obs.DEVICE_ORDER_DIFFERS),
    ("The ids in nvidia-smi are listed in a table", Obs.DEVICE_ORDER_DIFFERS),
    ("My RTX 4090 gets stuck when generating images in ComfyUI", Obs.MULTI_GPU_HANG_STATED),
    ("RuntimeError: self.dim() == 2 INTERNAL ASSERT FAILED at \"../aten/src/ATen/native/Linear.cpp\":42",
     Obs.DEVICE_COUNT_DISAGREES),
    ("ImportError: /x/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommRegister",
     Obs.TORCH_OWN_SYMBOL),
    ("ImportError: /x/site-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: "
     "_ZN3c104cuda9SetDeviceEi", Obs.TORCH_OWN_SYMBOL),
    ("We ship a non-CUDA build for the Mac runners; the Linux runners use cu121.", Obs.CPU_BUILD_STATED),
    ('Cannot see gpu process using "nvidia-smi" in container,but I can see it on host', Obs.GPU_NOT_SEEN),
    ("It is not getting slower and slower, the speed is constant", Obs.HARDWARE_SIGN_STATED),
    ("one of the GPUs is an RTX 3090 and the other an RTX 4090", Obs.HARDWARE_SIGN_STATED),
]
