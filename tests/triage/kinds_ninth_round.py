"""Kinds of evidence a ninth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # CUDA error 804 with nothing known of a container, an image or the CUDA wanted: what the error says
    ("[ERROR]: cudaErrorCompatNotSupportedOnDevice: forward compatibility was attempted on non supported HW\n"
     "GPU: NVIDIA GeForce GTX 970", "forward_compat_unsupported", "cuda-compat"),
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
]

# --- what is observed: (text, the observation) --------------------------------------------------------------------
OBSERVED = [
    ("AssertionError: Invalid device id", Obs.INVALID_DEVICE_ORDINAL),
    ("cudaErrorInvalidDevice: invalid device ordinal", Obs.INVALID_DEVICE_ORDINAL),
    ("It works on all the other nodes, only node dgx-03 crashes", Obs.HARDWARE_FAULT_STATED),
    ("torch.__version__ returns 2.0.1", Obs.TORCH_VERSION_IMPORTED),
]
NOT_OBSERVED = [
    ("cudaErrorInvalidDeviceFunction", Obs.INVALID_DEVICE_ORDINAL),
    ("I submit the job to every other node in turn", Obs.HARDWARE_FAULT_STATED),
    ("print(torch.__version__)", Obs.TORCH_VERSION_IMPORTED),
]
