"""Kinds of evidence that a batch of real reports, scored before anyone read them, showed triage missing: how
people word a GPU numbering mix-up, a multi-GPU hang on GeForce RTX 40-series cards, an upgrade that does not
take, a torch built twice into one folder, a library's compute-type or architecture requirement, a program that
fell back to the CPU, shared memory in a container whose start is not shown, an 803 with cuda-compat, cuDNN
asking for the unversioned libcuda.so. Each kind fires on its wording and stays silent on a near miss. Texts
written here in the style of real reports."""
import pytest

from cudacheck.observations import Obs

from paste_findings import first, signatures


def first_category(text):
    found = first(text)
    return found.category if found else None


# --- CUDA's GPU numbering against nvidia-smi's, in the report's words -----------------------------------------
@pytest.mark.parametrize("text", [
    "However the ids selection using --gpus option seems unconsistent with the ID nvidia-smi gave me.",
    "the GPU indices are not consistent with nvidia-smi on this box",
    "I selected GPU 2 and 3 for training, but the utilisation in nvidia-smi says it runs on GPU 0 and 1.",
])
def test_numbering_said_to_differ_from_nvidia_smi(text):
    assert Obs.DEVICE_ORDER_DIFFERS in signatures(text)
    assert first_category(text) == "config"


@pytest.mark.parametrize("text", [
    "I selected GPU 1 but nvidia-smi shows it on GPU 1 at 100% utilisation",
    "The ids in nvidia-smi are listed in a table",
])
def test_numbering_statement_near_misses(text):
    assert Obs.DEVICE_ORDER_DIFFERS not in signatures(text)


# --- a multi-GPU job that hangs on GeForce RTX 40-series cards ------------------------------------------------
@pytest.mark.parametrize("text", [
    "I'm trying to train with multiple 4090 gpus, but it always gets stuck and no report is shown.",
    "My environment is RTX 4090 * 5, python=3.10\nit got stuck at this line:\n"
    "model = nn.parallel.DistributedDataParallel(model, device_ids=[local_rank])",
    "torchrun --nproc_per_node 2 train.py hangs forever on our two RTX 4080 SUPER cards",
])
def test_multi_gpu_hang_on_geforce_ada_is_peer_to_peer(text):
    assert Obs.MULTI_GPU_HANG_STATED in signatures(text)
    found = first(text)
    assert found is not None and found.category == "config" and "peer-to-peer" in found.title


@pytest.mark.parametrize("text", [
    "My RTX 4090 gets stuck when generating images in ComfyUI",          # one GPU
    "Training with DDP on 4x A100 hangs at the first all_reduce",         # not a GeForce RTX 40-series card
    "DDP on two RTX 4090s works now, it no longer hangs",                 # negated
])
def test_hang_without_geforce_ada_or_several_gpus_is_not_peer_to_peer(text):
    found = first(text)
    assert found is None or "peer-to-peer" not in found.title


# --- invalid device ordinal under a CUDA_VISIBLE_DEVICES list, torch's device-count assertion ------------------
def test_invalid_ordinal_under_a_visible_devices_list_is_configuration():
    text = ("CUDA_VISIBLE_DEVICES=2,3 CONFIG_FILE=train_configs/llama3_8b.toml ./run_llama_train.sh\n"
            "    torch.cuda.set_device(device)\n  RuntimeError: CUDA error: invalid device ordinal")
    found = first(text)
    assert found is not None and found.category == "config" and "CUDA_VISIBLE_DEVICES=2,3" in found.title


def test_invalid_ordinal_alone_stays_the_programs_own_error():
    assert first("  RuntimeError: CUDA error: invalid device ordinal") is None


def test_device_count_assertion_is_configuration():
    text = ("torch.cuda.DeferredCudaCallError: CUDA call failed lazily at initialization with error: device >= 0 && "
            "device < num_gpus INTERNAL ASSERT FAILED at \"../aten/src/ATen/cuda/CUDAContext.cpp\":50, please report a "
            "bug to PyTorch.")
    assert Obs.DEVICE_COUNT_DISAGREES in signatures(text)
    assert first_category(text) == "config"


def test_other_internal_asserts_are_not_the_device_count():
    assert Obs.DEVICE_COUNT_DISAGREES not in signatures(
        "RuntimeError: self.dim() == 2 INTERNAL ASSERT FAILED at \"../aten/src/ATen/native/Linear.cpp\":42")


# --- an upgrade the running program does not see; torch's own libraries from two builds ------------------------
@pytest.mark.parametrize("text", [
    "and i have try to upgrade the pytorch in miniconda,it show me the version is 2.4.1,but reload the comfyui,"
    "still got the version 2.3.1",
    "I installed torch 2.5.1 with pip, but torch.__version__ still shows 2.1.0",
])
def test_upgrade_that_does_not_take_is_another_install(text):
    found = first(text)
    assert found is not None and found.category == "multiple_torch_installs"


@pytest.mark.parametrize("text", [
    "I upgraded pytorch to 2.4.1 and it works, but training is still slow at 2.3 it/s",
    "I updated torch but it is still at 2.3 it/s",
])
def test_still_slow_after_an_upgrade_is_not_another_install(text):
    assert first(text) is None


def test_undefined_torch_symbol_in_torchs_own_library_is_a_mixed_install():
    text = ("ImportError: /home/u/anaconda3/envs/mb/lib/python3.7/site-packages/torch/lib/libtorch.so.1: undefined "
            "symbol: _ZTIN2at10TensorImplE")
    assert Obs.TORCH_OWN_SYMBOL in signatures(text)
    assert first_category(text) == "multiple_torch_installs"


@pytest.mark.parametrize("text, category", [
    # a CUDA library's symbol missing from torch's library: the library, not torch, is the other version
    ("ImportError: /x/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommRegister", "nccl_mismatch"),
    # a torch symbol missing from an extension: the extension was built for another torch
    ("ImportError: /x/site-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: "
     "_ZN3c104cuda9SetDeviceEi", "extension_mismatch"),
])
def test_other_undefined_symbols_keep_their_causes(text, category):
    assert Obs.TORCH_OWN_SYMBOL not in signatures(text)
    assert first_category(text) == category


# --- requirements worded by a library: compute types, architecture names -------------------------------------
def test_ctranslate2_float16_on_a_pascal_card_is_a_missing_capability():
    text = ("Requested float16 compute type, but the target device or backend do not support efficient float16 "
            "computation.\nMy gpu nvidia gtx 1070.")
    found = first(text)
    assert found is not None and found.category == "capability_missing" and "7.0" in found.title


def test_ctranslate2_float16_on_an_ampere_card_is_not_the_gpu():
    text = ("Requested float16 compute type, but the target device or backend do not support efficient float16 "
            "computation.\nGPU 0: NVIDIA GeForce RTX 3090")
    found = first(text)
    assert found is None or found.category != "capability_missing"


def test_architecture_named_as_a_requirement():
    text = ("ValueError: --tf32 requires Ampere or a newer GPU arch, cuda>=11 and torch>=1.7\n"
            "CudaDeviceProperties(name='Tesla V100-DGXS-32GB', major=7, minor=0, total_memory=32508MB)")
    found = first(text)
    assert found is not None and found.category == "capability_missing" and "8.0" in found.title


def test_architecture_requirement_met_stays_silent():
    found = first("ValueError: --tf32 requires Ampere or a newer GPU arch, cuda>=11 and torch>=1.7\n"
                  "GPU 0: NVIDIA A100-SXM4-80GB")
    assert found is None or found.category != "capability_missing"


# --- a program that fell back to the CPU; a torch said to be built without CUDA --------------------------------
def test_whispers_cpu_fallback_with_an_nvidia_card_points_at_the_torch_build():
    text = ('UserWarning: FP16 is not supported on CPU; using FP32 instead\n'
            'So I have a 3060 and a core i9-12900kf and when im using decipher im getting the error')
    assert Obs.GPU_NOT_SEEN in signatures(text)
    assert first_category(text) == "cpu_only_torch"


def test_whispers_cpu_fallback_on_a_mac_is_not_a_cuda_problem():
    text = "UserWarning: FP16 is not supported on CPU; using FP32 instead\nI run it on my MacBook Air M2"
    assert first(text) is None


def test_non_cuda_torch_said_to_be_installed():
    text = ("after adding this node to ComfyUI, it broke my installation by forcing a non-CUDA version of Torch to be "
            "installed.")
    assert Obs.CPU_BUILD_STATED in signatures(text)
    assert first_category(text) == "cpu_only_torch"


def test_non_cuda_build_of_something_else_is_not_torch():
    assert Obs.CPU_BUILD_STATED not in signatures(
        "We ship a non-CUDA build for the Mac runners; the Linux runners use cu121.")


# --- shared memory in a container whose start is not shown -----------------------------------------------------
def test_nccl_system_error_in_a_container_points_at_shared_memory():
    text = "VllM ： NCCLerror: unhandled system error (run withNCCL DEBUG=INFo for details)\nyes ，i use the docker."
    assert first_category(text) == "shm_too_small"


def test_nccl_system_error_on_bare_metal_is_not_shared_memory():
    text = "torch.distributed.DistBackendError: NCCL error: unhandled system error\nrunning on bare metal ubuntu 22.04"
    assert first_category(text) != "shm_too_small"


# --- an 803 with cuda-compat; cuDNN wanting the unversioned libcuda.so -------------------------------------------
def test_803_with_cuda_compat_is_the_compat_library():
    text = ("When I installed both cuda-toolkit-12.5 and cuda-compat-12.9, and configured the environment variables, "
            "running ./llama-server gave an error:\nggml_cuda_init: failed to initialize CUDA: system has unsupported "
            "display driver / cuda driver combination")
    assert first_category(text) == "forward_compat_unsupported"


def test_803_without_compat_is_a_stale_kernel_module():
    text = ("ggml_cuda_init: failed to initialize CUDA: system has unsupported display driver / cuda driver "
            "combination")
    assert first_category(text) == "driver_library_mismatch"


def test_cudnn_asking_for_the_unversioned_libcuda_leads_with_cudnn():
    text = ("Could not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file: No "
            "such file or directory\nAborted")
    assert first_category(text) == "cudnn_missing"


def test_missing_libcuda_so_1_is_still_the_driver():
    text = "ImportError: libcuda.so.1: cannot open shared object file: No such file or directory"
    assert first_category(text) == "driver_not_loaded"


def test_tensorflow_1x_cudnn_wording_with_compatibility_versions():
    text = ("E tensorflow/stream_executor/cuda/cuda_dnn.cc:378] Loaded runtime CuDNN library: 7101 (compatibility "
            "version 7100) but source was compiled with 7005 (compatibility version 7000).")
    found = first(text)
    assert found is not None and found.category == "cudnn_version_mismatch" and "the framework" in found.title


# --- the GPU's processes not shown in a container; the hardware in other words ------------------------------------
def test_gpu_processes_not_shown_in_a_container_is_not_a_missing_gpu():
    text = 'Cannot see gpu process using "nvidia-smi" in container,but I can see it on host'
    assert Obs.GPU_NOT_SEEN not in signatures(text)
    assert first(text) is None


def test_gpu_not_seen_in_a_container_still_is():
    assert first_category("I cannot see the GPU in the container") == "no_gpu_visible"


@pytest.mark.parametrize("text", [
    "for some reason one of the GPUs on cn110 is not working as it should. Could someone please drain this node?",
    "Tensorflow getting slower and slower",
    "drastic periodic change in epoch times during training, even though nothing else runs on the machine",
])
def test_hardware_in_other_words(text):
    assert Obs.HARDWARE_SIGN_STATED in signatures(text)
    assert first_category(text) == "gpu_health"


@pytest.mark.parametrize("text", [
    "It is not getting slower and slower, the speed is constant",
    "one of the GPUs is an RTX 3090 and the other an RTX 4090",
])
def test_hardware_near_misses(text):
    assert Obs.HARDWARE_SIGN_STATED not in signatures(text)
