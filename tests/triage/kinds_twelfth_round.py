"""Kinds of evidence a twelfth round found missing. Each kind fires on its wording and stays silent on a near miss
(tables read by test_kinds.py). Texts written here in the style of real reports."""
from cudacheck.observations import Obs

# --- what each wording leads with: (text, the first finding's category, words its title holds) -------------------
LEADS = [
    # a runtime symbol missing from torch's own library, the symbol wrapped onto a line of its own: an older
    # libcudart (a distribution's CUDA toolkit) was loaded instead of the wheel's
    ("ImportError: /venv/lib/python3.12/site-packages/torch/lib/libc10_cuda.so: undefined symbol:\n"
     "    cudaGetDriverEntryPointByVersion, version libcudart.so.12", "lib_path_conflict",
     "cudaGetDriverEntryPointByVersion"),
    # the docker client, not the daemon, predates --gpus
    ("$ sudo docker run --gpus all nvidia/cuda:12.2.0-base-ubuntu22.04 nvidia-smi\nunknown flag: --gpus\n"
     "See 'docker run --help'.", "config", "older than the --gpus option"),
    # docker 17/18's wording for a runtime it does not know
    ("docker: Error response from daemon: Unknown runtime specified nvidia.", "no_gpu_visible", "Container Toolkit"),
    # the same with daemon.json said to be edited: the daemon was not restarted
    ("I added the runtime in daemon.json but still get: Unknown runtime specified nvidia", "config",
     "has not loaded the nvidia runtime"),
    # CUDA_VISIBLE_DEVICES said to have no effect, in other words and languages
    ("Since upgrading, ollama ignores CUDA_VISIBLE_DEVICES and loads the model on the first GPU", "config",
     "CUDA_VISIBLE_DEVICES"),
    ("我已经尝试过在环境变量添加CUDA_VISIBLE_DEVICES=0,1\n但是也并不生效", "config", "CUDA_VISIBLE_DEVICES"),
    # the machine going down under training load
    ("It runs for a few iterations until it crashes and reboots the server.", "gpu_health", "hardware"),
    ("Every time i run the train.py, my computer restarts, while test.py is fine.", "gpu_health", "hardware"),
    # the writer retelling a capability check
    ("Now I know the error says that my Cuda Capability is below 8.9, on my 3090", "capability_missing",
     "≥ 8.9"),
    # what a failing card shows outside CUDA
    ("Device Manager shows the GTX 1080 with a yellow mark: Windows has stopped this device because it has reported "
     "problems. (Code 43)", "gpu_health", "hardware"),
    ("the card is artifacting in games too, and the training produces NaN after a while", "gpu_health", "hardware"),
    ("I swapped the GPU into another slot and now it works. In the old slot training crashed with CUDA error: "
     "unspecified launch failure", "gpu_health", "hardware"),
    # a cuDNN sub-library's vtable symbol missing, the library loaded from a CUDA toolkit's folder
    ("Could not load library libcudnn_cnn_train.so.8. Error: /usr/local/cuda-11.2/lib64/libcudnn_cnn_train.so.8: "
     "undefined symbol: _ZTVN5cudnn3cnn34EngineConfigurationMemorySpecificInE, version libcudnn_cnn_infer.so.8",
     "lib_path_conflict", "another version"),
    # NCCL's network named as the fix; a docker-compose too old for GPU reservations
    ("The multi-node training hangs at init_process_group. Setting NCCL_SOCKET_IFNAME=bond0 fixed it.", "config",
     "network"),
    ("docker-compose version 1.25.0\nservices:\n  app:\n    image: app\n    deploy:\n      resources:\n"
     "        reservations:\n          devices:\n            - driver: nvidia\n              capabilities: [gpu]\n"
     "The container does not see the GPU.", "config", "docker-compose"),
    # torch's ROCm build on a machine with an NVIDIA GPU
    ("gpu=\"Nvidia T4\"\nRuntimeError: No HIP GPUs are available", "cpu_only_torch", "ROCm build"),
    # nvidia-smi in a container without a CUDA version: the runtime gave it `utility`, not `compute`
    ("I got nvidia-smi to work inside my container, but the cuda version was n/a and torch.cuda.is_available() "
     "would be False.", "no_gpu_visible", "not the CUDA driver library"),
    # FlashAttention's bare architecture check on a Volta GPU
    ("RuntimeError: Expected is_sm90 || is_sm8x || is_sm75 to be true, but got false.\nGPU: Tesla V100-SXM2-32GB",
     "capability_missing", "≥ 7.5"),
    # DataLoader workers that hang in a pod while num_workers=0 runs: the pod's 64 MiB /dev/shm
    ("The training freezes when num_workers > 0 inside the kubernetes pod; with num_workers=0 it runs fine.",
     "shm_too_small", "/dev/shm"),
    # a build step looking for the GPU: docker build runs steps without the NVIDIA runtime
    ("Step 5/12 : RUN nvidia-smi\n ---> Running in 3f2a\n/bin/sh: 1: nvidia-smi: not found", "no_gpu_visible",
     "image build"),
    ("#12 [7/9] RUN python -c \"import bitsandbytes\"\n#12 3.22 libcuda.so.1: cannot open shared object file: No such "
     "file or directory\n#12 3.21 UserWarning: The installed version of bitsandbytes was compiled without GPU support.",
     "no_gpu_visible", "image build"),
    # a Pascal GPU whose kernels a stated release's newer-CUDA builds dropped (torch 2.7's cu128 dropped sm_61)
    ("Inference on the Tesla P40 fails with torch 2.7:\nCUDA error: no kernel image is available for execution on "
     "the device", "gpu_too_old_for_build", "too old"),
]

NOT_LEADS = [
    # two GPUs, one of which every current build still targets: the kernel error may be the newer GPU's
    ("GPUs: Tesla P4 and Tesla T4\nCUDA error: no kernel image is available for execution on the device",
     "gpu_too_old_for_build"),
    # a Jetson's torch is not an official build: its CUDA library says nothing of a second install
    ("My device is Jetson Nano, using JetPack4.3.\n>>> import torch\nTraceback (most recent call last):\n"
     "  File \"/home/dl/.local/lib/python3.6/site-packages/torch/__init__.py\", line 81, in <module>\n"
     "    from torch._C import *\nImportError: libcufft.so.10.0: cannot open shared object file: No such file or "
     "directory\n- PyTorch version:1.4.0", "multiple_torch_installs"),
    # a current docker-compose with the same reservation: the GPU request is understood
    ("docker-compose version 1.29.2\nservices:\n  app:\n    image: app\n    deploy:\n      resources:\n"
     "        reservations:\n          devices:\n            - driver: nvidia\n              capabilities: [gpu]\n"
     "The container does not see the GPU.", "config"),
    # the same lines from a container that runs: it got no GPU, not a build step
    ("docker run -it myimage bash\nroot@3f2a:/# nvidia-smi\nbash: nvidia-smi: command not found", "config"),
    # artifacts of an image, a slot of a job queue: no hardware
    ("the model output has artifacts after resizing the image", "gpu_health"),
    ("I moved the job to another slot of the queue and it still fails", "gpu_health"),
    # the ROCm build's words on an AMD machine: not an NVIDIA stack's fault
    ("RuntimeError: No HIP GPUs are available\nMy GPU is an AMD Radeon RX 7900 XTX", "cpu_only_torch"),
    # nvidia-smi on a host without a CUDA version: no container runtime to blame, no verdict
    ("| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: N/A      |", "no_gpu_visible"),
    # the same check on a GPU it accepts: the failure is elsewhere
    ("RuntimeError: Expected is_sm80 || is_sm90 to be true, but got false\nmy GPU is an RTX 4090",
     "capability_missing"),
    # the same comparison on a machine not shown to be a container: many causes, no verdict
    ("The training freezes when num_workers > 0; with num_workers=0 it runs fine.", "shm_too_small"),
    # the writer restarting the machine is no hardware sign
    ("I restart the machine and it works again for a while", "gpu_health"),
]

OBSERVED = [
    ("unknow runtime specified nvidia", Obs.DOCKER_UNKNOWN_RUNTIME),
    ("unknown flag: --gpus", Obs.DOCKER_GPUS_FLAG_UNKNOWN),
    ("I have also added the configuration in daemon.json", Obs.DAEMON_RUNTIME_CONFIGURED),
    ("CUDA_VISIBLE_DEVICES=1 が効かない", Obs.VISIBLE_DEVICES_IGNORED),
    # nvidia-smi's and docker's refusals retold
    ("nvidia-smi says no devices were found", Obs.SMI_NO_DEVICES),
    ("docker says could not select device driver with capabilities gpu", Obs.DOCKER_NO_GPU_DRIVER),
    ("error: sm_120 is not compatible with the current pytorch", Obs.GPU_NOT_COMPATIBLE),
    ("it says operator torchvision::nms doesn't exist", Obs.TORCHVISION_OP_MISSING),
    ("nvcc fatal: unsupported gpu architecture compute_120", Obs.NVCC_UNSUPPORTED_ARCH),
    # error 35 retold without its end
    ("it fails with: CUDA driver version is insufficient", Obs.INSUFFICIENT_DRIVER),
    # nvidia-smi's failure retold
    ("Can't install drivers. `nvidia-smi` cannot communicate with drivers.", Obs.SMI_CANNOT_COMMUNICATE),
    ("nvidia-smi could not communicate with the nvidia driver after the update", Obs.SMI_CANNOT_COMMUNICATE),
    ("os.environ['cuda_visible_devices'] does not have any effect", Obs.VISIBLE_DEVICES_IGNORED),
    ("I set os.environ['CUDA_VISIBLE_DEVICES'] = '2'. The program consistently uses cuda index 0",
     Obs.VISIBLE_DEVICES_IGNORED),
    ("the error says my compute capability is lower than 8.0", Obs.CAPABILITY_REQUIRED),
    # a machine without a GPU said so in CI's words
    ("This is a CPU-only CI runner.", Obs.NO_NVIDIA_GPU),
    ("$ docker buildx build -t app .", Obs.IMAGE_BUILD),
    # a worker killed by signal 7, as launchers report it
    ("torch.distributed.elastic.multiprocessing.api:failed (exitcode: -7) local_rank: 0 (pid: 1234) of binary: "
     "/usr/bin/python", Obs.BUS_ERROR),
    ("[launch.py:321:sigkill_handler] ['/usr/bin/python', '-u', 'train.py'] exits with return code = -7", Obs.BUS_ERROR),
    ("Signal 7 (SIGBUS) received by PID 1234", Obs.BUS_ERROR),
    ("export NCCL_IB_DISABLE=1 solved the hang", Obs.NCCL_NETWORK_FIX),
    ("ERROR: failed to solve: process \"/bin/sh -c pip install -r requirements.txt\" did not complete", Obs.IMAGE_BUILD),
]

NOT_OBSERVED = [
    ("docker run --gpus all works fine here", Obs.DOCKER_GPUS_FLAG_UNKNOWN),
    ("CUDA_VISIBLE_DEVICES=1 works and the job uses the second GPU", Obs.VISIBLE_DEVICES_IGNORED),
    ("with CUDA_VISIBLE_DEVICES=1 the program always uses the GPU I asked for", Obs.VISIBLE_DEVICES_IGNORED),
    # the capability is a number, not a version with three parts
    ("my compute capability is below 8.9.1 of the spec", Obs.CAPABILITY_REQUIRED),
    ("the CPU-only container works, the GPU one does not", Obs.NO_NVIDIA_GPU),
    ("I set NCCL_SOCKET_IFNAME=eth0 but it did not help", Obs.NCCL_NETWORK_FIX),
    ("I build the image with the Dockerfile below and run it with --gpus all", Obs.IMAGE_BUILD),
    ("failed (exitcode: -70) local_rank: 0", Obs.BUS_ERROR),
    ("after the reboot nvidia-smi can communicate with the driver again", Obs.SMI_CANNOT_COMMUNICATE),
    ('could not select device driver "cdi" with capabilities: []', Obs.DOCKER_NO_GPU_DRIVER),
    ("torchvision::nms exists after reinstalling", Obs.TORCHVISION_OP_MISSING),
    ("my_sm_120 is not compatible with the current pytorch", Obs.GPU_NOT_COMPATIBLE),
    ("exits with return code = -9", Obs.BUS_ERROR),
]

SILENT = [
    # one escaped line break is a program's text, not a message's lines
    ("printf(\"CUDA error: done\\n\")", "CC805"),
]
