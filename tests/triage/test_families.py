"""Message families, each in wordings of several tools and eras: the first diagnosis a report gets,
and reports with the same words where that diagnosis must not come first.

The texts are written for these tests in the shape real reports take (a traceback tail, a tool's
output, a sentence around them); none is copied from a report of the corpus.
"""
from __future__ import annotations

import pytest

from cudacheck.triage import triage


def first(text: str):
    """(category, severity) of the first error-or-warning finding, or (None, None)."""
    report = triage(text)
    problems = [f for f in report.findings if f.severity in ("error", "warning")]
    return (problems[0].category, problems[0].severity) if problems else (None, None)


def errors(text: str):
    return [f for f in triage(text).findings if f.severity == "error"]


FIRES = [
    # --- capability_missing: a library's minimum compute capability, however it is worded ---------------
    ("te_fp8", "capability_missing",
     "  File \"/opt/venv/lib/python3.11/site-packages/transformer_engine/pytorch/fp8.py\", line 88, in check\n"
     "AssertionError: Device compute capability 8.9 or higher required for FP8 execution."),
    ("vllm_minimum", "capability_missing",
     "ValueError: The quantization method marlin is not supported for the current GPU. Minimum capability: 80. "
     "Current capability: 75."),
    ("model_fp8_example_gpu", "capability_missing",
     "ERROR: this checkpoint needs a GPU with compute capability 8.9 or higher (e.g. an RTX 4080). Your GPU's "
     "capability is 8.6."),
    ("triton_pascal", "capability_missing",
     "torch._inductor.exc.InductorError: RuntimeError: Found Tesla P100-PCIE-16GB which is too old to be supported "
     "by the triton GPU compiler, which is used as the backend. Triton only supports devices of CUDA Capability "
     ">= 7.0, but your device is of CUDA capability 6.0"),
    # --- nccl_mismatch ------------------------------------------------------------------------------------
    ("nccl_quoted_symbol", "nccl_mismatch",
     "./build/all_reduce_perf: symbol lookup error: ./build/all_reduce_perf: undefined symbol: \"ncclCommSplit\""),
    ("nccl_link_time", "nccl_mismatch",
     "/usr/bin/ld: libtorch_cuda.so: undefined reference to `ncclCommInitRankConfig'\n"
     "collect2: error: ld returned 1 exit status"),
    ("nccl_peers", "nccl_mismatch",
     "gpu-node-07:2231:2290 [0] init.cc:1043 NCCL WARN Mismatched NCCL version detected : rank 3 version 21805 "
     "rank 4 version 22006\nRuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1269, internal error"),
    # --- lib_path_conflict --------------------------------------------------------------------------------
    ("winerror127_cublas", "lib_path_conflict",
     ">>> import torch\nTraceback (most recent call last):\n"
     "OSError: [WinError 127] Die angegebene Prozedur wurde nicht gefunden. Error loading "
     "\"D:\\envs\\sd\\lib\\site-packages\\torch\\lib\\cublasLt64_12.dll\" or one of its dependencies."),
    ("winerror127_cudnn", "lib_path_conflict",
     "OSError: [WinError 127] The specified procedure could not be found. Error loading "
     "\"C:\\tools\\app\\torch\\lib\\cudnn_ops64_9.dll\" or one of its dependencies."),
    ("system_cudnn_symbol", "lib_path_conflict",
     "Could not load library libcudnn_ops_train.so.8. Error: /usr/lib/x86_64-linux-gnu/libcudnn_ops_train.so.8: "
     "undefined symbol: _ZN5cudnn3ops18GetInternalStreamsEP12cudnnContextiPP11CUstream_st, version "
     "libcudnn_ops_infer.so.8"),
    ("jax_named_library", "lib_path_conflict",
     "RuntimeError: Unable to load cuSPARSE. Is it installed?\n"
     "echo $LD_LIBRARY_PATH\n/usr/local/cuda-12.1/lib64:/opt/nccl/lib"),
    ("cublas_invalid_value", "lib_path_conflict",
     "RuntimeError: CUDA error: CUBLAS_STATUS_INVALID_VALUE when calling `cublasGemmEx( handle, opa, opb, m, n, k, "
     "&falpha, a, CUDA_R_16F, lda, b, CUDA_R_16F, ldb, &fbeta, c, CUDA_R_16F, ldc, CUDA_R_32F, "
     "CUBLAS_GEMM_DEFAULT_TENSOR_OP)`"),
]

FIRES += [
    # --- cpu_only_torch: collect_env's "Could not collect" is torch.version.cuda = None --------------------
    ("collect_env_could_not_collect", "cpu_only_torch",
     "PyTorch version: 1.10.2\nIs debug build: False\nCUDA used to build PyTorch: Could not collect\n"
     "ROCM used to build PyTorch: N/A\nIs CUDA available: False\nGPU models and configuration: GPU 0: NVIDIA "
     "GeForce RTX 2080 Ti\nNvidia driver version: 510.47.03"),
    ("wheel_without_cuda", "cpu_only_torch",
     "Our requirements pin a torch wheel that does not support CUDA, so `torch.cuda.is_available()` is False on "
     "every GPU box."),
    ("installed_without_cuda", "cpu_only_torch",
     "the conda command in the README ends up with a pytorch installation without CUDA on my RTX 3060 machine"),
]

FIRES += [
    # --- driver_not_loaded: the installer, nvidia-settings and X saying the module is not there ----------------
    ("runfile_installer", "driver_not_loaded",
     "Building kernel modules\n  : [##############################] 100%\nERROR: Unable to load the kernel module "
     "'nvidia.ko'.  This happens most frequently when this kernel module was built against the wrong or improperly "
     "configured kernel sources"),
    ("nvidia_settings", "driver_not_loaded",
     "May 02 09:12:41 desk nvidia-settings[2051]: ERROR: NVIDIA driver is not loaded"),
    ("xorg_log", "driver_not_loaded",
     "[    21.307] (EE) NVIDIA: Failed to load the NVIDIA kernel module. Please check your\n"
     "[    21.307] (EE) NVIDIA:     system's kernel log for additional error messages."),
    # --- shm_too_small: ENOSPC said about /dev/shm -----------------------------------------------------------
    ("enospc_dev_shm", "shm_too_small",
     "OSError: [Errno 28] No space left on device: '/dev/shm/pymp-k2d9x1/listener-3kq'"),
    # --- gpu_health: what nvidia-smi itself says, and kernel faults the report ties to the card -------------
    ("smi_ecc_column", "gpu_health",
     "|   2  NVIDIA A100-SXM4-80GB          On  | 00000000:47:00.0 Off |                   12 |\n"
     "| N/A   33C    P0              62W / 400W |      4MiB / 81920MiB |      0%      Default |"),
    ("smi_q_uncorrectable", "gpu_health",
     "    ECC Errors\n        Volatile\n            SRAM Correctable              : 0\n"
     "            SRAM Uncorrectable            : 0\n            DRAM Correctable              : 0\n"
     "            DRAM Uncorrectable            : 4"),
    ("smi_q_temperature", "gpu_health",
     "    Temperature\n        GPU Current Temp                  : 87 C\n        GPU Shutdown Temp                 : 96 C\n"
     "        GPU Slowdown Temp                 : 88 C\n        GPU Max Operating Temp            : 85 C"),
    ("smi_times_out", "gpu_health",
     "$ timeout 120 nvidia-smi\nnvidia-smi timed out after 120 s on gpu-node-12, the other nodes answer at once"),
    ("fault_needs_reboot", "gpu_health",
     "RuntimeError: CUDA error: unspecified launch failure\nAfter this the GPU is unusable; we have to reboot the "
     "server before anything runs on it again. Same container works on the other machine."),
    ("fault_faulty_node", "gpu_health",
     "RuntimeError: NCCL error: unhandled cuda error, NCCL version 2.20.5\nIt went away once we drained the faulty "
     "node from the pool."),
]

FIRES += [
    # --- gpu_too_old_for_build: a driver branch that dropped the GPU ---------------------------------------
    ("legacy_branch_dmesg", "gpu_too_old_for_build",
     "[    5.021] NVRM: The NVIDIA GeForce GTX 960 GPU installed in this system is\n"
     "[    5.021] NVRM:  supported through the NVIDIA 580.xx Legacy drivers. Please\n"
     "[    5.021] NVRM:  visit http://www.nvidia.com/object/unix.html for more\n[    5.024] NVRM: No NVIDIA GPU found."),
    ("legacy_branch_installer", "gpu_too_old_for_build",
     "WARNING: The NVIDIA Quadro K2000 GPU installed in this system is supported through the NVIDIA 470.xx legacy "
     "Linux graphics drivers.  The 550.120 NVIDIA Linux graphics driver will ignore this GPU."),
    # --- no_gpu_visible: the scheduler and torch's process group saying there is no GPU ---------------------
    ("pod_unschedulable", "no_gpu_visible",
     "  Warning  FailedScheduling  41s   default-scheduler  0/5 nodes are available: 5 Insufficient nvidia.com/gpu. "
     "preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod."),
    ("process_group_no_gpu", "no_gpu_visible",
     "RuntimeError: ProcessGroupNCCL is only supported with GPUs, no GPUs found!"),
]

FIRES += [
    ("toolkit_cannot_parse", "container_requirement_unsatisfied",
     "stderr: nvidia-container-cli: requirement error: invalid expression\\n\": unknown\n"
     "ERROR: for trainer  Cannot start service trainer: OCI runtime create failed"),
]

FIRES += [
    # --- extension_mismatch: any compiled extension, also one cudacheck does not know by name ----------------
    ("unknown_ext_cuda_major", "extension_mismatch",
     "  File \"/srv/env/lib/python3.11/site-packages/knn_graph/ops.py\", line 4, in <module>\n"
     "    import knn_graph._ext as _backend\n"
     "ImportError: libcudart.so.11.0: cannot open shared object file: No such file or directory"),
    ("private_submodule_dll", "extension_mismatch",
     "  File \"D:\\ai\\venv\\lib\\site-packages\\spconv\\core_cc\\__init__.py\", line 2, in <module>\n"
     "    from ._ops_sm86 import *\n"
     "ImportError: DLL load failed while importing _ops_sm86: The specified procedure could not be found."),
    ("demangled_symbol", "extension_mismatch",
     "import rasterizer_ext fails: undefined symbol: c10::cuda::c10_cuda_check_implementation(int, char const*, "
     "char const*, int, bool)"),
    ("scatter_cuda_versions", "extension_mismatch",
     "RuntimeError: Detected that PyTorch and torch_scatter were compiled with different CUDA versions. PyTorch has "
     "CUDA version 12.1 and torch_scatter has CUDA version 11.8. Please reinstall the torch_scatter that matches "
     "your PyTorch install."),
    ("bnb_binary", "extension_mismatch",
     "RuntimeError: Configured CUDA binary not found at "
     "/home/u/.venv/lib/python3.12/site-packages/bitsandbytes/libbitsandbytes_cuda126.so"),
    ("old_torchvision_op", "torchvision_mismatch",
     "/usr/lib/python3.6/site-packages/torch/_ops.py in __getattr__(self, op_name)\n"
     "RuntimeError: No such operator torchvision::roi_align"),
]

FIRES += [
    ("short_kernel_image", "gpu_too_old_for_build",
     "My card is a GTX 660 (compute 3.0). torch.cuda.is_available() returns True but every op fails with CUDA "
     "error: no kernel image is available"),
    ("nvlink_uncorrectable", "gpu_health",
     "RuntimeError: CUDA error: uncorrectable NVLink error detected during the execution"),
    ("pcie_aer", "gpu_health",
     "kernel: pcieport 0000:c0:03.1: AER: Uncorrected (Fatal) error received: 0000:c1:00.0\n"
     "kernel: nvidia 0000:c1:00.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Transaction Layer"),
    ("shm_permission_path_after", "shm_permission",
     "PermissionError: [Errno 13] Permission denied: '/dev/shm/torch_4711_2386431720_0'"),
    ("nccl_on_ld_path", "nccl_mismatch",
     "export LD_LIBRARY_PATH=/opt/nccl-2.12.12/lib:$LD_LIBRARY_PATH\n"
     "RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1191, internal error, NCCL version 2.12.12"),
    ("ordinal_after_mask", "config",
     "CUDA_VISIBLE_DEVICES=2 python train.py --gpu 2\nRuntimeError: CUDA error: invalid device ordinal"),
    ("old_driver_unknown_build", "driver_too_old",
     "| NVIDIA-SMI 470.199.02   Driver Version: 470.199.02   CUDA Version: 11.4     |\n"
     "pip install torch==2.6.0\n>>> torch.cuda.is_available()\nFalse"),
]

FIRES += [
    ("mask_hides_gpus", "no_gpu_visible",
     "export CUDA_VISIBLE_DEVICES=-1\nUserWarning: CUDA initialization: CUDA driver initialization failed, you might "
     "not have a CUDA gpu."),
]

FIRES += [
    ("terminal_vs_notebook", "multiple_torch_installs",
     ">>> torch.cuda.is_available()\nTrue in the terminal but False in the Jupyter notebook on the same machine"),
    ("ide_vs_shell", "multiple_torch_installs",
     "In VS Code it prints False, while from the Anaconda command prompt the same script prints True"),
    # a message wrapped by the terminal before its last words
    ("wrapped_insufficient", "driver_too_old",
     "RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime\nversion"),
]

FIRES += [
    ("no_driver_paraphrase", "driver_not_loaded",
     "After the kernel update nvidia-smi says it can't find the NVIDIA driver, make sure it's installed and running."),
]

SILENT = [
    # the GPU is named and has what the message asks for
    ("fp8_on_h100", "capability_missing",
     "AssertionError: Device compute capability 8.9 or higher required for FP8 execution.\nGPU 0: NVIDIA H100 PCIe"),
    # a cuDNN symbol missing inside torch's own wheel folder is a cuDNN of another version, not a system folder
    ("wheel_cudnn_symbol", "lib_path_conflict",
     "/home/u/venv/lib/python3.10/site-packages/nvidia/cudnn/lib/libcudnn_cnn_infer.so.8: undefined symbol: "
     "_ZN5cudnn14backend10ExecutionPlan4initEv"),
    # a missing DLL (126) is not another version of it (127)
    ("winerror126", "lib_path_conflict",
     "OSError: [WinError 126] The specified module could not be found. Error loading "
     "\"C:\\py\\lib\\site-packages\\torch\\lib\\cudnn_cnn_infer64_8.dll\" or one of its dependencies."),
    # NCCL's version banner is not a mismatch
    ("nccl_banner", "nccl_mismatch", "node1:812:812 [0] NCCL INFO NCCL version 2.21.5+cuda12.4"),
    # a template line that could not be filled in says nothing about the build
    ("template_could_not_collect", "cpu_only_torch",
     "- CUDA/cuDNN version: Could not collect\n- GPU models and configuration: RTX 3090"),
    # the GPU lacking CUDA is not the build lacking it
    ("gpu_without_cuda", "cpu_only_torch", "My laptop's Intel GPU does not support CUDA, so I run on the CPU."),
    # a kernel fault alone is the program's own (CC830 info), not the card
    ("launch_failure_alone", "gpu_health", "RuntimeError: CUDA error: unspecified launch failure"),
    ("ecc_column_zero", "gpu_health",
     "|   0  NVIDIA A100-SXM4-80GB          On  | 00000000:07:00.0 Off |                    0 |"),
    ("cool_gpu", "gpu_health",
     "        GPU Current Temp                  : 41 C\n        GPU Slowdown Temp                 : 88 C"),
    ("pod_cpu_short", "no_gpu_visible",
     "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available"),
    # a driver that runs every build of that torch: not the driver
    ("new_driver_unknown_build", "driver_too_old",
     "| NVIDIA-SMI 560.35.03   Driver Version: 560.35.03   CUDA Version: 12.6     |\n"
     "pip install torch==2.6.0\n>>> torch.cuda.is_available()\nFalse"),
    ("works_in_terminal", "multiple_torch_installs", "It works in the terminal but I see no speedup at all"),
    # torch 1.7.0's exact-arch warning for a GPU the build's SASS covers (sm_80 runs on sm_86)
    ("old_strict_arch_warning", "arch_not_in_build",
     "GeForce RTX 3090 with CUDA capability sm_86 is not compatible with the current PyTorch installation.\n"
     "The current PyTorch install supports CUDA capabilities sm_37 sm_50 sm_60 sm_70 sm_75 sm_80.\n"
     "torch 1.7.0+cu110"),
    ("other_disk_full", "shm_too_small", "OSError: [Errno 28] No space left on device: '/home/u/.cache/huggingface'"),
]


@pytest.mark.parametrize("name, category, text", FIRES, ids=[f[0] for f in FIRES])
def test_family_names_the_cause_first(name, category, text):
    assert first(text)[0] == category


@pytest.mark.parametrize("name, category, text", SILENT, ids=[s[0] for s in SILENT])
def test_family_stays_silent(name, category, text):
    assert first(text)[0] != category


def test_a_bundled_torch_failing_to_load_its_dll_is_not_a_shadowing_source_folder():
    text = ("  File \"C:\\apps\\studio\\python\\torch\\__init__.py\", line 141, in <module>\n    raise err\n"
            "OSError: [WinError 127] The specified procedure could not be found. Error loading "
            "\"C:\\apps\\studio\\python\\torch\\lib\\cudnn_graph64_9.dll\" or one of its dependencies.")
    assert all(f.category != "multiple_torch_installs" for f in triage(text).findings)


def test_lspci_revision_is_not_a_gpu_name():
    """lspci ends each line with the chip's revision, "(rev a2)": not the NVIDIA A2."""
    from cudacheck.triage import parse
    snapshot = parse("01:00.0 VGA compatible controller: NVIDIA Corporation GT216M [GeForce GT 230M] (rev a2)")
    assert all(g.name != "NVIDIA A2" for g in snapshot.nvml.gpus)


def test_a_gpu_named_as_an_example_is_not_this_machines():
    from cudacheck.triage import parse
    snapshot = parse("This model needs compute capability 8.9 or higher (e.g., an RTX 4090).")
    assert not snapshot.nvml.gpus
    assert [g.name for g in parse("GPUs like the A100 have bf16; mine is a Tesla T4").nvml.gpus] == ["Tesla T4"]


@pytest.mark.parametrize("line", ["CUDA not detected by pytorch on my laptop", "pytorch cannot find cuda",
                                  "GPU is not being used, training runs on CPU", "It always falls back to the CPU"])
def test_cuda_unavailable_said_in_other_words(line):
    from cudacheck.triage import parse
    assert "gpu_not_seen" in {o.signature for o in parse(line).observations}


def test_torch_version_written_against_the_name():
    """"pytorch1.7" / "torch2.1.0+cu121", as reports often write them; "torch2trt" is another package."""
    from cudacheck.triage import parse
    assert parse("torch2.1.0+cu121 on the server").torch.version == "2.1.0+cu121"
    assert any(o.values.get("version") == "1.7" for o in parse("I installed pytorch1.7 with pip").observations)
    assert parse("torch2trt 0.4.0").torch.version is None


def test_an_index_within_the_mask_is_not_blamed_on_the_mask():
    """GPU 1 of CUDA_VISIBLE_DEVICES=0,1 exists as far as the mask goes: the machine has fewer GPUs than it names."""
    report = triage("CUDA_VISIBLE_DEVICES=0,1 python train.py --gpu 1\nRuntimeError: CUDA error: invalid device ordinal")
    lead = next(f for f in report.findings if f.severity in ("error", "warning"))
    assert lead.code == "CC826" and lead.severity == "warning"
    assert lead.title.startswith("The program asks for a GPU index") and "CUDA_VISIBLE_DEVICES" not in lead.title
