"""Situations, not strings: the same symptom means a different cause in a container, a pod, WSL, a VM, a Slurm
job or on a plain host. Texts written here in the style of real reports."""
import pytest

from cudacheck.observations import Obs
from cudacheck.triage import parse

from paste_findings import first


def observed(text, obs):
    return [o for o in parse(text).observations if o.signature == obs]


@pytest.mark.parametrize("text, category", [
    # a container started without GPUs, or that lost them
    ("root@3f2a9c1b7d4e:/workspace# nvidia-smi\nbash: nvidia-smi: command not found", "no_gpu_visible"),
    ("Inside the container nvidia-smi is missing and torch.cuda.is_available() returns False", "no_gpu_visible"),
    ("(container) $ nvidia-smi\nFailed to initialize NVML: Unknown Error", "no_gpu_visible"),
    ("singularity exec pytorch.sif python -c 'import torch; print(torch.cuda.is_available())'\nFalse",
     "no_gpu_visible"),
    ("docker run --device /dev/nvidia0 --device /dev/nvidiactl -it cuda-app\n"
     "cudaGetDeviceCount returned 35\n-> CUDA driver version is insufficient for CUDA runtime version", "no_gpu_visible"),
    ("lxc exec ml -- python3 -c 'import torch; torch.zeros(1).cuda()'\ncudaGetDeviceCount returned 30", "no_gpu_visible"),
    # a pod
    ("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: trainer\n    image: pytorch/pytorch:2.4.0-cuda12.1-"
     "cudnn9-runtime\nRuntimeError: Found no NVIDIA driver on your system.", "no_gpu_visible"),
    ("k3s cluster, GPU operator v24.3\nCUDA error: CUDA driver version is insufficient for CUDA runtime version",
     "no_gpu_visible"),
    # WSL
    ("Linux DESKTOP 5.15.153.1-microsoft-standard-WSL2 #1 SMP x86_64\n$ nvidia-smi\nNVIDIA-SMI has failed because it "
     "couldn't communicate with the NVIDIA driver.", "no_gpu_visible"),
    ("Ubuntu on WSL1 (kernel 4.4.0-19041-Microsoft)\nRuntimeError: No CUDA GPUs are available", "no_gpu_visible"),
    # a virtual machine, a cluster job
    ("Running Ubuntu in a VirtualBox VM.\nUserWarning: CUDA initialization: CUDA driver initialization failed, you "
     "might not have a CUDA gpu.", "no_gpu_visible"),
    ("[me@login01 ~]$ nvidia-smi\n-bash: nvidia-smi: command not found\n(this is the login node of our cluster)",
     "no_gpu_visible"),
    ("#SBATCH --partition=gpu\n#SBATCH --time=2:00:00\nsrun python train.py\nRuntimeError: No CUDA GPUs are available",
     "no_gpu_visible"),
    # a plain host whose driver is not loaded
    ("$ nvidia-smi\nNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n$ uname -r\n"
     "6.8.0-45-generic", "driver_not_loaded"),
    ("Error! Bad return status for module build on kernel: 6.11.0-8-generic (x86_64)\n"
     "Consult /var/lib/dkms/nvidia/550.107.02/build/make.log for more information.", "driver_not_loaded"),
    ("I can't load the nvidia module because nouveau is always loaded after the upgrade", "driver_not_loaded"),
    # uvm alone
    ("$ sudo nvidia-modprobe -u -c=0\nmodprobe: FATAL: Module nvidia-uvm not found.\ncuInit failed: unknown",
     "no_gpu_visible"),
])
def test_the_situation_decides_the_cause(text, category):
    finding = first(text)
    assert finding is not None and finding.category == category, (finding.code, finding.title) if finding else None


@pytest.mark.parametrize("text", [
    "nvidia-smi works fine on the host and in the container",
    "We deploy with Kubernetes; the pod runs on CPU nodes by design.",
    "Tested on WSL2 with an RTX 4070, everything works.",
    "srun --gres=gpu:1 python train.py finished in 2 hours",
])
def test_a_situation_alone_is_no_diagnosis(text):
    assert first(text) is None


def test_situation_facts_and_values():
    s = parse("Linux 5.15.0-microsoft-standard-WSL2")
    assert s.container.runtime == "wsl" and observed("WSL1 Ubuntu", Obs.WSL)[0].values["version"] == "1"
    pod = observed("kind: Pod\nresources:\n  limits:\n    nvidia.com/gpu: 1\nruntimeClassName: nvidia",
                   Obs.KUBERNETES_POD)[0]
    assert pod.values["gpu_limit"] == "yes" and pod.values["runtime_class"] == "nvidia"
    assert parse("kind: Pod\nkubectl describe pod x").container.runtime == "kubernetes"
    slurm = observed("#SBATCH --gres=gpu:2\n#SBATCH --gpus-per-task=1", Obs.SLURM)[0]
    assert slurm.values["gpus_requested"] == "yes" and slurm.values["gpus_per_task"] == "yes"
    assert parse("Environment location: Bare-metal").container.in_container is False
    assert observed("apptainer run --nv image.sif", Obs.CONTAINER_MARKER)[0].values["gpu_access"] == "yes"


def test_device_node_listings_become_facts():
    listing = ("$ ls -l /dev/nvidia*\ncrw-rw-rw- 1 root root 195,   0 Mar  1 10:00 /dev/nvidia0\n"
               "crw-rw-rw- 1 root root 195, 255 Mar  1 10:00 /dev/nvidiactl\n")
    assert parse(listing).container.dev_nodes == ["/dev/nvidia0", "/dev/nvidiactl"]
    assert parse("ls: cannot access '/dev/nvidia*': No such file or directory").container.dev_nodes == []
    assert parse("I looked at /dev/nvidia0 yesterday").container.dev_nodes is None


@pytest.mark.parametrize("text", [
    "$ ls -ld /dev/shm\ndrwxr-xr-x 2 root root 40 Jan  5 09:12 /dev/shm",
    "shm /dev/shm tmpfs rw,nosuid,nodev,relatime,size=65536k,mode=755 0 0",
    "It turns out /dev/shm is mounted with mode 755 on this host",
])
def test_shm_without_write_access_is_a_fact(text):
    s = parse(text)
    assert s.container.shm.writable is False
    assert first(text).category == "shm_permission"


def test_a_world_writable_shm_is_not_a_finding():
    s = parse("$ ls -ld /dev/shm\ndrwxrwxrwt 2 root root 40 Jan  5 09:12 /dev/shm")
    assert s.container.shm is None


def test_804_on_a_known_host_is_a_driver_library_mismatch():
    finding = first("Environment location: Bare-metal\ncudaErrorCompatNotSupportedOnDevice: forward compatibility "
                    "was attempted on non supported HW")
    assert finding.category == "driver_library_mismatch" and finding.code == "CC803"


@pytest.mark.parametrize("text", [
    "RuntimeError: No CUDA GPUs are available\nRunning the notebook on Google Colab",
    "Kaggle notebook: torch.cuda.is_available() returns False",
])
def test_a_hosted_notebook_without_a_gpu_runtime(text):
    finding = first(text)
    assert finding.category == "no_gpu_visible" and "runtime" in finding.remedy


def test_a_notebook_that_has_its_gpu_is_no_finding():
    assert first("Google Colab, T4 runtime; training runs fine") is None


@pytest.mark.parametrize("text, category", [
    ("        HW Slowdown                       : Active", "gpu_health"),
    ("Xid 79 again on GPU 2 this morning", "gpu_health"),
    ("dmesg shows a double-bit ECC error on the A100", "gpu_health"),
    ("the GPU falls off the bus under load", "gpu_health"),
])
def test_gpu_health_however_reported(text, category):
    assert first(text).category == category


@pytest.mark.parametrize("text", ["xid=42 in my own log format", "        HW Slowdown                       : Not Active"])
def test_gpu_health_near_misses(text):
    assert first(text) is None


@pytest.mark.parametrize("text", [
    "Docker 容器里识别不到GPU，torch.cuda.is_available() 返回 False",
    "コンテナ内でGPUが認識されない",
    "컨테이너에서 GPU를 인식하지 못합니다",
    "Контейнер не видит GPU",
    "docker: mi contenedor no detecta la GPU",
])
def test_a_container_without_a_gpu_in_other_languages(text):
    assert first(text).category == "no_gpu_visible"


@pytest.mark.parametrize("text, category", [
    ("nvidia-smi hangs forever on node 7", "gpu_health"),
    ("Xid 154 on GPU 5: GPU recovery action changed to Drain and Reset", "gpu_health"),
    ("Xid 13 reported while my kernel ran", None),  # graphics engine exceptions come from the program
])
def test_which_xids_are_health(text, category):
    finding = first(text)
    assert (finding.category if finding else None) == category


def test_a_compose_service_that_asks_for_no_gpu():
    text = ("services:\n  app:\n    image: myorg/trainer:latest\n    command: python train.py\n\n"
            "inside the container torch.cuda.is_available() returns False")
    finding = first(text)
    assert finding.category == "no_gpu_visible" and finding.title == "The container was started without GPU access"


def test_a_compose_service_with_a_gpu_reservation_is_not_started_without_one():
    text = ("services:\n  app:\n    image: myorg/trainer:latest\n    deploy:\n      resources:\n        reservations:\n"
            "          devices:\n            - driver: nvidia\n              capabilities: [gpu]\n")
    assert first(text) is None
