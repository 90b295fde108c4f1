"""Drivers, containers and GPU visibility in the words people use: each recogniser fires on text written here
in the style of real reports, and stays silent on near misses."""
import pytest

from cudacheck.observations import Obs
from cudacheck.triage import parse, triage

from paste_findings import first, signatures


# --- message wordings -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "nvidia-smi\nFailed to initialize NVML: Driver / library version mismatch",
    "Failed to initialize NVML: Driver /library version mismatch",
])
def test_spaced_driver_library_mismatch(line):
    assert Obs.NVML_VERSION_MISMATCH.value in signatures(line)
    assert first(line).category == "driver_library_mismatch"


@pytest.mark.parametrize("line", [
    "On our p4d nodes every CUDA program fails with 802 system error after the AMI update.",
    "cuInit fails with 802 on the H100 box",
    "torch.cuda.is_available() gives an 802 error on the 8x A100 machine",
])
def test_802_said_before_the_word_error(line):
    assert Obs.SYSTEM_NOT_READY.value in signatures(line)
    assert first(line).category == "fabricmanager_missing"


@pytest.mark.parametrize("line", [
    "The Wi-Fi adapter is 802.11ac and fails with 802.11 auth errors",
    "Order 802 error budget: 3 items",
    "Process finished with exit code 0 after epoch 802",
])
def test_802_near_misses(line):
    assert Obs.SYSTEM_NOT_READY.value not in signatures(line)


# --- a mask said in a sentence ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "docker run --gpus all -it myorg/sd-webui:latest\nGPU: RTX 3090\nThe entrypoint script overwrites "
    "`NVIDIA_VISIBLE_DEVICES` to `void`, so the app never sees the card.",
    "Inside the container NVIDIA_VISIBLE_DEVICES is set to void by the base image, nvidia-smi is missing.",
])
def test_a_mask_said_to_hide_the_gpus(text):
    snapshot = parse(text)
    assert snapshot.container.nvidia_visible_devices.kind == "void"
    finding = first(text)
    assert finding.category == "no_gpu_visible" and finding.code == "CC105"


@pytest.mark.parametrize("text", [
    "I set NVIDIA_VISIBLE_DEVICES to all and the GPU shows up in the container.",
    "Should NVIDIA_VISIBLE_DEVICES be void for CPU-only images? Just asking about the docs.",
])
def test_a_mask_that_hides_nothing_is_not_said_to(text):
    mask = parse(text).container.nvidia_visible_devices
    assert mask is None or mask.kind not in ("void", "none", "empty")


def test_an_image_tag_is_not_a_device_index():
    text = "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\nRuntimeError: CUDA error: invalid device ordinal"
    assert not any(o.signature == Obs.DEVICE_REQUESTED.value for o in parse(text).observations)


# --- error 804: the CUDA the report names against the driver ------------------------------------------------------
_804 = ("UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Error 804: forward "
        "compatibility was attempted on non supported HW")


def test_804_with_a_named_cuda_of_the_drivers_major_is_forward_compat():
    text = "显卡: RTX 2080 Ti\n驱动: Driver Version: 470.82.01\nCUDA: CUDA Version: 11.6\n" + _804
    finding = first(text)
    assert finding.category == "forward_compat_unsupported" and finding.code == "CC818"


def test_804_with_a_named_cuda_of_a_newer_major_is_an_old_driver():
    text = "GPU: RTX 2080 Ti, driver 470.82.01, we need CUDA 12.1 for this project\n" + _804
    assert first(text).category == "driver_too_old"


def test_804_with_nothing_named_stays_an_old_driver():
    assert first(_804).category == "driver_too_old"


# --- a container said to be started without its GPU flag ----------------------------------------------------------
@pytest.mark.parametrize("text", [
    "RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version\n"
    "Turns out I forgot to pass the --nv option to apptainer exec, so no driver was bound in.\n"
    "apptainer exec --nv train.sif python train.py",
    "CUDA driver version is insufficient for CUDA runtime version\n"
    "I didn't use --gpus all when I started it the first time.\ndocker run --gpus all -it myimage:latest",
    "Error 35 from cudaGetDeviceCount\nThe container was started without the `--gpus` flag.",
])
def test_error_35_in_a_container_started_without_gpus_is_no_gpu_visible(text):
    finding = first(text)
    assert finding.category == "no_gpu_visible" and finding.code == "CC804"


@pytest.mark.parametrize("text", [
    # the flag was given: error 35 is the driver's
    "apptainer exec --nv train.sif python train.py\n"
    "CUDA driver version is insufficient for CUDA runtime version",
    "docker run --gpus all -it myimage:latest\nCUDA driver version is insufficient for CUDA runtime version\n"
    "It works without --gpus all but then there is no GPU of course",
])
def test_error_35_with_the_flag_given_stays_an_old_driver(text):
    assert first(text).category == "driver_too_old"


# --- the driver said to be older than what is needed, without an error message --------------------------------------
@pytest.mark.parametrize("text", [
    "Our GKE node pool ships driver 470. Please upgrade the node driver to support CUDA 12 images.",
    "The cluster's nvidia driver needs a newer version: our images are built on CUDA 12.2.",
    "With the AMI's driver 450 the highest CUDA we can use is 11.0, and the new release of our tool needs 11.8.",
    "The base image pins the NVIDIA driver, which only supports CUDA 11.4; can it be raised?",
    "Could the default GPU driver version be bumped in the next release?",
    "训练脚本找不到GPU，可能是显卡驱动版本过低",
    "nvidia-smiは動くけど、ドライバが古すぎるかもしれません",
    "Похоже, драйвер NVIDIA слишком старый для этой сборки",
    "Acho que o driver da NVIDIA está desatualizado",
])
def test_a_driver_said_to_be_too_old(text):
    finding = first(text)
    assert finding.category == "driver_too_old" and finding.code == "CC827" and finding.certainty == "possible"
    assert finding.severity == "warning"


@pytest.mark.parametrize("text", [
    "I updated the driver last week and everything works, thanks for the help.",
    "Driver Version: 550.54.15, the latest CUDA 12.4 toolkit is installed.",
    "Tip: after you update the driver, reboot before running nvidia-smi.",
    "驱动已经是最新的版本了",
])
def test_a_driver_mentioned_without_being_too_old(text):
    finding = first(text)
    assert finding is None or finding.category != "driver_too_old"


# --- /dev/shm absent ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "$ ls -ld /dev/shm\nls: cannot access '/dev/shm': No such file or directory\n"
    "OSError: [Errno 38] Function not implemented (multiprocessing.synchronize)",
    ">>> import os; os.path.isdir('/dev/shm')\nFalse\n>>> from multiprocessing import Pool",
    "The sandbox mounts a fresh tmpfs over /dev after the shm mount, so /dev/shm is hidden for the app user.",
])
def test_dev_shm_absent(text):
    snapshot = parse(text)
    assert snapshot.container.shm.exists is False
    finding = first(text)
    assert finding.category == "shm_permission" and finding.code == "CC402"


@pytest.mark.parametrize("text", [
    "$ df -h /dev/shm\nshm              64M     0   64M   0% /dev/shm",
    ">>> os.path.exists('/dev/shm')\nTrue",
    "shm      /dev/shm  tmpfs     rw,nosuid,nodev,noexec,relatime,size=65536k 0 0",
])
def test_dev_shm_present(text):
    shm = parse(text).container.shm
    assert shm is None or shm.exists is not False


# --- WSL told by nvidia-smi's own version ------------------------------------------------------------------------
_BANNER = "| NVIDIA-SMI {smi}       Driver Version: {driver}       CUDA Version: 12.2     |"
_ROW_ERR = ("|   0  NVIDIA GeForce RTX 3070    On  | 00000000:01:00.0  On |                  N/A |\n"
            "| 30%   45C    P8    15W / 220W |   1024MiB /  8192MiB |    ERR!      Default |")


def test_nvidia_smi_and_driver_versions_that_differ_are_wsl():
    text = _BANNER.format(smi="535.54.03", driver="536.23") + "\n" + _ROW_ERR
    snapshot = parse(text)
    assert snapshot.container.runtime == "wsl" and snapshot.nvml.driver_version == "536.23"
    assert not any(f.category == "gpu_health" for f in triage(text).findings)  # WSL's nvidia-smi shows ERR!


def test_nvidia_smi_of_the_drivers_own_version_is_no_wsl():
    text = _BANNER.format(smi="535.54.03", driver="535.54.03") + "\n" + _ROW_ERR
    assert parse(text).container.runtime is None
    assert first(text).category == "gpu_health"


# --- GPU access for containers named where something fails ------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "services:\n  trainer:\n    image: myorg/trainer:cu121\n"
    "The GPU reservation is ignored by our old docker-compose version, the trainer fails to find CUDA.",
    "With `runtime: nvidia` removed from the service the container cannot find the GPU",
])
def test_container_gpu_access_named_where_it_fails(text):
    assert first(text).category == "no_gpu_visible"


@pytest.mark.parametrize("text", ["We deploy the trainer with docker compose up -d on two hosts.",
                                  "docker compose up fails with port already in use"])
def test_compose_without_its_gpu_handling_is_no_cue(text):
    assert first(text) is None


# --- other tools saying they found no GPU ---------------------------------------------------------------------------
@pytest.mark.parametrize("line", [
    'time=2024-11-02T08:14:51.201Z level=INFO source=gpu.go:221 msg="no compatible GPUs were discovered"',
    "Num GPUs Available:  0",
    "GPU available: False, used: False",
    "Error: could not find any GPU devices",
])
def test_tools_saying_no_gpu_was_found(line):
    assert Obs.GPU_NOT_SEEN.value in signatures(line)
    assert first("root@7d2f0c9a1b3e:/workspace# ./run.sh\n" + line).category == "no_gpu_visible"


def test_vllm_without_a_gpu_platform():
    text = "docker compose up\nvllm-1  | RuntimeError: Failed to infer device type"
    assert Obs.CUDA_NOT_AVAILABLE.value in signatures(text)
    assert first(text).category == "no_gpu_visible"


@pytest.mark.parametrize("line", [
    "GPU available: True (cuda), used: True",
    "Num GPUs Available:  2",
    "no compatible GPUs were excluded from the list",
])
def test_tools_that_found_gpus(line):
    assert Obs.GPU_NOT_SEEN.value not in signatures(line)


def test_a_mask_quoted_in_backticks_keeps_its_value():
    empty = parse("I ran `export CUDA_VISIBLE_DEVICES=` and now torch.cuda.is_available() is False")
    assert empty.container.cuda_visible_devices.kind == "empty"
    pair = parse("`CUDA_VISIBLE_DEVICES=0,1 python train.py` works fine")
    assert pair.container.cuda_visible_devices.indices == [0, 1]


# --- more wordings of shared memory and Fabric Manager failures ------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    ("OSError: [Errno 30] Read-only file system: '/dev/shm/sem.mp-4kx9'", "CC813"),
    ('  File "/opt/venv/lib/python3.11/multiprocessing/synchronize.py", line 57, in __init__\n'
     "    sl = self._semlock = _multiprocessing.SemLock(\n"
     "                         ^^^^^^^^^^^^^^^^^^^^^^^^^\nOSError: [Errno 38] Function not implemented", "CC813"),
])
def test_shared_memory_unusable(text, code):
    finding = first(text)
    assert finding.category == "shm_permission" and finding.code == code


def test_a_read_only_file_system_elsewhere_is_not_shm():
    assert Obs.SHM_FAILURE.value not in signatures("OSError: [Errno 30] Read-only file system: '/models/cache'")


@pytest.mark.parametrize("line", [
    "Nov 02 10:11:12 node7 systemd[1]: nvidia-fabricmanager.service: Main process exited, code=exited, "
    "status=1/FAILURE",
    "Fabric Manager version 550.54.15 is not compatible with the installed driver version 550.90.07",
])
def test_fabric_manager_failing_in_other_words(line):
    assert Obs.FABRICMANAGER_FAILED.value in signatures(line)
    assert first(line).category == "fabricmanager_missing"


# --- a CUDA image named outside a start command ----------------------------------------------------------------------
def test_a_named_ngc_image_gives_the_cuda_error_804_is_judged_against():
    text = ("Our Dockerfile starts FROM nvcr.io/nvidia/pytorch:24.01-py3; on the RTX 3090 box (host driver "
            "535.129.03) it fails with cudaErrorCompatNotSupportedOnDevice")
    [image] = [o for o in parse(text).observations if o.signature == Obs.IMAGE_CUDA.value]
    assert image.values["cuda"] == "12.3"
    assert first(text).category == "forward_compat_unsupported"  # 12.3 runs on 535 (12.2) by minor-version compat
    older = text.replace("535.129.03", "470.223.02")
    assert first(older).category == "driver_too_old"  # CUDA 12 on a CUDA 11 driver


def test_other_images_and_registries_are_not_cuda_images():
    for text in ("docker pull nvcr.io/nvidia/", "see https://hub.docker.com/r/nvidia/cuda/tags for tags",
                 "FROM python:3.11-slim"):
        assert not any(o.signature == Obs.IMAGE_CUDA.value for o in parse(text).observations)


# --- the stub libcuda, and a GPU the container toolkit does not know ----------------------------------------------
_STUB = "RuntimeError: Unexpected error from cudaGetDeviceCount(). Error 34: CUDA driver is a stub library"


def test_a_stub_libcuda_on_a_host_is_a_loader_path_problem():
    text = "export LD_LIBRARY_PATH=/usr/local/cuda-12.4/lib64/stubs:$LD_LIBRARY_PATH\n" + _STUB
    finding = first(text)
    assert finding.category == "lib_path_conflict" and finding.code == "CC811"
    assert "container.env.LD_LIBRARY_PATH" in finding.evidence


def test_a_stub_libcuda_in_a_container_started_without_gpus_means_no_driver_was_put_in():
    finding = first("docker run --rm -it myimage python train.py\n" + _STUB)
    assert finding.category == "no_gpu_visible" and finding.code == "CC804"


def test_a_stub_libcuda_in_a_container_whose_start_is_not_shown_is_a_loader_path_problem():
    """Error 34 means the stub is on the loader path: without the NVIDIA runtime the same image says "no driver"."""
    finding = first("root@4b1d2c3e9f00:/app# python train.py\n" + _STUB)
    assert finding.category == "lib_path_conflict" and finding.code == "CC811"


def test_a_gpu_the_container_toolkit_does_not_know():
    text = ("docker run --rm --gpus '\"device=2\"' nvidia/cuda:12.4.1-base-ubuntu22.04 nvidia-smi\n"
            "nvidia-container-cli: device error: 2: unknown device: unknown.")
    finding = first(text)
    assert finding.category == "no_gpu_visible" and finding.code == "CC804" and "(2)" in finding.title


@pytest.mark.parametrize("line", ["OSError: [Errno 34] Result too large", "exit code 34 from the linter"])
def test_other_34s_are_not_the_stub(line):
    assert Obs.CUDA_STUB_LIBRARY.value not in signatures(line)


# --- a fix that gives the container GPU access ------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Solved: I had to add `nvidia.com/gpu: 1` under resources.limits of the inference deployment.",
    "After adding --gpus all to my docker run line the model loads on cuda:0.",
    "Adding runtime: nvidia to the compose service fixed it.",
])
def test_a_fix_that_gives_gpu_access(text):
    assert Obs.GPU_ACCESS_FIX_STATED.value in signatures(text)
    finding = first(text)
    assert finding.category == "no_gpu_visible" and finding.certainty == "possible" and finding.severity == "warning"


@pytest.mark.parametrize("text", [
    "I run it with docker run --gpus all and nvidia-smi works, the training itself is slow.",
    "Our chart sets nvidia.com/gpu: 1 for every worker.",
])
def test_gpu_access_that_was_there_all_along(text):
    assert Obs.GPU_ACCESS_FIX_STATED.value not in signatures(text)


# --- the driver's CUDA in CUDA's own terms; the kernel module in sentences ---------------------------------------------
@pytest.mark.parametrize("text, cuda", [
    ("  CUDA Driver Version / Runtime Version          11.4 / 11.4\n  CUDA Capability Major/Minor version number:    8.6",
     "11.4"),
    ("CUDA driver version: 12020", "12.2"),
    ("The installed CUDA driver is: 11.8", "11.8"),
])
def test_the_drivers_cuda_stated_in_cudas_terms(text, cuda):
    assert parse(text).cuda_driver.driver_version == cuda


@pytest.mark.parametrize("text", ["CUDA driver version is 535 and toolkit 12.2", "CUDA driver version: 550.54.14"])
def test_a_driver_number_is_not_the_drivers_cuda(text):
    assert parse(text).cuda_driver.driver_version is None


def test_the_drivers_cuda_against_the_build():
    finding = first("CUDA driver version: 11040\npytorch 2.2.0+cu121, torch.cuda.is_available() is False")
    assert finding.category == "driver_too_old"


@pytest.mark.parametrize("text, category", [
    ("$ lsmod | grep nvidia returns nothing, nvidia-smi hangs", "driver_not_loaded"),
    ("nvidia-smi says version mismatch since the driver update this morning", "driver_library_mismatch"),
    ("The driver version mismatch between the kernel module (550.54.14) and libnvidia-ml (550.90.07) breaks CUDA",
     "driver_library_mismatch"),
])
def test_the_kernel_module_in_sentences(text, category):
    assert first(text).category == category


@pytest.mark.parametrize("line", ["lsmod | grep nvidia shows nvidia_uvm, nvidia_drm and nvidia loaded",
                                  "CUDA version mismatch between torch and nvcc"])
def test_the_kernel_module_fine_in_sentences(line):
    names = signatures(line)
    assert Obs.KERNEL_MODULE_FAILED.value not in names and Obs.NVML_VERSION_MISMATCH.value not in names


@pytest.mark.parametrize("text", [
    "I updated the nvidia driver yesterday but haven't rebooted yet; torch.cuda.is_available() is False now",
    "After upgrading the driver to 560 (without a reboot) every CUDA call fails",
])
def test_a_driver_update_without_a_reboot(text):
    finding = first(text)
    assert finding.category == "driver_library_mismatch" and finding.certainty == "possible"


@pytest.mark.parametrize("text", ["I installed the driver and rebooted, it works now",
                                  "Please reboot after you install the driver."])
def test_a_driver_update_with_a_reboot(text):
    finding = first(text)
    assert finding is None or finding.category != "driver_library_mismatch"


# --- a container named in other words ---------------------------------------------------------------------------------
_NO_DRIVER = "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU"


@pytest.mark.parametrize("where", [
    "We run the service in Docker on an RTX A5000 box.",
    "I pulled the official docker image yesterday.",
    "Docker Desktop 4.30 on Windows 11 with WSL2 backend",
    "The app is dockerized with a multi-stage build.",
    "Image: quay.io/myorg/infer:1.4.2-cuda12",
    "The job runs under Singularity on the cluster's GPU partition.",
    "apptainer build train.sif train.def worked fine",
])
def test_a_container_named_in_other_words(where):
    assert parse(where).container.in_container is True
    assert first(where + "\n" + _NO_DRIVER).category == "no_gpu_visible"


@pytest.mark.parametrize("where", [
    "I installed docker but do not use it for this; plain conda env on Ubuntu 22.04",
    "See the Docker docs for the toolkit.",
    "Ubuntu 22.04, RTX 3060, fresh install",
])
def test_no_container_in_these_words(where):
    assert parse(where).container.in_container is not True
    assert first(where + "\n" + _NO_DRIVER).category == "driver_not_loaded"


# --- other programs saying the driver is older than what they need ----------------------------------------------------
@pytest.mark.parametrize("text, cuda, driver", [
    ("Error: CUDA driver version (11.2) is older than the CUDA runtime version (11.8). Aborting.", "11.2", None),
    ("Detected CUDA driver version 11.4 is lower than the runtime version 12.1", "11.4", None),
    ("Sorry, your NVIDIA driver does not support CUDA 12.4 yet", None, None),
    ("This release requires NVIDIA driver >= 525.60.13, you have 470.223.02", None, "470.223.02"),
])
def test_driver_older_in_other_programs_words(text, cuda, driver):
    snapshot = parse(text)
    assert snapshot.cuda_driver.driver_version == cuda
    assert snapshot.nvml.driver_version == driver
    finding = first(text)
    assert finding.category == "driver_too_old" and finding.code in ("CC801", "CC210")


@pytest.mark.parametrize("line", [
    "my GPU is older than the one in the tutorial",
    "the cuDNN runtime version is lower than the compiled one",
    "The driver supports CUDA 12.4 and the runtime is 12.1, which is fine",
])
def test_nothing_older_about_the_driver(line):
    assert Obs.DRIVER_OLDER_STATED.value not in signatures(line)


def test_a_linux_container_on_a_mac_expects_no_gpu():
    text = ("pip install torch inside a python:3.11 docker image on my MacBook Pro M2; torch.cuda.is_available() "
            "is False, as expected")
    assert parse(text).container.in_container is True
    finding = first(text)
    assert finding is None or finding.severity != "error"


def test_docker_used_elsewhere_is_not_where_the_program_runs():
    assert parse("We use docker for deployment only; this runs on the host.").container.in_container is not True


# --- NVML denied the GPU; the container runtime not installed ---------------------------------------------------------
def test_nvml_without_permission_on_the_device_nodes():
    finding = first("$ podman run --rm --device nvidia.com/gpu=all ubuntu nvidia-smi\n"
                    "Failed to initialize NVML: Insufficient Permissions")
    assert finding.category == "no_gpu_visible" and finding.certainty == "possible" and "/dev/nvidia" in finding.title


def test_wsl_blocking_gpu_access():
    finding = first("Failed to initialize NVML: GPU access blocked by the operating system")
    assert finding.category == "no_gpu_visible" and "WSL" in finding.title


@pytest.mark.parametrize("line", [
    'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: unable to retrieve '
    'OCI runtime error: exec: "nvidia-container-runtime": executable file not found in $PATH: unknown.',
    'caused \\\\\\"error running hook: exit status 1, stdout: , stderr: exec: \\\\\\"nvidia-container-runtime-hook'
    '\\\\\\": executable file not found in $PATH\\\\n\\\\\\"\\"": unknown.',
])
def test_the_container_runtime_not_installed(line):
    assert Obs.DOCKER_UNKNOWN_RUNTIME.value in signatures(line)
    assert first(line).category == "no_gpu_visible"


def test_the_container_runtime_installed():
    assert Obs.DOCKER_UNKNOWN_RUNTIME.value not in signatures(
        "ii  nvidia-container-runtime  3.14.0-1  all  NVIDIA container runtime")


# --- the requirement check skipped as the fix --------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Setting NVIDIA_DISABLE_REQUIRE=1 makes the container start on the WSL2 box.",
    "Workaround: pass -e NVIDIA_DISABLE_REQUIRE=true to docker run.",
])
def test_the_requirement_check_skipped_as_the_fix(text):
    finding = first(text)
    assert finding.category == "container_requirement_unsatisfied" and finding.certainty == "possible"


def test_the_requirement_check_named_without_a_fix():
    assert first("What does NVIDIA_DISABLE_REQUIRE do? The docs are unclear.") is None


@pytest.mark.parametrize("sentence, indices", [
    ("The scheduler sets CUDA_VISIBLE_DEVICES to 1 for my job", [1]),
    ("CUDA_VISIBLE_DEVICES was set to 2,3 by the launcher", [2, 3]),
])
def test_a_mask_of_indices_said_in_a_sentence(sentence, indices):
    assert parse(sentence).container.cuda_visible_devices.indices == indices


def test_a_mask_index_beyond_the_gpus_the_paste_shows():
    text = ("| NVIDIA-SMI 550.54.14   Driver Version: 550.54.14   CUDA Version: 12.4 |\n"
            "|   0  NVIDIA GeForce RTX 4090    Off | 00000000:01:00.0 Off |                  Off |\n"
            "The scheduler sets CUDA_VISIBLE_DEVICES to 1 for my job\nRuntimeError: No CUDA GPUs are available")
    finding = first(text)
    assert finding.category == "no_gpu_visible" and finding.code == "CC105"


def test_a_count_of_gpus_is_not_a_mask():
    assert parse("We limit CUDA_VISIBLE_DEVICES to 2 GPUs per job").container.cuda_visible_devices is None


# --- CUDA unavailable, no torch build shown: the CUDA an install command asked for decides -------------------------
_UNAVAILABLE_AFTER_INSTALL = ("GPU: NVIDIA GeForce RTX 3090\nGPU Driver Version: 465.19.01\n"
                              "`conda install pytorch torchvision pytorch-cuda={cuda} -c pytorch -c nvidia`\n"
                              "$ python -c \"import torch; print(torch.cuda.is_available())\"\nFalse")


def test_a_driver_that_runs_the_cuda_build_asked_for_is_not_blamed():
    finding = first(_UNAVAILABLE_AFTER_INSTALL.format(cuda="11.7"))  # 465 runs CUDA 11.x (minor-version compat)
    assert finding.code == "CC827" and finding.category == "cpu_only_torch"


def test_a_driver_too_old_for_the_cuda_build_asked_for_is_the_likely_cause():
    finding = first(_UNAVAILABLE_AFTER_INSTALL.format(cuda="12.1"))
    assert finding.code == "CC827" and finding.category == "driver_too_old" and "CUDA 12.1 build" in finding.title


_TF_PROBE = ("W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
             "'libcuda.so.1'; dlerror: libcuda.so.1: cannot open shared object file: No such file or directory")


def test_a_probe_warning_alone_is_no_broken_driver():
    """TensorFlow and torch warn so on every machine without a driver and go on on the CPU."""
    for text in (_TF_PROBE + "\nThe test fails with AssertionError: expected 3 got 4",
                 "UserWarning: CUDA initialization: Found no NVIDIA driver on your system. Please check that you have "
                 "an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx"):
        found = [f for f in triage(text).findings if f.code == "CC802"]
        assert [(f.severity, f.certainty) for f in found] == [("warning", "possible")]


@pytest.mark.parametrize("also", ["I want to train on my RTX 3090 but TensorFlow does not use it",
                                  ">>> torch.cuda.is_available()\nFalse"])
def test_the_same_warning_where_the_gpu_is_wanted_is_the_error(also):
    found = [f for f in triage(_TF_PROBE + "\n" + also).findings if f.code == "CC802"]
    assert [f.severity for f in found] == ["error"]


def test_nvidia_smi_failing_on_a_machine_said_to_have_no_gpu_is_the_expected_state():
    text = ("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"
            "Our CI has no GPU, we only run the CPU tests.")
    found = [f for f in triage(text).findings if f.code == "CC102"]
    assert [f.severity for f in found] == ["info"]
    plain = [f for f in triage(text.split("\n")[0]).findings if f.code == "CC102"]
    assert [f.severity for f in plain] == ["error"]  # the control: nothing says there is no GPU


_TF_CUDART = ("W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
              "'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or "
              "directory\nI tensorflow/stream_executor/cuda/cudart_stub.cc:29] Ignore above cudart dlerror if you do "
              "not have a GPU set up on your machine.")


def test_a_cuda_library_missing_only_in_a_probe_warning_is_no_library_conflict():
    found = [f for f in triage(_TF_CUDART + "\nKeyError: 'label'").findings if f.code == "CC811"]
    assert [(f.severity, f.certainty) for f in found] == [("warning", "possible")]
    wanted = [f for f in triage(_TF_CUDART + "\nTensorFlow does not use my RTX 3090").findings if f.code == "CC811"]
    assert [f.severity for f in wanted] == ["error"]  # the GPU is meant to be used: the missing library is the fault
