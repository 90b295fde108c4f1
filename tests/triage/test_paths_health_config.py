"""Library paths, GPU health, NCCL and configuration: the kinds of evidence people paste or write, judged by
the category they point to. Texts written here in the style of real reports."""
import pytest

from cudacheck.observations import Obs

from paste_findings import first, problems, signatures


def first_category(text):
    found = problems(text)
    return found[0].category if found else None


# --- CUDA libraries said to come from the wrong place ---------------------------------------------------------
@pytest.mark.parametrize("text", [
    "It looks like tensorflow loads the CUDA libraries from /usr/local/cuda-11.2/lib64 instead of the ones pip "
    "installed into site-packages/nvidia.",
    "When packaging with PyInstaller the cuDNN DLLs get copied from\nC:\\Program Files\\NVIDIA\\CUDNN\\v8.9\\bin\n"
    "instead of\n.venv\\Lib\\site-packages\\torch\\lib",
    "ctranslate2 picks up the wrong libcublas (the system one from CUDA 11.8)",
    "my conda env has libcudnn 8.2, which is found first rather than the libcudnn from the nvidia-cudnn wheel",
    "The error only happens when the system CUDA is in the PATH; removing CUDA from PATH fixed it for me.",
    "CUDA のパスが通っているとエラーになります。パスを外すと動きました",  # only the first line holds the statement
    "删除环境变量里的CUDA路径后就正常了",
])
def test_shadowing_statements_point_at_library_paths(text):
    assert Obs.LIBRARY_SHADOWING_STATED in signatures(text)
    assert first_category(text) == "lib_path_conflict"


@pytest.mark.parametrize("text", [
    "I installed cudnn with conda rather than pip because the wheel was too large",  # an install choice
    "Please add the CUDA bin folder to PATH instead of copying the DLLs.",  # advice, no loading said
    "export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH",
    "I use the GPU instead of the CPU now and it is much faster",
    "After adding CUDA to PATH it works",  # adding, not removing: the toolkit was missing
])
def test_no_shadowing_statement(text):
    assert Obs.LIBRARY_SHADOWING_STATED not in signatures(text)
    assert first_category(text) != "lib_path_conflict"


# --- loader messages of other eras and platforms ---------------------------------------------------------------
@pytest.mark.parametrize("text, category", [
    ("RuntimeError: CUDA error: CUDA driver is a stub library", "lib_path_conflict"),
    ("The procedure entry point cublasLtMatmulAlgoConfigGetAttribute could not be located in the dynamic link "
     "library C:\\venv\\Lib\\site-packages\\torch\\lib\\cublas64_12.dll", "lib_path_conflict"),
    ("Der Prozedureinsprungpunkt \"cudaGraphInstantiateWithFlags\" wurde in der DLL "
     "\"C:\\App\\cudart64_110.dll\" nicht gefunden.", "lib_path_conflict"),
    ("jaxlib.xla_extension.XlaRuntimeError: FAILED_PRECONDITION: Found cuBLAS version 120103, but JAX was built "
     "against version 120205, which is newer.", "lib_path_conflict"),
    ("RuntimeError: Found cuDNN version 8600, but JAX was built against version 8904, which is newer. The copy of "
     "cuDNN that is installed must be at least as new as the version against which JAX was built.",
     "cudnn_version_mismatch"),
    ("$ ldd _C.so\n\tlibcudart.so.11.0 => not found\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6", "lib_path_conflict"),
])
def test_loader_families(text, category):
    assert first_category(text) == category


def test_a_stub_on_the_loader_path_is_named():
    text = ("$ ldd $(which deviceQuery) | grep cuda\n"
            "\tlibcuda.so.1 => /usr/local/cuda-12.2/targets/x86_64-linux/lib/stubs/libcuda.so.1 (0x00007f)")
    assert Obs.CUDA_STUB_LIBRARY in signatures(text)
    assert "stub" in problems(text)[0].title


@pytest.mark.parametrize("text", [
    "OSError: [Errno 34] Numerical result out of range",
    "\tlibcudart.so.12 => /opt/conda/lib/libcudart.so.12 (0x00007f1)",
    "Found cuDNN 8.9.2 and CUDA 12.1 in the container",
])
def test_loader_near_misses(text):
    assert first_category(text) != "lib_path_conflict"


# --- GPU faults beyond Xid numbers ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "[Mon Jun  3 10:11:12 2024] NVRM: GPU0 GSP RPC timeout",
    "GPU 0: OK (33000 Gflop/s)\nGPU 1: FAULTY\nGPU 2: OK (33010 Gflop/s)",
    "| Memory                    | Fail - GPU 3                                   |",
    "cuda_memtest reported 4096 memory errors on device 1",
])
def test_gpu_faults_reported_by_firmware_and_diagnostics(text):
    assert first_category(text) == "gpu_health"


def test_a_passing_diagnostic_is_not_a_fault():
    assert first_category("| Memory                    | Pass                                           |\n"
                          "GPU 0: OK (33000 Gflop/s)") is None


# --- configuration: two ranks on one GPU --------------------------------------------------------------------------
def test_two_ranks_on_one_gpu_is_a_configuration_mistake():
    text = ("torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, invalid usage (run with "
            "NCCL_DEBUG=WARN for details), NCCL version 2.19.3\nncclInvalidUsage: This usually reflects invalid usage "
            "of NCCL library.\nLast error:\nDuplicate GPU detected : rank 1 and rank 0 both on CUDA device 3b000")
    [finding] = problems(text)
    assert finding.category == "config" and "same GPU" in finding.title


def test_an_nccl_init_log_is_not_a_duplicate():
    assert first_category("NCCL INFO comm 0x7f rank 0 nranks 2 cudaDev 0 busId 3b000 - Init COMPLETE\n"
                          "NCCL INFO comm 0x7e rank 1 nranks 2 cudaDev 1 busId 5e000 - Init COMPLETE") is None


# --- configuration: CUDA's GPU numbering against nvidia-smi's -----------------------------------------------------
_SMI = """+-----------------------------------------------------------------------------+
| NVIDIA-SMI 535.129.03   Driver Version: 535.129.03   CUDA Version: 12.2     |
|-------------------------------+----------------------+----------------------+
|   0  NVIDIA GeForce RTX 3060        Off |   00000000:01:00.0  On |                  N/A |
|   1  NVIDIA GeForce RTX 4090        Off |   00000000:02:00.0 Off |                  Off |"""


def test_cuda_and_nvidia_smi_numbering_the_gpus_differently():
    text = _SMI + ("\n2024-05-01 12:00:01.123: I tensorflow/core/common_runtime/gpu/gpu_device.cc:1928] Created device "
                   "/job:localhost/replica:0/task:0/device:GPU:0 with 22000 MB memory:  -> device: 0, name: NVIDIA "
                   "GeForce RTX 4090, pci bus id: 0000:02:00.0, compute capability: 8.9\n"
                   "... -> device: 1, name: NVIDIA GeForce RTX 3060, pci bus id: 0000:01:00.0, compute capability: 8.6")
    [finding] = problems(text)
    assert finding.category == "config" and "RTX 4090" in finding.title
    assert "CUDA_DEVICE_ORDER=PCI_BUS_ID" in finding.remedy


def test_the_same_numbering_is_fine():
    text = _SMI + ("\nggml_cuda_init: found 2 CUDA devices:\n  Device 0: NVIDIA GeForce RTX 3060, compute capability "
                   "8.6, VMM: yes\n  Device 1: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes")
    assert Obs.DEVICE_ORDER_DIFFERS not in signatures(text)
    assert first_category(text) is None


@pytest.mark.parametrize("text", [
    "nvtop's GPU numbering does not match what pytorch calls cuda:0",
    "Setting CUDA_DEVICE_ORDER=PCI_BUS_ID fixed it, now cuda:1 is really the second card",
    "The device ids are swapped compared to nvidia-smi",
])
def test_a_report_that_the_numberings_differ(text):
    assert first_category(text) == "config"


@pytest.mark.parametrize("text", [
    "export CUDA_DEVICE_ORDER=PCI_BUS_ID\nexport CUDA_VISIBLE_DEVICES=0,1",  # set as a habit, no problem said
    "nvidia-smi --query-gpu=index,name --format=csv",
    "The order of the layers is swapped in the checkpoint",
])
def test_no_numbering_problem(text):
    assert Obs.DEVICE_ORDER_DIFFERS not in signatures(text)


# --- configuration: a per-task GPU binding while the device is picked by rank -------------------------------------
def test_slurm_binding_one_gpu_per_task_with_a_device_picked_by_rank():
    text = ("#SBATCH --nodes=1\n#SBATCH --ntasks=4\n#SBATCH --gpus-per-task=1\nsrun python train.py\n"
            "Traceback (most recent call last):\n  File \"train.py\", line 40, in setup\n"
            "    torch.cuda.set_device(local_rank)")
    [finding] = problems(text)
    assert finding.category == "config" and "local rank" in finding.title


def test_slurm_without_a_per_task_binding_is_fine():
    text = ("#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=4\n#SBATCH --gres=gpu:4\nsrun python train.py\n"
            "    torch.cuda.set_device(local_rank)")
    assert not problems(text)


# --- the GPU hardware in the report's words ---------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "After reseating the card in the other PCIe slot the errors stopped.",
    "Our node gpu-07 lost one of its GPUs overnight, nvidia-smi lists 7 now",
    "GPU 2 disappears from nvidia-smi after a few hours of training",
    "I think my PSU is too weak for the 3090, 650W",
    "The whole machine shuts down when training starts, no error at all",
    "The card was overheating, it reached 95 C before the crash",
    "Removing the overclock in MSI Afterburner fixed the crashes",
    "RuntimeError: CUDA error: unspecified launch failure\nThe error only appears on one of my GPUs, the other three are fine",
    "Even the deviceQuery and vectorAdd samples crash with an illegal memory access",
])
def test_the_report_points_at_the_hardware(text):
    assert Obs.HARDWARE_SIGN_STATED in signatures(text)
    found = problems(text)
    assert found[0].category == "gpu_health" and found[0].severity == "warning"


@pytest.mark.parametrize("text", [
    "It is not the PSU, I already tried a 1000W one",
    "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    "The GPU temperature is 65 C under load",
    "I use one of my GPUs for the display and the other for training",
    "My training loss died after epoch 3",
    "CUDA_VISIBLE_DEVICES=1 python mnist.py works fine",
])
def test_no_hardware_sign(text):
    assert Obs.HARDWARE_SIGN_STATED not in signatures(text)


# --- NCCL: the one that runs against the one meant -------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "NCCL_DEBUG=INFO prints\nnode1:1234:1234 [0] NCCL INFO NCCL version 2.10.3+cuda11.3\nbut our image installs "
    "libnccl2=2.18.5-1+cuda12.2 and the extension was built against it",
    "I compiled the plugin with NCCL 2.19.3 but torch.cuda.nccl.version() says\n(2, 14, 3)",
    "Built mpi4jax with nccl 2.21.5; the log shows it still uses nccl 2.18.1",
])
def test_a_process_running_another_nccl(text):
    assert Obs.NCCL_VERSIONS_DIFFER in signatures(text)
    [finding] = problems(text)
    assert finding.category == "nccl_mismatch" and finding.severity == "warning"


@pytest.mark.parametrize("text", [
    "node1:1234:1234 [0] NCCL INFO NCCL version 2.18.1+cuda12.1\nnvidia-nccl-cu12 2.18.1",
    "I upgraded NCCL from 2.10 to 2.18 and the log shows NCCL version 2.18.3 now",
    "NCCL version: 2.7.8\nCUDA version: 10.1",  # a template, one version
])
def test_one_nccl_release_is_fine(text):
    assert Obs.NCCL_VERSIONS_DIFFER not in signatures(text)


@pytest.mark.parametrize("text", [
    "torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1691, invalid argument, NCCL version "
    "2.14.3\nncclInvalidArgument: Invalid value for an argument.\nLast error:\n"
    "Invalid config blocking attribute value -2147483648",
    "ERROR 03-11 pynccl_wrapper.py:196] Failed to load NCCL library from libnccl.so.2 . It is expected if you are not "
    "running on NVIDIA/AMD GPUs.Otherwise, the nccl library might not exist, be corrupted or it does not support the "
    "current platform Linux-5.15.0-x86_64-with-glibc2.35.",
])
def test_nccl_families_of_other_eras(text):
    assert first_category(text) == "nccl_mismatch"


# --- more kinds: provider DLLs, the display watchdog, settings a job needs, what the report says fixed it ----------
@pytest.mark.parametrize("text, category", [
    ("onnxruntime.capi.onnxruntime_pybind11_state.Fail: [ONNXRuntimeError] : 1 : FAIL : LoadLibrary failed with error "
     "126 \"\" when trying to load \"D:\\tools\\venv\\lib\\site-packages\\onnxruntime\\capi\\"
     "onnxruntime_providers_cuda.dll\"", "lib_path_conflict"),
    ("RuntimeError: CUDA error: the launch timed out and was terminated\nWindows 11, RTX 3060 laptop", "config"),
    ("Display driver nvlddmkm stopped responding and has successfully recovered.", "config"),
    ("|  No MIG devices found                                                        |", "config"),
    ("node2:1234:1234 [0] NCCL INFO Bootstrap : no socket interface found", "config"),
    ("ValueError: environment variable RANK expected, but not set", "config"),
    ("Setting NCCL_P2P_DISABLE=1 fixed the hang for me", "config"),
    ("I set CUDA_VISIBLE_DEVICES=2 inside the script but it is ignored, everything goes to GPU 0", "config"),
    ("Our GPU server keeps 掉卡 during training, nvidia-smi shows one card less", "gpu_health"),
    ("The fans spin up to 100% and the screen goes black a few minutes into training", "gpu_health"),
    ("dmesg says the card dropped off the bus right before the crash", "gpu_health"),
])
def test_more_kinds(text, category):
    assert first_category(text) == category


def test_a_setting_that_did_not_help_is_not_the_fix():
    assert Obs.NCCL_SETTING_FIX not in signatures("NCCL_P2P_DISABLE=1 did not help, it still hangs")


@pytest.mark.parametrize("text", [
    "export NCCL_SOCKET_IFNAME=eth0\nexport NCCL_DEBUG=INFO",
    "CUDA_VISIBLE_DEVICES=2 python train.py works as expected",
    "My fans are quiet and temperatures are fine",
    "RuntimeError: CUDA error: unspecified launch failure",  # the program's own error: information only
])
def test_more_kinds_stay_silent(text):
    assert first_category(text) is None


# --- an "unknown error" the report ties to the hardware; a fault that does not follow the code --------------------
def test_an_unknown_error_on_a_gpu_that_comes_and_goes_is_its_health():
    text = ("RuntimeError: CUDA error: unknown error\n"
            "After each reboot the card works again for a few hours, then nvidia-smi shows No devices were found")
    found = problems(text)
    assert found[0].category == "gpu_health"
    assert "driver_not_loaded" not in {f.category for f in found}


def test_an_unknown_error_alone_is_still_the_driver():
    assert first_category("RuntimeError: CUDA error: unknown error") == "driver_not_loaded"


def test_a_kernel_fault_that_does_not_happen_on_another_machine():
    text = ("RuntimeError: CUDA error: an illegal memory access was encountered\n"
            "The same script works fine on my other machine with identical packages")
    assert first_category(text) == "gpu_health"


def test_working_elsewhere_without_a_kernel_fault_says_nothing_about_the_gpu():
    assert first_category("pip install fails here but it works fine on my other machine") != "gpu_health"


@pytest.mark.parametrize("text", [
    "I set os.environ['CUDA_VISIBLE_DEVICES'] = '1' after import torch but the model still goes to GPU 0",
    "RuntimeError: The server socket has failed to bind to [::]:29500 (errno: 98 - Address already in use).",
])
def test_configuration_said_or_shown(text):
    assert first_category(text) == "config"


@pytest.mark.parametrize("text", [
    "my 3090 crashes during training and the system reboots, I think the PSU can't handle the power spikes",
    "RuntimeError: CUDA error: unspecified launch failure\nafter replacing the riser cable the problem disappeared",
])
def test_power_and_cabling(text):
    assert first_category(text) == "gpu_health"


def test_nccl_version_printed_as_a_number():
    text = "Horovod was built against NCCL 2.7.8\n>>> torch.cuda.nccl.version()\n2408"
    assert first_category(text) == "nccl_mismatch"


def test_a_mask_that_still_lands_on_gpu_0():
    assert first_category("With CUDA_VISIBLE_DEVICES=1 the job still uses GPU 0 according to nvidia-smi") == "config"


@pytest.mark.parametrize("text", [
    "error: Microsoft Visual C++ 14.0 or greater is required. Get it with \"Microsoft C++ Build Tools\"",
    "RuntimeError: Ninja is required to load C++ extensions",
    "/usr/bin/ld: cannot find -lcudart: No such file or directory\ncollect2: error: ld returned 1 exit status",
    "nvcc fatal   : Cannot find compiler 'cl.exe' in PATH",
])
def test_an_extension_build_without_its_tools(text):
    assert first_category(text) == "config"


def test_a_missing_project_header_is_not_a_missing_tool():
    assert Obs.BUILD_TOOL_MISSING not in signatures("src/main.cpp:1:10: fatal error: utils.h: No such file or directory")


# --- whole pastes: the kinds above among the other facts people paste ----------------------------------------------
def test_paste_gpu_numbering_from_a_python_session():
    text = """\
$ nvidia-smi -L
GPU 0: NVIDIA GeForce RTX 3060 (UUID: GPU-1b2c3d4e-0000-1111-2222-333344445555)
GPU 1: NVIDIA GeForce RTX 4090 (UUID: GPU-9f8e7d6c-0000-1111-2222-333344445555)
$ python
>>> import torch
>>> torch.__version__
'2.3.1+cu121'
>>> torch.cuda.get_device_name(0)
'NVIDIA GeForce RTX 4090'
>>> torch.cuda.get_device_name(1)
'NVIDIA GeForce RTX 3060'
So CUDA_VISIBLE_DEVICES=0 gives me the 4090?"""
    found = problems(text)
    assert found[0].category == "config" and "CUDA_DEVICE_ORDER" in found[0].remedy


def test_paste_one_card_of_eight_failing():
    text = """\
| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |
|   3  NVIDIA A100-SXM4-80GB          On  |   00000000:4E:00.0 Off |                    0 |
torch 2.3.0+cu121, 8x A100
RuntimeError: CUDA error: unspecified launch failure
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
It always crashes on one of the GPUs (rank 3); the job runs fine when we exclude that card."""
    assert first_category(text) == "gpu_health"


def test_paste_windows_toolkit_dlls_taking_precedence():
    text = """\
PS C:\\work\\app> python -c "import torch; print(torch.__version__, torch.version.cuda)"
2.2.2+cu118 11.8
OSError: [WinError 127] The specified procedure could not be found. Error loading "C:\\work\\app\\.venv\\lib\\site-packages\\torch\\lib\\cudnn_cnn_infer64_8.dll" or one of its dependencies.
Process Monitor shows the cudnn DLLs being loaded from C:\\Program Files\\NVIDIA\\CUDNN\\v8.1\\bin instead of the ones in torch\\lib"""
    assert first_category(text) == "lib_path_conflict"


@pytest.mark.parametrize("text", [
    "torch is unusable when cuda 12.4 is installed locally",
    "After removing /usr/local/cuda-12.4 everything works again",
    "Uninstalling the system CUDA 11.8 toolkit fixed it",
    "import torch breaks if libcublas is already present",
])
def test_a_system_cuda_said_to_break_torch(text):
    assert first_category(text) == "lib_path_conflict"


@pytest.mark.parametrize("text", [
    "I removed the old checkpoint and now it works",
    "After installing the CUDA 12.4 toolkit nvcc works",
    "Removing torch and reinstalling fixed it",
])
def test_other_removals_are_not_a_system_cuda(text):
    assert Obs.LIBRARY_SHADOWING_STATED not in signatures(text)


@pytest.mark.parametrize("text", [
    "P2P works fine here, the bandwidth test shows 24 GB/s between GPU 0 and 1",
    "PCI ID 10de:2204 does not match the driver's list",
])
def test_healthy_p2p_and_pci_ids_are_not_configuration(text):
    assert first_category(text) is None


def test_turning_off_the_iommu_fixes_nccl():
    assert first_category("Adding iommu=pt to the kernel command line fixed the NCCL hang") == "config"


def test_a_power_supply_listed_in_a_template_is_not_a_fault():
    assert Obs.HARDWARE_SIGN_STATED not in signatures("CPU: Ryzen 9 5950X\nGPU: RTX 3090\nPSU: Corsair HX1000 1000W")


def test_lspci_rev_ff_is_a_gpu_off_the_bus():
    text = ("$ nvidia-smi\nNo devices were found\n$ lspci | grep -i nvidia\n"
            "41:00.0 3D controller: NVIDIA Corporation GA100 [A100 PCIe 80GB] (rev ff)")
    assert first_category(text) == "gpu_health"


def test_lspci_with_a_revision_is_fine():
    assert Obs.LSPCI_REV_FF not in signatures("41:00.0 3D controller: NVIDIA Corporation GA100 [A100 PCIe 80GB] (rev a1)")


def test_a_docker_gpus_list_without_inner_quotes():
    text = ("$ docker run --rm --gpus device=0,1 nvidia/cuda:12.4.1-base-ubuntu22.04 nvidia-smi\n"
            "docker: Error response from daemon: cannot set both Count and DeviceIDs on device request.")
    found = problems(text)
    assert found[0].category == "config" and "quote" in found[0].title


def test_fallen_off_the_pcie_bus():
    assert first_category("After ~2h of training the card fell off the PCIe bus and the run died") == "gpu_health"


@pytest.mark.parametrize("text", [
    "OMP: Error #15: Initializing libiomp5md.dll, but found libiomp5md.dll already initialized.\nOMP: Hint This means "
    "that multiple copies of the OpenMP runtime have been linked into the program.",
    "ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: 'C:\\\\Users\\\\me\\\\"
    "AppData\\\\Local\\\\Packages\\\\PythonSoftwareFoundation.Python.3.11\\\\LocalCache\\\\local-packages\\\\Python311\\\\"
    "site-packages\\\\torch\\\\include\\\\ATen\\\\ops\\\\_fused_moving_avg_obs_fq_helper_compositeexplicitautograd_dispatch.h'\n"
    "HINT: This error might have occurred since this system does not have Windows Long Path support enabled.",
])
def test_platform_configuration(text):
    assert first_category(text) == "config"


def test_openmp_initialised_once_is_fine():
    assert first_category("OMP: Info #276: omp_set_nested routine deprecated, please use omp_set_max_active_levels") is None


def test_the_bare_address_in_use_of_torch_1_is_the_rendezvous_port():
    finding = first("执行中报错：RuntimeError: Address already in use")
    assert finding.code == "CC826" and finding.category == "config"
    assert first("OSError: [Errno 98] Address already in use (my flask app)") is None


def test_an_older_libstdcxx_found_first_is_a_library_path_conflict():
    text = ("ImportError: /usr/lib64/libstdc++.so.6: version `CXXABI_1.3.8' not found (required by "
            "/home/u/anaconda3/envs/pt/lib/python3.6/site-packages/torch/lib/libATen.so)")
    assert first(text).category == "lib_path_conflict"


POWER_HEAT_OR_A_DEFECTIVE_CARD = {
    "psu": "It appears to be caused by an undersized PSU. Gaming works fine so far.",
    "psu_zh": "毛病可能就是电源吧", "restarts_zh": "一运行train.py过一会电脑就会重启",
    "rma": "The card showed artifacts and is currently RMAed at MSI.",
    "defective": "Turns out a batch of these cards are known to be defective.",
    "heat": "The fan sits at 22% the whole run, with temps around 110°C when the crashes occur.",
    "cold_reboot": "After the last step my PC does a cold reboot.",
}


@pytest.mark.parametrize("text", POWER_HEAT_OR_A_DEFECTIVE_CARD.values(), ids=POWER_HEAT_OR_A_DEFECTIVE_CARD.keys())
def test_the_report_pointing_at_power_heat_or_a_defective_card(text):
    finding = first(text)
    assert finding is not None and finding.code == "CC820" and finding.category == "gpu_health"


@pytest.mark.parametrize("text", [
    "The card is not defective, it works in games.",
    "I did a hard reset of the GPU with nvidia-smi -r and it works.",
    "GPU Shutdown Temp                 : 96 C",
    "I restarted the container and the job ran.",
])
def test_words_near_the_hardware_that_do_not_blame_it(text):
    assert all(f.category != "gpu_health" for f in problems(text))
